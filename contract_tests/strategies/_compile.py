"""Turn a draft 2020-12 schema (the subset our catalogue uses) into a `Node`.

Every keyword is either compiled, listed as an annotation to ignore, or
refused with `UnsupportedSchema` naming it and its location: a schema edit
that starts using, say, ``patternProperties`` breaks the generator tests
instead of yielding values the validator then rejects, or never sees.

``$ref`` is resolved through a `referencing` resolver (the catalogue's
registry), so relative references between files work as they do for the
validator; each target is compiled once per `Compiler`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

from referencing.jsonschema import DRAFT202012

from vidukit.contract_tests.strategies._merge import merge, merge_all, negate, normalise
from vidukit.contract_tests.strategies._node import (
    ANY,
    SCHEMA_TYPES,
    Node,
    UnsupportedSchema,
    kind_of,
)

#: Keywords that say nothing about which values are valid.
ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples",
    "deprecated", "readOnly", "writeOnly",
})

_Own = Callable[["Compiler", Mapping[str, Any], str], dict[str, Any]]


def _pointer(location: str, *tokens: str | int) -> str:
    escaped = (str(t).replace("~", "~0").replace("/", "~1") for t in tokens)
    base, _, fragment = location.partition("#")
    return f"{base}#{fragment}/{'/'.join(escaped)}"


def _types(value: Any, location: str) -> frozenset[str]:
    names = [value] if isinstance(value, str) else list(value)
    kinds: set[str] = set()
    for name in names:
        if name not in SCHEMA_TYPES:
            raise UnsupportedSchema(f"type {name!r}", location)
        kinds |= SCHEMA_TYPES[name]
    return frozenset(kinds)


def _scalars(values: list[Any], keyword: str, location: str) -> tuple[Any, ...]:
    for value in values:
        if kind_of(value) in ("array", "object"):
            raise UnsupportedSchema(f"{keyword!r} with an array or object value", location)
    return tuple(values)


def _bool_only(value: Any, keyword: str, location: str) -> bool:
    """True when the keyword closes the object; only the boolean forms are supported."""
    if value is False:
        return True
    if value is True or value == {}:
        return False
    raise UnsupportedSchema(f"{keyword!r} with a schema (only true/false)", location)


_SCALAR_KEYWORDS: dict[str, str] = {
    "minLength": "min_length", "maxLength": "max_length",
    "minimum": "minimum", "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum", "exclusiveMaximum": "exclusive_maximum",
    "multipleOf": "multiple_of",
    "minItems": "min_items", "maxItems": "max_items", "uniqueItems": "unique",
}
#: Keywords read by `Compiler.compile` itself (applicators and the object/array ones).
_STRUCTURAL = frozenset({
    "type", "enum", "const", "pattern", "items", "prefixItems", "contains", "properties",
    "required", "additionalProperties", "unevaluatedProperties", "dependentRequired",
    "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
})
SUPPORTED = frozenset(_SCALAR_KEYWORDS) | _STRUCTURAL


class Compiler:
    """Compiles schemas against one registry, caching each ``$ref`` target."""

    def __init__(self) -> None:
        self._targets: dict[int, tuple[Mapping[str, Any], Node | None]] = {}
        self._active: set[int] = set()

    def compile(self, schema: Any, resolver: Any, location: str) -> Node | None:
        if schema is True:
            return ANY
        if schema is False:
            return None
        if not isinstance(schema, Mapping):
            raise UnsupportedSchema(f"schema of type {type(schema).__name__}", location)
        if isinstance(schema.get("$id"), str):
            location = urljoin(location.partition("#")[0], schema["$id"]) + "#"
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        for keyword in schema:
            if keyword not in SUPPORTED and keyword not in ANNOTATIONS and not (
                keyword.startswith("x-")
            ):
                raise UnsupportedSchema(f"keyword {keyword!r}", location)
        parts: list[Node | None] = [self._own(schema, resolver, location)]
        if "$ref" in schema:
            parts.append(self._ref(schema["$ref"], resolver, location))
        for i, sub in enumerate(schema.get("allOf", ())):
            parts.append(self.compile(sub, resolver, _pointer(location, "allOf", i)))
        if "anyOf" in schema:
            parts.append(self._any_of(schema["anyOf"], resolver, location))
        if "oneOf" in schema:
            parts.append(self._one_of(schema["oneOf"], resolver, location))
        if "not" in schema:
            parts.append(negate(self.compile(schema["not"], resolver,
                                             _pointer(location, "not"))))
        if "if" in schema:
            parts.append(self._conditional(schema, resolver, location))
        return merge_all(parts)

    def _own(self, schema: Mapping[str, Any], resolver: Any, location: str) -> Node | None:
        """The keywords that constrain this level directly, as one node."""
        fields: dict[str, Any] = {"location": location}
        kinds = _types(schema["type"], location) if "type" in schema else None
        if kinds is not None:
            fields["types"] = kinds
        for keyword, name in _SCALAR_KEYWORDS.items():
            if keyword in schema:
                fields[name] = schema[keyword]
        if "pattern" in schema:
            fields["patterns"] = (schema["pattern"],)
        if "enum" in schema:
            fields["enum"] = _scalars(list(schema["enum"]), "enum", location)
        fields.update(self._arrays(schema, resolver, location))
        fields.update(self._objects(schema, resolver, location))
        node = Node(**fields)
        if "const" in schema:
            const = Node(location=location,
                         enum=_scalars([schema["const"]], "const", location))
            return merge(node, const)
        return normalise(node)

    def _arrays(self, schema: Mapping[str, Any], resolver: Any, location: str) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "prefixItems" in schema:
            fields["prefix"] = tuple(
                self.compile(sub, resolver, _pointer(location, "prefixItems", i))
                for i, sub in enumerate(schema["prefixItems"])
            )
        if "items" in schema:
            fields["items"] = self.compile(schema["items"], resolver,
                                           _pointer(location, "items"))
            fields["items_given"] = True
        if "contains" in schema:
            target = self.compile(schema["contains"], resolver, _pointer(location, "contains"))
            if target is None:
                raise UnsupportedSchema("'contains' with a schema no value meets", location)
            fields["contains"] = (target,)
        return fields

    def _objects(self, schema: Mapping[str, Any], resolver: Any, location: str) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "properties" in schema:
            fields["properties"] = {
                key: self.compile(sub, resolver, _pointer(location, "properties", key))
                for key, sub in schema["properties"].items()
            }
        if "required" in schema:
            fields["required"] = frozenset(schema["required"])
        if "additionalProperties" in schema:
            fields["closed"] = _bool_only(schema["additionalProperties"],
                                          "additionalProperties", location)
        if "unevaluatedProperties" in schema:
            fields["sealed"] = _bool_only(schema["unevaluatedProperties"],
                                          "unevaluatedProperties", location)
        if "dependentRequired" in schema:
            fields["dependent"] = {
                key: frozenset(names) for key, names in schema["dependentRequired"].items()
            }
        return fields

    def _ref(self, ref: str, resolver: Any, location: str) -> Node | None:
        resolved = resolver.lookup(ref)
        target = resolved.contents
        key = id(target)
        hit = self._targets.get(key)
        if hit is not None:
            return hit[1]
        if key in self._active:
            raise UnsupportedSchema(f"recursive '$ref' {ref!r}", location)
        self._active.add(key)
        try:
            absolute = urljoin(location.partition("#")[0], ref)
            if "#" not in absolute:
                absolute += "#"
            node = self.compile(target, resolved.resolver, absolute)
        finally:
            self._active.discard(key)
        self._targets[key] = (target, node)
        return node

    def _branches(self, key: str, subs: list[Any], resolver: Any,
                  location: str) -> list[Node]:
        compiled = (
            self.compile(sub, resolver, _pointer(location, key, i)) for i, sub in enumerate(subs)
        )
        return [node for node in compiled if node is not None]

    def _any_of(self, subs: list[Any], resolver: Any, location: str) -> Node | None:
        branches = self._branches("anyOf", subs, resolver, location)
        if not branches:
            return None
        return normalise(Node(location=location, splits=(tuple(branches),)))

    def _one_of(self, subs: list[Any], resolver: Any, location: str) -> Node | None:
        branches = self._branches("oneOf", subs, resolver, location)
        disjoint = all(
            merge(a, b) is None for i, a in enumerate(branches) for b in branches[i + 1:]
        )
        if not disjoint:
            # Exactly one: each branch together with the negation of every other.
            exclusive = (
                merge_all([branch, *(negate(o) for o in branches if o is not branch)])
                for branch in branches
            )
            branches = [node for node in exclusive if node is not None]
        if not branches:
            return None
        return normalise(Node(location=location, splits=(tuple(branches),)))

    def _conditional(self, schema: Mapping[str, Any], resolver: Any,
                     location: str) -> Node | None:
        condition = self.compile(schema["if"], resolver, _pointer(location, "if"))
        then = (self.compile(schema["then"], resolver, _pointer(location, "then"))
                if "then" in schema else ANY)
        otherwise = (self.compile(schema["else"], resolver, _pointer(location, "else"))
                     if "else" in schema else ANY)
        sides = [node for node in (merge(condition, then), merge(negate(condition), otherwise))
                 if node is not None]
        if not sides:
            return None
        return normalise(Node(location=location, splits=(tuple(sides),)))
