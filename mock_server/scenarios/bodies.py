"""Provider-shaped bodies for the statuses a fault answers: 429, 500, 502, 503, 504.

Each provider's error envelope, filled for these statuses, and valid as its
``error-response`` schema (tests check every pair). They are built here
rather than by the provider's own ``errors.render`` because those renderers
fold statuses their provider does not document into ones it does (Novita's
sends 503 for any 5xx, Vtrix's 500), which is right for a mock bug but
would hide the 502 a fault scenario is there to show.

    provider    body                                               per status
    wavespeed   {code: <status>, message, data: null}              -
    novita,     {code: <status>, reason, message, metadata: {}}    429 RATE_LIMIT_EXCEEDED,
    myrouter                                                       5xx SERVICE_NOT_AVAILABLE
    vtrix       {code: <status>, error, message}                   see VTRIX_REASONS
    runware     {errors: [{code, message, documentation}]}         see RUNWARE_CODES

Shapes and names beyond each provider's documented statuses are UNCONFIRMED
(see the schemas' descriptions); any other provider gets its own renderer's
body for a `FaultStatus` error.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.errors import ProviderError
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers import Provider

MESSAGES: dict[int, str] = {
    429: "rate limit exceeded: too many requests, retry later",
    500: "internal server error",
    502: "bad gateway: the upstream service did not answer properly",
    503: "service unavailable: the service is overloaded, retry later",
    504: "gateway timeout: the upstream service did not answer in time",
}

VTRIX_REASONS: dict[int, str] = {
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

#: Runware's rate-limits page names the statuses (429/503/504), not the codes: these
#: camelCase codes are mock conventions (UNCONFIRMED).
RUNWARE_CODES: dict[int, str] = {
    429: "rateLimitExceeded",
    500: "internalServerError",
    502: "badGateway",
    503: "serviceUnavailable",
    504: "gatewayTimeout",
}
RUNWARE_RATE_LIMITS = "https://runware.ai/docs/platform/rate-limits"


class FaultStatus(ProviderError):
    """A fault's status as a provider error, for a provider this module does not know."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status  # type: ignore[misc]
        self.code = f"http_{status}"  # type: ignore[misc]


def message_for(status: int, retry_after: float | None = None) -> str:
    text = MESSAGES.get(status, f"HTTP {status}")
    if retry_after is not None:
        text += f" (retry after {retry_after:g} s)"
    return text


def fault_body(provider: Provider, status: int, message: str) -> Any:
    """The body *provider* answers with HTTP *status* (one of `MESSAGES`)."""
    pid = provider.id
    if pid == "wavespeed":
        return {"code": status, "message": message, "data": None}
    if pid in ("novita", "myrouter"):
        reason = "RATE_LIMIT_EXCEEDED" if status == 429 else "SERVICE_NOT_AVAILABLE"
        return {"code": status, "reason": reason, "message": message, "metadata": {}}
    if pid == "vtrix":
        return {"code": status, "error": VTRIX_REASONS[status], "message": message}
    if pid == "runware":
        item = {"code": RUNWARE_CODES[status], "message": message}
        item["documentation"] = RUNWARE_RATE_LIMITS
        return {"errors": [item]}
    return provider.render_error(FaultStatus(status, message)).body


def fault_reply(provider: Provider, status: int, *, retry_after: float | None = None) -> Reply:
    """The whole answer: status, provider body and (when given) ``Retry-After``."""
    headers = {"Retry-After": str(max(0, round(retry_after)))} if retry_after is not None else {}
    body = fault_body(provider, status, message_for(status, retry_after))
    return Reply(status, body, message="error-response", headers=headers)


#: The task scenario whose answers carry undeclared fields (and its ``Task.meta`` flag).
EXTRA_FIELDS = "extra-fields"
#: The field added to every JSON object of such an answer: a name no provider uses, and a
#: value of every JSON type, so a client that walks unknown values meets them all.
EXTRA_FIELD = "x_mock_extra"
EXTRA_VALUE: Any = {"scenario": EXTRA_FIELDS, "values": [1, 2.5, "text", True, None, {}, []]}


def _decorate(value: Any) -> Any:
    if isinstance(value, dict):
        return {**{k: _decorate(v) for k, v in value.items()}, EXTRA_FIELD: EXTRA_VALUE}
    if isinstance(value, list):
        return [_decorate(item) for item in value]
    return value


def with_extra_fields(reply: Reply) -> Reply:
    """*reply* with `EXTRA_FIELD` added to every object of its body.

    Response schemas are open (providers add fields without notice), so the
    answer stays valid; a client must ignore what it does not know.
    """
    return Reply(reply.status, _decorate(reply.body), reply.message, reply.headers)


__all__ = [
    "EXTRA_FIELD",
    "EXTRA_FIELDS",
    "MESSAGES",
    "RUNWARE_CODES",
    "VTRIX_REASONS",
    "FaultStatus",
    "fault_body",
    "fault_reply",
    "message_for",
    "with_extra_fields",
]
