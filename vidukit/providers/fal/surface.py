"""fal.ai's HTTP surface: the queue API's paths, parameters and error statuses (the bodies
are schemas/), and the mock's own JWKS."""

from __future__ import annotations

from vidukit.providers.surface import Link, Operation, Param, Surface, task_param

from .signing import REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, USER_ID_HEADER
from .wire import CANCEL_PATH, JWKS_PATH, REQUEST_PATH, STATUS_PATH, SUBMIT_PATH

_STATUS_ID = "getRequestStatus"
_RESULT_ID = "getRequestResult"
_CANCEL_ID = "cancelRequest"
_ID = task_param("id", "path", "(request_id of the submit answer)")

SURFACE = Surface(
    provider="fal",
    title="fal.ai",
    origin="https://queue.fal.run",
    # fal documents its API key as 'Authorization: Key <FAL_KEY>' (provider-docs §10):
    # what vidukit's own clients (drift's live probe, the tests) send.
    auth_scheme="Key",
    auth_note=(" fal documents 'Authorization: Key <FAL_KEY>'; its clients send Bearer for "
               "a token of 'fal auth login'. The mock takes both."),
    errors={
        400: "The result of a request that has not completed (detail says so); a cancel of "
             "a finished request answers 400 with status ALREADY_COMPLETED.",
        401: "Missing or invalid API key.",
        404: "Unknown request id (or another key's request).",
        422: "Invalid input: detail lists one {loc, msg, type} per problem; also the result "
             "of a request the model refused (content_policy_violation...).",
        500: "Internal error (also the result of a request that failed inside the model).",
        504: "The result of a request that timed out (generation_timeout).",
    },
    operations=(
        Operation(
            operation_id="submitRequest",
            method="post",
            path=SUBMIT_PATH,
            summary="Queue a Vidu Q2 reference-to-video (pro) request",
            requests=("submit-request",),
            answers=("submit-response",),
            ok="The queued request: request_id and its status, response and cancel URLs.",
            links=(
                Link("status", _STATUS_ID, {"path.id": "$response.body#/request_id"},
                     "Follow the request just queued."),
                Link("result", _RESULT_ID, {"path.id": "$response.body#/request_id"},
                     "Fetch its result once COMPLETED."),
                Link("cancel", _CANCEL_ID, {"path.id": "$response.body#/request_id"},
                     "Cancel it."),
            ),
        ),
        Operation(
            operation_id=_STATUS_ID,
            method="get",
            path=STATUS_PATH,
            summary="A request's status",
            requests=(),
            answers=("result-response",),
            ok=("IN_QUEUE (queue_position), IN_PROGRESS (logs) or COMPLETED; a failed or "
                "cancelled request is COMPLETED with error and error_type."),
            parameters=(
                _ID,
                Param("logs", "query", "1 to include the runner's log lines.", required=False,
                      schema={"type": "string"}),
            ),
        ),
        Operation(
            operation_id=_RESULT_ID,
            method="get",
            path=REQUEST_PATH,
            summary="A completed request's result",
            requests=(),
            answers=("result-response",),
            ok=("The model's output, {video: {url, ...}}. A failed request answers its error "
                "status (422, 500, 504) with detail; an unfinished one 400."),
            parameters=(_ID,),
            before_finish=400,
        ),
        Operation(
            operation_id=_CANCEL_ID,
            method="put",
            path=CANCEL_PATH,
            summary="Cancel a request",
            requests=(),
            answers=(),
            ok=("{status: CANCELLATION_REQUESTED} for a queued or running request; a finished "
                "one answers 400 {status: ALREADY_COMPLETED}."),
            parameters=(_ID,),
        ),
        Operation(
            operation_id="getWebhookKeys",
            method="get",
            path=JWKS_PATH,
            summary="The public keys that verify webhook signatures (JWKS)",
            requests=(),
            answers=(),
            ok=("{keys: [{kty: OKP, crv: Ed25519, x}]}: fal serves its keys at "
                "https://rest.alpha.fal.ai/.well-known/jwks.json; the mock its own, here."),
        ),
    ),
    webhook_headers=(
        Param(REQUEST_ID_HEADER, "header", "The request's id (signed)."),
        Param(USER_ID_HEADER, "header", "The account's user id (signed)."),
        Param(TIMESTAMP_HEADER, "header", "Unix seconds when sent (signed)."),
        Param(SIGNATURE_HEADER, "header",
              "Hex Ed25519 signature over request id, user id, timestamp and the hex SHA-256 "
              "of the body, one a line."),
    ),
)

__all__ = ["SURFACE"]
