"""Resolve a node's splits into one consistent choice, and decide whether any exists.

`search` picks one alternative per split, depth first, and backtracks when a
combination turns out inconsistent (say, the "authentication task" side of
Runware's item rule together with "no authentication after the first
item"). Generation drives its choices with Hypothesis draws; `feasible` uses
fixed ones. Before walking ``if``/``then`` chains, `search` draws the value of
the property they test (the status), so each value gets an equal share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from vidukit.contract_tests.strategies._merge import CACHES, merge
from vidukit.contract_tests.strategies._node import ANY, Node

Chooser = Callable[[int], int]

_FEASIBLE: dict[int, tuple[Node, bool]] = {}
_TAILS: dict[int, tuple[Node, Node]] = {}
_PINS: dict[int, tuple[Node, tuple[Node, ...]]] = {}
CACHES.extend([_FEASIBLE, _TAILS, _PINS])


def _without_first_split(node: Node) -> Node:
    hit = _TAILS.get(id(node))
    if hit is None:
        hit = (node, replace(node, splits=node.splits[1:]))
        _TAILS[id(node)] = hit
    return hit[1]


def search(node: Node, choose: Chooser) -> Node | None:
    """A node with every split resolved whose required parts can all be generated.

    *choose(n)* names the alternative to try first; the others follow in
    rotation, so a contradiction found deeper backtracks instead of failing.
    """
    if not node.splits:
        return node if _children_feasible(node) else None
    pins = _pins(node)
    if pins:
        start = choose(len(pins))
        for offset in range(len(pins)):
            candidate = merge(node, pins[(start + offset) % len(pins)])
            if candidate is not None and (found := search(candidate, choose)) is not None:
                return found
        return None
    split = node.splits[0]
    rest = _without_first_split(node)
    start = choose(len(split)) if len(split) > 1 else 0
    for offset in range(len(split)):
        candidate = merge(rest, split[(start + offset) % len(split)])
        if candidate is None:
            continue
        found = search(candidate, choose)
        if found is not None:
            return found
    return None


def _mentions(node: Node, path: tuple[str, ...]) -> bool:
    """Whether *node* constrains the property at *path* (directly, not through splits)."""
    for key in path:
        if key not in node.properties and key not in node.required:
            return False
        child = node.properties.get(key, ANY)
        if child is None:
            return True
        node = child
    return True


def _discriminator(node: Node) -> tuple[tuple[str, ...], tuple[Any, ...]] | None:
    """The first required enum property, at most two levels down, that the splits test."""
    alternatives = [alt for split in node.splits for alt in split]
    candidates: list[tuple[tuple[str, ...], Node | None]] = []
    for key in node.properties:
        if key in node.required:
            child = node.properties[key]
            candidates.append(((key,), child))
            if child is not None and child.types <= {"object"}:
                candidates.extend(((key, inner), child.properties[inner])
                                  for inner in child.properties if inner in child.required)
    for path, child in candidates:
        if (child is not None and child.enum is not None and len(child.enum) > 1
                and any(_mentions(alt, path) for alt in alternatives)):
            return path, child.enum
    return None


def _pins(node: Node) -> tuple[Node, ...]:
    """One node per value of the splits' discriminator, e.g. one per task status.

    Drawing the status first, uniformly, then letting `normalise` settle every
    rule that tests it gives each status an equal share; walking the
    ``if``/``then`` chain instead would favour the first rule's status.
    """
    hit = _PINS.get(id(node))
    if hit is None:
        found = _discriminator(node)
        pins: tuple[Node, ...] = ()
        if found is not None:
            path, values = found
            pins = tuple(_pin(node.location, path, value) for value in values)
        hit = (node, pins)
        _PINS[id(node)] = hit
    return hit[1]


def _pin(location: str, path: tuple[str, ...], value: Any) -> Node:
    pinned = Node(location=location, enum=(value,))
    for key in reversed(path):
        pinned = Node(location=location, types=frozenset({"object"}),
                      required=frozenset({key}), properties={key: pinned})
    return pinned


def feasible(node: Node | None) -> bool:
    """Whether some value satisfies *node*, children and splits included."""
    if node is None:
        return False
    hit = _FEASIBLE.get(id(node))
    if hit is None:
        hit = (node, search(node, lambda _n: 0) is not None)
        _FEASIBLE[id(node)] = hit
    return hit[1]


def _children_feasible(node: Node) -> bool:
    if node.enum is not None:
        return True
    if node.types <= {"object"}:
        return all(feasible(node.property_node(k)) for k in node.required)
    if node.types <= {"array"}:
        return all(feasible(node.item_at(i)) for i in range(node.min_items)) and all(
            feasible(c) for c in node.contains
        )
    return True
