"""The rule ids a message schema can produce, found by walking the schema.

`vidukit.validation` derives a violation's id from where the payload broke and
which keyword failed (or from the nearest ``x-rule``). Walking the schema the
same way lists every id in advance: the fixture test asserts each has an
invalid fixture, and ``vidukit schemas rules`` shows them to integrators.

The walk mirrors how `jsonschema_rs` reports failures: ``anyOf``, ``oneOf``,
``not`` and ``contains`` fail as one keyword at their own place (their
branches never report separately), ``if`` never fails, ``then``/``else``/
``allOf``/``dependentSchemas`` and ``$ref`` targets report at the same
payload place. Subschemas under ``additionalProperties``/``patternProperties``
are not walked: the payload names their fields, so no id can be predicted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vidukit.catalogue import Catalogue

#: Keywords that fail on their own and give ``<path>.<keyword>`` ids.
CONSTRAINT_KEYWORDS: tuple[str, ...] = (
    "type", "enum", "const",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern",
    "minItems", "maxItems", "uniqueItems", "contains",
    "minProperties", "maxProperties", "propertyNames",
    "anyOf", "oneOf", "not",
)
_SAME_PLACE = ("allOf", "then", "else")
_MAX_DEPTH = 64

RuleIds = dict[str, set[str]]


def _join(names: Iterable[str], last: str) -> str:
    return ".".join([*names, last])


class _Walker:
    def __init__(self) -> None:
        self.found: RuleIds = {}
        self._seen: set[tuple[int, tuple[str, ...], str | None]] = set()

    def add(self, rule_id: str, keyword: str) -> None:
        self.found.setdefault(rule_id, set()).add(keyword)

    def walk(self, node: Any, resolver: Any, names: tuple[str, ...],
             x_rule: str | None, depth: int = 0) -> None:
        if node is False:
            self.add(x_rule or _join(names, "falseSchema"), "falseSchema")
            return
        if not isinstance(node, Mapping) or depth > _MAX_DEPTH:
            return
        key = (id(node), names, x_rule)
        if key in self._seen:
            return
        self._seen.add(key)
        if isinstance(node.get("x-rule"), str):
            x_rule = node["x-rule"]
        self._keywords(node, names, x_rule)
        self._children(node, resolver, names, x_rule, depth + 1)

    def _keywords(self, node: Mapping[str, Any], names: tuple[str, ...],
                  x_rule: str | None) -> None:
        for keyword in CONSTRAINT_KEYWORDS:
            if keyword in node:
                self.add(x_rule or _join(names, keyword), keyword)
        for field in node.get("required", ()):
            self.add(x_rule or _join((*names, field), "required"), "required")
        for dependents in node.get("dependentRequired", {}).values():
            for field in dependents:
                self.add(x_rule or _join((*names, field), "required"), "dependentRequired")
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if node.get(keyword) is False:
                self.add(x_rule or "unknown-field", keyword)

    def _children(self, node: Mapping[str, Any], resolver: Any,
                  names: tuple[str, ...], x_rule: str | None, depth: int) -> None:
        for name, sub in node.get("properties", {}).items():
            self.walk(sub, resolver, (*names, name), x_rule, depth)
        for sub in [node.get("items"), *node.get("prefixItems", ())]:
            if sub is not None and sub is not True:
                self.walk(sub, resolver, names, x_rule, depth)
        for keyword in _SAME_PLACE:
            subs = node.get(keyword)
            for sub in subs if isinstance(subs, list) else [subs] if subs is not None else []:
                self.walk(sub, resolver, names, x_rule, depth)
        for sub in node.get("dependentSchemas", {}).values():
            self.walk(sub, resolver, names, x_rule, depth)
        ref = node.get("$ref")
        if isinstance(ref, str):
            resolved = resolver.lookup(ref)
            self.walk(resolved.contents, resolved.resolver, names, x_rule, depth)


def schema_rule_ids(cat: Catalogue, provider: str, message: str) -> RuleIds:
    """Every rule id *provider*'s *message* schema can produce -> the keywords behind it."""
    walker = _Walker()
    schema = cat.schema(provider, message)
    resolver = cat.registry.resolver(base_uri=cat.uri(provider, message))
    walker.walk(schema, resolver, (), None)
    return walker.found
