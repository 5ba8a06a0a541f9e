"""Bundle catalogue schemas into one OpenAPI document's ``components/schemas``.

OpenAPI tools (Prism, Schemathesis, Postman, generators) resolve ``$ref``s
inside the document they load; they do not know our ``https://vidukit.dev``
ids and must not fetch them. So every schema file a provider's messages reach
(their own files and the ``_shared/`` ones) becomes one component, and each
``$ref`` is rewritten to ``#/components/schemas/<name><fragment>``.

What keeps the JSON Schema 2020-12 semantics intact: the component is the
file's content unchanged except that ``$id`` and ``$schema`` are dropped (a
component without ``$id`` is not a resource of its own, so a local ``$ref``
resolves against the document, which is what the rewritten refs need) and
that refs are rewritten. The ``x-*`` annotations (rule ids, sources,
capabilities) are kept: OpenAPI allows them and they explain every rule.
Only JSON-pointer fragments are supported; an ``$anchor`` or ``$dynamicRef``
would raise `SchemaError` rather than bundle into something subtly different.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from vidukit.catalogue import BASE_URI, SHARED_DIR, Catalogue
from vidukit.errors import SchemaError

COMPONENTS = "#/components/schemas/"

#: Keywords whose values are data, not schemas: a "$ref" key inside them is not a reference.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})
#: Keywords this bundler cannot rewrite faithfully.
_UNSUPPORTED = frozenset({"$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef"})
#: Keywords whose value maps names (property names, def names) to subschemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def component_name(uri: str, provider: str) -> str:
    """``.../wavespeed/prediction.json`` -> ``prediction`` (in the wavespeed document);
    ``.../_shared/v3-async/error.json`` -> ``shared.v3-async.error``.

    Names stay within OpenAPI's ``^[a-zA-Z0-9.\\-_]+$`` and need no JSON-pointer escaping.
    """
    if not uri.startswith(BASE_URI) or not uri.endswith(".json"):
        raise SchemaError(f"cannot bundle {uri!r}: not a catalogue schema id")
    parts = uri[len(BASE_URI) : -len(".json")].split("/")
    if parts[0] == provider and len(parts) == 2:
        return parts[1]
    if parts[0] == SHARED_DIR:
        parts[0] = "shared"
    return ".".join(parts)


def _children(node: dict[str, Any]) -> Iterable[Any]:
    """The values of a schema object that may hold subschemas (``$ref`` excluded).

    Values of data keywords and ``x-*`` annotations are skipped (a ``"$ref"`` key in an
    example is data); under ``properties`` and the like every named subschema is visited,
    even one whose property name looks like a keyword.
    """
    for key, value in node.items():
        if key == "$ref" or key in _DATA_KEYWORDS or key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            yield from value.values()
        else:
            yield value


def _refs(node: Any, base: str) -> Iterable[str]:
    """Absolute URIs (without fragment) of every resource *node* refers to."""
    if isinstance(node, dict):
        for key in node.keys() & _UNSUPPORTED:
            raise SchemaError(f"{base}: {key} cannot be bundled into OpenAPI components")
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield urldefrag(urljoin(base, ref)).url
        for value in _children(node):
            yield from _refs(value, base)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item, base)


def reachable(cat: Catalogue, roots: Iterable[str]) -> list[str]:
    """Every schema URI reachable from *roots* through ``$ref``, roots first, then sorted."""
    seen: dict[str, None] = {}
    pending = list(roots)
    while pending:
        uri = pending.pop(0)
        if uri in seen:
            continue
        if uri not in cat.resources:
            raise SchemaError(f"$ref to {uri!r}, which is not in the catalogue")
        seen[uri] = None
        pending.extend(u for u in _refs(cat.resources[uri], uri) if u not in seen)
    ordered = list(dict.fromkeys(roots))
    return ordered + sorted(u for u in seen if u not in ordered)


def _rewrite(node: Any, base: str, names: Mapping[str, str]) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, base, names) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            target, fragment = urldefrag(urljoin(base, value))
            if fragment and not fragment.startswith("/"):
                raise SchemaError(f"{base}: $ref {value!r} uses an anchor, not a pointer")
            out[key] = COMPONENTS + names[target] + fragment
        elif key in _DATA_KEYWORDS or key.startswith("x-"):
            out[key] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _rewrite(sub, base, names) for name, sub in value.items()}
        else:
            out[key] = _rewrite(value, base, names)
    return out


def bundle(cat: Catalogue, provider: str, roots: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``components/schemas`` for *roots* and all they reference, keyed by component name."""
    uris = reachable(cat, roots)
    names = {uri: component_name(uri, provider) for uri in uris}
    if len(set(names.values())) != len(names):
        raise SchemaError(f"component names collide for {provider}: {sorted(names.values())}")
    components: dict[str, dict[str, Any]] = {}
    for uri in uris:
        document = {k: v for k, v in cat.resources[uri].items() if k not in ("$id", "$schema")}
        components[names[uri]] = _rewrite(document, uri, names)
    return components


__all__ = ["COMPONENTS", "bundle", "component_name", "reachable"]
