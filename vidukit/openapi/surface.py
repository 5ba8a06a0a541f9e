"""Each provider's HTTP surface: what the schemas cannot say about the API.

The bodies come from ``schemas/``; paths, methods, parameters, auth and the
error statuses are HTTP facts the schema files only mention in prose, so they
are listed here once, each with where it comes from (the schema descriptions
and the README's mock table). ``tests/test_openapi_export.py`` proves every
path and method here is one the mock serves, so this table cannot drift from
the mock unnoticed; the mock in turn mirrors the provider documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _id_schema() -> Mapping[str, Any]:
    return {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Param:
    """A path, query or header parameter (the body is never one)."""

    name: str
    location: str
    description: str
    required: bool = True
    schema: Mapping[str, Any] = field(default_factory=_id_schema)


@dataclass(frozen=True)
class Link:
    """An OpenAPI link from an answer to the operation that takes its id further."""

    name: str
    operation_id: str
    parameters: Mapping[str, str]
    description: str


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    #: Request-body messages; several become a ``oneOf`` (Runware's one endpoint).
    requests: tuple[str, ...]
    #: 200-body messages; several become an ``anyOf`` (their shapes may overlap); none
    #: leaves the 200 without a schema (a body the catalogue does not describe).
    answers: tuple[str, ...]
    #: What the 200 means, including how a failed task answers (it is not an HTTP error).
    ok: str
    parameters: tuple[Param, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Surface:
    provider: str
    title: str
    #: The provider's real origin; paths are relative to it.
    origin: str
    operations: tuple[Operation, ...]
    #: Documented error statuses -> meaning (each answered with error-response).
    errors: Mapping[int, str]
    #: When the error body admits any status: what a ``default`` response covers.
    other_errors: str | None = None
    #: Extra text for the bearer scheme (Runware's in-body authentication task).
    auth_note: str = ""
    #: True when a request may carry its key in the body instead of the header.
    body_auth: bool = False
    #: Headers of the webhook POST (WaveSpeed signs its deliveries).
    webhook_headers: tuple[Param, ...] = field(default=())


def _task_param(name: str, location: str, what: str) -> Param:
    return Param(name, location, f"The task id {what}.")


_WAVESPEED_POLL_OK = (
    "The prediction in any state. A failed task still answers HTTP 200 with code 200: the "
    "failure shows only in data.status 'failed' and data.error."
)
_V3_ERRORS: Mapping[int, str] = {
    400: "INVALID_REQUEST_BODY: the body (or the task_id) is wrong; message names every problem.",
    401: "FAILED_TO_AUTH: missing or unknown API key.",
    403: "INVALID_API_KEY, NOT_ENOUGH_BALANCE or ACCESS_DENY.",
    404: "MODEL_NOT_FOUND: the reason table's only 404 (also an unknown or another key's task).",
    429: "RATE_LIMIT_EXCEEDED or TOKEN_LIMIT_EXCEEDED.",
    503: "SERVICE_NOT_AVAILABLE.",
}


def _v3_async(provider: str, title: str, origin: str) -> Surface:
    """Novita's v3 async API; MyRouter is a clone with the same paths."""
    result_id = "getTaskResult"
    return Surface(
        provider=provider,
        title=title,
        origin=origin,
        errors=_V3_ERRORS,
        operations=(
            Operation(
                operation_id="submitTask",
                method="post",
                path="/v3/async/vidu-q2-reference2video",
                summary="Start a Vidu Q2 reference-to-video task",
                requests=("submit-request",),
                answers=("submit-response",),
                ok="The task id, to be polled with GET /v3/async/task-result.",
                links=(
                    Link("taskResult", result_id, {"query.task_id": "$response.body#/task_id"},
                         "Poll the task just created."),
                ),
            ),
            Operation(
                operation_id=result_id,
                method="get",
                path="/v3/async/task-result",
                summary="Poll a task",
                requests=(),
                answers=("result-response",),
                ok=(
                    "The task in any state. A failed task answers HTTP 200 with task.status "
                    "TASK_STATUS_FAILED and a non-empty task.reason."
                ),
                parameters=(_task_param("task_id", "query", "returned by the submit"),),
            ),
        ),
    )


