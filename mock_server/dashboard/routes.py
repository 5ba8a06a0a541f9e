"""The dashboard's routes, mounted by the admin API under ``/_mock/ui``.

    GET  /_mock/ui/                  the page (one HTML shell; views are chosen by #hash)
    GET  /_mock/ui/static/<name>     its script, styles and icon, shipped in this package
    POST /_mock/ui/login             form field ``token``: sets the admin cookie
    GET  /_mock/ui/api/catalogue     what the controls offer (providers, scenarios, codes)
    GET  /_mock/ui/api/snapshot?since=<version>   the overview, or ``{"changed": false}``
    GET  /_mock/ui/api/tasks/{id}    one task: request, exchanges, webhooks

Live updates are polling: the page asks for the snapshot with the version it
shows, and gets the whole view back only when something changed. Polling
rather than server-sent events because an open event stream would hold a
graceful uvicorn shutdown (``vidukit serve``, `vidukit.mock_server.testing.serving`)
until the browser leaves. The controls call the admin API itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from vidukit.mock_server.dashboard.auth import allowed, cookie_header, matches, posted_token
from vidukit.mock_server.dashboard.links import JournalLinks
from vidukit.mock_server.dashboard.snapshot import catalogue, snapshot, task_page
from vidukit.mock_server.http import JSON_TYPE, dumps, origin
from vidukit.mock_server.state import MockState

logger = logging.getLogger("vidukit.mock_server.dashboard")

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
#: Nothing but this server: no CDN, no inline script, no framing.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_LOGIN_ERROR_MARK = "<!-- login-error -->"


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    media_type: str


def _load_assets() -> dict[str, _Asset]:
    folder = files("vidukit.mock_server.dashboard") / "static"
    assets = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in _TYPES:
            assets[item.name] = _Asset(item.read_bytes(), _TYPES[suffix])
    return assets


def _json(body: Any, status: int = 200) -> Response:
    headers = {**_HEADERS, "Cache-Control": "no-store"}
    return Response(dumps(body), status, headers=headers, media_type=JSON_TYPE)


def _error(status: int, message: str) -> Response:
    return _json({"error": message, "status": status}, status)


def dashboard_routes(state: MockState) -> list[BaseRoute]:
    """Routes relative to ``/_mock``: the redirect from ``/ui`` and the ``/ui/`` mount."""
    assets = _load_assets()
    token = state.config.admin_token
    links = JournalLinks()

    def html(name: str, status: int = 200, *, error: str = "") -> Response:
        page = assets[name].body.decode()
        if error:
            shown = f'<p class="login-error" role="alert">{error}</p>'
            page = page.replace(_LOGIN_ERROR_MARK, shown)
        headers = {**_HEADERS, "Cache-Control": "no-store"}
        return Response(page, status, headers=headers, media_type=_TYPES[".html"])

    def api(
        handler: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            if not allowed(request, token):
                return _error(
                    401,
                    "the dashboard needs the admin token: 'Authorization: Bearer <admin token>', "
                    "X-Mock-Admin-Token, or sign in at /_mock/ui/",
                )
            try:
                return await handler(request)
            except Exception:
                logger.exception("bug in the dashboard at %s", request.url.path)
                return _error(500, "internal error in the mock's dashboard")

        return run

    async def page(request: Request) -> Response:
        if not allowed(request, token):
            return html("login.html", 401)
        return html("index.html")

    async def login(request: Request) -> Response:
        given = await posted_token(request)
        if token is None:
            return RedirectResponse("./", 303)
        if not matches(given, token):
            return html("login.html", 401, error="That is not the admin token; try again.")
        answer = RedirectResponse("./", 303)
        answer.headers["Set-Cookie"] = cookie_header(given)
        return answer

    async def asset(request: Request) -> Response:
        found = assets.get(request.path_params["name"])
        if found is None or found.media_type == _TYPES[".html"]:
            return _error(404, f"no dashboard file {request.path_params['name']!r}")
        headers = {**_HEADERS, "Cache-Control": "no-cache"}
        return Response(found.body, headers=headers, media_type=found.media_type)

    async def overview(request: Request) -> Response:
        view = snapshot(state, links, origin=origin(request, state.config.public_url))
        if request.query_params.get("since") == view["version"]:
            return _json({"version": view["version"], "changed": False})
        return _json({**view, "changed": True})

    async def controls(request: Request) -> Response:
        return _json(catalogue(state))

    async def one_task(request: Request) -> Response:
        task_id = request.path_params["id"]
        here = origin(request, state.config.public_url)
        view = task_page(state, links, task_id, origin=here)
        if view is None:
            return _error(404, f"no task {task_id!r}; GET /_mock/tasks lists them")
        return _json(view)

    async def unknown(request: Request) -> Response:
        where = f"{request.method} {request.url.path}"
        return _error(404, f"no dashboard route {where}; the dashboard is at /_mock/ui/")

    inside = [
        Route("/", page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/api/catalogue", api(controls), methods=["GET"]),
        Route("/api/snapshot", api(overview), methods=["GET"]),
        Route("/api/tasks/{id}", api(one_task), methods=["GET"]),
        Route("/{path:path}", api(unknown)),
    ]

    async def to_slash(request: Request) -> Response:
        return RedirectResponse("ui/", 307)

    return [Route("/ui", to_slash, methods=["GET"]), Mount("/ui", routes=inside)]


__all__ = ["dashboard_routes"]
