"""Validate payloads against the catalogue: a fast verdict, and a full report only when needed.

The hot path (the mock answering a submit) only needs "is it valid?", which a
compiled `jsonschema_rs` validator answers in about a microsecond. The report
(every violation, each with a rule id and the document it comes from) is built
only for payloads that fail, or when a caller asks for warnings and notes.

Rule ids. A schema may name a rule explicitly with the annotation keyword
``x-rule`` (used for cross-field rules written with ``if``/``then``/``allOf``);
the nearest ``x-rule`` on the way from the failing keyword up to the message's
root wins. Otherwise the id is derived from the payload location and the
keyword: ``duration.maximum``, ``images.minItems``, ``prompt.required``,
``unknown-field`` (a field the schema does not declare). Array indices are left
out so the id names the rule, not the occurrence. ``x-source`` works the same
way for the document a rule comes from; every message root carries one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any

import jsonschema_rs

from vidukit.catalogue import REQUEST_MESSAGES, Catalogue, catalogue
from vidukit.rules import checks_for
from vidukit.rules._payload import Payload
from vidukit.rules.registry import BoundCheck
from vidukit.violations import Violation, pointer, sort_key

_UNKNOWN_FIELD_KEYWORDS = frozenset({"additionalProperties", "unevaluatedProperties"})
#: The compiled validator descends at most this deep (jsonschema-rs's own limit); deeper
#: documents get one `max-depth` violation instead of a check. No provider message nests
#: beyond a handful of levels.
MAX_DEPTH = 255
MAX_DEPTH_RULE = "max-depth"
#: Undeclared field names listed in one violation's message; the rest are counted.
_LISTED_FIELDS = 20
#: Schema places whose annotations a validator remembers; far above any provider's schema.
_MAX_PLACES = 4096


def _rs_registry(resources: Mapping[str, Mapping[str, Any]]) -> jsonschema_rs.Registry:
    # The compiled validator takes plain dicts (read-only mappings are our own contract).
    return jsonschema_rs.Registry([(uri, dict(doc)) for uri, doc in resources.items()])


def _resolve_pointer(document: Any, fragment: str) -> list[Any]:
    """Every node from *document* down to the JSON pointer *fragment*, root first."""
    nodes = [document]
    node = document
    for raw in filter(None, fragment.lstrip("/").split("/")):
        token = raw.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            # The strict twin adds keywords the original lacks; stop at the last real node.
            break
        nodes.append(node)
    return nodes


def _walk_evaluation(schema: Mapping[str, Any], evaluation_path: list[str]) -> list[Any]:
    """Nodes of the entry schema along an evaluation path, stopping at the first ``$ref``."""
    nodes: list[Any] = [schema]
    node: Any = schema
    for segment in evaluation_path:
        if segment == "$ref" or not isinstance(node, dict | list):
            break
        try:
            node = node[int(segment)] if isinstance(node, list) else node[segment]
        except (KeyError, IndexError, ValueError):
            break
        nodes.append(node)
    return nodes


def _nearest(nodes: Iterable[Any], key: str) -> str | None:
    found = None
    for node in nodes:
        if isinstance(node, dict) and isinstance(node.get(key), str):
            found = node[key]
    return found


#: Combinator messages quote the whole failing instance; keep reports readable.
_MAX_MESSAGE = 200


def _shorten(message: str) -> str:
    if len(message) <= _MAX_MESSAGE:
        return message
    return f"{message[:80]} … {message[-100:]}"


#: Enum choices named in a message before the rest are counted: a short list is the answer.
_LISTED_CHOICES = 10


def _enum_choices(options: Any) -> str:
    """``"540p", "720p", "1080p"``: an enum message names the choices, not "2 other
    candidates"."""
    choices = list(options) if isinstance(options, list | tuple) else []
    shown = ", ".join(_json(c) for c in choices[:_LISTED_CHOICES])
    if len(choices) > _LISTED_CHOICES:
        shown += f" and {len(choices) - _LISTED_CHOICES} more"
    return shown


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _derived_rule(instance_path: list[str | int], keyword: str, kind: Any) -> str:
    if keyword in _UNKNOWN_FIELD_KEYWORDS:
        return "unknown-field"
    names = [str(s) for s in instance_path if not isinstance(s, int)]
    if keyword == "required":
        names.append(str(kind.property))
    return ".".join([*names, keyword])


