"""What a drift check found, as plain data shared by the probe, the proxy and the renderers.

A `Finding` is one difference between what a provider did and what the catalogue
says, at one place of one message, counted over every exchange that showed it:
the same new field in forty polls is one finding seen forty times, not forty.

Severities answer "what should a team do": ``breaking`` means a client written
to the schemas could fail (a required field gone, a type changed, an unknown
status word, a lifecycle that goes backwards); ``notable`` means the provider
offers something new the schemas do not know (a field, an enum value, a request
accepted that the schema forbids); ``info`` is context (timings far from the
mock's defaults).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["breaking", "notable", "info"]
SEVERITIES: tuple[Severity, ...] = ("breaking", "notable", "info")
#: ``--fail-on`` choices: a level fails the run when a finding at or above it exists.
FAIL_ON_CHOICES: tuple[str, ...] = ("breaking", "notable", "info", "never")
_RANK: Mapping[str, int] = {"breaking": 0, "notable": 1, "info": 2}

#: Every finding kind, with its severity and what it means (docs/guide/drift.md prints this
#: table). A kind never changes severity, so a CI threshold means the same everywhere.
KINDS: Mapping[str, tuple[Severity, str]] = {
    "missing-field": ("breaking", "a required field is absent"),
    "renamed-field": ("breaking", "a required field is absent and one new field sits in its place"),
    "type-changed": ("breaking", "a field has another JSON type"),
    "status-value": ("breaking", "a status word outside the provider's vocabulary"),
    "error-shape": ("breaking", "an error body no longer has the documented shape"),
    "constraint": ("breaking", "a value breaks another schema rule (range, pattern, cross-field)"),
    "not-json": ("breaking", "a body that should be JSON is not"),
    "request-rejected": ("breaking", "a request valid by the schema was refused"),
    "lifecycle-order": ("breaking", "statuses went backwards or a finished task changed"),
    "no-terminal-status": ("breaking", "the task did not finish before the probe gave up"),
    "result-unavailable": ("breaking", "the finished task's output could not be fetched"),
    "invalid-request": ("breaking", "a client sent a request the schema rejects (proxy)"),
    "webhook-missing": ("breaking", "no callback came within --webhook-wait of the task's end "
                                    "(--webhook-url)"),
    "webhook-unsigned": ("breaking", "a provider that signs sent a callback without its "
                                     "signature headers (--webhook-url)"),
    "webhook-bad-signature": ("breaking", "a callback's signature did not verify with the "
                                          "account's secret, or was too old (--webhook-url)"),
    "unknown-field": ("notable", "a field the schema does not declare"),
    "enum-value": ("notable", "a value outside the schema's enum or const"),
    "request-accepted": ("notable", "a request the schema rejects was accepted"),
    "webhook-late": ("notable", "a callback came more than --webhook-late after the task's "
                                "end (--webhook-url)"),
    "request-warning": ("info", "a client request drew a warning (proxy)"),
    "timing": ("info", "queue or processing time far from the mock's default"),
}


def severity_of(kind: str) -> Severity:
    return KINDS[kind][0]


def at_or_above(severity: str, threshold: str) -> bool:
    """True when *severity* makes a run fail under ``--fail-on threshold``."""
    if threshold == "never":
        return False
    return _RANK[severity] <= _RANK[threshold]


@dataclass
class Finding:
    """One difference, where it showed, and how often.

    ``path`` is a JSON pointer into the message with array indices written
    ``*`` (every item of a list is one place). ``rule`` is the validator's rule
    id where a schema rule broke, so a finding points at the rule to change.
    ``observed`` is one scrubbed example of the value seen (absent for a
    missing field). ``exchanges`` are the sequence numbers that showed it.
    """

    kind: str
    provider: str
    message: str
    path: str
    detail: str
    rule: str = ""
    observed: Any = None
    statuses: list[int] = field(default_factory=list)
    exchanges: list[int] = field(default_factory=list)
    count: int = 1

    @property
    def severity(self) -> Severity:
        return severity_of(self.kind)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.message, self.kind, self.path, self.rule, self.detail)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity
        return data


@dataclass(frozen=True)
class Timing:
    """One measured phase of the probed task against the mock's default for it."""

    phase: str
    observed_seconds: float | None
    mock_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """Everything one drift check found; renderers read only this."""

    provider: str
    mode: str
    source: str
    started_at: str
    finished_at: str = ""
    exchanges: int = 0
    findings: list[Finding] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    estimated_cost_usd: float | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            found[finding.severity] += 1
        return found

    def fails(self, threshold: str) -> bool:
        return any(at_or_above(f.severity, threshold) for f in self.findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (_RANK[f.severity], f.message, f.path, f.kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "mode": self.mode,
            "source": self.source,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exchanges": self.exchanges,
            "messages": list(self.messages),
            "estimated_cost_usd": self.estimated_cost_usd,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "timings": [t.to_dict() for t in self.timings],
            "notes": list(self.notes),
        }


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """Fold findings with the same key into one, summing counts and keeping the first example."""
    merged: dict[tuple[str, str, str, str, str], Finding] = {}
    for finding in findings:
        known = merged.get(finding.key)
        if known is None:
            merged[finding.key] = Finding(**{**asdict(finding)})
            continue
        known.count += finding.count
        known.exchanges.extend(s for s in finding.exchanges if s not in known.exchanges)
        known.statuses.extend(s for s in finding.statuses if s not in known.statuses)
    return list(merged.values())


__all__ = [
    "FAIL_ON_CHOICES",
    "KINDS",
    "SEVERITIES",
    "Finding",
    "Report",
    "Severity",
    "Timing",
    "at_or_above",
    "merge",
    "severity_of",
]
