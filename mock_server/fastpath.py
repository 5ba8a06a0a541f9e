"""The raw-ASGI front door for the provider routes: submit and poll skip the framework.

Clients spend their time on the provider paths, and there Starlette's
per-request machinery (its middleware stack, exception wrappers and a router
that tries every route with a regex) cost more than the mock's own work. The
admin API, the dashboard and the docs keep the router; the provider routes are
matched here with one dict lookup on the path's first segment and one regex per
route, and their endpoints are called directly. Behaviour is the router's: the
same routes in the same order, the same scope keys (``root_path``,
``path_params``, ``endpoint``), so a handler cannot tell which door it came
through. A server with a drift profile goes through the router (the drift
middleware rewrites answers).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


#: Header names as the routes spell them -> their wire form: the same dozen names are asked
#: for on every request, so each is lower-cased and encoded once per process.
_WIRE_NAMES: dict[str, bytes] = {}


def _wire_name(key: str) -> bytes:
    found = _WIRE_NAMES.get(key)
    if found is None:
        found = key.lower().encode("latin-1")
        if len(_WIRE_NAMES) < 1024:  # names come from code, but a bound costs nothing
            _WIRE_NAMES[key] = found
    return found


_MOCK_PREFIX = b"x-mock-"


class FastHeaders(Headers):
    """Starlette's headers with dict lookups: the routes ask for ten headers a request, and
    Starlette scans the whole list, lower-casing, for each."""

    def __init__(self, scope: Scope) -> None:
        raw = scope["headers"]
        if type(raw) is not list:  # an iterable in ASGI; Starlette keeps a list in the scope
            raw = scope["headers"] = list(raw)
        self._list: list[tuple[bytes, bytes]] = raw
        # The first of repeated headers wins, as in Starlette's own lookup.
        self._first: dict[bytes, bytes] = dict(reversed(raw))
        self._mock: bool | None = None

    def get(self, key: str, default: Any = None) -> Any:
        value = self._first.get(_wire_name(key))
        return default if value is None else value.decode("latin-1")

    def __getitem__(self, key: str) -> str:
        value = self._first.get(_wire_name(key))
        if value is None:
            raise KeyError(key)
        return value.decode("latin-1")

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and _wire_name(key) in self._first

    def has_mock_headers(self) -> bool:
        """Whether any header's name starts ``x-mock-``: one look, remembered, for a family
        of headers that is usually absent and that each layer asks about."""
        if self._mock is None:
            self._mock = False
            for name in self._first:
                if name.startswith(_MOCK_PREFIX):
                    self._mock = True
                    break
        return self._mock


def has_mock_headers(headers: Headers) -> bool:
    """Whether the request carries any of the mock's own ``X-Mock-*`` headers: most carry
    none, and one look then spares the lookups of each (ASGI names are lower case)."""
    if isinstance(headers, FastHeaders):
        return headers.has_mock_headers()
    return any(name.startswith(_MOCK_PREFIX) for name, _ in headers.raw)


class FastRequest(Request):
    """A request whose headers are built once, up front: every layer asks for them."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        super().__init__(scope, receive)
        self._fast_headers = FastHeaders(scope)

    @property
    def headers(self) -> FastHeaders:
        return self._fast_headers


class JSONResponse(Response):
    """A body already encoded: Starlette's ``Response`` re-derives charset and headers."""

    media_type = "application/json"

    def __init__(
        self, content: bytes, status_code: int, headers: Mapping[str, str] | None = None
    ) -> None:
        self.status_code = status_code
        self.body = content
        self.background = None
        raw = [
            (b"content-length", str(len(content)).encode()),
            (b"content-type", b"application/json"),
        ]
        if headers:
            raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self.raw_headers = raw


#: How many recently matched paths `ProviderDoor` remembers (then it starts again).
_RECENT_ROUTES = 4096
#: Longer paths are matched every time: the memory the cache holds stays small.
_RECENT_PATH_LENGTH = 256


@dataclass(frozen=True, slots=True)
class _Table:
    """One provider's routes, as its Mount would try them."""

    prefix: str
    routes: tuple[Route, ...]
    #: The routes that take each method, in the table's order: a poll need not try the
    #: submit's pattern first.
    by_method: dict[str, tuple[Route, ...]]

    @classmethod
    def of(cls, prefix: str, routes: Sequence[BaseRoute]) -> _Table:
        kept = tuple(r for r in routes if isinstance(r, Route))
        methods = {m for r in kept for m in (r.methods or ())}
        by_method = {m: tuple(r for r in kept if not r.methods or m in r.methods)
                     for m in methods}
        return cls(prefix, kept, by_method)


class ProviderDoor:
    """Finds the provider route for an HTTP request, or says the app's router must."""

    def __init__(self, mounted: Mapping[str, Sequence[BaseRoute]], reserved: str) -> None:
        self._reserved = reserved
        self._by_segment: dict[str, _Table] = {}
        self._root: _Table | None = None
        #: (method, path) -> its route, for the paths asked for lately.
        self._recent: dict[tuple[str, str], tuple[Endpoint, str, dict[str, Any]]] = {}
        for prefix, routes in mounted.items():
            table = _Table.of(prefix, routes)
            if prefix:
                self._by_segment[prefix.lstrip("/")] = table
            else:
                self._root = table

    def route(self, scope: Scope) -> tuple[Endpoint, str, dict[str, Any]] | None:
        """(endpoint, prefix, path params) of the route that fully matches, else None."""
        key = (scope["method"], scope["path"])
        known = self._recent.get(key)
        if known is not None:  # a client polls one URL until its task ends
            endpoint, prefix, params = known
            return endpoint, prefix, dict(params)
        found = self._match(scope)
        if found is not None and len(key[1]) <= _RECENT_PATH_LENGTH:
            if len(self._recent) >= _RECENT_ROUTES:
                self._recent.clear()
            self._recent[key] = found
            return found[0], found[1], dict(found[2])
        return found

    def _match(self, scope: Scope) -> tuple[Endpoint, str, dict[str, Any]] | None:
        path: str = scope["path"]
        if path.startswith(self._reserved):
            return None
        table = self._root
        if table is None:
            segment = path[1:].partition("/")[0]
            table = self._by_segment.get(segment)
            if table is None or len(path) <= len(table.prefix):
                return None
        rest = path[len(table.prefix):]
        method = scope["method"]
        routes = table.by_method.get(method)
        if routes is None:  # a method no route names: only the method-less routes may take it
            routes = tuple(r for r in table.routes if not r.methods)
        for route in routes:
            found = route.path_regex.match(rest)
            if found is None:
                continue
            convertors = route.param_convertors
            params = {k: convertors[k].convert(v) for k, v in found.groupdict().items()}
            return route.endpoint, table.prefix, params
        return None

    async def serve(
        self, app: Any, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        """Answer *scope* if it is a provider route; False leaves it to the app's router."""
        found = self.route(scope)
        if found is None:
            return False
        endpoint, prefix, params = found
        scope["app"] = app
        root_path = scope.get("root_path", "")
        scope.setdefault("app_root_path", root_path)
        scope["root_path"] = root_path + prefix
        scope["path_params"] = params
        scope["endpoint"] = endpoint
        response = await endpoint(FastRequest(scope, receive))
        await response(scope, receive, send)
        return True


__all__ = ["FastHeaders", "FastRequest", "JSONResponse", "ProviderDoor", "has_mock_headers"]
