"""Assemble one provider's OpenAPI 3.1 document from its schemas and its HTTP surface.

Every body schema is a ``$ref`` into ``components/schemas``, which holds the
catalogue's files bundled (`vidukit.openapi.bundle`): nothing here restates
a field, a limit or an enum, so the document cannot disagree with the
validator or the mock. ``jsonSchemaDialect`` is draft 2020-12, the dialect the
schemas are written in, so tools apply the same semantics (``if``/``then``,
``unevaluatedProperties``, ``prefixItems``) without OpenAPI's vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vidukit import __version__
from vidukit.catalogue import DIALECT, Catalogue, catalogue
from vidukit.errors import UnknownProvider
from vidukit.openapi.bundle import COMPONENTS, bundle
from vidukit.openapi.examples import examples
from vidukit.openapi.surface import Operation, Param, Surface, surfaces

OPENAPI_VERSION = "3.1.0"
#: The mock's base URL for a provider when `vidukit serve` runs with its defaults.
DEFAULT_MOCK_URL = "http://127.0.0.1:8000/{provider}"
JSON = "application/json"
BEARER = "bearerAuth"


def _ref(message: str) -> dict[str, str]:
    return {"$ref": COMPONENTS + message}


def _one(messages: tuple[str, ...], combinator: str) -> dict[str, Any]:
    if len(messages) == 1:
        return _ref(messages[0])
    return {combinator: [_ref(m) for m in messages]}


def _parameter(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": param.location,
        "required": param.required or param.location == "path",
        "description": param.description,
        "schema": dict(param.schema),
    }


def _webhook_query(schema: Mapping[str, Any]) -> Param | None:
    """The query parameter a ``query:<name>`` webhook capability names (WaveSpeed)."""
    where = schema.get("x-capabilities", {}).get("webhook")
    if not isinstance(where, str) or not where.startswith("query:"):
        return None
    return Param(
        where.removeprefix("query:"),
        "query",
        "URL the provider POSTs the webhook body to when the task finishes (see webhooks).",
        required=False,
        schema={"type": "string", "format": "uri"},
    )


def _media(provider: str, messages: tuple[str, ...], combinator: str) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": _one(messages, combinator)}
    shown = examples(provider, messages)
    if shown:
        media["examples"] = shown
    return media


def _operation(op: Operation, surface: Surface, cat: Catalogue) -> dict[str, Any]:
    parameters = [_parameter(p) for p in op.parameters]
    if "submit-request" in op.requests and len(op.requests) == 1:
        query = _webhook_query(cat.schema(surface.provider, "submit-request"))
        if query is not None:
            parameters.append(_parameter(query))
    ok: dict[str, Any] = {"description": op.ok}
    if op.answers:
        ok["content"] = {JSON: _media(surface.provider, op.answers, "anyOf")}
    if op.links:
        ok["links"] = {
            link.name: {
                "operationId": link.operation_id,
                "parameters": dict(link.parameters),
                "description": link.description,
            }
            for link in op.links
        }
    responses: dict[str, Any] = {"200": ok}
    responses.update(
        {str(status): {"$ref": f"#/components/responses/error-{status}"}
         for status in sorted(surface.errors)}
    )
    if surface.other_errors:
        responses["default"] = {"$ref": "#/components/responses/error-other"}
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if parameters:
        out["parameters"] = parameters
    if op.requests:
        out["requestBody"] = {
            "required": True,
            "content": {JSON: _media(surface.provider, op.requests, "oneOf")},
        }
    elif op.body is not None:
        out["requestBody"] = {"required": True, "content": dict(op.body)}
    out["responses"] = responses
    if surface.body_auth:
        out["security"] = [{BEARER: []}, {}]
    return out


def _paths(surface: Surface, cat: Catalogue) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in surface.operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op, surface, cat)
    return paths


def _error_responses(surface: Surface) -> dict[str, Any]:
    body = {JSON: {"schema": _ref("error-response")}}
    responses = {f"error-{s}": {"description": text, "content": body}
                 for s, text in sorted(surface.errors.items())}
    if surface.other_errors:
        responses["error-other"] = {"description": surface.other_errors, "content": body}
    return responses


def _webhooks(surface: Surface, cat: Catalogue) -> dict[str, Any]:
    if "webhook" not in cat.messages(surface.provider):
        return {}
    schema = cat.schema(surface.provider, "webhook")
    where = str(cat.schema(surface.provider, "submit-request")
                .get("x-capabilities", {}).get("webhook"))
    if where.startswith("query:"):
        told = f"the submit's query parameter {where.removeprefix('query:')!r}"
    else:
        told = f"the submit body field defined at components/schemas/submit-request{where}"
    post: dict[str, Any] = {
        "operationId": "taskFinished",
        "summary": str(schema.get("title", "Webhook")),
        "description": f"Sent to the URL given in {told}. See components/schemas/webhook.",
        "requestBody": {"required": True, "content": {JSON: {"schema": _ref("webhook")}}},
        "responses": {"200": {"description": "Any 2xx acknowledges the delivery."}},
    }
    if surface.webhook_headers:
        post["parameters"] = [_parameter(p) for p in surface.webhook_headers]
    return {"taskFinished": {"post": post}}


def build_document(
    provider: str, *, mock_url: str = DEFAULT_MOCK_URL, cat: Catalogue | None = None
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of *provider*; ``{provider}`` in *mock_url* is replaced."""
    cat = cat or catalogue()
    surface = surfaces().get(provider)
    if surface is None or provider not in cat.providers():
        raise UnknownProvider(provider, tuple(p for p in cat.providers() if p in surfaces()))
    roots = [cat.uri(provider, m) for m in cat.messages(provider)]
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": f"{surface.title}: Vidu Q2 reference-to-video",
            "version": __version__,
            "description": (
                f"Generated by `vidukit export openapi --provider {provider}` (vidukit "
                f"{__version__}) from schemas/{provider}/; do not edit, change the schemas. "
                "Bodies are the catalogue's JSON Schemas (draft 2020-12) in components/schemas, "
                "with their annotations: x-rule (the rule id a violation reports), x-source "
                "(the document a rule comes from) and x-capabilities."
            ),
        },
        "servers": [
            {"url": surface.origin, "description": f"{surface.title} (real API)"},
            {"url": mock_url.replace("{provider}", provider), "description": "vidukit mock"},
        ],
        "security": [{BEARER: []}],
        "paths": _paths(surface, cat),
    }
    webhooks = _webhooks(surface, cat)
    if webhooks:
        document["webhooks"] = webhooks
    document["components"] = {
        "schemas": bundle(cat, provider, roots),
        "responses": _error_responses(surface),
        "securitySchemes": {
            BEARER: _security_scheme(surface)
        },
    }
    return document


def _security_scheme(surface: Surface) -> dict[str, Any]:
    """HTTP bearer where the key follows ``Bearer``; another scheme word (``Token``) is not
    an HTTP auth scheme OpenAPI knows, so the whole header is an API key."""
    description = f"Authorization: {surface.auth_scheme} <API key>.{surface.auth_note}"
    if surface.auth_scheme.lower() == "bearer":
        return {"type": "http", "scheme": "bearer", "description": description}
    return {"type": "apiKey", "in": "header", "name": "Authorization",
            "description": description}


__all__ = ["DEFAULT_MOCK_URL", "OPENAPI_VERSION", "build_document"]
