"""The admin API (``/_mock/``) described as OpenAPI 3.1, served at ``/_mock/openapi.json``.

The admin routes are plain Starlette handlers that read their own bodies (a
framework's generated document would need typed handler signatures, and
would list none of them). This one is written by hand next to the handlers
and built from the running server's state: the provider ids it names are the mounted ones, and the
admin token is optional in it only while none is configured.

Schemas stay open (extra fields allowed) but every field they name has the
type the handlers' views produce: Schemathesis checks each answer against
them (``tests/test_schemathesis_admin.py``), and the same test fails when a
route is added without a description here. The dashboard (``/_mock/ui``)
and the Swagger UI page (``/_mock/docs``) are browser pages, not an API, and are
left out. `docs_routes` serves the document and a Swagger UI page for it, whose
script and styles come from this machine (the ``swagger-ui-bundle-v2`` package, under
``/_mock/docs/static/``): on a machine without internet, where a mock is most needed,
a page that loads them from a CDN stays blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # no py.typed

from vidukit import __version__
from vidukit.mock_server.http import JSON_TYPE, dumps
from vidukit.mock_server.media import MEDIA_TYPES
from vidukit.mock_server.media.lifetime import XML_TYPE
from vidukit.mock_server.quotas.settings import LIMIT_NAMES
from vidukit.mock_server.quotas.settings import PROVIDERS as QUOTA_PROVIDERS
from vidukit.mock_server.scenarios.catalogue import CATALOGUE, NONE, OPERATIONS
from vidukit.mock_server.state import MockState

#: Where `mock_server.app` mounts the admin routes (its ``ADMIN_PREFIX``; not imported, since
#: the app imports this module). The route-coverage test fails if the two ever differ.
PREFIX = "/_mock"
JSON = "application/json"
Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(required: dict[str, Schema], **optional: Schema) -> Schema:
    """An object with *required* fields, open to more (the views may grow)."""
    return {"type": "object", "required": list(required), "properties": {**required, **optional}}


def _closed(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """A request body whose handler refuses unknown fields (400)."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    else:
        schema["minProperties"] = 1
    return schema


STRING: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "description": "ISO 8601, UTC, milliseconds"}
STRINGS: Schema = {"type": "object", "additionalProperties": STRING}

#: The text forms `Progression.parse` and `Outcome.parse` read (tasks.py's grammar).
PROGRESSION: Schema = {
    "type": "string",
    "pattern": r"^(immediate|polls=[1-9][0-9]{0,5}|time=[0-9]{1,4}(\.[0-9]{1,3})?"
    r"(,[0-9]{1,4}(\.[0-9]{1,3})?)?)$",
    "examples": ["immediate", "polls=3", "time=2,8"],
}
OUTCOME: Schema = {
    "type": "string",
    "anyOf": [{"enum": ["succeed", "fail", "stay-processing"]},
              {"pattern": r"^fail:[A-Za-z0-9_.-]+$"}],
    "description": "succeed, stay-processing, fail or fail:<the provider's error code>",
}
#: `WebhookOptions.parse`'s comma-separated list ("" for none).
_OPTION = (r"(duplicate(=([1-9]|10))?|delay=[0-9]{1,4}|out-of-order(=[0-9]{1,4})?"
           r"|bad-signature|lost)")
WEBHOOK_OPTIONS: Schema = {
    "type": "string",
    "pattern": rf"^({_OPTION}(,{_OPTION})*)?$",
    "examples": ["duplicate,delay=30", "out-of-order"],
}


