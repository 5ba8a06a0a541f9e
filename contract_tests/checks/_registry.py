"""The registry of named checks: one signature, looked up and filtered by name.

A check is ``fn(ctx: CheckContext) -> Iterable[str]``: it yields one message per
problem it finds in one example, and nothing when it holds. Registering is the
only way to add one (``@check("name", "description")``); nothing dispatches on
names elsewhere, so a new check needs no edit to the harness or the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vidukit.errors import ToolkitError

if TYPE_CHECKING:
    from vidukit.contract_tests.checks._context import CheckContext

CheckFn = Callable[["CheckContext"], Iterable[str]]


class UnknownCheck(ToolkitError):
    """A check name that is not registered (a usage error: exit 2 from the CLI)."""

    def __init__(self, names: Sequence[str], known: Sequence[str]) -> None:
        super().__init__(
            f"unknown check(s) {', '.join(map(repr, names))}; known checks: {', '.join(known)}"
        )
        self.names = tuple(names)


@dataclass(frozen=True)
class Check:
    """A registered check: name, one-line description (docs/guide/verify.md), function.

    ``default`` checks run unless skipped; the others (``strict-retries``) run
    only when asked for by name or by the option that enables them.
    """

    name: str
    description: str
    fn: CheckFn
    default: bool = True

    def __call__(self, ctx: CheckContext) -> list[str]:
        return list(self.fn(ctx))


class Registry:
    """Checks in registration order (the order reports list them)."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, name: str, description: str, *, default: bool = True
                 ) -> Callable[[CheckFn], CheckFn]:
        def add(fn: CheckFn) -> CheckFn:
            if name in self._checks:
                raise ValueError(f"check {name!r} is already registered")
            self._checks[name] = Check(name, description, fn, default)
            return fn

        return add

    def names(self) -> tuple[str, ...]:
        return tuple(self._checks)

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def __getitem__(self, name: str) -> Check:
        return self._checks[name]

    def get_by_names(self, names: Iterable[str]) -> list[Check]:
        """The checks named, in registry order; `UnknownCheck` names every unknown one."""
        wanted = list(dict.fromkeys(names))
        unknown = [n for n in wanted if n not in self._checks]
        if unknown:
            raise UnknownCheck(unknown, self.names())
        return [c for c in self if c.name in wanted]

    def select(
        self,
        checks: Iterable[str] | None = None,
        skip: Iterable[str] = (),
        *,
        enable: Iterable[str] = (),
    ) -> list[Check]:
        """The checks to run: *checks* (default: every default check, plus *enable*), minus *skip*.

        Every name given is checked, including the skipped ones, so a typo is an
        error rather than a silently weaker run.
        """
        skipped = {c.name for c in self.get_by_names(skip)}
        if checks is None:
            extra = {c.name for c in self.get_by_names(enable)}
            chosen = [c for c in self if c.default or c.name in extra]
        else:
            chosen = self.get_by_names(checks)
        return [c for c in chosen if c.name not in skipped]


REGISTRY = Registry()
check = REGISTRY.register

__all__ = ["REGISTRY", "Check", "CheckFn", "Registry", "UnknownCheck", "check"]
