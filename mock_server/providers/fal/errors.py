"""fal.ai's error answers: one renderer for every `ProviderError`.

The body is ``{"detail": ...}`` (schemas/fal/error-response.json): an invalid body is a
422 listing one ``{loc, msg, type}`` per violation, as the model's input validation
answers (``loc`` starts with ``body``; ``type`` is vidukit's rule id); everything else
carries its message as ``detail``.

    ProviderError (mock_server.errors)
    ├── NotFound
    │   └── RequestNotFound     404, unknown id or another key's request
    └── ResultError             the result of a request that did not succeed (400/422/500/504)
"""

from __future__ import annotations

from typing import Any, ClassVar

from vidukit.mock_server.errors import InvalidRequest, NotFound, ProviderError
from vidukit.mock_server.http import Reply


class RequestNotFound(NotFound):
    message = "Request not found"


class ResultError(ProviderError):
    """The answer of ``GET .../requests/{id}`` for a request with no output (yet)."""

    status: ClassVar[int] = 400
    code = "result_unavailable"
    message = "Request is still in progress"

    def __init__(self, http: int, detail: Any, request_id: str) -> None:
        super().__init__(detail if isinstance(detail, str) else None)
        self.http, self.detail_body, self.request_id = http, detail, request_id


def _loc(path: str) -> list[str | int]:
    """``/reference_image_urls/0`` -> ``["body", "reference_image_urls", 0]``."""
    parts: list[str | int] = ["body"]
    for part in path.lstrip("/").split("/") if path else ():
        parts.append(int(part) if part.isdigit() else part)
    return parts


def render(exc: ProviderError) -> Reply:
    if isinstance(exc, ResultError):
        return Reply(exc.http, {"detail": exc.detail_body}, message="error-response",
                     headers={"x-fal-request-id": exc.request_id})
    if isinstance(exc, InvalidRequest) and exc.violations:
        detail = [{"loc": _loc(v.path), "msg": v.message, "type": v.rule}
                  for v in exc.violations]
        return Reply(422, {"detail": detail}, message="error-response")
    return Reply(exc.status, {"detail": exc.detail or exc.message}, message="error-response")
