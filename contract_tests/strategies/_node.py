"""The builder's internal form of a schema: one immutable `Node` per conjunction of keywords.

JSON Schema spreads one constraint over many places (``allOf``, ``$ref``,
``if``/``then``); generating from it piecemeal means generating and then
filtering. A `Node` instead holds everything a value must satisfy *at one
level*, so that merging two schemas is merging two nodes, and a contradiction
(``status`` must be ``completed`` and must not be) shows up as "no node" before
anything is drawn. Choices that keywords leave open (``anyOf``, the two sides
of ``if``) stay as `Node.splits`: tuples of alternatives, resolved when drawing.

``None`` stands for the schema ``false`` (nothing allowed) wherever a node is
expected: as a property, it means "this key must be absent".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vidukit.jsontypes import json_type

#: JSON value kinds. "integer" is every integral number and "number" every other
#: one, so the JSON Schema type "number" is the pair and set algebra stays exact.
ALL_TYPES: frozenset[str] = frozenset(
    {"null", "boolean", "integer", "number", "string", "array", "object"}
)
SCHEMA_TYPES: Mapping[str, frozenset[str]] = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "number"}),
    "string": frozenset({"string"}),
    "array": frozenset({"array"}),
    "object": frozenset({"object"}),
}


@dataclass(frozen=True, eq=False)
class Node:
    """Every constraint one value must meet at one level; children are nodes too.

    Compared by identity: nodes are built once and cached, so identity is the
    cheap key the merge and feasibility caches use.
    """

    location: str = ""
    types: frozenset[str] = ALL_TYPES
    enum: tuple[Any, ...] | None = None
    excluded: tuple[Any, ...] = ()
    # strings
    min_length: int = 0
    max_length: int | None = None
    patterns: tuple[str, ...] = ()
    # numbers
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None
    # arrays: element i < len(prefix) follows prefix[i], the rest follow items
    prefix: tuple[Node | None, ...] = ()
    items: Node | None = None
    items_given: bool = False
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    contains: tuple[Node, ...] = ()
    # objects
    properties: Mapping[str, Node | None] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    closed: bool = False
    sealed: bool = False
    dependent: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # open choices: each split is a tuple of alternatives, at least one must hold
    splits: tuple[tuple[Node, ...], ...] = ()

    def item_at(self, index: int) -> Node | None:
        """The node element *index* of an array must satisfy."""
        if index < len(self.prefix):
            return self.prefix[index]
        return self.items if self.items_given else ANY

    def property_node(self, key: str) -> Node | None:
        if key in self.properties:
            return self.properties[key]
        if self.closed:
            return None
        return ANY


ANY = Node(location="(any)")


class UnsupportedSchema(ValueError):
    """A schema uses a keyword, or a form of one, that the builder cannot generate from.

    Raised while building, never while drawing, so a schema edit that needs new
    support fails the generator tests with the keyword and its location.
    """

    def __init__(self, what: str, location: str) -> None:
        super().__init__(f"{what} at {location or '(unknown location)'} is not supported "
                         "by contract_tests.strategies")
        self.what = what
        self.location = location


kind_of = json_type  # the JSON kind of a value decoded from JSON


def json_key(value: Any) -> Any:
    """A hashable key under which JSON-equal values collide (1 == 1.0, True != 1)."""
    kind = kind_of(value)
    if kind in ("array", "object"):
        return (kind, json.dumps(value, sort_keys=True))
    if kind in ("integer", "number"):
        return ("num", value)
    return (kind, value)


@cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def accepts_scalar(node: Node, value: Any) -> bool:
    """Whether *value* meets *node*'s own constraints (not its children's nor its splits').

    Used to prune ``enum`` lists when nodes merge and to check drawn scalars
    against the constraints a strategy could not build in (a second pattern,
    an excluded value).
    """
    kind = kind_of(value)
    if kind not in node.types:
        return False
    key = json_key(value)
    if node.enum is not None and key not in {json_key(v) for v in node.enum}:
        return False
    if key in {json_key(v) for v in node.excluded}:
        return False
    if kind == "string":
        if len(value) < node.min_length:
            return False
        if node.max_length is not None and len(value) > node.max_length:
            return False
        return all(compiled_pattern(p).search(value) for p in node.patterns)
    if kind in ("integer", "number"):
        return _accepts_number(node, value)
    return True


def _accepts_number(node: Node, value: float) -> bool:
    if node.minimum is not None and value < node.minimum:
        return False
    if node.maximum is not None and value > node.maximum:
        return False
    if node.exclusive_minimum is not None and value <= node.exclusive_minimum:
        return False
    if node.exclusive_maximum is not None and value >= node.exclusive_maximum:
        return False
    if node.multiple_of is not None:
        quotient = value / node.multiple_of
        return math.isfinite(quotient) and float(quotient).is_integer()
    return True