def _strict_twin(document: Any) -> Any:
    """Copy a schema so that every declared object rejects undeclared fields.

    Response schemas stay open (providers add fields), but the report should
    still say which fields were unknown: the twin's complaints become notes.
    """
    twin = copy.deepcopy(document)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "properties" in node
                and "additionalProperties" not in node
                and "unevaluatedProperties" not in node
            ):
                node["unevaluatedProperties"] = False
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(twin)
    return twin


@dataclass
class MessageValidator:
    """Everything needed to judge one provider message, built once and reused."""

    provider: str
    message: str
    uri: str
    schema: Mapping[str, Any]
    resources: Mapping[str, Mapping[str, Any]]
    fast: Any
    strict: Any | None
    checks: tuple[BoundCheck, ...] = field(default=())

    @property
    def source(self) -> str:
        return str(self.schema.get("x-source", f"schemas/{self.provider}/{self.message}.json"))

    def __post_init__(self) -> None:
        errors = tuple(c for c in self.checks if c.severity == "error")
        #: (errors only?, may the body hold inline ``data:`` references?) -> the checks
        #: to run: a body without any cannot fail a rule marked ``inline_only``.
        self._check_sets = {
            (only, inline): tuple(c for c in (errors if only else self.checks)
                                  if inline or not c.rule.inline_only)
            for only in (False, True) for inline in (False, True)
        }
        self._places: dict[tuple[str, tuple[str | int, ...]], tuple[str | None, str, str]] = {}

    def is_valid(self, instance: Any, *, raw: bytes | None = None) -> bool:
        """True when the provider would accept *instance* (no error-severity violation).

        The hot path: the compiled schema answers first, and only the error
        checks run after it, each stopping at its first finding. *raw*, the JSON text
        *instance* was parsed from, lets the checks skip looking for inline ``data:``
        references where the text cannot hold one.
        """
        try:
            if not self.fast.is_valid(instance):
                return False
        except ValueError:  # deeper than the compiled validator descends: never valid
            return False
        inline = raw is None or may_hold_data_uri(raw)
        checks = self._check_sets[True, inline]
        if not checks:
            return True
        payload = Payload(instance, self.provider, schema_valid=True)
        if not inline:
            payload.no_data_uris()
        return not any(check.fails(payload) for check in checks)

    def violations(
        self, instance: Any, *, notes: bool = True, limit: int | None = None,
        errors_only: bool = False, raw: bytes | None = None,
    ) -> list[Violation]:
        """Every violation, warning and (optionally) note, errors first.

        *limit* caps the schema errors examined and the list returned: a body with a
        hundred thousand mistakes must not cost a minute and a 300 MB answer.
        *errors_only* runs only the checks that can refuse the body (what a provider's
        400 lists); *raw* is the JSON text, as for `is_valid`.
        """
        try:
            found = [
                self._schema_violation(e, "error")
                for e in islice(self.fast.iter_errors(instance), limit)
            ]
        except ValueError as exc:
            if "recursion" not in str(exc).lower():
                raise
            return [self._too_deep()]
        schema_valid = not found
        payload = Payload(instance, self.provider, schema_valid=schema_valid)
        inline = raw is None or may_hold_data_uri(raw)
        if not inline:
            payload.no_data_uris()
        for check in self._check_sets[errors_only, inline]:
            found.extend(check(payload))
        if notes and not errors_only and self.strict is not None and schema_valid:
            found.extend(
                self._schema_violation(e, "note")
                for e in self.strict.iter_errors(instance)
                if e.kind.name in _UNKNOWN_FIELD_KEYWORDS
            )
        return sorted(dict.fromkeys(found), key=sort_key)[:limit]

    def _too_deep(self) -> Violation:
        return Violation(
            path="",
            rule=MAX_DEPTH_RULE,
            message=f"nested more than {MAX_DEPTH} levels deep; no {self.provider} "
            f"{self.message} nests beyond a few",
            source=self.source,
        )

    def _schema_violation(self, error: Any, severity: str) -> Violation:
        location = str(error.absolute_keyword_location or "")
        keyword = str(error.kind.name)
        x_rule, source, choices = self._annotations(location, error, keyword)
        instance_path = list(error.instance_path)
        rule = x_rule or _derived_rule(instance_path, keyword, error.kind)
        message = _shorten(error.message)
        if keyword == "enum":
            message = f"{_shorten(_json(error.instance))} is not one of {choices}"
        if keyword in _UNKNOWN_FIELD_KEYWORDS:
            names = list(getattr(error.kind, "unexpected", []))
            fields = ", ".join(repr(f) for f in names[:_LISTED_FIELDS])
            if len(names) > _LISTED_FIELDS:
                fields += f" and {len(names) - _LISTED_FIELDS} more"
            message = f"undeclared field(s) {fields}" if fields else message
        return Violation(
            path=pointer(instance_path),
            rule=rule,
            message=message,
            source=source,
            severity=severity,  # type: ignore[arg-type]
        )

    def _annotations(self, location: str, error: Any, keyword: str) -> tuple[str | None, str, str]:
        """``x-rule``, ``x-source`` and the enum's listed choices for one failing keyword.

        They depend only on where the keyword sits in the schema, not on the payload, and
        finding them walks the schema: a 400 naming six mistakes spent most of its time
        here, so each place is looked up once (the schemas are finite, and so is this).
        """
        key = (location, tuple(error.evaluation_path))  # its steps: str or int, hashable
        found = self._places.get(key)
        if found is None:
            path = tuple(str(s) for s in key[1])
            resource_uri, _, fragment = location.partition("#")
            nodes = _walk_evaluation(self.schema, list(path))
            if resource_uri in self.resources:
                # Also for the entry file itself: a `$ref` inside one file ends the walk above.
                nodes += _resolve_pointer(self.resources[resource_uri], fragment)
            choices = ""
            if keyword == "enum":
                choices = _enum_choices(getattr(error.kind, "options", None))
            found = (_nearest(nodes, "x-rule"), _nearest(nodes, "x-source") or self.source,
                     choices)
            if len(self._places) < _MAX_PLACES:
                self._places[key] = found
        return found


