"""Hypothesis strategies drawn from the catalogue's JSON Schemas (draft 2020-12 subset).

Why not hypothesis-jsonschema: 0.23.1 breaks on object schemas with current
Hypothesis, and pinning Hypothesis for our users is not an option. This
builder covers exactly the keywords our schemas use, and refuses any other
with `UnsupportedSchema` naming the keyword and where it is.

How it avoids filtering: a schema compiles to one `Node` per level in which
``allOf``, ``$ref`` and the chosen side of each ``if``/``then``/``else`` are
already merged, with contradictions pruned before drawing (see `_merge`). So
the status-dependent rules ("outputs only when completed") shape the draw
instead of rejecting it.

Values also pass the error-severity named checks of `vidukit.rules` for the
message (see `_named`). Open objects may carry unknown extra fields when
``extra_fields=True``; strict (closed) objects never do.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from hypothesis import strategies as st

from vidukit.catalogue import catalogue
from vidukit.contract_tests.strategies._compile import ANNOTATIONS, SUPPORTED, Compiler
from vidukit.contract_tests.strategies._generate import Options, values
from vidukit.contract_tests.strategies._named import repairs_for
from vidukit.contract_tests.strategies._node import Node, UnsupportedSchema

__all__ = [
    "ANNOTATIONS",
    "SUPPORTED",
    "UnsupportedSchema",
    "compile_message",
    "from_schema",
    "from_subschema",
]


def from_subschema(schema: Mapping[str, Any] | bool, resolver: Any, *,
                   extra_fields: bool = False,
                   location: str = "") -> st.SearchStrategy[Any]:
    """Values valid against *schema*, resolving its ``$ref``s with *resolver*.

    *resolver* is a `referencing` resolver, e.g.
    ``catalogue().registry.resolver(base_uri=catalogue().uri(provider, message))``;
    *location* (that URI) is used for relative references' error messages.
    Named checks are not applied: they belong to whole messages.
    """
    node = Compiler().compile(schema, resolver, location or "#")
    return values(node, Options(extra_fields=extra_fields))


@cache
def compile_message(provider: str, message: str) -> Node | None:
    """The compiled root node of *provider*'s *message*, built once per process."""
    cat = catalogue()
    uri = cat.uri(provider, message)
    return Compiler().compile(cat.schema(provider, message),
                              cat.registry.resolver(base_uri=uri), uri + "#")


@cache
def from_schema(provider: str, message: str, *,
                extra_fields: bool = False) -> st.SearchStrategy[Any]:
    """Values *provider* accepts (or sends) as *message*: schema and named checks both hold."""
    repairs = repairs_for(provider, message)
    strategy = values(compile_message(provider, message), Options(extra_fields=extra_fields))
    for repair in repairs:
        strategy = strategy.map(repair)
    return strategy
