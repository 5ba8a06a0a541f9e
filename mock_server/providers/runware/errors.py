"""Runware's error answers: ``{"errors": [...]}``, one item per failed operation.

Documented (errors page): the envelope, the item fields ``code``, ``message``,
``parameter``, ``taskType``, ``taskUUID``, ``documentation``, the code
``invalidApiKey`` (parameter ``apiKey``, taskType ``authentication``) and the
HTTP statuses 400/401/402/403/404/429. Every other code is a mock convention
in Runware's camelCase style, listed in `CORE_CODES` and `NAMED_RULE_CODES`;
a violation of a derived rule gets ``missing<Field>`` (``.required``),
``unsupported<Field>`` (a value out of range or not allowed, as the documented
``unsupportedDuration``) or ``invalid<Field>`` (wrong type or format).

    ProviderError (mock_server.errors)
    ├── InvalidRequest
    │   └── TaskViolations       400, one item per violation, with its task's taskUUID
    │       └── MixedTaskTypes   400, videoInference and getResponse in one body
    ├── BadRequest
    │   └── DuplicateTaskUUID    400, a taskUUID this key already used (or twice in a body)
    └── NotFound
        └── TasksNotFound        404, getResponse for unknown (or another key's) taskUUIDs
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from vidukit.mock_server.errors import (
    BadRequest,
    FaultStatus,
    InternalError,
    InvalidRequest,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    ProviderError,
    Unauthorized,
    UnsupportedMediaType,
)
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers.runware.status import (
    DOCS_AUTH,
    DOCS_ERRORS,
    DOCS_POLLING,
    DOCS_VIDEO,
)
from vidukit.violations import Violation

#: Core error class -> Runware-style code (the most specific class wins).
CORE_CODES: dict[type[ProviderError], str] = {
    Unauthorized: "invalidApiKey",
    MalformedBody: "invalidRequestBody",
    BadRequest: "badRequest",
    NotFound: "notFound",
    MethodNotAllowed: "methodNotAllowed",
    PayloadTooLarge: "payloadTooLarge",
    UnsupportedMediaType: "unsupportedContentType",
    InternalError: "internalServerError",
}

#: Named rules (``x-rule`` and vidukit's named checks) -> code.
NAMED_RULE_CODES: dict[str, str] = {
    "authentication-first": "invalidAuthenticationPosition",
    "video-task-required": "missingVideoInferenceTask",
    "getResponse-task-required": "missingGetResponseTask",
    "mixed-task-types": "conflictingTaskTypes",
    "dimensions-together": "invalidDimensions",
    "dimensions-allowed-pair": "unsupportedDimensions",
    "frameImages-first-and-last": "invalidFrameImages",
    "image-ref": "invalidImage",
    "data-uri-base64": "invalidImage",
    "data-uri-media-type": "unsupportedImageFormat",
    "data-uri-size": "unsupportedImageSize",
    "image-dimensions": "unsupportedImageDimensions",
    "unknown-field": "unsupportedParameter",
}

#: Rules whose validator message would quote a whole task or body: said plainly instead.
RULE_MESSAGES: dict[str, str] = {
    "authentication-first": "an authentication task may only be the first element of the array",
    "video-task-required": "the array holds no videoInference task",
    "getResponse-task-required": "the array holds no getResponse task",
    "dimensions-together": "width and height must be given together",
    "dimensions-allowed-pair": (
        "width x height is not a supported size for vidu:3@1 (see the model page's table)"
    ),
    "frameImages-first-and-last": "two frame images must be one 'first' and one 'last'",
}

_RANGE_KEYWORDS = frozenset(
    {
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
    }
)
_QUOTED = re.compile(r"'([^']+)'")


@dataclass(frozen=True, slots=True)
class TaskRef:
    """What is known of one array element, to tag its errors (either may be None)."""

    task_type: str | None
    task_uuid: str | None

    @classmethod
    def of(cls, element: Any) -> TaskRef:
        if not isinstance(element, dict):
            return cls(None, None)
        task_type, task_uuid = element.get("taskType"), element.get("taskUUID")
        return cls(
            task_type if isinstance(task_type, str) else None,
            task_uuid if isinstance(task_uuid, str) else None,
        )


class RunwareError:
    """Marks Runware's own error classes: their ``code`` is already Runware's."""

    code: ClassVar[str]


class TaskViolations(RunwareError, InvalidRequest):
    """Schema violations of a task array, each tagged with its element's taskUUID."""

    code = "invalidRequest"

    def __init__(self, violations: Sequence[Violation], tasks: Sequence[TaskRef]) -> None:
        super().__init__(violations)
        self.tasks = tuple(tasks)


class MixedTaskTypes(TaskViolations):
    """Mock limitation: one body either submits or polls (each schema covers one)."""

    code = "conflictingTaskTypes"


class DuplicateTaskUUID(RunwareError, BadRequest):
    code = "conflictTaskUUID"
    message = "taskUUID is already in use; send a new UUID v4 for every task"

    def __init__(self, task_uuids: Sequence[str]) -> None:
        super().__init__(f"taskUUID already in use: {', '.join(task_uuids)}")
        self.task_uuids = tuple(task_uuids)


class TasksNotFound(RunwareError, NotFound):
    code = "taskNotFound"
    message = "no task with this taskUUID"

    def __init__(self, task_uuids: Sequence[str]) -> None:
        super().__init__(f"no task with taskUUID {', '.join(task_uuids)}")
        self.task_uuids = tuple(task_uuids)