def _schemas() -> dict[str, Schema]:
    task = _obj({
        "id": STRING,
        "provider": STRING,
        "state": STRING,
        "provider_status": _nullable(STRING),
        "created_at": TIME,
        "entered": {"type": "object", "additionalProperties": TIME},
        "next_change_at": _nullable(TIME),
        "polls": INT,
        "progression": STRING,
        "outcome": STRING,
        "forced": BOOL,
        "owner": STRING,
        "seed": INT,
        "request": {"description": "the submitted body, as stored"},
        "meta": {"type": "object"},
        "cost_usd": _nullable(NUMBER),
        "media": _obj({
            "width": INT,
            "height": INT,
            "fps": NUMBER,
            "duration_seconds": NUMBER,
            "seed": INT,
            "url_ttl_seconds": NUMBER,
            "url_expires_at": _nullable(TIME),
            "expired_flag": BOOL,
        }),
    })
    attempt = _obj({
        "attempt": INT,
        "kind": {"enum": ["first", "retry", "duplicate"]},
        "at": TIME,
        "url": STRING,
        "status": _nullable(INT),
        "ok": BOOL,
        "latency_ms": NUMBER,
        "error": _nullable(STRING),
        "signature": _nullable(STRING),
    })
    delivery = _obj({
        "id": STRING,
        "task_id": STRING,
        "provider": STRING,
        "url": STRING,
        "part": INT,
        "parts": INT,
        "state": {"enum": ["scheduled", "held", "delivered", "gave-up", "lost",
                            "superseded"]},
        "options": STRING,
        "finished_at": TIME,
        "next_attempt_at": _nullable(TIME),
        "max_attempts": INT,
        "timeout_seconds": NUMBER,
        "attempts": {"type": "array", "items": attempt},
        "body": {"description": "the callback's JSON body"},
    })
    entry = _obj({
        "seq": INT,
        "at": TIME,
        "provider": STRING,
        "request": _obj({
            "method": STRING,
            "path": STRING,
            "query": STRING,
            "headers": {
                "type": "array",
                "items": {"type": "array", "items": STRING, "minItems": 2, "maxItems": 2,
                          "description": "[name, value]"},
            },
            "body": {"description": "JSON when the body was JSON, else text; null if empty"},
        }),
        "validation": _nullable(_obj({
            "valid": BOOL,
            "violations": {"type": "array", "items": {"type": "object"}},
        })),
        "response": _obj({"status": INT, "body": {}}),
        "fault": _nullable(STRING),
        "ledger": _nullable({"type": "array", "items": {
            "type": "object", "description": "a task charged ({task, charged, unit}) or the "
            "submit refused for want of funds ({refused, price, balance, unit})"}}),
    })
    amount = _nullable({"type": "string", "description": "a decimal amount in the unit"})
    balance = _obj({"provider": STRING, "owner": STRING, "set": STRING, "left": STRING,
                    "unit": STRING})
    pending = _obj({
        "id": INT,
        "scenario": STRING,
        "for": {"enum": ["tasks", "requests"]},
        "remaining": INT,
        "provider": _nullable(STRING),
    })
    limits = _obj({name: _nullable(INT) for name in LIMIT_NAMES})
    return {
        "Error": _obj({"error": STRING, "status": INT}),
        "Clock": _obj({"kind": {"enum": ["real", "virtual"]}, "now": NUMBER, "iso": TIME}),
        "Defaults": _obj({"progression": STRING, "outcome": STRING, "jitter": NUMBER}),
        "Task": task,
        "TaskList": _obj({"count": INT, "tasks": {"type": "array", "items": _ref("Task")}}),
        "Journal": _obj({"count": INT, "entries": {"type": "array", "items": entry}}),
        "Index": _obj({
            "providers": STRINGS,
            "clock": {"enum": ["real", "virtual"]},
            "endpoints": {"type": "array", "items": STRING},
        }),
        "Reset": _obj({"reset": {"const": True}, "clock": _ref("Clock")}),
        "Webhooks": _obj({
            "secret": STRING,
            "default_options": STRING,
            "targets": STRING,
            "policies": {"type": "object", "additionalProperties": _obj({
                "max_attempts": INT, "timeout_seconds": NUMBER, "signed": BOOL,
                "documented": BOOL,
            })},
            "watching": {"type": "array", "items": STRING},
            "count": INT,
            "deliveries": {"type": "array", "items": delivery},
        }),
        "TaskWebhookOptions": _obj({"task": STRING, "options": STRING}),
        "Pending": pending,
        "Scenarios": _obj({
            "pending": {"type": "array", "items": _ref("Pending")},
            "rules": _obj({
                "seed": _nullable(INT),
                "rules": {"type": "array", "items": _obj({
                    "scenario": STRING, "probability": NUMBER, "provider": _nullable(STRING),
                })},
            }, progressions={"type": "array", "items": _obj({
                "progression": STRING, "outcome": _nullable(STRING), "weight": NUMBER,
                "provider": _nullable(STRING),
            })}),
            "history": {"type": "array", "items": _obj(
                {"seq": INT, "at": TIME, "provider": _nullable(STRING), "scenario": STRING},
                source=STRING, path=_nullable(STRING), operation=_nullable(STRING),
                task_id=_nullable(STRING), note=STRING,
            )},
            "catalogue": {"type": "array", "items": _obj({
                "name": STRING,
                "family": STRING,
                "doc": STRING,
                "providers": {"anyOf": [{"const": "all"}, {"type": "array", "items": STRING}]},
                "params": {"type": "object", "additionalProperties": _obj(
                    {"default": {}, "doc": STRING})},
            })},
            "categories": {"type": "object", "additionalProperties": STRINGS},
            "category_notes": STRINGS,
        }, replay=_nullable(_obj({
            "match": STRING,
            "speed": NUMBER,
            "recordings": {"type": "array", "items": _obj({
                "name": STRING, "provider": STRING, "shape": STRING, "progression": STRING,
                "outcome": STRING, "notes": {"type": "array", "items": STRING},
            }, webhook=_nullable(STRING))},
        }))),
        "Cleared": _obj({"cleared": INT}),
        "Ledger": _obj({
            "count": INT,
            "entries": {"type": "array", "items": _obj({
                "task": STRING, "provider": STRING, "owner": STRING, "amount": amount,
                "unit": STRING, "charged_at": TIME, "state": _nullable(STRING),
                "fetched": BOOL, "acknowledged": BOOL, "paid_not_collected": BOOL,
            })},
            "spend": {"type": "array", "items": _obj({
                "provider": STRING, "owner": STRING, "unit": STRING, "tasks": INT,
                "spent": STRING, "unpriced_tasks": INT, "paid_not_collected": INT,
                "not_collected_amount": STRING,
            })},
            "balances": {"type": "array", "items": balance},
        }),
        "Balances": _obj({"balances": {"type": "array", "items": balance}},
                         owner=STRING),
        "Quotas": _obj({
            "profile": STRING,
            "window_seconds": NUMBER,
            "limits": {"type": "object", "additionalProperties": limits},
        }),
    }


