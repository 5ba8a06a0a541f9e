"""Vtrix's error answers: one renderer for every `ProviderError`.

The body shape is UNCONFIRMED (Vtrix lists statuses, never a body); the
schema (schemas/vtrix/error-response.json) chooses a flat
``{"code": <HTTP status>, "error": <reason>, "message": "...", "details"?}``,
with ``details`` (400 only) listing every violation as ``{path, rule,
message}``. That schema allows the statuses 400, 401, 403, 404, 429 and 500
only, so the core's other statuses are answered as the nearest of those:

    405 wrong method on a known path  -> 404 not_found (no such route)
    413 body over the size cap        -> 400 invalid_request, rule body-size
                                         (Vtrix: "HTTP request post body must
                                         not exceed 20MB")
    415 not JSON                      -> 400 invalid_request
    any other 4xx / 5xx               -> 400 / 500

    ProviderError (mock_server.errors)
    └── NotFound
        └── TaskNotFound     404, unknown id or another key's task
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.errors import (
    FaultStatus,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ProviderError,
    UnsupportedMediaType,
)
from vidukit.mock_server.http import Reply


class TaskNotFound(NotFound):
    message = "task not found"


#: The schema's reason string for each status it allows (x-rule error-matches-code).
REASONS: dict[int, str] = {
    400: "invalid_request",
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    429: "rate_limit_exceeded",
    500: "internal_error",
}
#: The reason word of each status a fault scenario answers (mock conventions, UNCONFIRMED).
FAULT_REASONS: dict[int, str] = {
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
#: The rule id an oversized body breaks, as vidukit's validator names it.
BODY_SIZE_RULE = "body-size"


def _status(exc: ProviderError) -> int:
    if isinstance(exc, MethodNotAllowed):
        return 404
    if isinstance(exc, PayloadTooLarge | UnsupportedMediaType):
        return 400
    if exc.status in REASONS:
        return exc.status
    return 500 if exc.status >= 500 else 400


def _details(exc: ProviderError) -> list[dict[str, str]]:
    if isinstance(exc, InvalidRequest):
        return [{"path": v.path, "rule": v.rule, "message": v.message} for v in exc.violations]
    if isinstance(exc, PayloadTooLarge):
        return [{"path": "", "rule": BODY_SIZE_RULE, "message": exc.detail}]
    return []


def render(exc: ProviderError) -> Reply:
    if isinstance(exc, FaultStatus):
        # A named refusal (the ledger's insufficient_balance 403) keeps its name.
        reason = exc.reason or FAULT_REASONS.get(exc.status, "internal_error")
        fault = {"code": exc.status, "error": reason,
                 "message": exc.detail}
        return Reply(exc.status, fault, message="error-response")
    status = _status(exc)
    details = _details(exc)
    if isinstance(exc, InvalidRequest) and details:
        listed = "; ".join(f"{d['path'] or '/'}: {d['message']}" for d in details)
        message = f"invalid request ({len(details)} problem(s)): {listed}"
    else:
        message = exc.detail
    body: dict[str, Any] = {"code": status, "error": REASONS[status], "message": message}
    if details:
        body["details"] = details
    return Reply(status, body, message="error-response")