def build_validator(cat: Catalogue, provider: str, message: str) -> MessageValidator:
    schema = cat.schema(provider, message)
    uri = cat.uri(provider, message)
    fast = jsonschema_rs.validator_for(dict(schema), registry=_rs_registry(cat.resources))
    strict = None
    if message not in REQUEST_MESSAGES:
        twins = {u: _strict_twin(doc) for u, doc in cat.resources.items()}
        strict = jsonschema_rs.validator_for(twins[uri], registry=_rs_registry(twins))
    return MessageValidator(
        provider=provider,
        message=message,
        uri=uri,
        schema=schema,
        resources=cat.resources,
        fast=fast,
        strict=strict,
        checks=checks_for(provider, message),
    )


@cache
def validator(provider: str, message: str) -> MessageValidator:
    """The validator for one provider message, built on first use and kept."""
    return build_validator(catalogue(), provider, message)


def validate(provider: str, message: str, instance: Any, *, notes: bool = True) -> list[Violation]:
    """Every rule *instance* breaks as *provider*'s *message*; empty when it conforms."""
    return validator(provider, message).violations(instance, notes=notes)


def may_hold_data_uri(raw: bytes) -> bool:
    """Whether JSON text *raw* may hold a string starting ``data:``: it must spell it out,
    unless an escape (``\\u0064ata:``) hides it."""
    return b"data:" in raw or b"\\u" in raw


def is_valid(provider: str, message: str, instance: Any) -> bool:
    """True when *provider* would accept *instance* as *message*; no report is built."""
    return validator(provider, message).is_valid(instance)
