"""A registry of named checks for what JSON Schema keywords cannot say.

Each check is a function from a payload to ``(json_pointer, message)`` findings,
registered with an id, a severity, the document it comes from and the
(provider, message) pairs it applies to. New checks are added by registering,
never by editing a dispatch chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from vidukit.violations import Severity, Violation

Finding = tuple[str, str]
CheckFn = Callable[[Any], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    source: str
    targets: frozenset[tuple[str, str]]
    description: str
    fn: CheckFn

    def __call__(self, instance: Any) -> list[Violation]:
        return [
            Violation(path=path, rule=self.id, message=message, source=self.source,
                      severity=self.severity)
            for path, message in self.fn(instance)
        ]


_RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: Severity,
    source: str,
    targets: Iterable[tuple[str, str]],
) -> Callable[[CheckFn], CheckFn]:
    """Register *fn* as the named check *rule_id*; its docstring is its description."""

    def register(fn: CheckFn) -> CheckFn:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        _RULES[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            source=source,
            targets=frozenset(targets),
            description=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
            fn=fn,
        )
        return fn

    return register


def all_rules() -> tuple[Rule, ...]:
    return tuple(_RULES.values())


def checks_for(provider: str, message: str) -> tuple[Rule, ...]:
    return tuple(r for r in _RULES.values() if (provider, message) in r.targets)
