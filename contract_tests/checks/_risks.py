"""Risks: what a check sees and reports without failing the run.

Some client behaviour is neither right nor wrong on every provider: resubmitting after a
submit whose answer was lost may pay twice, but where the provider documents no way to
find out what the lost submit did, not resubmitting may lose the request. A check that
meets such a trade-off registers a risk function beside itself (``@risk("check-name")``);
the harness runs the risks of the selected checks on every example and lists what they
found under the verdict, and an option (``--strict-charges``) turns them into failures of
the check itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vidukit.contract_tests.checks._context import CheckContext

RiskFn = Callable[["CheckContext"], Iterable[str]]

#: Check name -> the risk function reported with it.
RISKS: dict[str, RiskFn] = {}


def risk(check_name: str) -> Callable[[RiskFn], RiskFn]:
    """Register the decorated function as the risks *check_name* reports without failing."""
    def add(fn: RiskFn) -> RiskFn:
        if check_name in RISKS:
            raise ValueError(f"check {check_name!r} already has a risk function")
        RISKS[check_name] = fn
        return fn

    return add


def find_risks(checks: Sequence[str], ctx: CheckContext) -> list[tuple[str, str]]:
    """(check name, message) for every risk the selected *checks* see in *ctx*."""
    return [(name, message) for name in checks if name in RISKS
            for message in RISKS[name](ctx)]


__all__ = ["RISKS", "RiskFn", "find_risks", "risk"]