def _answers(ok: str, *errors: int, text: str = "") -> dict[str, Any]:
    """200 with schema *ok*, the listed error statuses, and 401 (token configured, not sent)."""
    described = {
        400: "bad input: the message says what to send instead",
        401: "an admin token is configured and the request did not carry it",
        404: "no such task (or a path the admin API does not serve)",
        409: "the task (or the clock) cannot take this change now",
        413: "the body is over the admin API's size limit",
    }
    found: dict[str, Any] = {"200": {"description": text or "done",
                                     "content": {JSON: {"schema": _ref(ok)}}}}
    for status in sorted({*errors, 401}):
        found[str(status)] = {"description": described[status],
                              "content": {JSON: {"schema": _ref("Error")}}}
    return found


def _body(schema: Schema) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": schema}}}


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _path_id(what: str = "the task's id") -> dict[str, Any]:
    return {"name": "id", "in": "path", "required": True, "schema": STRING, "description": what}


BODY_ERRORS = (400, 413)
#: A quota limit: a whole number (0 lifts it) or null; the handler also reads "none" and "off".
LIMIT: Schema = {"type": ["integer", "null"], "minimum": 0, "maximum": 1_000_000}


def _paths(state: MockState) -> dict[str, Any]:
    mounted: Schema = {"type": "string", "enum": list(state.providers)}
    scenario_names = [NONE, *CATALOGUE]
    task_id = [_path_id()]
    return {
        "/": {"get": {"summary": "Index: mounted providers, clock kind, every admin route",
                      "responses": _answers("Index")}},
        "/tasks": {"get": {
            "summary": "Every stored task, newest state observed",
            "parameters": [
                _query("provider", mounted, "only this provider's tasks (400 if not mounted)"),
                _query("state", STRING, "only tasks in this state (queued, processing...)"),
            ],
            "responses": _answers("TaskList", 400),
        }},
        "/tasks/{id}": {"get": {"summary": "One task", "parameters": task_id,
                                "responses": _answers("Task", 404)}},
        "/tasks/{id}/outcome": {"post": {
            "summary": "Force how an unfinished task ends",
            "parameters": task_id,
            "requestBody": _body(_obj(
                {"outcome": OUTCOME},
                error_code={"type": ["string", "integer", "null"],
                            "description": "with outcome fail only"},
            )),
            "responses": _answers("Task", 404, 409, *BODY_ERRORS),
        }},
        "/tasks/{id}/progression": {"put": {
            "summary": "Change how an unfinished task moves on",
            "parameters": task_id,
            "requestBody": _body(_obj({"progression": PROGRESSION})),
            "responses": _answers("Task", 404, 409, *BODY_ERRORS),
        }},
        "/journal": {"get": {
            "summary": "Recorded provider exchanges, oldest first",
            "parameters": [
                _query("provider", STRING, "only this provider's exchanges"),
                _query("since", {"type": "integer", "minimum": 0}, "entries after this seq"),
                _query("limit", {"type": "integer", "minimum": 0}, "at most this many (newest)"),
            ],
            "responses": _answers("Journal", 400),
        }},
        "/reset": {"post": {"summary": "Forget every task, exchange, callback and choice",
                            "responses": _answers("Reset")}},
        "/clock": {"get": {"summary": "The server's clock", "responses": _answers("Clock")}},
        "/clock/advance": {"post": {
            "summary": "Move a virtual clock forward (sending the callbacks due on the way)",
            "requestBody": _body(_obj({"seconds": {"type": "number", "minimum": 0}})),
            "responses": _answers("Clock", 409, *BODY_ERRORS,
                                  text="the clock after the move (409: a real clock)"),
        }},
        "/progression": {
            "get": {"summary": "Server-wide defaults for new tasks",
                    "responses": _answers("Defaults")},
            "put": {"summary": "Change the server-wide defaults",
                    "requestBody": _body(_closed({"progression": PROGRESSION,
                                                  "outcome": OUTCOME})),
                    "responses": _answers("Defaults", *BODY_ERRORS)},
        },
        "/ledger": {"get": {
            "summary": "Every charged task, spend per key, and what was paid, not collected",
            "parameters": [
                _query("provider", mounted, "only this provider's charges (400 if not mounted)"),
                _query("owner", STRING, "only this key's charges (its owner digest)"),
            ],
            "responses": _answers("Ledger", 400),
        }},
        "/balances": {
            "get": {"summary": "Every balance set, and what is left of it",
                    "responses": _answers("Balances")},
            "put": {"summary": "Set a key's balance (null: unlimited), for every provider "
                               "or one",
                    "requestBody": _body(_closed({
                        "key": {"type": "string", "minLength": 1},
                        "balance": {"anyOf": [
                            {"type": "number", "minimum": 0},
                            {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                            {"type": "null"}]},
                        "provider": mounted,
                    }, ("key", "balance"))),
                    "responses": _answers("Balances", *BODY_ERRORS)},
        },
        "/media/{name}": {"get": _media()},
        "/media/uploads/{id}": {"put": _upload_put()},
        "/media/uploads/{id}/{filename}": {"get": _upload_get()},
        "/webhooks": {
            "get": {
                "summary": "Webhook settings and the delivery journal",
                "parameters": [
                    _query("task", STRING, "only this task's deliveries"),
                    _query("provider", mounted, "only this provider's (400 if not mounted)"),
                ],
                "responses": _answers("Webhooks", 400),
            },
            "put": {
                "summary": "Signing secret and default callback options for new tasks",
                "requestBody": _body(_closed({
                    "secret": {"type": "string", "minLength": 1},
                    "options": WEBHOOK_OPTIONS,
                })),
                "responses": _answers("Webhooks", *BODY_ERRORS,
                                      text="the settings (deliveries left out)"),
            },
        },
        "/webhooks/tasks/{id}": {"put": {
            "summary": "Callback options for one task still waiting for its callback",
            "parameters": task_id,
            "requestBody": _body(_closed({"options": WEBHOOK_OPTIONS}, required=("options",))),
            "responses": _answers("TaskWebhookOptions", 404, 409, *BODY_ERRORS),
        }},
        "/scenarios": {
            "get": {"summary": "Pending choices, rules, history and the scenario catalogue",
                    "responses": _answers("Scenarios")},
            "post": {
                "summary": "Choose a scenario for the next requests or tasks",
                "requestBody": _body(_closed({
                    "scenario": {
                        "type": "string",
                        "anyOf": [{"enum": scenario_names},
                                  {"pattern": r"^[a-z0-9-]+(;[a-z_]+=[^;=]+)*$"}],
                        "description": "<name>[;param=value...]",
                    },
                    "provider": mounted,
                    "count": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                    "for": {"enum": ["tasks", "requests"]},
                    "on": {"enum": list(OPERATIONS)},
                }, required=("scenario",))),
                "responses": _answers("Pending", *BODY_ERRORS),
            },
            "delete": {"summary": "Forget every pending choice",
                       "responses": _answers("Cleared")},
        },
        "/quotas": {
            "get": {"summary": "The limits in force", "responses": _answers("Quotas")},
            "put": {
                "summary": "Replace the limits: a profile plus per-provider overrides",
                "requestBody": {"required": False, "content": {JSON: {"schema": _closed({
                    "profile": {"enum": ["documented", "off"]},
                    **{pid: {"type": "object", "additionalProperties": False,
                             "properties": {name: LIMIT for name in LIMIT_NAMES}}
                       for pid in QUOTA_PROVIDERS},
                })}}},
                "responses": _answers("Quotas", *BODY_ERRORS),
            },
        },
    }


def _media() -> dict[str, Any]:
    extensions = "|".join(MEDIA_TYPES)
    binary = {"type": "string", "contentMediaType": "video/mp4"}
    files = {kind: {"schema": binary} for kind in MEDIA_TYPES.values()}
    xml = {XML_TYPE: {"schema": {"type": "string", "description": "S3-style storage error"}}}
    return {
        "summary": "The output file of a succeeded task (HEAD works too)",
        "security": [],
        "parameters": [
            {"name": "name", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": rf"^[^/]+\.({extensions})$"},
             "description": "<task id>.mp4"},
            _query("result", {"type": "integer", "minimum": 1},
                   "the N-th result of a task that made several (Runware numberResults)"),
            {"name": "Range", "in": "header", "required": False, "schema": STRING,
             "description": "one 'bytes=first-last' range; anything else gets the whole file"},
        ],
        "responses": {
            "200": {"description": "the whole file", "content": files},
            "206": {"description": "the requested range", "content": files},
            "403": {"description": "the URL has expired (provider storage)", "content": xml},
            "404": {"description": "no such media (JSON), or an expired URL (XML)",
                    "content": {JSON: {"schema": _ref("Error")}, **xml}},
            "416": {"description": "the range starts past the end of the file"},
        },
    }


def _upload_put() -> dict[str, Any]:
    error = {"content": {JSON: {"schema": _ref("Error")}}}
    return {
        "summary": "An upload ticket's URL (mock_server.media.uploads): the body is the file",
        "security": [],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": STRING}],
        "requestBody": {"required": True, "content": {"*/*": {"schema": {"type": "string"}}}},
        "responses": {
            "200": {"description": "stored"},
            "400": {"description": "not the size the ticket declared", **error},
            "404": {"description": "no such ticket", **error},
            "413": {"description": "over the per-file limit", **error},
        },
    }


def _upload_get() -> dict[str, Any]:
    return {
        "summary": "An uploaded file, with the content type its ticket declared",
        "security": [],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": STRING},
                       {"name": "filename", "in": "path", "required": True, "schema": STRING}],
        "responses": {
            "200": {"description": "the file", "content": {"*/*": {"schema": {"type": "string"}}}},
            "404": {"description": "no such file", "content": {JSON: {"schema": _ref("Error")}}},
        },
    }


