"""The raw-ASGI door answers exactly as Starlette's router would: same routes, same bodies.

Two apps with one configuration (virtual clock, one seed, so ids and times agree): one
with `ProviderDoor`, one with the door shut, so every request takes Starlette's router.
Any request sequence must get byte-identical answers from both.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from mock_support import mock_config
from starlette.datastructures import Headers

from vidukit.mock_server import create_app
from vidukit.mock_server.fastpath import FastHeaders

VALID = {
    "wavespeed": {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]},
    "novita": {"prompt": "a cat", "images": ["https://example.com/cat.png"]},
}
PATHS = [
    "/wavespeed/api/v3/vidu/reference-to-video-q2",
    "/wavespeed/api/v3/predictions/{id}/result",
    "/wavespeed/api/v3/predictions/{id}",
    "/wavespeed/api/v3/predictions/",
    "/wavespeed/api/v3/webhook/secret",
    "/wavespeed",
    "/wavespeed/",
    "/wavespeedx/api",
    "/novita/v3/async/vidu-q2-reference2video",
    "/novita/v3/async/task-result?task_id={id}",
    "/vtrix/model/v1/generation/task/{id}",
    "/runware/v1",
    "/nowhere/at/all",
    "/",
    "/_mock/journal?limit=1",
]
#: The same paths as the one provider mounted at the root sees them.
ROOT_PATHS = [p.removeprefix("/wavespeed") or "/" for p in PATHS]

request_plan = st.lists(
    st.tuples(
        st.sampled_from(["GET", "POST", "HEAD", "DELETE"]),
        st.integers(0, len(PATHS) - 1),
        st.sampled_from(["valid", "invalid", "none", "not-json"]),
        st.booleans(),  # with the key
    ),
    min_size=1,
    max_size=8,
)


def _body(kind: str, path: str) -> dict[str, Any]:
    provider = "novita" if path.startswith("/novita") else "wavespeed"
    if kind == "valid":
        return {"json": VALID[provider]}
    if kind == "invalid":
        return {"json": {"prompt": 7, "duration": 99}}
    if kind == "not-json":
        return {"content": b"\xff{", "headers": {"content-type": "application/json"}}
    return {}


async def _replay(app: Any, plan: list[tuple[str, int, str, bool]], paths: list[str]) -> list:
    transport = httpx.ASGITransport(app=app)
    seen: list[Any] = []
    last_id = "none-yet"
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        for method, index, kind, keyed in plan:
            path = paths[index].format(id=last_id)
            options = _body(kind, path) if method == "POST" else {}
            headers = dict(options.pop("headers", {}))
            if keyed:
                headers["Authorization"] = "Bearer door-key"
            answer = await client.request(method, path, headers=headers, **options)
            if answer.status_code == 200 and method == "POST":
                data = answer.json().get("data") or {}
                last_id = data.get("id") or data.get("task_id") or last_id
            shown = {k: v for k, v in answer.headers.items() if k != "date"}
            seen.append((answer.status_code, shown, answer.content))
    return seen


def _both(plan: list[tuple[str, int, str, bool]], paths: list[str], **config: Any) -> tuple:
    door = create_app(mock_config(seed=5, **config))
    router = create_app(mock_config(seed=5, **config))
    assert door.door is not None  # type: ignore[attr-defined]
    router.door = None  # type: ignore[attr-defined]
    return asyncio.run(_replay(door, plan, paths)), asyncio.run(_replay(router, plan, paths))


@given(request_plan)
def test_the_door_answers_as_the_router_does(plan: list[tuple[str, int, str, bool]]) -> None:
    through_door, through_router = _both(plan, PATHS)
    assert through_door == through_router


@given(request_plan)
def test_the_door_answers_as_the_router_does_for_one_provider_at_the_root(
    plan: list[tuple[str, int, str, bool]],
) -> None:
    through_door, through_router = _both(plan, ROOT_PATHS, provider="wavespeed")
    assert through_door == through_router


def test_a_drift_profile_shuts_the_door() -> None:
    from vidukit.mock_server.drift import load_drift_profile

    app = create_app(mock_config(drift=load_drift_profile("rename-field")))
    assert app.door is None  # type: ignore[attr-defined]


def test_fast_headers_look_up_as_starlettes_do() -> None:
    raw = [(b"x-a", b"1"), (b"content-type", b"application/json"), (b"x-a", b"2")]
    fast, slow = FastHeaders({"headers": list(raw)}), Headers(raw=list(raw))
    for name in ("x-a", "X-A", "Content-Type", "missing"):
        assert fast.get(name) == slow.get(name)
        assert (name in fast) == (name in slow)
    assert fast["x-a"] == "1"
    assert fast.getlist("x-a") == ["1", "2"]
    assert 42 not in fast


def test_a_line_feed_in_a_path_gets_the_owners_404_not_the_routers() -> None:
    """Starlette's catch-alls match ``.*``, which stops at a line feed: the router's last
    resort answers in the shape of whoever owns the prefix."""
    from mock_support import AUTH, assert_valid

    async def ask(app: Any, path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return await client.get(path, headers=AUTH)

    every = create_app(mock_config())
    answer = asyncio.run(ask(every, "/wavespeed/api/v3/x%0Ay"))
    assert answer.status_code == 404
    assert_valid("wavespeed", "error-response", answer.json())
    nowhere = asyncio.run(ask(every, "/nowhere/a%0Ab"))
    assert (nowhere.status_code, set(nowhere.json())) == (404, {"error", "status"})
    root = create_app(mock_config(provider="novita"))
    answer = asyncio.run(ask(root, "/v3/x%0Ay"))
    assert answer.status_code == 404
    assert_valid("novita", "error-response", answer.json())


def test_a_remembered_route_hands_out_its_own_path_params_each_time() -> None:
    """Polls repeat one URL, so the door remembers its match; a handler that changes its
    ``path_params`` must not change the next request's."""
    from starlette.responses import Response
    from starlette.routing import Route

    from vidukit.mock_server.fastpath import ProviderDoor

    async def endpoint(request: Any) -> Response:
        return Response()

    door = ProviderDoor({"/p": [Route("/tasks/{id}", endpoint, methods=["GET"])]}, "/_mock")
    scope = {"method": "GET", "path": "/p/tasks/abc"}
    first = door.route(scope)
    assert first is not None and first[1:] == ("/p", {"id": "abc"})
    first[2]["id"] = "changed"
    second = door.route(scope)
    assert second is not None and second[2] == {"id": "abc"}
    assert door.route({"method": "POST", "path": "/p/tasks/abc"}) is None
