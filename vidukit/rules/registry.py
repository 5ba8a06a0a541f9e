"""A registry of named checks for what JSON Schema keywords cannot say.

Each check is a generator function ``fn(payload)`` yielding
``(json_pointer, message)`` findings, registered with an id, a severity, the
document it comes from and the (provider, message) pairs it applies to. The
`Payload` carries the provider, because one rule (say, "data: URI media
type") has provider-specific limits and field locations; those live in the
rule's module as data keyed by provider, not as one function per provider.
It also caches the views of the body several checks share.

New checks are added by registering, never by editing a dispatch chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vidukit.rules._payload import Payload
from vidukit.violations import Severity, Violation

Finding = tuple[str, str]
CheckFn = Callable[[Payload], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One named check: its id, severity, where it comes from and where it applies."""

    id: str
    severity: Severity
    sources: Mapping[str, str]
    targets: frozenset[tuple[str, str]]
    description: str
    fn: CheckFn

    def source_for(self, provider: str) -> str:
        return self.sources[provider]

    def check(self, instance: Any, provider: str) -> list[Violation]:
        return self.bind(provider)(Payload(instance, provider))

    def bind(self, provider: str) -> BoundCheck:
        return BoundCheck(self, provider, self.source_for(provider))


@dataclass(frozen=True, slots=True)
class BoundCheck:
    """A rule applied to one provider: what a message validator runs."""

    rule: Rule
    provider: str
    source: str

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def __call__(self, payload: Payload) -> list[Violation]:
        rule = self.rule
        return [
            Violation(path=path, rule=rule.id, message=message, source=self.source,
                      severity=rule.severity)
            for path, message in rule.fn(payload)
        ]

    def fails(self, payload: Payload) -> bool:
        """True at the first finding; the hot path never builds a report."""
        found: Iterator[Finding] = iter(self.rule.fn(payload))
        return next(found, None) is not None


_RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: Severity,
    source: str | Mapping[str, str],
    targets: Iterable[tuple[str, str]],
) -> Callable[[CheckFn], CheckFn]:
    """Register *fn* as the named check *rule_id*; its docstring's first line describes it.

    *source* is one document for every target, or a mapping from provider to the
    document the rule comes from for that provider (a rule shared by providers
    often rests on a different sentence for each).
    """

    def register(fn: CheckFn) -> CheckFn:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        target_set = frozenset(targets)
        providers = {p for p, _ in target_set}
        sources = dict.fromkeys(providers, source) if isinstance(source, str) else dict(source)
        missing = providers - sources.keys()
        if missing:
            raise ValueError(f"rule {rule_id!r} has no source for {sorted(missing)}")
        _RULES[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            sources=sources,
            targets=target_set,
            description=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
            fn=fn,
        )
        return fn

    return register


def all_rules() -> tuple[Rule, ...]:
    return tuple(_RULES.values())


def get_rule(rule_id: str) -> Rule:
    return _RULES[rule_id]


def checks_for(provider: str, message: str) -> tuple[BoundCheck, ...]:
    """The named checks that apply to *provider*'s *message*, bound to that provider."""
    return tuple(r.bind(provider) for r in _RULES.values() if (provider, message) in r.targets)
