"""Runware's HTTP surface: one endpoint, ``POST /v1``, for every task type."""

from __future__ import annotations

from vidukit.providers.surface import Operation, Surface

SURFACE = Surface(
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
