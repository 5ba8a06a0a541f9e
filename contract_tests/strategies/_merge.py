"""Merging and negating nodes: the algebra that keeps generation filter-free.

- `merge` is conjunction. It prunes each value kind whose constraints
  contradict (``minItems`` above ``maxItems``, a required key that must be
  absent) and returns None when no kind is left; it then drops every
  alternative of every split that visibly contradicts the rest (`compatible`)
  and absorbs a split left with one alternative. That propagation is what
  turns the status rules' chains of ``if``/``then`` into one consistent choice.
- `negate` pushes ``not`` down to the keywords our schemas negate (types,
  enums, required keys, bounds, nested properties, other splits); a negation
  it cannot express raises `UnsupportedSchema` instead of falling back to
  filtering.
- `_search` then picks one alternative per remaining split.

Results are cached by node identity; the caches keep their nodes alive, so an
id is never reused while its entry exists, and the set of nodes reachable
from the compiled schemas is finite.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from vidukit.contract_tests.strategies._node import (
    ALL_TYPES,
    ANY,
    Node,
    UnsupportedSchema,
    accepts_scalar,
    json_key,
    kind_of,
)

_MERGED: dict[tuple[int, int], tuple[Node, Node, Node | None]] = {}
_NEGATED: dict[int, tuple[Node, Node | None]] = {}

#: Distinct nodes grow with distinct choice paths (slowly: ~20k after 2,000 Runware
#: requests); past this many merges every cache starts afresh rather than grow further.
_CACHE_LIMIT = 200_000
#: Every identity-keyed cache of the package, so that `clear_caches` empties them together.
CACHES: list[dict[Any, Any]] = [_MERGED, _NEGATED]


def clear_caches() -> None:
    """Forget every cached result; safe at any time, since entries only hold live nodes."""
    for table in CACHES:
        table.clear()


def merge(a: Node | None, b: Node | None) -> Node | None:
    """The node both *a* and *b* hold for; None when they contradict."""
    if a is None or b is None:
        return None
    if b is ANY or a is b:
        return a
    if a is ANY:
        return b
    key = (id(a), id(b))
    hit = _MERGED.get(key)
    if hit is not None:
        return hit[2]
    if len(_MERGED) > _CACHE_LIMIT:
        clear_caches()
    result = normalise(_combine(a, b))
    _MERGED[key] = (a, b, result)
    return result


def merge_all(nodes: Iterable[Node | None]) -> Node | None:
    result: Node | None = ANY
    for node in nodes:
        result = merge(result, node)
        if result is None:
            return None
    return result


def _min(x: Any, y: Any) -> Any:
    return y if x is None else x if y is None else min(x, y)


def _max(x: Any, y: Any) -> Any:
    return y if x is None else x if y is None else max(x, y)


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple({json_key(v): v for v in values}.values())


def _multiple(a: Node, b: Node) -> float | None:
    x, y = a.multiple_of, b.multiple_of
    if x is None or y is None or x == y:
        return x if y is None else y
    big, small = max(x, y), min(x, y)
    if float(big / small).is_integer():
        return big
    raise UnsupportedSchema(f"multipleOf {x} together with multipleOf {y}", a.location)


def _combine(a: Node, b: Node) -> Node:
    enum: tuple[Any, ...] | None
    if a.enum is not None and b.enum is not None:
        keys = {json_key(v) for v in b.enum}
        enum = tuple(v for v in a.enum if json_key(v) in keys)
    else:
        enum = a.enum if a.enum is not None else b.enum
    width = max(len(a.prefix), len(b.prefix))
    prefix = tuple(merge(a.item_at(i), b.item_at(i)) for i in range(width))
    if a.items_given and b.items_given:
        items = merge(a.items, b.items)
    else:
        items = a.items if a.items_given else b.items
    properties: dict[str, Node | None] = {}
    for key in (*a.properties, *(k for k in b.properties if k not in a.properties)):
        properties[key] = merge(a.property_node(key), b.property_node(key))
    dependent = dict(a.dependent)
    for key, names in b.dependent.items():
        dependent[key] = dependent.get(key, frozenset()) | names
    return Node(
        location=a.location,
        types=a.types & b.types,
        enum=enum,
        excluded=_unique((*a.excluded, *b.excluded)),
        min_length=max(a.min_length, b.min_length),
        max_length=_min(a.max_length, b.max_length),
        patterns=tuple(dict.fromkeys((*a.patterns, *b.patterns))),
        minimum=_max(a.minimum, b.minimum),
        maximum=_min(a.maximum, b.maximum),
        exclusive_minimum=_max(a.exclusive_minimum, b.exclusive_minimum),
        exclusive_maximum=_min(a.exclusive_maximum, b.exclusive_maximum),
        multiple_of=_multiple(a, b),
        prefix=prefix,
        items=items,
        items_given=a.items_given or b.items_given,
        min_items=max(a.min_items, b.min_items),
        max_items=_min(a.max_items, b.max_items),
        unique=a.unique or b.unique,
        contains=(*a.contains, *b.contains),
        properties=properties,
        required=a.required | b.required,
        closed=a.closed or b.closed,
        sealed=a.sealed or b.sealed,
        dependent=dependent,
        splits=(*a.splits, *b.splits),
    )


def integer_bounds(node: Node) -> tuple[int | None, int | None]:
    """The smallest and largest integer the numeric bounds allow (None: unbounded)."""
    low = None if node.minimum is None else math.ceil(node.minimum)
    if node.exclusive_minimum is not None:
        low = _max(low, math.floor(node.exclusive_minimum) + 1)
    high = None if node.maximum is None else math.floor(node.maximum)
    if node.exclusive_maximum is not None:
        high = _min(high, math.ceil(node.exclusive_maximum) - 1)
    return low, high


def _kinds_left(node: Node) -> set[str]:
    kinds = set(node.types)
    if node.max_length is not None and node.min_length > node.max_length:
        kinds.discard("string")
    low, high = integer_bounds(node)
    if low is not None and high is not None and low > high:
        kinds.discard("integer")
    lows = [x for x in (node.minimum, node.exclusive_minimum) if x is not None]
    highs = [x for x in (node.maximum, node.exclusive_maximum) if x is not None]
    if lows and highs and max(lows) >= min(highs):
        kinds.discard("number")  # no non-integral number in a closed or empty interval
    if "array" in kinds and not _array_possible(node):
        kinds.discard("array")
    if "object" in kinds and any(node.property_node(k) is None for k in node.required):
        kinds.discard("object")
    return kinds


def _array_possible(node: Node) -> bool:
    if node.max_items is not None and node.min_items > node.max_items:
        return False
    if node.contains and node.max_items == 0:
        return False
    return all(node.item_at(i) is not None for i in range(node.min_items))


def normalise(node: Node) -> Node | None:
    """Prune contradictions, then drop split alternatives that contradict the rest."""
    kinds = _kinds_left(node)
    enum = node.enum
    if enum is not None:
        plain = replace(node, enum=None, types=frozenset(kinds))
        enum = tuple(v for v in enum if accepts_scalar(plain, v))
        kinds &= {kind_of(v) for v in enum}
    if not kinds:
        return None
    base = replace(node, types=frozenset(kinds), enum=enum,
                   excluded=() if enum is not None else node.excluded, splits=())
    pending = list(node.splits)
    kept: list[tuple[Node, ...]] = []
    while pending:
        split = pending.pop(0)
        alternatives = tuple(alt for alt in split if compatible(base, alt))
        if not alternatives:
            return None
        if len(alternatives) > 1:
            kept.append(alternatives)
            continue
        absorbed = merge(base, alternatives[0])
        if absorbed is None:  # pragma: no cover - merge() just said otherwise
            return None
        base = replace(absorbed, splits=())
        # The base grew: earlier splits may have lost alternatives too.
        pending = [*kept, *pending, *absorbed.splits]
        kept = []
    return replace(base, splits=tuple(kept)) if kept else base


def compatible(a: Node | None, b: Node | None) -> bool:
    """A cheap necessary condition for ``merge(a, b) is not None``, building no node.

    It reads the two nodes' own keywords and, recursively, the required
    properties they share; splits count as satisfiable. Pruning split
    alternatives with it instead of full merges keeps `normalise` linear in
    the alternatives; whatever it lets through, `search` still checks.
    """
    if a is None or b is None:
        return False
    if a is ANY or b is ANY or a is b:
        return True
    kinds = a.types & b.types
    if not kinds:
        return False
    if a.enum is not None or b.enum is not None:
        candidates = a.enum if a.enum is not None else b.enum
        return any(
            kind_of(v) in kinds and accepts_scalar(a, v) and accepts_scalar(b, v)
            for v in candidates or ()
        )
    view = Node(
        types=kinds,
        min_length=max(a.min_length, b.min_length),
        max_length=_min(a.max_length, b.max_length),
        minimum=_max(a.minimum, b.minimum),
        maximum=_min(a.maximum, b.maximum),
        exclusive_minimum=_max(a.exclusive_minimum, b.exclusive_minimum),
        exclusive_maximum=_min(a.exclusive_maximum, b.exclusive_maximum),
        min_items=max(a.min_items, b.min_items),
        max_items=_min(a.max_items, b.max_items),
        contains=(*a.contains, *b.contains),
    )
    left = _kinds_left(view)
    if "object" in left and not all(
        compatible(a.property_node(k), b.property_node(k)) for k in a.required | b.required
    ):
        left.discard("object")
    return bool(left)


def negate(node: Node | None) -> Node | None:
    """A node for "not *node*"; raises `UnsupportedSchema` where that has no node form."""
    if node is None:
        return ANY
    if node is ANY:
        return None
    hit = _NEGATED.get(id(node))
    if hit is not None:
        return hit[1]
    alternatives = [alt for alt in _negations(node) if alt is not None]
    result: Node | None
    if not alternatives:
        result = None
    elif len(alternatives) == 1:
        result = alternatives[0]
    else:
        result = normalise(Node(location=node.location, splits=(tuple(alternatives),)))
    _NEGATED[id(node)] = (node, result)
    return result


def _refuse(node: Node, what: str) -> UnsupportedSchema:
    return UnsupportedSchema(f"'not' (or the false side of 'if') over {what}", node.location)


def _negations(node: Node) -> list[Node | None]:
    """One node per way of breaking *node*: any one of them is "not *node*"."""
    loc = node.location
    kinds = node.types
    out: list[Node | None] = []
    if ALL_TYPES - kinds:
        out.append(Node(location=loc, types=ALL_TYPES - kinds))
    if node.enum is not None:
        out.append(Node(location=loc, types=kinds, excluded=node.enum))
    if node.excluded:
        out.append(Node(location=loc, types=kinds, enum=node.excluded))
    if "string" in kinds:
        out.extend(_negate_string(node))
    numeric = kinds & {"integer", "number"}
    if numeric:
        out.extend(_negate_number(node, frozenset(numeric)))
    if "array" in kinds:
        out.extend(_negate_array(node))
    if "object" in kinds:
        out.extend(_negate_object(node))
    for split in node.splits:
        out.append(merge_all(negate(alt) for alt in split))
    return out


def _negate_string(node: Node) -> list[Node | None]:
    if node.patterns:
        raise _refuse(node, "'pattern'")
    string = frozenset({"string"})
    out: list[Node | None] = []
    if node.min_length > 0:
        out.append(Node(location=node.location, types=string, max_length=node.min_length - 1))
    if node.max_length is not None:
        out.append(Node(location=node.location, types=string, min_length=node.max_length + 1))
    return out


def _negate_number(node: Node, kinds: frozenset[str]) -> list[Node | None]:
    if node.multiple_of is not None:
        raise _refuse(node, "'multipleOf'")
    loc = node.location
    out: list[Node | None] = []
    if node.minimum is not None:
        out.append(Node(location=loc, types=kinds, exclusive_maximum=node.minimum))
    if node.exclusive_minimum is not None:
        out.append(Node(location=loc, types=kinds, maximum=node.exclusive_minimum))
    if node.maximum is not None:
        out.append(Node(location=loc, types=kinds, exclusive_minimum=node.maximum))
    if node.exclusive_maximum is not None:
        out.append(Node(location=loc, types=kinds, minimum=node.exclusive_maximum))
    return out


def _negate_array(node: Node) -> list[Node | None]:
    if node.prefix or node.items_given or node.contains or node.unique:
        raise _refuse(node, "'items', 'prefixItems', 'contains' or 'uniqueItems'")
    array = frozenset({"array"})
    out: list[Node | None] = []
    if node.min_items > 0:
        out.append(Node(location=node.location, types=array, max_items=node.min_items - 1))
    if node.max_items is not None:
        out.append(Node(location=node.location, types=array, min_items=node.max_items + 1))
    return out


def _negate_object(node: Node) -> list[Node | None]:
    if node.closed or node.sealed or node.dependent:
        raise _refuse(node, "'additionalProperties', 'unevaluatedProperties' or "
                            "'dependentRequired'")
    obj = frozenset({"object"})
    loc = node.location
    out: list[Node | None] = [
        Node(location=loc, types=obj, properties={key: None}) for key in sorted(node.required)
    ]
    for key, value in node.properties.items():
        broken = negate(value)
        if broken is not None:
            out.append(Node(location=loc, types=obj, required=frozenset({key}),
                            properties={key: broken}))
    return out