def admin_document(state: MockState) -> dict[str, Any]:
    """The OpenAPI 3.1 document of *state*'s admin API (paths under `PREFIX`)."""
    security: list[dict[str, list[str]]] = [{"adminBearer": []}, {"adminHeader": []}]
    if state.config.admin_token is None:
        security.append({})  # no token configured: the admin API is open
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vidukit mock server: admin API",
            "version": __version__,
            "description": (
                "Inspect and steer the mock from tests and curl. Failures are "
                '`{"error": "...", "status": N}`; bad input is a 4xx, never a 500. With an '
                "admin token configured every route but the media files needs it."
            ),
        },
        "paths": {PREFIX + path: item for path, item in _paths(state).items()},
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "adminBearer": {"type": "http", "scheme": "bearer"},
                "adminHeader": {"type": "apiKey", "in": "header", "name": "X-Mock-Admin-Token"},
            },
        },
        "security": security,
    }


#: Swagger UI's built files, served from the package (relative to the admin prefix).
STATIC = "/docs/static"
_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>vidukit mock server: admin API</title>
<link rel="stylesheet" href="{swagger}/swagger-ui.css">
<link rel="icon" type="image/png" href="{swagger}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{swagger}/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({{url: "{url}", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]}});
</script>
</body>
</html>
"""


def docs_routes(state: MockState) -> list[BaseRoute]:
    """``GET /_mock/openapi.json`` (`admin_document`, built once) and ``GET /_mock/docs``.

    Open without the admin token, as any API's description is: the document itself says
    which routes need the token.
    """
    built: list[bytes] = []
    static = StaticFiles(directory=Path(str(swagger_ui_path)))

    async def openapi(request: Request) -> Response:
        if not built:
            built.append(dumps(admin_document(state)))
        return Response(built[0], media_type=JSON_TYPE)

    async def docs(request: Request) -> Response:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        page = _DOCS_PAGE.format(swagger=f"{root}{PREFIX}{STATIC}",
                                 url=f"{root}{PREFIX}/openapi.json")
        return HTMLResponse(page)

    return [
        Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
        Route(f"{PREFIX}/docs", docs, methods=["GET"]),
        Mount(f"{PREFIX}{STATIC}", app=static),
    ]


__all__ = ["PREFIX", "STATIC", "admin_document", "docs_routes"]
