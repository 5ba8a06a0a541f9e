"""What a provider's base URL itself answers: the routes a client can call under it.

The start-up banner prints each provider's base URL (``/<id>``), so that is the first
thing a person opens. It used to fall to the catch-all, whose "no provider serves /<id>;
base paths: /<id> (<id>), ..." contradicted itself. A GET on the base
URL (with or without its final slash) now lists the provider's routes as a client calls
them; any other method there still gets the provider's own error body from its
catch-all, so a client that posts to the bare base URL sees what the provider would say.
The answer is the mock's own, not a provider operation: it is not journaled and no fault
scenario applies to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from vidukit.mock_server.fastpath import JSONResponse
from vidukit.mock_server.http import dumps, origin

Endpoint = Callable[[Request], Awaitable[Response]]

#: Where the mock's own API is described; every listing points there.
DOCS_PATH = "/_mock/docs"
#: The name of the base-URL routes: the mock's own answer, not a provider operation (the
#: exported OpenAPI documents leave it out, and their tests skip routes of this name).
ROUTE_NAME = "vidukit-provider-root"


def route_listing(prefix: str, routes: Sequence[BaseRoute]) -> list[dict[str, str]]:
    """Each route as ``{"method", "path"}``, its path as a client calls it under *prefix*."""
    listed: list[dict[str, str]] = []
    for route in routes:
        if isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                listed.append({"method": method, "path": prefix + route.path})
        elif isinstance(route, WebSocketRoute):
            listed.append({"method": "WEBSOCKET", "path": prefix + route.path})
    return listed


def provider_root(
    *,
    provider_id: str,
    title: str,
    prefix: str,
    routes: Sequence[BaseRoute],
    public_url: str | None,
    otherwise: Endpoint,
) -> Endpoint:
    """The endpoint for the base URL: the listing for GET and HEAD, *otherwise* for the rest.

    *routes* are the provider's own (without the catch-all); *otherwise* is the
    provider's catch-all endpoint, which answers in the provider's error shape.
    """
    listing = route_listing(prefix, routes)

    async def endpoint(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return await otherwise(request)
        here = origin(request, public_url)
        body: dict[str, Any] = {
            "provider": provider_id,
            "title": title,
            "base_url": here + prefix,
            "routes": listing,
            "docs": here + DOCS_PATH,
            "note": f"vidukit mock of {title}: call the routes above under this base URL; "
            f"the mock's own API (clock, scenarios, tasks) is described at {DOCS_PATH}",
        }
        return JSONResponse(dumps(body), 200)

    return endpoint


__all__ = ["DOCS_PATH", "ROUTE_NAME", "provider_root", "route_listing"]
