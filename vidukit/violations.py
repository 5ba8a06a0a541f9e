"""What a validation finds, as plain data shared by the CLI, the mock and the tests."""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "note"]

#: Ordering for reports: what the provider would reject comes first.
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "note": 2}


class Violation(NamedTuple):
    """One broken rule at one place in a payload.

    ``rule`` is a stable id: fixtures are named after it and the contract tests
    select checks by it. ``source`` names the provider document (or public page)
    the rule was taken from, so a reader can check the rule against its origin.

    Immutable and hashable, as a frozen dataclass would be, but a tuple: a 400 listing
    six mistakes builds six of them per request, and a frozen dataclass's ``__init__``
    (one ``object.__setattr__`` per field) cost three times a tuple's.
    """

    path: str
    rule: str
    message: str
    source: str
    severity: Severity = "error"

    def to_dict(self) -> dict[str, str]:
        # Built by hand: dataclasses.asdict deep-copies every field, which was over a quarter
        # of the mock's time answering an invalid submit (bench/profile_hot_paths.py invalid).
        return {"path": self.path, "rule": self.rule, "message": self.message,
                "source": self.source, "severity": self.severity}


def pointer(segments: list[str | int] | tuple[str | int, ...]) -> str:
    """Render path segments as an RFC 6901 JSON pointer."""
    if not segments:
        return ""
    escaped = (str(s).replace("~", "~0").replace("/", "~1") for s in segments)
    return "/" + "/".join(escaped)


def sort_key(violation: Violation) -> tuple[int, str, str]:
    return (SEVERITY_ORDER[violation.severity], violation.path, violation.rule)
