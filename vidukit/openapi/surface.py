"""Each provider's HTTP surface, from its spec (``vidukit/providers/<id>/``).

The types are `vidukit.providers.surface`'s; ``tests/test_openapi_export.py`` proves
every path and method of every surface is one the mock serves.
"""

from __future__ import annotations

from collections.abc import Mapping

from vidukit.providers import spec, specs
from vidukit.providers.surface import Link, Operation, Param, Surface


def surface(provider: str) -> Surface:
    return spec(provider).surface


def surfaces() -> Mapping[str, Surface]:
    """Every provider's surface by id."""
    return {pid: s.surface for pid, s in specs().items()}


__all__ = ["Link", "Operation", "Param", "Surface", "surface", "surfaces"]
