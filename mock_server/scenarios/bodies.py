"""Provider-shaped answers for the statuses a fault answers: 429, 500, 502, 503, 504.

Each provider's own ``errors.render`` shapes a `FaultStatus` in its envelope (valid as
its ``error-response`` schema; tests check every pair). Shapes and names beyond each
provider's documented statuses are UNCONFIRMED (see the schemas' descriptions).
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.errors import FaultStatus
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers import Provider

MESSAGES: dict[int, str] = {
    429: "rate limit exceeded: too many requests, retry later",
    500: "internal server error",
    502: "bad gateway: the upstream service did not answer properly",
    503: "service unavailable: the service is overloaded, retry later",
    504: "gateway timeout: the upstream service did not answer in time",
}


#: Billing refusals (official JS SDK's APIErrReason, provider-docs §8) and their messages.
REASON_MESSAGES: dict[str, str] = {
    "BILLING_BALANCE_NOT_ENOUGH": "billing: the account balance is not enough",
    "BILLING_FAILED": "billing: the charge failed",
    "BILLING_AUTH_FAILED": "billing: the billing account could not be authorized",
    "ANONYMOUS_ACCESS_QUOTA_EXCEEDS": "the anonymous access quota is used up",
}


def message_for(status: int, retry_after: float | None = None) -> str:
    text = MESSAGES.get(status, f"HTTP {status}")
    if retry_after is not None:
        text += f" (retry after {retry_after:g} s)"
    return text


def fault_body(provider: Provider, status: int, message: str) -> Any:
    """The body *provider* answers with HTTP *status* (one of `MESSAGES`)."""
    return provider.render_error(FaultStatus(status, message)).body


def fault_reply(
    provider: Provider,
    status: int,
    *,
    retry_after: float | None = None,
    reason: str | None = None,
) -> Reply:
    """The whole answer: status, provider body and (when given) ``Retry-After``; *reason*
    names the error where the provider's body has a name (``billing-refused``)."""
    headers = {"Retry-After": str(max(0, round(retry_after)))} if retry_after is not None else {}
    message = message_for(status, retry_after) if reason is None else REASON_MESSAGES[reason]
    body = provider.render_error(FaultStatus(status, message, reason=reason)).body
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
    "REASON_MESSAGES",
    "FaultStatus",
    "fault_body",
    "fault_reply",
    "message_for",
    "with_extra_fields",
]
