"""Whatever task array a client sends to Runware's POST /v1, the mock answers in Runware's shape.

Property tests (Hypothesis) over near-miss task arrays: the answer is never a 5xx, always
validates as the message it claims to be, and a refusal lists exactly one item per violation
that `vidukit.validate` finds in the body.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mock_support import mock_config

import vidukit
from vidukit.mock_server import create_app

UUIDS = ["0f6b7c2e-3d4a-4b1e-9a77-5c2d8e1f4a90", "7d3f0a9b-1c2e-4f5a-8b6c-2e9d4a7f1b03", "x"]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3000)
    | st.sampled_from(["", "async", "first", "vidu:3@1", "https://x.test/a.png", "MP4"])
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner)
)
TASK_TYPES = st.sampled_from(["videoInference", "getResponse", "authentication", "imageInference"])
FIELDS = st.sampled_from(
    [
        "model",
        "positivePrompt",
        "duration",
        "width",
        "height",
        "seed",
        "inputs",
        "providerSettings",
        "includeCost",
        "numberResults",
        "apiKey",
        "deliveryMethod",
        "bogus",
    ]
)
TASKS = st.builds(
    lambda kind, uuid, extra: {"taskType": kind, "taskUUID": uuid, **extra},
    TASK_TYPES,
    st.sampled_from(UUIDS),
    st.dictionaries(FIELDS, VALUES, max_size=4),
)
#: Near-valid tasks, so that acceptances, polls and duplicates are reached too.
VIDEOS = st.builds(
    lambda uuid, extra: {
        "taskType": "videoInference",
        "taskUUID": uuid,
        "model": "vidu:3@1",
        "positivePrompt": "a paper boat",
        **extra,
    },
    st.sampled_from(UUIDS),
    st.fixed_dictionaries(
        {},
        optional={
            "duration": st.integers(0, 9),
            "width": st.sampled_from([1280, 1920, 1000]),
            "height": st.sampled_from([720, 1080]),
            "includeCost": st.booleans(),
            "numberResults": st.integers(0, 5),
            "seed": st.integers(0, 3),
        },
    ),
)
POLLS = st.builds(
    lambda uuid: {"taskType": "getResponse", "taskUUID": uuid}, st.sampled_from(UUIDS)
)
LOGIN = st.just({"taskType": "authentication", "apiKey": "k2"})
BODIES = (
    st.lists(VIDEOS, min_size=1, max_size=3)
    | st.lists(POLLS, min_size=1, max_size=3)
    | st.builds(lambda first, rest: [first, *rest], LOGIN, st.lists(VIDEOS | POLLS, max_size=2))
    | st.lists(VIDEOS | POLLS | TASKS | VALUES, max_size=4)
    | VALUES
)


Send = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def send() -> Iterator[Send]:
    app = create_app(mock_config(progression="immediate"))
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")

        def post(body: Any) -> httpx.Response:
            request = functools.partial(
                client.post,
                "/runware/v1",
                content=json.dumps(body),
                headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
            )
            return portal.call(request)

        yield post
        portal.call(client.aclose)


def kinds_of(body: Any) -> list[Any]:
    return (
        [t.get("taskType") for t in body if isinstance(t, dict)] if isinstance(body, list) else []
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_any_array_is_answered_in_runware_shape_never_5xx(send: Send, body: Any) -> None:
    response = send(body)
    assert response.status_code < 500, response.text
    payload = response.json()
    kinds = kinds_of(body)
    polling = "getResponse" in kinds
    if response.status_code == 200:
        message = "result-response" if polling else "submit-response"
        assert vidukit.validate("runware", message, payload, notes=False) == [], payload
        return
    assert vidukit.validate("runware", "error-response", payload, notes=False) == [], payload
    codes = [e["code"] for e in payload["errors"]]
    if response.status_code == 404:
        assert polling and set(codes) == {"taskNotFound"}
    elif polling and "videoInference" in kinds:
        assert codes == ["conflictingTaskTypes"] * kinds.count("getResponse")
    elif codes != ["conflictTaskUUID"] * len(codes):
        message = "poll-request" if polling else "submit-request"
        found = [v for v in vidukit.validate("runware", message, body) if v.severity == "error"]
        assert response.status_code == 400 and len(codes) == len(found), (payload, found)
