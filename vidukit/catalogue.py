"""The schema catalogue: every provider's JSON Schemas, loaded once into one registry.

The files under ``schemas/`` are the single source of truth. They are read from
disk (never fetched), each ``$id`` must match its path under `BASE_URI`, and a
`referencing.Registry` built from all of them resolves every ``$ref``; its
default retrieve raises, so a stray remote ``$ref`` fails loudly instead of
reaching the network.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from vidukit.errors import SchemaError, UnknownMessage, UnknownProvider

BASE_URI = "https://vidukit.dev/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

SHARED_DIR = "_shared"

#: Public message names, in lifecycle order.
MESSAGES: tuple[str, ...] = (
    "submit-request",
    "poll-request",
    "submit-response",
    "result-response",
    "error-response",
    "webhook",
)

#: Messages a client sends; their schemas are strict (unknown fields are errors).
#: ``poll-request`` exists only where polling has a body (Runware's getResponse task).
REQUEST_MESSAGES: frozenset[str] = frozenset({"submit-request", "poll-request"})

def data_root(name: str) -> Path:
    """Find a data tree (``schemas`` or ``fixtures``) in a wheel or a source checkout.

    Both carry them as ``vidukit/_data/<name>``: the wheel holds the files there, a
    checkout links them to the repository's top-level folders (resolved, so paths name
    the real files).
    """
    candidate = Path(__file__).resolve().parent / "_data" / name
    if candidate.is_dir():
        return candidate.resolve()
    raise SchemaError(f"cannot find the {name}/ directory next to the vidukit package")


def _provider_dirs() -> tuple[str, ...]:
    root = data_root("schemas")
    return tuple(sorted(p.name for p in root.iterdir()
                        if p.is_dir() and not p.name.startswith(("_", "."))))


#: Public provider ids, in id order: the folders of ``schemas/`` (every provider is its
#: folders; `tests/test_provider_layout.py` checks the other trees hold the same ids).
PROVIDERS: tuple[str, ...] = _provider_dirs()


def _load_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from exc
    if not isinstance(document, dict):
        raise SchemaError(f"{path}: a schema file must hold a JSON object")
    return document


@dataclass(frozen=True)
class Catalogue:
    """All schemas by URI plus the registry that resolves references between them."""

    root: Path
    resources: Mapping[str, Mapping[str, Any]]
    registry: Registry

    def providers(self) -> tuple[str, ...]:
        return tuple(p for p in PROVIDERS if (self.root / p).is_dir())

    def messages(self, provider: str) -> tuple[str, ...]:
        self._check_provider(provider)
        return tuple(m for m in MESSAGES if self.uri(provider, m) in self.resources)

    def uri(self, provider: str, message: str) -> str:
        return f"{BASE_URI}{provider}/{message}.json"

    def schema(self, provider: str, message: str) -> Mapping[str, Any]:
        known = self.messages(provider)
        if message not in known:
            raise UnknownMessage(provider, message, known)
        return self.resources[self.uri(provider, message)]

    def path(self, provider: str, message: str) -> Path:
        self.schema(provider, message)
        return self.root / provider / f"{message}.json"

    def _check_provider(self, provider: str) -> None:
        if provider not in PROVIDERS or not (self.root / provider).is_dir():
            raise UnknownProvider(provider, self.providers())


def build_catalogue(root: Path) -> Catalogue:
    """Read every ``*.json`` under *root* and check each ``$id`` against its path."""
    resources: dict[str, dict[str, Any]] = {}
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root).as_posix()
        document = _load_json(path)
        expected = BASE_URI + relative
        if document.get("$id") != expected:
            raise SchemaError(f"{path}: $id must be {expected!r}, found {document.get('$id')!r}")
        if document.get("$schema") != DIALECT:
            raise SchemaError(f"{path}: $schema must be {DIALECT!r}")
        resources[expected] = document
    registry: Registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT202012))
        for uri, doc in resources.items()
    )
    return Catalogue(root=root, resources=resources, registry=registry.crawl())


@cache
def catalogue() -> Catalogue:
    """The installed catalogue, built once per process."""
    return build_catalogue(data_root("schemas"))
