"""A registry of named checks for what JSON Schema keywords cannot say.

Each check is a generator function ``fn(payload)`` yielding
``(json_pointer, message)`` findings, registered with an id and a severity.
Where it applies, and the document it rests on there, comes from the provider
specs: a shared rule applies to every provider whose spec lists it (in
``ProviderSpec.rules``, with that provider's sentence) or, for rules driven by
a spec's limits, to every provider whose spec has them (``applies=``). A
provider's own rule, registered from its folder, names its targets itself.
The `Payload` carries the provider, because one rule (say, "data: URI media
type") has provider-specific limits and field locations, read from the spec.

New checks are added by registering, never by editing a dispatch chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from vidukit.providers import specs
from vidukit.providers.spec import ProviderSpec
from vidukit.rules._payload import Payload
from vidukit.violations import Severity, Violation

Finding = tuple[str, str]
CheckFn = Callable[[Payload], Iterable[Finding]]
#: A spec -> the source of the rule for that provider, or None where it does not apply.
Applies = Callable[[ProviderSpec], str | None]
SUBMIT = "submit-request"


@dataclass(frozen=True)
class Rule:
    """One named check: its id, severity, where it comes from and where it applies."""

    id: str
    severity: Severity
    description: str
    fn: CheckFn
    #: Fixed (provider -> source) for a provider's own rule; None: read from the specs.
    fixed: Mapping[str, str] | None = None
    applies: Applies | None = None
    messages: tuple[str, ...] = (SUBMIT,)
    #: The check reads nothing but the body's inline ``data:`` references, so a body that
    #: holds none cannot fail it: validation skips it there (most bodies link by URL).
    inline_only: bool = False

    @cached_property
    def sources(self) -> Mapping[str, str]:
        """Provider -> the document this rule rests on for it."""
        if self.fixed is not None:
            return self.fixed
        applies = self.applies or (lambda s: s.rules.get(self.id))
        found = {pid: applies(s) for pid, s in specs().items()}
        return {pid: source for pid, source in found.items() if source is not None}

    @cached_property
    def targets(self) -> frozenset[tuple[str, str]]:
        return frozenset((p, m) for p in self.sources for m in self.messages)

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
    provider: str | None = None,
    source: str | None = None,
    applies: Applies | None = None,
    messages: Iterable[str] = (SUBMIT,),
    inline_only: bool = False,
) -> Callable[[CheckFn], CheckFn]:
    """Register *fn* as the named check *rule_id*; its docstring's first line describes it.

    A provider's own rule passes its *provider* id and *source*. A shared rule
    passes neither: it applies where a spec lists it in ``ProviderSpec.rules``, or
    where *applies* returns a source for the spec. *inline_only*: *fn* reads only
    ``payload.data_uris`` (see `Rule.inline_only`).
    """
    if (provider is None) != (source is None):
        raise ValueError(f"rule {rule_id!r}: a provider's own rule needs both provider and source")

    def register(fn: CheckFn) -> CheckFn:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        _RULES[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            description=(fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
            fn=fn,
            fixed=None if provider is None or source is None else {provider: source},
            applies=applies,
            messages=tuple(messages),
            inline_only=inline_only,
        )
        return fn

    return register


def all_rules() -> tuple[Rule, ...]:
    specs()  # loading the specs registers every provider's own rules
    return tuple(_RULES.values())


def get_rule(rule_id: str) -> Rule:
    specs()
    return _RULES[rule_id]


def checks_for(provider: str, message: str) -> tuple[BoundCheck, ...]:
    """The named checks that apply to *provider*'s *message*, bound to that provider."""
    return tuple(r.bind(provider) for r in all_rules() if (provider, message) in r.targets)
