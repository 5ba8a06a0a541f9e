"""The webhook part of the admin API, mounted by `vidukit.mock_server.admin` under ``/_mock/``.

    GET /_mock/webhooks?task=<id>&provider=<id>   the webhook journal: every delivery and attempt
    PUT /_mock/webhooks  {"secret": "whsec_...", "options": "duplicate,delay=5"}
    PUT /_mock/webhooks/tasks/{id}  {"options": "out-of-order"}   (a task not finished yet)

Handlers are wrapped by the admin API's own ``guarded`` (token check, JSON
errors), so they only raise `AdminError` for bad input. The admin API lists
them in its ``ENDPOINTS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.admin.errors import AdminError
from vidukit.mock_server.errors import ProviderError
from vidukit.mock_server.http import parse_json, read_body
from vidukit.mock_server.state import MockState
from vidukit.mock_server.webhooks.options import WebhookOptions

_MAX_BODY = 16 * 1024

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


async def _object(request: Request, allowed: set[str]) -> dict[str, Any]:
    try:
        raw = await read_body(request, _MAX_BODY)
        body = parse_json(raw)
    except ProviderError as exc:
        raise AdminError(exc.status, exc.detail) from None
    if not isinstance(body, dict) or not body or set(body) - allowed:
        fields = " and/or ".join(f'"{name}"' for name in sorted(allowed))
        raise AdminError(400, f"send a JSON object with {fields} (strings)")
    if not all(isinstance(value, str) for value in body.values()):
        raise AdminError(400, "every value must be a string")
    return body


def _options(text: str) -> WebhookOptions:
    try:
        return WebhookOptions.parse(text)
    except ValueError as exc:
        raise AdminError(400, str(exc)) from None


def webhook_routes(state: MockState, guarded: Guard) -> list[BaseRoute]:
    webhooks = state.webhooks

    async def show(request: Request) -> Any:
        query = request.query_params
        provider = query.get("provider")
        if provider is not None and provider not in state.providers:
            mounted = ", ".join(state.providers)
            raise AdminError(400, f"unknown provider {provider!r}; mounted: {mounted}")
        return webhooks.view(task_id=query.get("task"), provider=provider)

    async def configure(request: Request) -> Any:
        body = await _object(request, {"secret", "options"})
        options = _options(body["options"]) if "options" in body else None
        try:
            webhooks.configure(secret=body.get("secret"), options=options)
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        return webhooks.view(task_id="")  # the settings, without the whole journal

    async def task_options(request: Request) -> Any:
        task_id = request.path_params["id"]
        options = _options((await _object(request, {"options"}))["options"])
        try:
            found = webhooks.set_task_options(task_id, options)
        except ValueError as exc:
            raise AdminError(400, str(exc)) from None
        if not found:
            raise AdminError(
                404 if state.engine.get(task_id) is None else 409,
                f"task {task_id!r} is not waiting for a callback: unknown, finished, "
                "or it registered no callback URL",
            )
        return {"task": task_id, "options": options.spec()}

    return [
        Route("/webhooks", guarded(show), methods=["GET"]),
        Route("/webhooks", guarded(configure), methods=["PUT"]),
        Route("/webhooks/tasks/{id}", guarded(task_options), methods=["PUT"]),
    ]


__all__ = ["webhook_routes"]
