"""Novita's and MyRouter's routes take the key bare, as Novita's official JavaScript SDK sends it.

``novita-sdk`` 3.1.3 sends ``Authorization: <key>`` with no scheme; the Python
``novita-client`` sends ``Bearer <key>`` (provider-docs README §8). Both must work, on a
real socket, on both prefixes; another scheme or an empty header stays the documented
401 ``FAILED_TO_AUTH`` (README §3, the reason table). The other providers document
Bearer only, and keep refusing a bare key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_support import mock_config

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

KEY = "raw-key-1"
SUBMIT = "/v3/async/vidu-q2-reference2video"
RESULT = "/v3/async/task-result"
BODY: dict[str, Any] = {
    "prompt": "@1 walks on the beach",
    "duration": 5,
    "subjects": [{"id": "1", "images": ["https://example.com/a.png"]}],
}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(api_keys=(KEY,), progression="immediate"))) as server:
        yield server


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
@pytest.mark.parametrize("authorization", [KEY, f"Bearer {KEY}"])
def test_bare_and_bearer_keys_submit_and_poll(
    live: LiveServer, provider: str, authorization: str
) -> None:
    headers = {"Authorization": authorization}
    base = live.base_url(provider)
    submitted = httpx.post(base + SUBMIT, json=BODY, headers=headers, timeout=5)
    assert submitted.status_code == 200, submitted.text
    task_id = submitted.json()["task_id"]
    polled = httpx.get(base + RESULT, params={"task_id": task_id}, headers=headers, timeout=5)
    assert polled.status_code == 200, polled.text
    assert polled.json()["task"]["status"] == "TASK_STATUS_SUCCEED"


def test_a_task_submitted_bare_is_the_same_owners_under_bearer(live: LiveServer) -> None:
    base = live.base_url("novita")
    submitted = httpx.post(base + SUBMIT, json=BODY, headers={"Authorization": KEY}, timeout=5)
    task_id = submitted.json()["task_id"]
    polled = httpx.get(
        base + RESULT, params={"task_id": task_id}, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert polled.status_code == 200, polled.text
    assert polled.json()["task"]["task_id"] == task_id


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
@pytest.mark.parametrize("authorization", ["Basic x", "", "Bearer", f"Token {KEY}", "other-key"])
def test_other_schemes_empty_or_unknown_keys_are_failed_to_auth(
    live: LiveServer, provider: str, authorization: str
) -> None:
    base = live.base_url(provider)
    headers = {"Authorization": authorization}
    for method, path in (("POST", SUBMIT), ("GET", f"{RESULT}?task_id=x")):
        response = httpx.request(method, base + path, json=BODY, headers=headers, timeout=5)
        assert response.status_code == 401, response.text
        assert response.json()["reason"] == "FAILED_TO_AUTH"


@pytest.mark.parametrize("provider", ["wavespeed", "vtrix"])
def test_bearer_only_providers_still_refuse_a_bare_key(live: LiveServer, provider: str) -> None:
    """The bare form is Novita's SDK's habit, not a loosening for every provider."""
    submit = {"wavespeed": "/api/v3/vidu/reference-to-video-q2", "vtrix": "/model/v1/generation"}
    response = httpx.post(
        live.base_url(provider) + submit[provider],
        json={},
        headers={"Authorization": KEY},
        timeout=5,
    )
    assert response.status_code == 401, response.text
