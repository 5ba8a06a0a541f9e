"""Whatever a client sends, the mock answers 4xx in the provider's shape, never 5xx."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_support import mock_config

from vidukit.mock_server import create_app
from vidukit.validation import validator

PATHS = st.sampled_from(
    [
        "/wavespeed/api/v3/vidu/reference-to-video-q2",
        "/wavespeed/api/v3/predictions/abc/result",
        "/wavespeed/api/v3/predictions/abc",
        "/wavespeed/api/v3/predictions/",
        "/wavespeed/%ff%00",
        "/_mock/tasks/x/outcome",
        "/_mock/clock/advance",
        "/_mock/progression",
        "/_mock/journal?limit=-3&since=x",
        "/_mock/media/..%2f..%2fetc.mp4",
        "/",
    ]
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text("ab.c/:", max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text("abcdeimgprst_", max_size=8), inner)
    ),
    max_leaves=20,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"prompt": JSONISH, "images": JSONISH},
        optional={"duration": JSONISH, "seed": JSONISH, "outcome": JSONISH, "seconds": JSONISH},
    ).map(lambda v: json.dumps(v).encode()),
)
HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "authorization": st.sampled_from(["Bearer k", "Bearer ", "Basic x", ""]) | HEADER_VALUES,
        "content-type": st.sampled_from(["application/json", "text/plain", "application/x+json"])
        | HEADER_VALUES,
        "x-mock-progression": HEADER_VALUES,
        "x-mock-outcome": HEADER_VALUES,
    },
)


Send = Callable[..., httpx.Response]


@contextmanager
def in_process(app: Any) -> Iterator[Send]:
    """A synchronous ``send(method, path, **kwargs)`` over httpx.ASGITransport, for Hypothesis."""
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")

        def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
            return portal.call(functools.partial(client.request, method, path, **kwargs))

        yield send
        portal.call(client.aclose)


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[Send]:
    with in_process(create_app(mock_config())) as send:
        yield send


@settings(max_examples=150)
@given(method=METHODS, path=PATHS, body=BODIES, headers=HEADERS)
def test_no_input_gets_a_5xx(
    fuzz_client: Send, method: str, path: str, body: bytes, headers: dict[str, str]
) -> None:
    response = fuzz_client(method, path, content=body, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text)
    payload = response.json()
    if path.startswith("/wavespeed") and response.status_code >= 400:
        assert validator("wavespeed", "error-response").is_valid(payload), payload


@settings(max_examples=60)
@given(body=JSONISH)
def test_any_json_submit_is_accepted_or_refused_with_every_violation(
    fuzz_client: Send, body: object
) -> None:
    response = fuzz_client(
        "POST",
        "/wavespeed/api/v3/vidu/reference-to-video-q2",
        content=json.dumps(body),
        headers={"Authorization": "Bearer k", "Content-Type": "application/json"},
    )
    checker = validator("wavespeed", "submit-request")
    if checker.is_valid(body):
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        message = response.json()["message"]
        errors = [v for v in checker.violations(body, notes=False) if v.severity == "error"]
        assert message.count("; ") == len(errors) - 1


def test_a_bug_becomes_a_provider_shaped_500_and_is_journaled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vidukit.mock_server.providers.wavespeed import models

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("deliberate bug")

    monkeypatch.setattr(models.WaveSpeedBackend, "submit", broken)
    app = create_app(mock_config())
    with in_process(app) as send:
        response = send(
            "POST",
            "/wavespeed/api/v3/vidu/reference-to-video-q2",
            json={"prompt": "p", "images": ["https://x/y.png"]},
            headers={"Authorization": "Bearer k"},
        )
    assert response.status_code == 500
    assert validator("wavespeed", "error-response").is_valid(response.json())
    assert "deliberate" not in response.text, "internals are logged, not sent"
    assert app.state.mock.journal.entries()[-1].status == 500
