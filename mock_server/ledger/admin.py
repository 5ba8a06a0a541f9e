"""The ledger's part of the admin API, mounted by `vidukit.mock_server.admin` under ``/_mock/``.

    GET /_mock/ledger?provider=<id>&owner=<digest>   every charged task, and spend per key
    GET /_mock/balances                              every balance set, and what is left
    PUT /_mock/balances  {"key": "sk-test", "balance": "5.00" | 5 | null, "provider"?: id}

A key is sent in the clear only to set its balance; every view names it by its owner
digest, as the task views do. Handlers are wrapped by the admin API's own ``guarded``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.admin.errors import AdminError
from vidukit.mock_server.errors import ProviderError
from vidukit.mock_server.http import key_owner, parse_json, read_body
from vidukit.mock_server.ledger import entries as charged_tasks
from vidukit.mock_server.ledger import spend
from vidukit.mock_server.ledger.balances import parse_amount
from vidukit.mock_server.state import MockState

_MAX_BODY = 16 * 1024

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]

#: The routes, as the admin index lists them.
ENDPOINTS: tuple[str, ...] = (
    "GET  /_mock/ledger?provider=<id>&owner=<digest>",
    "GET  /_mock/balances",
    'PUT  /_mock/balances  {"key": "...", "balance": "5.00"|null, "provider": "<id>"}',
)


def ledger_view(state: MockState, *, provider: str | None = None,
                owner: str | None = None) -> dict[str, Any]:
    """Every charged task (as it is now) and the spend per key: the admin and dashboard view."""
    engine = state.engine
    acked = {d.task_id for d in state.webhooks.deliveries(provider=provider)
             if any(a.ok for a in d.attempts)}
    tasks = [engine.observe(t) for t in state.store.list(provider=provider)
             if owner is None or t.owner == owner]
    entries = charged_tasks(tasks, acked.__contains__)
    return {"count": len(entries), "entries": entries, "spend": spend(entries),
            "balances": state.ledger.balances()}


def ledger_routes(state: MockState, guarded: Guard) -> list[BaseRoute]:
    def known(provider: str | None) -> str | None:
        if provider is not None and provider not in state.providers:
            mounted = ", ".join(state.providers)
            raise AdminError(400, f"unknown provider {provider!r}; mounted: {mounted}")
        return provider

    async def show(request: Request) -> Any:
        query = request.query_params
        return ledger_view(state, provider=known(query.get("provider")),
                           owner=query.get("owner"))

    async def balances(request: Request) -> Any:
        return {"balances": state.ledger.balances()}

    async def set_balance(request: Request) -> Any:
        try:
            body = parse_json(await read_body(request, _MAX_BODY))
        except ProviderError as exc:
            raise AdminError(exc.status, exc.detail) from None
        usage = ('send {"key": "<API key>", "balance": <number >= 0, or null for unlimited>, '
                 '"provider": "<id>" (optional: every provider)}')
        if (not isinstance(body, dict) or set(body) - {"key", "balance", "provider"}
                or "balance" not in body):
            raise AdminError(400, usage)
        key, provider = body.get("key"), body.get("provider")
        if not isinstance(key, str) or not key:
            raise AdminError(400, usage)
        if provider is not None and not isinstance(provider, str):
            raise AdminError(400, usage)
        try:
            amount = None if body["balance"] is None else parse_amount(body["balance"])
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        owner = key_owner(key)
        state.ledger.set_balance(owner, amount, known(provider))
        return {"owner": owner,
                "balances": [b for b in state.ledger.balances() if b["owner"] == owner]}

    return [
        Route("/ledger", guarded(show), methods=["GET"]),
        Route("/balances", guarded(balances), methods=["GET"]),
        Route("/balances", guarded(set_balance), methods=["PUT"]),
    ]


__all__ = ["ENDPOINTS", "ledger_routes", "ledger_view"]
