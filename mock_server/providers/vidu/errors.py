"""Vidu's error answers: one renderer for every `ProviderError`.

The body shape is UNCONFIRMED (§6); the mock sends what Shengshu's own clients read
(§9): ``{"code": <HTTP status>, "reason": <code of /docs/error-code>, "message",
"metadata": {"trace_id", "fields"?}}``, with ``x-md-trace-id`` repeating the trace id.
A 400 for a body that breaks the schema names the documented code that fits its
first violation: ``FieldLacking`` (a missing field), ``FieldItemCountOutOfRange`` (a
list too long or too short), ``FieldUnwanted`` (a field Vidu does not take), else
``FieldInvalid``; ``metadata.fields`` maps every offending field to its message.

    ProviderError (mock_server.errors)
    ├── BadRequest
    │   ├── CreditInsufficient   400, not enough credits for the task
    │   └── PageSizeOutOfRange   400, a task-list page size out of range
    └── NotFound
        └── TaskNotFound         404, unknown id or another key's task
"""

from __future__ import annotations

import hashlib
import re

from vidukit.mock_server.errors import (
    BadRequest,
    FaultStatus,
    InvalidRequest,
    NotFound,
    ProviderError,
)
from vidukit.mock_server.http import Reply
from vidukit.violations import Violation


class TaskNotFound(NotFound):
    code = "TaskNotFound"
    message = "task not found"


class CreditInsufficient(BadRequest):
    code = "CreditInsufficient"
    message = "credits are insufficient for this task"


class PageSizeOutOfRange(BadRequest):
    code = "PageSizeOutOfRange"
    message = "page size out of range"


#: HTTP status -> the documented code for a core error of that status (/docs/error-code).
BY_STATUS: dict[int, str] = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    409: "Conflict", 429: "TooManyRequests", 499: "Canceled", 500: "InternalServiceFailure",
}
#: The codes a fault scenario may name, by status (its ``reason``).
DOCUMENTED: dict[int, frozenset[str]] = {
    400: frozenset({"BadRequest", "FieldLacking", "FieldUnwanted", "FieldItemCountOutOfRange",
                    "PageSizeOutOfRange", "ImageDownloadFailure", "OperationInProcess",
                    "TaskPromptPolicyViolation", "ImageFormatInvalid", "AuditSubmitIllegal",
                    "CreditInsufficient", "CreationPolicyViolation", "ModelUnavailable",
                    "UserCancelled", "FieldInvalid"}),
    429: frozenset({"QuotaExceeded", "TooManyRequests", "SystemThrottling"}),
}


def violation_code(violation: Violation) -> str:
    """The documented 400 code that fits one schema violation."""
    rule = violation.rule
    if rule.endswith(".required") or rule in ("subjects-or-images",):
        return "FieldLacking"
    if rule.endswith((".maxItems", ".minItems")) or rule in (
        "images-max-4-with-videos", "subjects-total-images"
    ):
        return "FieldItemCountOutOfRange"
    if rule == "unknown-field":
        return "FieldUnwanted"
    return "FieldInvalid"


_QUOTED = re.compile(r"'([^']+)'")


def _field(violation: Violation) -> str:
    """The offending field as a dotted path: the field a ``.required`` rule or an
    ``unknown-field`` names, under the object where the violation sits."""
    where = violation.path.lstrip("/").replace("/", ".")
    name = ""
    if violation.rule.endswith(".required"):
        name = violation.rule.removesuffix(".required").rsplit(".", 1)[-1]
    elif violation.rule == "unknown-field":
        name = ",".join(_QUOTED.findall(violation.message))
    return ".".join(part for part in (where, name) if part) or "body"


def trace_id(status: int, reason: str, message: str) -> str:
    """A trace id fixed by the answer, so equal answers are byte-equal."""
    return hashlib.sha256(f"{status}:{reason}:{message}".encode()).hexdigest()[:16]


def render(exc: ProviderError) -> Reply:
    status = exc.status
    metadata: dict[str, object] = {}
    if isinstance(exc, InvalidRequest) and exc.violations:
        first = exc.violations[0]
        reason = violation_code(first)
        message = "; ".join(f"{v.path or '/'}: {v.message}" for v in exc.violations)
        metadata["fields"] = {_field(v): v.message for v in exc.violations}
    elif isinstance(exc, FaultStatus):
        allowed = DOCUMENTED.get(status, frozenset())
        reason = exc.reason if exc.reason in allowed else BY_STATUS.get(status, "BadRequest")
        message = exc.detail
    elif exc.code[:1].isupper():  # this provider's own classes carry documented codes
        reason, message = exc.code, exc.detail
    else:
        reason, message = BY_STATUS.get(status, "BadRequest"), exc.detail
    trace = trace_id(status, reason, message)
    metadata = {"trace_id": trace, **metadata}
    return Reply(status, {"code": status, "reason": reason, "message": message,
                          "metadata": metadata},
                 message="error-response", headers={"x-md-trace-id": trace})


__all__ = ["BY_STATUS", "DOCUMENTED", "CreditInsufficient", "PageSizeOutOfRange",
           "TaskNotFound", "render", "trace_id", "violation_code"]
