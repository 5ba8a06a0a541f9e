"""Errors of the mock server, in two families that never mix.

`MockSetupError` means the mock itself was configured or built wrongly: it is
raised at start-up and `vidukit serve` prints it as one line. `ProviderError`
is an answer a provider would give (401, 404, 400 with violations...): routes
raise it and the provider's ``errors.render`` turns it into that provider's
native body, so a provider package never builds an error envelope by hand.

    MockSetupError(ToolkitError)
    ├── ConfigError                (a MockConfig value or serve option is wrong)
    └── InvalidTransitionTable     (the lifecycle table breaks its own rules)

    ProviderError                  (status, code, message as class attributes)
    ├── BadRequest          400
    │   ├── MalformedBody          (not JSON, not UTF-8, too deep)
    │   └── InvalidRequest         (schema violations; carries every one)
    ├── Unauthorized        401
    ├── NotFound            404    (unknown task, unknown path, another key's task)
    ├── MethodNotAllowed    405
    ├── PayloadTooLarge     413
    ├── UnsupportedMediaType 415
    └── InternalError       500    (a bug in the mock, never bad input)

A provider subclasses these in its own ``errors.py`` when it needs its own
code or message, and its ``render`` may map a status onto what the provider
really sends (a provider that answers 400 for a wrong content type, say).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from vidukit.errors import ToolkitError
from vidukit.violations import Violation


class MockSetupError(ToolkitError):
    """The mock cannot start as configured."""


class ConfigError(MockSetupError):
    pass


class InvalidTransitionTable(MockSetupError):
    pass


class ProviderError(Exception):
    """An error answer, provider-neutral until the provider's ``render`` shapes it."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "bad request"

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.message
        super().__init__(self.detail)


class BadRequest(ProviderError):
    pass


class MalformedBody(BadRequest):
    code = "malformed_body"
    message = "the request body is not valid JSON"


class InvalidRequest(BadRequest):
    code = "invalid_request"
    message = "the request does not match the API"

    def __init__(self, violations: Sequence[Violation], detail: str | None = None) -> None:
        self.violations = tuple(violations)
        summary = "; ".join(f"{v.path or '/'}: {v.message} [{v.rule}]" for v in self.violations)
        super().__init__(detail or summary or self.message)


class Unauthorized(ProviderError):
    status = 401
    code = "unauthorized"
    message = "invalid authentication"


class NotFound(ProviderError):
    status = 404
    code = "not_found"
    message = "not found"


class MethodNotAllowed(ProviderError):
    status = 405
    code = "method_not_allowed"
    message = "method not allowed"


class PayloadTooLarge(ProviderError):
    """*hang_up*: the client announced a body so far over the limit that the connection is
    closed after the answer instead of reading the rest (see `mock_server.http.read_body`)."""

    status = 413
    code = "payload_too_large"
    message = "the request body is too large"

    def __init__(self, detail: str | None = None, *, hang_up: bool = False) -> None:
        super().__init__(detail)
        self.hang_up = hang_up


class UnsupportedMediaType(ProviderError):
    status = 415
    code = "unsupported_media_type"
    message = "the request body must be JSON (Content-Type: application/json)"


class InternalError(ProviderError):
    status = 500
    code = "internal_error"
    message = "internal error in the mock server"


class FaultStatus(ProviderError):
    """A fault scenario's answer (429, 500, 502, 503, 504): the provider's own body for it.

    Renderers fold statuses their provider does not document into ones it does (a
    mock bug is a 500, say), which would hide the 502 a fault is there to show: for
    this error they answer the status as it is, in their own envelope.
    """

    def __init__(self, status: int, detail: str, *, reason: str | None = None) -> None:
        super().__init__(detail)
        self.status = status  # type: ignore[misc]
        self.code = f"http_{status}"  # type: ignore[misc]
        #: The error name a scenario asks for (``billing-refused;reason=...``), for the
        #: providers whose bodies carry one; None: the renderer's own choice.
        self.reason = reason


__all__ = [
    "BadRequest",
    "ConfigError",
    "FaultStatus",
    "InternalError",
    "InvalidRequest",
    "InvalidTransitionTable",
    "MalformedBody",
    "MethodNotAllowed",
    "MockSetupError",
    "NotFound",
    "PayloadTooLarge",
    "ProviderError",
    "Unauthorized",
    "UnsupportedMediaType",
]
