"""Turn one observed payload into drift findings: what kind of difference, where, how bad.

The validator already names every broken rule; a drift report needs more: the
*kind* of difference (a field gone, a type changed, a new status word) and the
place in the schema that would have to change (for `vidukit.drift.patch`).
So the compiled validators are asked for their raw errors, and each error's
keyword decides the kind:

=====================================  ==============================================
keyword                                kind
=====================================  ==============================================
``required``                           ``missing-field``
``type``                               ``type-changed``
``enum`` / ``const`` on ``status``     ``status-value`` (outside the vocabulary)
``enum`` / ``const`` elsewhere         ``enum-value``
``additionalProperties`` /             ``unknown-field`` (response schemas are open:
``unevaluatedProperties``              these come from the strict twin the validator
                                       already builds for its notes)
anything else                          ``constraint``
=====================================  ==============================================

Two refinements make a report name what changed rather than its symptoms: a
missing required field with exactly one unknown field beside it is one
``renamed-field``; and in an ``error-response`` every structural difference
is one kind, ``error-shape``.

Unknown fields are listed even when the payload has errors (the validator's
notes appear only for valid payloads), and a name the schema object does
declare is dropped: a failing branch can hide the annotations that
``unevaluatedProperties`` relies on, which would otherwise name known fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vidukit.drift.report import Finding
from vidukit.drift.scrub import Scrubber, sample
from vidukit.jsontypes import json_type
from vidukit.rules._payload import Payload
from vidukit.validation import MessageValidator, validator
from vidukit.violations import pointer

_UNKNOWN = frozenset({"additionalProperties", "unevaluatedProperties"})
_ENUM = frozenset({"enum", "const"})
_SHAPE_KINDS = frozenset({"missing-field", "renamed-field", "type-changed", "constraint"})
ERROR_MESSAGE = "error-response"


@dataclass
class Difference:
    """A finding plus where in the schema it broke (for patch proposals)."""

    finding: Finding
    #: ``<schema URI>#<JSON pointer>`` of the failing keyword (or of the object, for fields).
    location: str = ""
    #: For ``renamed-field``: the new name.
    renamed_to: str | None = None
    #: The value observed (unscrubbed: patches need its type; never printed).
    new_value: Any = None
    #: The structural kind, kept when an error body's finding becomes ``error-shape``.
    base_kind: str = ""

    def __post_init__(self) -> None:
        self.base_kind = self.base_kind or self.finding.kind


def general(path: list[str | int]) -> str:
    """A JSON pointer with array indices as ``*``: one place for every item of a list."""
    return pointer(["*" if isinstance(s, int) else s for s in path])


def _at(instance: Any, path: list[str | int]) -> Any:
    node = instance
    for segment in path:
        try:
            node = node[segment]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _declared(node: Any) -> set[str]:
    """Property names a schema object declares, also in its in-place combinators."""
    names: set[str] = set()
    if not isinstance(node, Mapping):
        return names
    names.update(node.get("properties", {}) or {})
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key, []) or []:
            names |= _declared(branch)
    for key in ("then", "else"):
        names |= _declared(node.get(key))
    return names


def _node(mv: MessageValidator, location: str) -> Any:
    uri, _, fragment = location.partition("#")
    node: Any = mv.resources.get(uri)
    for raw in filter(None, fragment.split("/")):
        token = raw.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return node


def _parent(location: str) -> str:
    return location.rsplit("/", 1)[0]


class Analyser:
    """Findings for payloads of one provider; one per check run (it keeps a `Scrubber`)."""

    def __init__(self, provider: str, scrubber: Scrubber | None = None) -> None:
        self.provider = provider
        self.scrubber = scrubber or Scrubber()

    def differences(self, message: str, instance: Any) -> list[Difference]:
        mv = validator(self.provider, message)
        found = list(self._schema_errors(mv, message, instance))
        if not found:
            found.extend(self._named_checks(mv, message, instance))
        found.extend(self._unknown_fields(mv, message, instance))
        found = _merge_renames(list({d.finding.key: d for d in found}.values()))
        if message == ERROR_MESSAGE:
            for diff in found:
                if diff.finding.kind in _SHAPE_KINDS:
                    was = diff.finding.kind
                    diff.finding.kind = "error-shape"
                    diff.finding.detail = f"{was}: {diff.finding.detail}"
        return found

    def findings(self, message: str, instance: Any) -> list[Finding]:
        return [d.finding for d in self.differences(message, instance)]

    # -- sources of differences ---------------------------------------------------------

    def _finding(self, kind: str, message: str, path: str, detail: str, **extra: Any) -> Finding:
        return Finding(kind=kind, provider=self.provider, message=message, path=path,
                       detail=detail, **extra)

    def _schema_errors(self, mv: MessageValidator, message: str,
                       instance: Any) -> Iterator[Difference]:
        for error in mv.fast.iter_errors(instance):
            # The validator's own naming, so a finding carries the id `vidukit validate` shows.
            rule = mv._schema_violation(error, "error").rule
            keyword = str(error.kind.name)
            location = str(error.absolute_keyword_location or "")
            where = list(error.instance_path)
            value = _at(instance, where)
            if keyword == "required":
                name = str(error.kind.property)
                yield Difference(self._finding(
                    "missing-field", message, general([*where, name]),
                    f"required field {name!r} is absent", rule=rule), location)
            elif keyword == "type":
                yield Difference(self._finding(
                    "type-changed", message, general(where),
                    f"expected {_expected_types(error)}, got {json_type(value)}", rule=rule,
                    observed=sample(value, self.scrubber)), location, new_value=value)
            elif keyword in _ENUM:
                named = [s for s in where if isinstance(s, str)]
                kind = "status-value" if named and named[-1] == "status" else "enum-value"
                shown = sample(value, self.scrubber)
                yield Difference(self._finding(
                    kind, message, general(where), f"{shown!r} is outside the schema's {keyword}",
                    rule=rule, observed=shown), location, new_value=value)
            elif keyword in _UNKNOWN:
                for name in getattr(error.kind, "unexpected", []) or []:
                    yield self._unknown(message, [*where, str(name)], instance,
                                        _parent(location), rule)
            else:
                yield Difference(self._finding(
                    "constraint", message, general(where), _shorten(str(error.message)),
                    rule=rule, observed=sample(value, self.scrubber)), location)

    def _named_checks(self, mv: MessageValidator, message: str,
                      instance: Any) -> Iterator[Difference]:
        payload = Payload(instance, self.provider, schema_valid=True)
        for check in mv.checks:
            for violation in check(payload):
                if violation.severity == "error":
                    yield Difference(self._finding(
                        "constraint", message, violation.path, violation.message,
                        rule=violation.rule))

    def _unknown_fields(self, mv: MessageValidator, message: str,
                        instance: Any) -> Iterator[Difference]:
        if mv.strict is None:
            return
        for error in mv.strict.iter_errors(instance):
            if str(error.kind.name) not in _UNKNOWN:
                continue
            location = str(error.absolute_keyword_location or "")
            declared = _declared(_node(mv, _parent(location)))
            where = list(error.instance_path)
            for name in getattr(error.kind, "unexpected", []) or []:
                if str(name) not in declared:
                    yield self._unknown(message, [*where, str(name)], instance,
                                        _parent(location), "unknown-field")

    def _unknown(self, message: str, where: list[str | int], instance: Any, location: str,
                 rule: str) -> Difference:
        value = _at(instance, where)
        return Difference(self._finding(
            "unknown-field", message, general(where),
            f"undeclared field {where[-1]!r} ({json_type(value)})", rule=rule,
            observed=sample(value, self.scrubber)), location, new_value=value)


def _expected_types(error: Any) -> str:
    types = error.kind.as_dict().get("types")
    if isinstance(types, list) and types:
        return " or ".join(str(t) for t in types)
    return "another type"


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _merge_renames(found: list[Difference]) -> list[Difference]:
    """One missing required field and one unknown field in the same object: a rename."""
    by_parent: dict[tuple[str, str], list[Difference]] = {}
    for diff in found:
        if diff.finding.kind in ("missing-field", "unknown-field"):
            parent = diff.finding.path.rsplit("/", 1)[0]
            by_parent.setdefault((diff.finding.kind, parent), []).append(diff)
    merged: list[Difference] = []
    dropped: set[int] = set()
    for (kind, parent), missing in by_parent.items():
        unknown = by_parent.get(("unknown-field", parent), [])
        if kind != "missing-field" or len(missing) != 1 or len(unknown) != 1:
            continue
        gone, new = missing[0], unknown[0]
        old_name = gone.finding.path.rsplit("/", 1)[1]
        new_name = new.finding.path.rsplit("/", 1)[1]
        finding = gone.finding
        finding.kind = "renamed-field"
        finding.detail = f"{old_name!r} is absent and {new_name!r} appeared in its place"
        finding.observed = {"renamed_to": new_name, "value": new.finding.observed}
        merged.append(Difference(finding, gone.location, renamed_to=new_name,
                                 new_value=new.new_value, base_kind="renamed-field"))
        dropped |= {id(gone), id(new)}
    return [d for d in found if id(d) not in dropped] + merged


__all__ = ["Analyser", "Difference", "general"]
