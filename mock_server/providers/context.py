"""What the core hands a provider's routes: shared request handling done once, right.

`ProviderContext.endpoint` wraps a handler with the parts every endpoint
needs and none should repeat: rendering errors through the provider's one
``render``, turning an unexpected exception into the provider's 500 (never a
bare traceback), optional response checking, and the journal entry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from vidukit.mock_server.errors import (
    BadRequest,
    InternalError,
    InvalidRequest,
    PayloadTooLarge,
    ProviderError,
    Unauthorized,
)
from vidukit.mock_server.fastpath import JSONResponse, has_mock_headers
from vidukit.mock_server.http import (
    Reply,
    bearer_key,
    check_json_type,
    dumps,
    key_owner,
    origin,
    parse_json,
    read_body,
)
from vidukit.mock_server.ledger import NOTES as LEDGER_NOTES
from vidukit.mock_server.providers import Provider
from vidukit.mock_server.state import MockState
from vidukit.mock_server.tasks import Outcome, Progression, Task
from vidukit.mock_server.webhooks import WEBHOOK_HEADER
from vidukit.validation import validator
from vidukit.violations import Violation

logger = logging.getLogger("vidukit.mock_server")

#: An answer lists at most this many violations (and says when there were more), so a body
#: with a hundred thousand mistakes gets a bounded answer, quickly.
MAX_LISTED_VIOLATIONS = 100
PROGRESSION_HEADER = "x-mock-progression"
OUTCOME_HEADER = "x-mock-outcome"


@dataclass(slots=True)
class Exchange:
    """What one request carried, for the journal: the raw body and the validation verdict."""

    body: bytes = b""
    violations: list[dict[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """How a new task should go, after per-request overrides."""

    progression: Progression | None
    outcome: Outcome


Handler = Callable[[Request, Exchange], Awaitable[Reply]]


class ProviderContext:
    def __init__(self, provider: Provider, state: MockState) -> None:
        self.provider = provider
        self.state = state
        self.engine = state.engine
        self.config = state.config
        self.clock = state.clock
        self.prefix = state.prefixes[provider.id]
        self._allowed = frozenset(state.config.api_keys)
        self._owners: dict[str, str] = {}
        #: Whole ``Authorization`` values that authenticated -> their owner digests.
        self._by_header: dict[str | None, str] = {}
        signing = provider.spec.signing
        #: The provider signs its callbacks with the caller's API key (a fact of its spec).
        self._signs_with_key = signing is not None and signing.key == "api-key"

    # -- endpoints ---------------------------------------------------------------------

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        provider_id = self.provider.id
        scenarios = self.state.scenarios  # fault scenarios and quota answers wrap the handler
        handler = scenarios.around(self.provider, handler)
        journal = self.state.journal
        clock = self.clock
        check = self.config.check_responses

        async def run(request: Request) -> Response:
            exchange = Exchange()
            notes: list[dict[str, Any]] = []
            listening = LEDGER_NOTES.set(notes)  # the ledger notes charges and refusals here
            try:
                reply = await handler(request, exchange)
            except ProviderError as exc:
                reply = self.render(exc)
                if isinstance(exc, PayloadTooLarge) and exc.hang_up:
                    reply.headers = {**reply.headers, "Connection": "close"}
            except ClientDisconnect:  # the client left mid-body: nobody to answer, no bug
                reply = Reply(499, {"mock": "the client closed the connection mid-request"})
            except Exception:
                logger.exception("bug in the %s mock answering %s", provider_id, request.url.path)
                reply = self.render(InternalError())
            finally:
                LEDGER_NOTES.reset(listening)
            if check and reply.message:
                reply = self._checked(reply)
            content = dumps(reply.body)
            scope = request.scope
            fault = scenarios.transport_fault(request)
            journal.record(
                at=clock.now(),
                provider=provider_id,
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b""),
                raw_headers=scope["headers"],
                body=exchange.body,
                violations=exchange.violations,
                status=reply.status,
                response=content,
                fault=fault,
                ledger=notes or None,
            )
            response = JSONResponse(content, reply.status, reply.headers)
            if fault is not None:  # a cut body, an HTML page, a closed socket
                return await scenarios.mangled(request, response)
            return response

        return run

    def render(self, exc: ProviderError) -> Reply:
        """The provider's body for *exc*; a renderer that itself breaks still yields a 500."""
        try:
            return self.provider.render_error(exc)
        except Exception:
            logger.exception("bug in %s's error renderer", self.provider.id)
            return Reply(500, {"error": "internal error in the mock server"})

    def _checked(self, reply: Reply) -> Reply:
        assert reply.message is not None
        check = validator(self.provider.id, reply.message)
        if check.is_valid(reply.body):
            return reply
        found = "; ".join(
            f"{v.path or '/'}: {v.message}" for v in check.violations(reply.body, notes=False)
        )
        logger.error("%s response breaks %s: %s", self.provider.id, reply.message, found)
        return self.render(InternalError(f"mock bug: response breaks {reply.message}: {found}"))

    # -- request parts -----------------------------------------------------------------

    def owner_of(self, key: str) -> str:
        """The owner digest for *key*; 401 when the server only accepts known keys."""
        if self._allowed and key not in self._allowed:
            raise Unauthorized("invalid authentication: unknown API key")
        owner = self._owners.get(key)
        if owner is None:
            if len(self._owners) > 10_000:
                self._owners.clear()
            owner = self._owners[key] = key_owner(key)
        return owner

    def authenticate(self, request: Request) -> str:
        """``Authorization: Bearer <key>`` -> the owner digest, or the provider's 401."""
        header = request.headers.get("authorization")
        owner = self._by_header.get(header) if header is not None else None
        if owner is None:  # a client sends the same header on every request: parse it once
            owner = self.owner_of(bearer_key(request))
            if len(self._by_header) > 10_000:
                self._by_header.clear()
            self._by_header[header] = owner
        return owner

    async def json_body(self, request: Request, exchange: Exchange, message: str) -> Any:
        """Read, parse and validate a JSON request body as *message*; journal what was seen."""
        check_json_type(request)
        exchange.body = await read_body(request, self.config.max_body_bytes)
        body = parse_json(exchange.body)
        self.validate(body, exchange, message, raw=exchange.body)
        return body

    def validate(self, body: Any, exchange: Exchange, message: str, *,
                 raw: bytes | None = None) -> None:
        """Raise `InvalidRequest` with every violation unless *body* is a valid *message*
        (*raw*: the JSON text it was parsed from, where there is one)."""
        check = validator(self.provider.id, message)
        if check.is_valid(body, raw=raw):
            exchange.violations = []
            return
        # Only what can refuse the body: errors_only leaves warnings and notes unbuilt.
        violations = check.violations(body, notes=False, limit=MAX_LISTED_VIOLATIONS + 1,
                                      errors_only=True, raw=raw)
        if len(violations) > MAX_LISTED_VIOLATIONS:
            violations = violations[:MAX_LISTED_VIOLATIONS]
            violations.append(
                Violation(
                    path="",
                    rule="more-violations",
                    message=f"more violations not listed: the mock lists the first "
                    f"{MAX_LISTED_VIOLATIONS}",
                    source=check.source,
                )
            )
        exchange.violations = [v.to_dict() for v in violations]
        raise InvalidRequest(violations)

    def task_options(self, request: Request) -> TaskOptions:
        """Per-request overrides from ``X-Mock-Progression`` and ``X-Mock-Outcome``.

        Also hands ``X-Mock-Webhook`` and the origin to the webhook dispatcher, for the
        callbacks of the tasks this request creates.
        """
        headers = request.headers
        asked = has_mock_headers(headers)  # most requests carry no X-Mock-* header at all
        try:
            here = origin(request, self.config.public_url)
            self.state.webhooks.prepare(self.provider.id, here,
                                        headers.get(WEBHOOK_HEADER) if asked else None,
                                        self._signing_key(request))
        except ValueError as exc:
            raise BadRequest(f"X-Mock-Webhook: {exc}") from None
        progression = None
        raw = headers.get(PROGRESSION_HEADER) if asked else None
        if raw is not None:
            try:
                progression = Progression.parse(raw)
            except ValueError as exc:
                raise BadRequest(f"X-Mock-Progression: {exc}") from None
        raw = headers.get(OUTCOME_HEADER) if asked else None
        if raw is None:
            # The server default may name another provider's code: it applies where it exists.
            return TaskOptions(progression, resolve_outcome(self.provider, self.engine.outcome,
                                                            strict=False))
        try:
            return TaskOptions(progression, self.resolve_outcome(Outcome.parse(raw)))
        except ValueError as exc:
            raise BadRequest(f"X-Mock-Outcome: {exc}") from None

    def _signing_key(self, request: Request) -> str | None:
        """The request's API key, where the provider signs callbacks with it (else None)."""
        if not self._signs_with_key:
            return None
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        matches = scheme.lower() == self.provider.spec.surface.auth_scheme.lower()
        return key.strip() or None if matches else None

    def resolve_outcome(self, outcome: Outcome) -> Outcome:
        """Give a failure this provider's default code, or refuse a code it does not have."""
        return resolve_outcome(self.provider, outcome)

    # -- URLs back to the mock -----------------------------------------------------------

    def base_url(self, request: Request) -> str:
        """The provider's base URL as this client reaches it (what replaces its real origin)."""
        return origin(request, self.config.public_url) + self.prefix

    def media_url(self, request: Request, task: Task, extension: str = "mp4") -> str:
        return f"{origin(request, self.config.public_url)}/_mock/media/{task.id}.{extension}"


def resolve_outcome(provider: Provider, outcome: Outcome, *, strict: bool = True) -> Outcome:
    """Give a failure *provider*'s code: its default when none is named.

    A code the provider lacks is refused when *strict* (a per-task choice names one
    provider); otherwise (a server-wide default, shared by every provider mounted) the
    provider fails with its own default code.
    """
    if outcome.kind != "fail":
        return outcome
    if outcome.error_code is None or (
        not strict and outcome.error_code not in provider.failure_codes
    ):
        return Outcome("fail", provider.default_failure_code)
    if outcome.error_code not in provider.failure_codes:
        known = ", ".join(provider.failure_codes)
        raise ValueError(
            f"{provider.id} has no error code {outcome.error_code!r}; its codes: {known}"
        )
    return outcome


__all__ = [
    "OUTCOME_HEADER",
    "PROGRESSION_HEADER",
    "Exchange",
    "Handler",
    "ProviderContext",
    "TaskOptions",
    "resolve_outcome",
]
