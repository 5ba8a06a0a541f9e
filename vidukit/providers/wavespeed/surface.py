"""WaveSpeed's HTTP surface: paths, parameters, auth, error statuses, webhook headers."""

from __future__ import annotations

from vidukit.providers.surface import Link, Operation, Param, Surface, task_param

_POLL_OK = (
    "The prediction in any state. A failed task still answers HTTP 200 with code 200: the "
    "failure shows only in data.status 'failed' and data.error."
)
#: The list's parameters, as schemas/wavespeed/prediction-list-request.json has them (a
#: provider-local definition: the OpenAPI export takes message schemas only).
_LIST_OK = (
    "{code: 200, message, data: {page, total, items}}: the page's predictions, newest first, "
    "each the prediction object (schemas/wavespeed/prediction-list.json; the past 7 days).")
_LIST_QUERY = (
    ("page", "Page number, from 1 (default 1).", {"type": "integer", "minimum": 1}),
    ("page_size", "Results per page, 1..100 (default 100).",
     {"type": "integer", "minimum": 1, "maximum": 100}),
    ("model", "Only this model's predictions.", {"type": "string"}),
    ("status", "Only predictions in this status.",
     {"enum": ["completed", "failed", "processing"]}),
    ("created_after", "Only predictions created at or after this ISO 8601 date-time.",
     {"type": "string", "format": "date-time"}),
    ("created_before", "Only predictions created before this ISO 8601 date-time.",
     {"type": "string", "format": "date-time"}),
)
SURFACE = Surface(
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
            ok=_POLL_OK,
            parameters=(task_param("id", "path", "(data.id of the submit answer)"),),
        ),
        Operation(
            operation_id="getPrediction",
            method="get",
            path="/api/v3/predictions/{id}",
            summary="Get a prediction (get-result and what-are-predictions pages)",
            requests=(),
            answers=("result-response",),
            ok=_POLL_OK,
            parameters=(task_param("id", "path", "(data.id of the submit answer)"),),
        ),
        Operation(
            operation_id="listPredictions",
            method="post",
            path="/api/v3/predictions",
            summary="List the key's predictions, newest first, paged (Common API page)",
            requests=(),
            body={"application/json": {
                "schema": {"type": "object", "additionalProperties": False, "properties": {
                    name: kind for name, _what, kind in _LIST_QUERY}},
                "examples": {"docs": {"value": {"page": 1, "page_size": 100}}},
            }},
            answers=(),
            ok=_LIST_OK,
        ),
        Operation(
            operation_id="listPredictionsByGet",
            method="get",
            path="/api/v3/predictions",
            summary="List the key's predictions (what-are-predictions shows GET; the same "
                    "parameters in the query string)",
            requests=(),
            answers=(),
            ok=_LIST_OK,
            parameters=tuple(
                Param(name, "query", what, required=False, schema=kind)
                for name, what, kind in _LIST_QUERY),
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
        Operation(
            operation_id="createMediaUpload",
            method="post",
            path="/api/v3/media/uploads",
            summary="Create a media upload (the official Python SDK's upload(); provider-docs §8)",
            requests=(),
            body={"application/json": {
                "schema": {"type": "object", "required": ["filename", "size"], "properties": {
                    "filename": {"type": "string", "minLength": 1},
                    "size": {"type": "integer", "minimum": 0},
                    "content_type": {"type": "string"}}},
                "examples": {"python-sdk": {"value": {
                    "filename": "reference.png", "size": 67, "content_type": "image/png"}}},
            }},
            answers=(),
            ok=(
                "An upload ticket. The Python SDK posts {filename, size, content_type} and "
                "reads {code: 200, data: {upload: {method: 'PUT', url, headers}, download_url}}: "
                "it PUTs the file to upload.url and uses download_url as the file's URL "
                "(UNCONFIRMED beyond the SDK: no page documents the bodies)."
            ),
        ),
        Operation(
            operation_id="uploadMediaBinary",
            method="post",
            path="/api/v3/media/upload/binary",
            summary="Upload a file in one multipart request (the JS SDK 0.2.x; provider-docs §8)",
            requests=(),
            body={"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}}},
            }},
            answers=(),
            ok=(
                "The stored file: {code: 200, data: {type, download_url, filename, size}} "
                "(a third-party client's reading, UNCONFIRMED). The file is the multipart part "
                "named file."
            ),
        ),
    ),
)
