"""The v3 async error answer (Novita; MyRouter reuses it): one renderer for every `ProviderError`.

Body ``{"code": <HTTP status>, "reason": <NAME>, "message": "...", "metadata": {}}``
(schemas/_shared/v3-async/error.json). ``reason`` must be a name of the clone
jiekou's error table, and ``code`` the HTTP status that table gives it (rule
``code.matches-reason``), so a status without a name of its own is answered
with the nearest one that has:

    ProviderError (mock_server.errors)      HTTP  reason
    ├── BadRequest, MalformedBody,          400   INVALID_REQUEST_BODY
    │   InvalidRequest                            (+ metadata.violations)
    ├── UnsupportedMediaType (415)          400   INVALID_REQUEST_BODY ("body format error")
    ├── PayloadTooLarge (413)               400   INVALID_REQUEST_BODY
    ├── Unauthorized                        401   FAILED_TO_AUTH (missing or wrong key)
    ├── NotFound                            404   MODEL_NOT_FOUND (the table's only 404)
    │   └── TaskNotFound                          unknown id or another key's task
    ├── MethodNotAllowed (405)              404   MODEL_NOT_FOUND (no such endpoint)
    └── InternalError (500)                 503   SERVICE_NOT_AVAILABLE (a mock bug)

A subclass may name its own ``reason`` (a later NOT_ENOUGH_BALANCE 403, say);
the status then follows the table.
"""

from __future__ import annotations

from vidukit.mock_server.errors import FaultStatus, InvalidRequest, NotFound, ProviderError
from vidukit.mock_server.http import Reply


class TaskNotFound(NotFound):
    message = "task not found"


#: HTTP status -> reason name, and the status each name is sent with (jiekou's table).
REASONS: dict[int, str] = {
    400: "INVALID_REQUEST_BODY",
    401: "FAILED_TO_AUTH",
    403: "ACCESS_DENY",
    404: "MODEL_NOT_FOUND",
    429: "RATE_LIMIT_EXCEEDED",
    503: "SERVICE_NOT_AVAILABLE",
}
REASON_STATUS: dict[str, int] = {
    "INVALID_API_KEY": 403,
    "MODEL_NOT_FOUND": 404,
    "FAILED_TO_AUTH": 401,
    "NOT_ENOUGH_BALANCE": 403,
    "INVALID_REQUEST_BODY": 400,
    "RATE_LIMIT_EXCEEDED": 429,
    "TOKEN_LIMIT_EXCEEDED": 429,
    "SERVICE_NOT_AVAILABLE": 503,
    "ACCESS_DENY": 403,
}
#: Statuses the table has no name for, and the status answered instead.
SUBSTITUTES: dict[int, int] = {405: 404, 413: 400, 415: 400}


def _status(exc: ProviderError) -> tuple[int, str]:
    named = getattr(exc, "reason", None)
    if isinstance(named, str) and named in REASON_STATUS:
        return REASON_STATUS[named], named
    status = SUBSTITUTES.get(exc.status, exc.status)
    if status not in REASONS:
        status = 503 if status >= 500 else 400
    return status, REASONS[status]


def _where(path: str) -> str:
    """``/subjects/0/images`` -> ``subjects.0.images``; the root is called ``body``."""
    return ".".join(path.lstrip("/").split("/")) if path else "body"


def render(exc: ProviderError) -> Reply:
    if isinstance(exc, FaultStatus):
        # A fault keeps its status; the nearest reason the table has for it.
        reason = exc.reason or (
            "RATE_LIMIT_EXCEEDED" if exc.status == 429 else "SERVICE_NOT_AVAILABLE"
        )
        body = {"code": exc.status, "reason": reason, "message": exc.detail, "metadata": {}}
        return Reply(exc.status, body, message="error-response")
    status, reason = _status(exc)
    metadata: dict[str, object] = {}
    if isinstance(exc, InvalidRequest) and exc.violations:
        message = "invalid request body: " + "; ".join(
            f"{_where(v.path)}: {v.message}" for v in exc.violations
        )
        metadata["violations"] = [
            {"path": v.path, "rule": v.rule, "message": v.message} for v in exc.violations
        ]
    else:
        message = exc.detail
    return Reply(
        status,
        {"code": status, "reason": reason, "message": message, "metadata": metadata},
        message="error-response",
    )
