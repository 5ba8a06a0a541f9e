"""`create_app`: one call, one fresh, fully wired mock server.

Layout of the app: the admin API at ``/_mock/``, then every provider under
``/<id>`` (or the one chosen provider at the root), each closed by a
catch-all that answers unknown paths in that provider's own 404 (or 405 for
a known path with the wrong method). A GET on a provider's base URL lists its routes
(`vidukit.mock_server.provider_root`). All state lives on ``app.state.mock``.

A plain Starlette app: every handler reads and answers its own requests, so a
framework's validation, dependency injection and generated schema would have
nothing to do (bench/results/framework_decision.json). `MockApp` serves the
provider routes through `vidukit.mock_server.fastpath.ProviderDoor` before the
middleware and router: the hot paths (submit, poll) skip both.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Receive, Scope, Send

from vidukit.mock_server.admin.openapi import docs_routes
from vidukit.mock_server.admin.routes import admin_routes
from vidukit.mock_server.clock import SystemClock
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.drift import DriftMiddleware
from vidukit.mock_server.engine import Engine
from vidukit.mock_server.errors import ConfigError, MethodNotAllowed, NotFound
from vidukit.mock_server.fastpath import Endpoint, ProviderDoor
from vidukit.mock_server.http import JSON_TYPE, Reply, dumps
from vidukit.mock_server.journal import Journal
from vidukit.mock_server.ledger import Ledger
from vidukit.mock_server.provider_root import ROUTE_NAME as ROOT_ROUTE
from vidukit.mock_server.provider_root import provider_root
from vidukit.mock_server.providers import Provider, load_providers
from vidukit.mock_server.providers.context import (
    Exchange,
    Handler,
    ProviderContext,
    resolve_outcome,
)
from vidukit.mock_server.quotas import Quotas
from vidukit.mock_server.replay import Replayer, TaskRecorder
from vidukit.mock_server.scenarios.controller import Scenarios
from vidukit.mock_server.state import MockState
from vidukit.mock_server.storage import make_store, store_clock
from vidukit.mock_server.webhooks import Webhooks

ADMIN_PREFIX = "/_mock"
#: Catch-all routes take every method, so a wrong method never falls through to a bare 405.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class MockApp(Starlette):
    """Starlette, with the provider routes served through the raw-ASGI `ProviderDoor` first."""

    door: ProviderDoor | None = None
    #: Routes a path by its owner's routes when Starlette's router cannot (`_unmatched`).
    last_resort: Callable[[Scope, Receive, Send], Awaitable[None]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if "\n" in scope["path"] and self.last_resort is not None:
                # Starlette's patterns end in ``$``, which also matches before a final line
                # feed: a mount would cut such a path one character short and mis-route it.
                scope["app"] = self
                await self.last_resort(scope, receive, send)
                return
            if self.door is not None and await self.door.serve(self, scope, receive, send):
                return
        await super().__call__(scope, receive, send)


def create_app(config: MockConfig | None = None) -> MockApp:
    """Build a new mock server; raises `ConfigError` for a configuration it cannot serve."""
    config = config or MockConfig()
    available = load_providers()
    if config.provider is None:
        providers = available
        prefixes = {pid: f"/{pid}" for pid in providers}
    elif config.provider in available:
        providers = {config.provider: available[config.provider]}
        prefixes = {config.provider: ""}
    else:
        raise ConfigError(
            f"unknown provider {config.provider!r}; available: {', '.join(available)}"
        )
    outcome = config.default_outcome
    for provider in providers.values():
        try:
            resolve_outcome(provider, outcome)
        except ValueError as exc:
            raise ConfigError(f"outcome {config.outcome!r}: {exc}") from None

    store = make_store(config.store, max_tasks=config.max_tasks)
    clock = (  # a virtual clock keeps its time in the store: shared, and kept across restarts
        store_clock(config.clock, store, start=config.virtual_start)
        if isinstance(config.clock, str)
        else config.clock
    )
    engine = Engine(
        clock=clock,
        store=store,
        progression=config.default_progression,
        outcome=outcome,
        seed=config.seed,
        jitter=config.jitter,
    )
    state = MockState(
        config=config,
        clock=clock,
        store=store,
        engine=engine,
        journal=Journal(
            config.journal_max_entries,
            max_bytes=config.journal_max_bytes,
            max_age=config.journal_max_age,
            monotonic=SystemClock().monotonic,
        ),
        providers=providers,
        prefixes=prefixes,
        webhooks=Webhooks(
            engine=engine,
            clock=clock,
            providers=providers,
            prefixes=prefixes,
            secret=config.webhook_secret,
            timeout=config.webhook_timeout,
            targets=config.webhook_targets,
            max_deliveries=max(config.journal_max_entries, 100),
            drift=config.drift.callbacks() if config.drift is not None else None,
        ),
        quotas=Quotas(engine=engine, store=store, clock=clock, settings=config.quota_settings),
        scenarios=Scenarios(
            engine=engine,
            store=store,
            clock=clock,
            providers=providers,
            config=config.scenarios,
            seed=config.seed,
            max_body_bytes=config.max_body_bytes,
        ),
        # After the quotas: their check runs first, so a refused submit is never charged.
        ledger=Ledger(engine=engine, store=store, providers=providers,
                      balances=config.starting_balances),
    )

    _replay(state)
    app = MockApp(lifespan=_lifespan(state))
    app.state.mock = state
    admin = admin_routes(state)
    # The admin API's description and docs page first: open, outside the guarded mount.
    routes: list[BaseRoute] = [*docs_routes(state), Mount(ADMIN_PREFIX, routes=admin)]
    mounted: dict[str, list[BaseRoute]] = {}
    owners: dict[str, tuple[Sequence[BaseRoute], Endpoint]] = {
        ADMIN_PREFIX: (admin, _catch_all(admin))
    }
    for pid, provider in providers.items():
        ctx = ProviderContext(provider, state)
        own = list(provider.routes(ctx))
        fallback = ctx.endpoint(_unknown_path(provider, tuple(own)))
        root = provider_root(
            provider_id=pid, title=provider.title, prefix=prefixes[pid], routes=tuple(own),
            public_url=config.public_url, otherwise=fallback,
        )
        if prefixes[pid]:  # the bare base URL, without its slash, is outside the mount
            routes.append(Route(prefixes[pid], root, methods=ALL_METHODS, name=ROOT_ROUTE))
        own.insert(0, Route("/", root, methods=ALL_METHODS, name=ROOT_ROUTE))
        own.append(Route("/{path:path}", fallback, methods=ALL_METHODS))
        mounted[prefixes[pid]] = own
        owners[prefixes[pid]] = (own, fallback)
        if prefixes[pid]:
            routes.append(Mount(prefixes[pid], routes=own))
        else:
            routes.extend(own)
    if config.provider is None:
        nobody = _no_provider(state)
        owners[""] = ((), nobody)
        routes.append(Route("/{path:path}", nobody, methods=ALL_METHODS))
    app.router.routes.extend(routes)
    app.router.default = app.last_resort = _unmatched(app.router.default, owners)
    if config.drift is not None:
        app.add_middleware(DriftMiddleware, profile=config.drift, prefixes=prefixes)
    else:  # the drift middleware must see every answer: no side door then
        app.door = ProviderDoor(mounted, reserved=ADMIN_PREFIX)
    return app


def _replay(state: MockState) -> None:
    """Hook the task recorder and the replayer on the engine, where configured."""
    config = state.config
    if config.replay is not None:
        state.replayer = Replayer(engine=state.engine, store=state.store,
                                  providers=state.providers, settings=config.replay,
                                  chosen=state.scenarios.replay_choice)
        state.scenarios.replayer = state.replayer
    for rule in state.scenarios.rules:
        try:
            state.scenarios.check_replay(rule.scenario, rule.provider)
        except ValueError as exc:
            raise ConfigError(f"{state.scenarios.file.source}: {exc}") from None
    if config.record_tasks is not None:
        state.recorder = TaskRecorder(engine=state.engine, providers=state.providers,
                                      folder=Path(config.record_tasks), webhooks=state.webhooks)


def _lifespan(state: MockState) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """What runs for as long as a server does (not under httpx.ASGITransport): callbacks;
    at the end (after uvicorn's graceful shutdown let in-flight requests finish) the store
    is closed."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Everything built so far (schemas, routes, modules) lives as long as the server:
        # moved out of the collector's sight, a full collection no longer walks it, which
        # kept p99 latency in milliseconds, not tens of them (docs/performance.md).
        gc.collect()  # garbage frozen now would never be collected
        gc.freeze()
        try:
            async with state.webhooks.running():
                yield
        finally:  # every acknowledged write is committed already; this releases the file
            state.store.close()

    return lifespan


def _catch_all(routes: Sequence[BaseRoute]) -> Endpoint:
    return next(r.endpoint for r in routes if isinstance(r, Route) and r.path == "/{path:path}")


def _unmatched(
    default: Callable[[Scope, Receive, Send], Awaitable[None]],
    owners: Mapping[str, tuple[Sequence[BaseRoute], Endpoint]],
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The router's last resort: the path's owner (admin API, provider) routes it itself.

    Starlette's mounts and ``{path:path}`` match ``.*``, which stops at a line feed: a path
    such as ``/_mock/tasks/a%0Ab`` slips past the mount and every catch-all, and would get
    Starlette's plain-text ``Not Found``, in nobody's error shape. The owner's own routes
    (whose ``{id}`` does match a line feed) get the first try, then its catch-all.
    """
    by_length = sorted(owners, key=len, reverse=True)

    async def unmatched(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await default(scope, receive, send)
            return
        path: str = scope["path"]
        owner = next(
            (p for p in by_length if not p or path == p or path.startswith(p + "/")), None
        )
        if owner is None:
            await default(scope, receive, send)
            return
        routes, fallback = owners[owner]
        scope["root_path"] = scope.get("root_path", "") + owner
        rest = path[len(owner):]
        for route in routes:
            if isinstance(route, Route) and route.path_regex.fullmatch(rest) is None:
                continue  # ``$`` also matches before a final line feed: the whole path must
            match, child = route.matches(scope)
            if match == Match.FULL:
                scope.update(child)
                await route.handle(scope, receive, send)
                return
        response = await fallback(Request(scope, receive))
        await response(scope, receive, send)

    return unmatched


def _describe(routes: Sequence[BaseRoute]) -> str:
    shown = []
    for route in routes:
        if isinstance(route, Route):
            methods = sorted((route.methods or set()) - {"HEAD"})
            shown.append(f"{'|'.join(methods)} {route.path}")
    return ", ".join(shown)


def _unknown_path(provider: Provider, routes: Sequence[BaseRoute]) -> Handler:
    async def handler(request: Request, exchange: Exchange) -> Reply:
        for route in routes:
            match, _ = route.matches(request.scope)
            if match == Match.PARTIAL and isinstance(route, Route):
                allowed = ", ".join(sorted((route.methods or set()) - {"HEAD"}))
                raise MethodNotAllowed(
                    f"method {request.method} is not allowed on {route.path}; use {allowed}"
                )
        raise NotFound(
            f"no route {request.method} {request.url.path} on the {provider.title} mock; "
            f"it serves: {_describe(routes)}"
        )

    return handler


def _no_provider(state: MockState) -> Callable[[Request], Awaitable[Response]]:
    listed = ", ".join(f"{prefix} ({pid})" for pid, prefix in state.prefixes.items())

    async def endpoint(request: Request) -> Response:
        message = (
            f"no provider serves {request.url.path}; base paths: {listed}; admin: {ADMIN_PREFIX}/"
        )
        return Response(dumps({"error": message, "status": 404}), 404, media_type=JSON_TYPE)

    return endpoint


__all__ = ["ADMIN_PREFIX", "ALL_METHODS", "create_app"]
