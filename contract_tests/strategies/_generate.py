"""Draw values from a compiled `Node`.

Each level first resolves its splits (`search`, with Hypothesis choosing the
order, so shrinking walks towards the first alternative), then draws by kind.
Objects draw their optional keys' presence one boolean each, so every
optional field is explored present and absent; arrays give each ``contains``
target a position whose element can meet it. Constraints left to a filter
are scalar only (a second ``pattern``, a value excluded by ``not``) and
rarely reject.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from hypothesis import reject
from hypothesis import strategies as st

from vidukit.contract_tests.strategies._merge import integer_bounds, merge
from vidukit.contract_tests.strategies._node import ANY, Node, accepts_scalar, json_key
from vidukit.contract_tests.strategies._patterns import strings_matching
from vidukit.contract_tests.strategies._search import feasible, search

T = TypeVar("T")


class Draw(Protocol):
    """The ``draw`` argument of a ``@composite`` function."""

    def __call__(self, strategy: st.SearchStrategy[T], /) -> T: ...


#: Integers stay within what every JSON parser reads exactly (IEEE doubles).
SAFE_INTEGER = 2**53 - 1
#: Unbounded strings and arrays get at most this many characters or elements beyond the minimum.
EXTRA_LENGTH = 24
EXTRA_ITEMS = 3
#: Order in which kinds are offered: shrinking prefers the first.
_KIND_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")

_EXTRA_NAME = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).map("x_{}".format)
_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-SAFE_INTEGER, SAFE_INTEGER),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.text(max_size=EXTRA_LENGTH),
)
JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                   max_size=3),
    max_leaves=5,
)
_FREE_OBJECTS = st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3)
_FREE_ARRAYS = st.lists(JSON_VALUES, max_size=EXTRA_ITEMS)


@dataclass(frozen=True)
class Options:
    """What the caller chose beyond the schema."""

    extra_fields: bool = False


def values(node: Node | None, options: Options) -> st.SearchStrategy[Any]:
    """The strategy for *node*; a schema no value satisfies is refused here, not per draw."""
    if node is None or not feasible(node):
        where = node.location if node is not None else "(schema false)"
        raise ValueError(f"no value satisfies the schema at {where}")

    @st.composite
    def draw_root(draw: Draw) -> Any:
        return draw_value(draw, node, options)

    return draw_root()


_BOOLEANS = st.booleans()
#: Strategies are built once per node and kind: building one costs more than drawing from it.
_BUILT: dict[tuple[int, str], tuple[Node, st.SearchStrategy[Any]]] = {}


@cache
def _index(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


def _built(node: Node, what: str, build: Callable[[], st.SearchStrategy[Any]]
           ) -> st.SearchStrategy[Any]:
    hit = _BUILT.get((id(node), what))
    if hit is None:
        hit = (node, build())
        _BUILT[(id(node), what)] = hit
    return hit[1]


def draw_value(draw: Draw, node: Node, options: Options) -> Any:
    def choose(n: int) -> int:
        return draw(_index(n))

    resolved = search(node, choose)
    if resolved is None:
        reject()  # only for contradictions deeper than the feasibility check looks
    if resolved.enum is not None:
        enum = resolved.enum
        return copy.deepcopy(enum[draw(_index(len(enum)))] if len(enum) > 1 else enum[0])
    kinds = [k for k in _KIND_ORDER if k in resolved.types]
    kind = kinds[0] if len(kinds) == 1 else kinds[draw(_index(len(kinds)))]
    if kind == "object":
        return _object(draw, resolved, options)
    if kind == "array":
        return _array(draw, resolved, options)
    return draw(_built(resolved, kind, lambda: _scalars(resolved, kind)))


def _scalars(node: Node, kind: str) -> st.SearchStrategy[Any]:
    base: st.SearchStrategy[Any]
    if kind == "null":
        base = st.none()
    elif kind == "boolean":
        base = st.booleans()
    elif kind == "string":
        base = _strings(node)
    elif kind == "integer":
        base = _integers(node)
    else:
        base = st.floats(
            min_value=_bound(node.minimum, node.exclusive_minimum, -1e15),
            max_value=_bound(node.maximum, node.exclusive_maximum, 1e15),
            exclude_min=node.exclusive_minimum is not None and (
                node.minimum is None or node.exclusive_minimum >= node.minimum),
            exclude_max=node.exclusive_maximum is not None and (
                node.maximum is None or node.exclusive_maximum <= node.maximum),
            allow_nan=False, allow_infinity=False,
        ).filter(lambda x: not x.is_integer())
    return base.filter(lambda value: accepts_scalar(node, value))


def _bound(inclusive: float | None, exclusive: float | None, default: float) -> float:
    given = [x for x in (inclusive, exclusive) if x is not None]
    if not given:
        return default
    return max(given) if default < 0 else min(given)


def _strings(node: Node) -> st.SearchStrategy[str]:
    if node.patterns:
        return strings_matching(node.patterns[0])
    longest = node.min_length + EXTRA_LENGTH
    if node.max_length is not None:
        longest = min(longest, node.max_length)
    return st.text(min_size=node.min_length, max_size=longest)


def _integers(node: Node) -> st.SearchStrategy[int]:
    low, high = integer_bounds(node)
    low = -SAFE_INTEGER if low is None else low
    high = SAFE_INTEGER if high is None else high
    step = node.multiple_of
    if step is None:
        return st.integers(low, high)
    if not float(step).is_integer():
        return st.integers(low, high)  # accepts_scalar filters; no schema of ours does this
    step = int(step)
    return st.integers(-(-low // step), high // step).map(lambda k: k * step)


def _is_free(node: Node) -> bool:
    """An object or array the schema says nothing more about: any small JSON content."""
    return not (node.properties or node.required or node.closed or node.sealed
                or node.dependent or node.prefix or node.items_given or node.contains
                or node.min_items or node.max_items is not None or node.unique)


def _object(draw: Draw, node: Node, options: Options) -> dict[str, Any]:
    if _is_free(node):
        return draw(_FREE_OBJECTS)
    present = set(node.required)
    for key, sub in node.properties.items():
        if key not in present and sub is not None and feasible(sub) and draw(_BOOLEANS):
            present.add(key)
    present = _with_dependencies(node, present)
    ordered = [*(k for k in node.properties if k in present),
               *sorted(k for k in present if k not in node.properties)]
    result: dict[str, Any] = {}
    for key in ordered:
        sub = node.property_node(key)
        if sub is None:  # pragma: no cover - feasibility already excluded it
            reject()
        result[key] = draw_value(draw, sub, options)
    if options.extra_fields and not (node.closed or node.sealed) and draw(_BOOLEANS):
        result.update(draw(_built(node, "extra", lambda: _extra_fields(node))))
    return result


def _extra_fields(node: Node) -> st.SearchStrategy[dict[str, Any]]:
    names = _EXTRA_NAME.filter(lambda name: name not in node.properties)
    return st.dictionaries(names, JSON_VALUES, min_size=1, max_size=3)


def _with_dependencies(node: Node, present: set[str]) -> set[str]:
    """Add what ``dependentRequired`` demands; drop an optional key whose dependency cannot be."""
    changed = True
    while changed:
        changed = False
        for key in sorted(present):
            for needed in node.dependent.get(key, ()):
                if needed in present:
                    continue
                changed = True
                if feasible(node.property_node(needed)):
                    present.add(needed)
                elif key in node.required:
                    reject()
                else:
                    present.discard(key)
                break
    return present


def _array(draw: Draw, node: Node, options: Options) -> list[Any]:
    if _is_free(node):
        return draw(_FREE_ARRAYS)
    longest = node.min_items + EXTRA_ITEMS if node.max_items is None else node.max_items
    for index in range(node.min_items, longest):
        if not feasible(node.item_at(index)):
            longest = index
            break
    shortest = max(node.min_items, 1 if node.contains else 0)
    if shortest > longest:
        reject()
    size = shortest + draw(_index(longest - shortest + 1))
    slots: list[Node | None] = [node.item_at(i) for i in range(size)]
    for target in node.contains:
        start = draw(_index(size))
        for offset in range(size):
            i = (start + offset) % size
            combined = merge(slots[i], target)
            if feasible(combined):
                slots[i] = combined
                break
        else:
            reject()
    result = [draw_value(draw, slot or ANY, options) for slot in slots]
    if node.unique and len({json_key(v) for v in result}) < len(result):
        reject()
    return result
