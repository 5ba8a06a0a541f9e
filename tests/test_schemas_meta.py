"""Every schema file keeps the catalogue's conventions (ARCHITECTURE.md, "Schemas")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from vidukit.catalogue import (
    BASE_URI,
    MESSAGES,
    REQUEST_MESSAGES,
    SHARED_DIR,
    catalogue,
    data_root,
)

SCHEMAS = data_root("schemas")
FILES = sorted(SCHEMAS.rglob("*.json"))
#: Subschemas that test a condition rather than declare an object: never strict.
CONDITION_KEYWORDS = frozenset({"if", "not", "contains", "propertyNames"})


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def file_param(path: Path) -> Any:
    return pytest.param(path, id=path.relative_to(SCHEMAS).as_posix())


def message_files() -> list[Any]:
    return [file_param(p) for p in FILES
            if p.parent.name != SHARED_DIR and p.stem in MESSAGES and p.parent.parent == SCHEMAS]


@pytest.mark.parametrize("path", [file_param(p) for p in FILES])
def test_schema_passes_the_2020_12_metaschema(path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(load(path))


@pytest.mark.parametrize("path", [file_param(p) for p in FILES])
def test_id_matches_path(path: Path) -> None:
    assert load(path)["$id"] == BASE_URI + path.relative_to(SCHEMAS).as_posix()


def test_every_file_is_a_message_or_a_shared_definition() -> None:
    """A stray name (``submit_request.json``) would silently never be validated against."""
    cat = catalogue()
    for path in FILES:
        relative = path.relative_to(SCHEMAS)
        if relative.parts[0] == SHARED_DIR:
            continue
        assert relative.parts[0] in cat.providers(), relative
        document = load(path)
        if path.stem not in MESSAGES:
            assert "not a message" in document.get("title", ""), (
                f"{relative}: not a message name; a provider-local definition must say "
                "'not a message' in its title")


@pytest.mark.parametrize("path", message_files())
def test_message_root_is_documented(path: Path) -> None:
    document = load(path)
    for key in ("title", "description", "x-source"):
        assert isinstance(document.get(key), str) and document[key].strip(), key
    assert document["x-source"].startswith("https://")  # a page a user can open


def _object_schemas(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema that declares an object's fields (conditions excluded)."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") in ("object", ["object"]):
            yield where or "/", node
        for key, value in node.items():
            if key not in CONDITION_KEYWORDS and key != "properties":
                yield from _object_schemas(value, f"{where}/{key}")
        for name, value in node.get("properties", {}).items():
            if isinstance(value, dict | list):
                yield from _object_schemas(value, f"{where}/properties/{name}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _object_schemas(value, f"{where}/{i}")


def _referenced_files(path: Path) -> list[Path]:
    """The request file and the files its ``$ref``s reach (transitively)."""
    cat = catalogue()
    seen: list[Path] = []
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        uri = BASE_URI + current.relative_to(SCHEMAS).as_posix()
        for ref in _refs(load(current)):
            target = ref.partition("#")[0]
            if target:
                resolved = cat.registry.resolver(base_uri=uri).lookup(target)
                target_uri = resolved.contents["$id"]
                todo.append(SCHEMAS / target_uri.removeprefix(BASE_URI))
    return seen


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.parametrize("path", [p for p in message_files()
                                  if p.values[0].stem in REQUEST_MESSAGES])
def test_request_schemas_are_strict(path: Path) -> None:
    objects = [(file, where, node) for file in _referenced_files(path)
               for where, node in _object_schemas(load(file))]
    assert objects, "a request schema declares at least one object"
    loose = [
        f"{file.relative_to(SCHEMAS)}#{where}" for file, where, node in objects
        if node.get("additionalProperties") is not False
        and node.get("unevaluatedProperties") is not False
    ]
    assert loose == [], "object schemas without additionalProperties/unevaluatedProperties false"


@pytest.mark.parametrize("path", [file_param(p) for p in FILES])
def test_every_ref_resolves_through_the_catalogue(path: Path) -> None:
    cat = catalogue()
    uri = BASE_URI + path.relative_to(SCHEMAS).as_posix()
    resolver = cat.registry.resolver(base_uri=uri)
    for ref in _refs(load(path)):
        resolved = resolver.lookup(ref)
        assert isinstance(resolved.contents, dict | bool), ref


def test_every_submit_request_declares_every_capability() -> None:
    names = {"images", "videos", "duration", "resolution", "aspect_ratio", "movement_amplitude",
             "seed", "audio", "bgm", "watermark", "webhook"}
    cat = catalogue()
    for provider in cat.providers():
        if "submit-request" in cat.messages(provider):
            declared = cat.schema(provider, "submit-request").get("x-capabilities", {})
            assert set(declared) == names, provider
