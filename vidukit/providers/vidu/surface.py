"""Vidu's HTTP surface: submit, creations, the task list, error statuses, callback headers."""

from __future__ import annotations

from vidukit.providers.surface import Link, Operation, Param, Surface, task_param

SURFACE = Surface(
    provider="vidu",
    title="Vidu",
    origin="https://api.vidu.com",
    auth_scheme="Token",
    auth_note=" Vidu's scheme is Token, not Bearer: a Bearer header is answered 401.",
    errors={
        400: "BadRequest, FieldLacking, FieldUnwanted, FieldItemCountOutOfRange, "
             "PageSizeOutOfRange, CreditInsufficient, ModelUnavailable, FieldInvalid and "
             "others of /docs/error-code, in reason.",
        401: "Unauthorized: missing or wrong token, or a scheme other than Token.",
        404: "TaskNotFound (an unknown task, or another key's), NotFound.",
        429: "QuotaExceeded (concurrency), TooManyRequests, SystemThrottling.",
        500: "InternalServiceFailure.",
    },
    other_errors=(
        "Also documented: 403 Forbidden, 409 Conflict, 499 Canceled. Body shape UNCONFIRMED: "
        "{code, reason, message, metadata}, as Shengshu's own clients read it."
    ),
    webhook_headers=(
        Param("Date", "header", "When the callback was sent (RFC 7231 date), signed."),
        Param("x-request-nonce", "header", "A random nonce, signed."),
        Param("X-HMAC-SIGNED-HEADERS", "header", "The signed headers: 'Date;x-request-nonce'."),
        Param("X-HMAC-SIGNATURE", "header",
              "base64(HMAC-SHA256(the task's API token, 'POST\\n<path>\\n<query>\\nvidu\\n"
              "<Date>\\n' + 'name:value\\n' per signed header))."),
        Param("X-HMAC-ALGORITHM", "header", "hmac-sha256."),
        Param("X-HMAC-ACCESS-KEY", "header", "vidu."),
    ),
    operations=(
        Operation(
            operation_id="referenceToVideo",
            method="post",
            path="/ent/v2/reference2video",
            summary="Start a reference-to-video task (viduq2-pro or viduq2)",
            requests=("submit-request",),
            answers=("submit-response",),
            ok="The new task, state 'created', with its credits.",
            links=(
                Link("creations", "getCreations", {"path.id": "$response.body#/task_id"},
                     "Poll the task just created."),
            ),
        ),
        Operation(
            operation_id="getCreations",
            method="get",
            path="/ent/v2/tasks/{id}/creations",
            summary="A task's state and creations",
            requests=(),
            answers=("result-response",),
            ok="The task in any state; a failed task answers 200 with state 'failed' and "
               "err_code.",
            parameters=(task_param("id", "path", "task_id from the submit"),),
        ),
        Operation(
            operation_id="listTasks",
            method="get",
            path="/ent/v2/tasks",
            summary="The key's tasks, newest first (filters: states, model_versions)",
            requests=(),
            answers=(),
            ok="{tasks: [GET-creations body plus model and created_at], total, next_page}. "
               "Paging parameter names are UNCONFIRMED (the page documents the filters).",
            parameters=(
                Param("states", "query", "Comma-separated state words (created, queueing, "
                      "processing, success, failed).", required=False,
                      schema={"type": "string"}),
                Param("model_versions", "query", "Comma-separated model versions (q2-pro, q2).",
                      required=False, schema={"type": "string"}),
                Param("page", "query", "1-based page (UNCONFIRMED name).", required=False,
                      schema={"type": "integer", "minimum": 1}),
                Param("page_size", "query", "Tasks per page, 1-100 (UNCONFIRMED name); "
                      "outside it PageSizeOutOfRange.", required=False,
                      schema={"type": "integer", "minimum": 1, "maximum": 100}),
            ),
        ),
    ),
)

__all__ = ["SURFACE"]