def code_of(exc: ProviderError) -> str:
    if isinstance(exc, RunwareError):
        return exc.code
    for cls in type(exc).__mro__:
        if cls in CORE_CODES:
            return CORE_CODES[cls]
    return "badRequest"


def _camel(name: str) -> str:
    return name[:1].upper() + name[1:]


def violation_code(rule: str) -> str:
    """The code for a violation of *rule* (see the module docstring)."""
    if rule in NAMED_RULE_CODES:
        return NAMED_RULE_CODES[rule]
    head, _, keyword = rule.rpartition(".")
    if not head:
        return "invalidRequestBody" if keyword == "type" else f"invalid{_camel(keyword)}"
    field = head.rsplit(".", 1)[-1]
    if keyword == "required":
        return f"missing{_camel(field)}"
    if keyword in _RANGE_KEYWORDS:
        return f"unsupported{_camel(field)}"
    return f"invalid{_camel(field)}"


def _parameter(violation: Violation) -> str | None:
    """The field at fault, dotted and without array indices (``inputs.frameImages``)."""
    head, dot, _ = violation.rule.rpartition(".")
    if dot and head and violation.rule != "unknown-field":
        return head
    segments = violation.path.lstrip("/").split("/")[1:] if violation.path else []
    names = [s for s in segments if not s.isdigit()]
    if violation.rule == "unknown-field":
        names.append(", ".join(_QUOTED.findall(violation.message)) or "")
    dotted = ".".join(n for n in names if n)
    return dotted or None


def _documentation(task_type: str | None) -> str:
    return {
        "authentication": DOCS_AUTH,
        "videoInference": DOCS_VIDEO,
        "getResponse": DOCS_POLLING,
    }.get(task_type or "", DOCS_ERRORS)


def _violation_item(violation: Violation, tasks: Sequence[TaskRef]) -> dict[str, Any]:
    first = violation.path.lstrip("/").split("/", 1)[0] if violation.path else ""
    index = int(first) if first.isascii() and first.isdigit() else len(tasks)
    ref = tasks[index] if index < len(tasks) else TaskRef(None, None)
    parameter = _parameter(violation)
    text = RULE_MESSAGES.get(violation.rule, violation.message)
    if parameter and parameter.rsplit(".", 1)[-1] not in text:
        text = f"{parameter}: {text}"
    item: dict[str, Any] = {"code": violation_code(violation.rule), "message": text}
    if parameter:
        item["parameter"] = parameter
    if ref.task_type:
        item["taskType"] = ref.task_type
    if ref.task_uuid:
        item["taskUUID"] = ref.task_uuid
    item["documentation"] = _documentation(ref.task_type)
    return item


def _items(exc: ProviderError) -> list[dict[str, Any]]:
    if isinstance(exc, InvalidRequest) and exc.violations:
        tasks = exc.tasks if isinstance(exc, TaskViolations) else ()
        return [_violation_item(v, tasks) for v in exc.violations]
    if isinstance(exc, DuplicateTaskUUID):
        return [
            {
                "code": exc.code,
                "message": f"taskUUID {u} is already in use; send a new UUID v4 for every task",
                "parameter": "taskUUID",
                "taskType": "videoInference",
                "taskUUID": u,
                "documentation": DOCS_VIDEO,
            }
            for u in exc.task_uuids
        ]
    if isinstance(exc, TasksNotFound):
        return [
            {
                "code": exc.code,
                "message": f"no task with taskUUID {u}",
                "parameter": "taskUUID",
                "taskType": "getResponse",
                "taskUUID": u,
                "documentation": DOCS_POLLING,
            }
            for u in exc.task_uuids
        ]
    item: dict[str, Any] = {"code": code_of(exc), "message": exc.detail}
    if isinstance(exc, Unauthorized):
        item.update(parameter="apiKey", taskType="authentication", documentation=DOCS_AUTH)
    else:
        item["documentation"] = DOCS_ERRORS
    return [item]


#: Runware's rate-limits page names the statuses a fault answers (429/503/504), not the
#: codes: these camelCase codes are mock conventions (UNCONFIRMED).
FAULT_CODES: dict[int, str] = {
    429: "rateLimitExceeded",
    500: "internalServerError",
    502: "badGateway",
    503: "serviceUnavailable",
    504: "gatewayTimeout",
}
DOCS_RATE_LIMITS = "https://runware.ai/docs/platform/rate-limits"


def render(exc: ProviderError) -> Reply:
    if isinstance(exc, FaultStatus):
        # A named refusal (the ledger's 402 insufficientCredits) keeps its name and page.
        item = {"code": exc.reason or FAULT_CODES.get(exc.status, "internalServerError"),
                "message": exc.detail,
                "documentation": DOCS_ERRORS if exc.reason else DOCS_RATE_LIMITS}
        return Reply(exc.status, {"errors": [item]}, message="error-response")
    return Reply(exc.status, {"errors": _items(exc)}, message="error-response")


__all__ = [
    "CORE_CODES",
    "NAMED_RULE_CODES",
    "RULE_MESSAGES",
    "DuplicateTaskUUID",
    "MixedTaskTypes",
    "RunwareError",
    "TaskRef",
    "TaskViolations",
    "TasksNotFound",
    "code_of",
    "render",
    "violation_code",
]