WAVESPEED = Surface(
    provider="wavespeed",
    title="WaveSpeedAI",
    origin="https://api.wavespeed.ai",
    errors={
        400: "Invalid request: message lists every violation, separated by '; '.",
        401: "Missing or invalid API key (a key works only after a top-up).",
        403: "Account suspended.",
        404: "Unknown prediction id (listed only in a third-party spec).",
        429: "Rate limit exceeded.",
        500: "Internal error.",
    },
    other_errors=(
        "Any other 4xx or 5xx, same envelope: the SDK also retries 502, 503 and 504; the "
        "vidukit mock answers 405 (wrong method), 413 (body too large) and 415 (not JSON)."
    ),
    webhook_headers=(
        Param("webhook-id", "header", "Delivery id, signed with the body."),
        Param("webhook-timestamp", "header", "Unix seconds; reject deliveries older than 300 s.",
              schema={"type": "string", "pattern": "^[0-9]+$"}),
        Param("webhook-signature", "header",
              "'v3,<hex>': HMAC-SHA256 over '{webhook-id}.{webhook-timestamp}.{raw body}' keyed "
              "with the secret from GET /api/v3/webhook/secret minus its 'whsec_' prefix.",
              schema={"type": "string", "pattern": "^v3,[0-9a-fA-F]+$"}),
    ),
    operations=(
        Operation(
            operation_id="submitPrediction",
            method="post",
            path="/api/v3/vidu/reference-to-video-q2",
            summary="Start a Vidu Q2 reference-to-video prediction",
            requests=("submit-request",),
            answers=("submit-response",),
            ok="The new prediction, normally with data.status 'created'.",
            links=tuple(
                Link(name, name, {"path.id": "$response.body#/data/id"},
                     "Poll the prediction just created.")
                for name in ("getPredictionResult", "getPrediction")
            ),
        ),
        Operation(
            operation_id="getPredictionResult",
            method="get",
            path="/api/v3/predictions/{id}/result",
            summary="Get a prediction's result (seed 000, SDK, webhook urls.get)",
            requests=(),
            answers=("result-response",),
            ok=_WAVESPEED_POLL_OK,
            parameters=(_task_param("id", "path", "(data.id of the submit answer)"),),
        ),
        Operation(
            operation_id="getPrediction",
            method="get",
            path="/api/v3/predictions/{id}",
            summary="Get a prediction (get-result and what-are-predictions pages)",
            requests=(),
            answers=("result-response",),
            ok=_WAVESPEED_POLL_OK,
            parameters=(_task_param("id", "path", "(data.id of the submit answer)"),),
        ),
        Operation(
            operation_id="getWebhookSecret",
            method="get",
            path="/api/v3/webhook/secret",
            summary="Get the secret that signs webhook deliveries (verifying_webhook page)",
            requests=(),
            answers=(),
            ok=(
                "The signing secret, 'whsec_' followed by the key. The docs show only the call "
                "and the prefix, so the body has no schema in the catalogue (UNCONFIRMED; the "
                "vidukit mock answers {code: 200, message, data: {secret}})."
            ),
        ),
    ),
)

VTRIX = Surface(
    provider="vtrix",
    title="Vtrix",
    origin="https://cloud.vtrix.ai",
    errors={
        400: "invalid_request: details lists every violation (not in Vtrix's docs; added).",
        401: "unauthorized: API key missing or invalid.",
        403: "insufficient_balance or permission_denied.",
        404: "not_found: unknown task id (not in Vtrix's docs; added).",
        429: "rate_limit_exceeded.",
        500: "internal_error.",
    },
    operations=(
        Operation(
            operation_id="submitGeneration",
            method="post",
            path="/model/v1/generation",
            summary="Start a viduq2_pro_reference generation",
            requests=("submit-request",),
            answers=("submit-response",),
            ok="The new task.",
            links=(
                Link("task", "getGenerationTask", {"path.id": "$response.body#/id"},
                     "Poll the task just created."),
            ),
        ),
        Operation(
            operation_id="getGenerationTask",
            method="get",
            path="/model/v1/generation/task/{id}",
            summary="Poll a generation task (path confirmed by third parties only)",
            requests=(),
            answers=("result-response",),
            ok=(
                "The task in any state. A failed task answers HTTP 200 with status 'failed' "
                "and error."
            ),
            parameters=(_task_param("id", "path", "returned by the submit"),),
        ),
    ),
)

NOVITA = _v3_async("novita", "Novita", "https://api.novita.ai")
MYROUTER = _v3_async("myrouter", "MyRouter", "https://api.myrouter.ai")

RUNWARE = Surface(
    provider="runware",
    title="Runware",
    origin="https://api.runware.ai",
    errors={
        400: "Bad request: one errors item per violation.",
        401: "No valid API key (code invalidApiKey).",
        402: "Insufficient balance.",
        403: "The key lacks permission.",
        404: "Not found.",
        429: "Rate limited (transient, retry).",
        503: "No capacity (transient, retry).",
        504: "Provider timeout (transient, retry).",
    },
    other_errors=(
        "Any other status, same {errors: [...]} body: the vidukit mock answers 405 (wrong "
        "method), 413 (body too large) and 415 (not JSON)."
    ),
    auth_note=(
        " Instead of the header, the JSON array may start with the authentication task "
        '{"taskType": "authentication", "apiKey": "<key>"} (components/schemas/submit-request '
        "$defs/authentication); the answer then starts with {taskType: authentication, "
        "connectionSessionUUID}. The body's key wins when both are sent."
    ),
    body_auth=True,
    operations=(
        Operation(
            operation_id="runTasks",
            method="post",
            path="/v1",
            summary="Run tasks: videoInference (submit) or getResponse (poll)",
            requests=("submit-request", "poll-request"),
            answers=("submit-response", "result-response"),
            ok=(
                "A submit is acknowledged with one data item per videoInference task. A poll "
                "answers processing and successful generations in data and failed ones in "
                "errors, both with HTTP 200."
            ),
        ),
    ),
)

SURFACES: Mapping[str, Surface] = MappingProxyType(
    {s.provider: s for s in (WAVESPEED, VTRIX, NOVITA, MYROUTER, RUNWARE)}
)

__all__ = ["SURFACES", "Link", "Operation", "Param", "Surface"]
