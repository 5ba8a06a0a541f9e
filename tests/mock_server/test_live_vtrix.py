"""Vtrix end to end over a real uvicorn socket on 127.0.0.1, as a plain HTTP client sees it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mock_support import assert_valid

from vidukit.mock_server.testing import LiveServer

SUBMIT = "/model/v1/generation"
AUTH = {"Authorization": "Bearer live-vtrix-key"}
MODEL = "viduq2_pro_reference"
PARAMS = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}
VALID = {"model": MODEL, "input": [{"params": {**PARAMS, "resolution": "1080p", "duration": 8}}]}


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response


def run_lifecycle(live: LiveServer, **headers: str) -> list[dict[str, Any]]:
    """Submit, then poll with clock advances until a terminal status; every answer checked."""
    with httpx.Client(base_url=live.base_url("vtrix"), headers=AUTH, timeout=5) as client:
        submitted = client.post(SUBMIT, json=VALID, headers=headers)
        assert submitted.status_code == 200, submitted.text
        assert_valid("vtrix", "submit-response", submitted.json())
        seen = [submitted.json()]
        while seen[-1]["status"] not in ("completed", "failed"):
            admin(live, "POST", "/clock/advance", json={"seconds": 0.75})
            polled = client.get(f"/model/v1/generation/task/{seen[0]['id']}")
            assert polled.status_code == 200, polled.text
            assert_valid("vtrix", "result-response", polled.json())
            seen.append(polled.json())
            assert len(seen) < 50
    return seen


def test_submit_poll_result_to_success(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server)
    assert [b["status"] for b in seen[:-1]] == ["in_progress"] * (len(seen) - 1)
    progress = [b["progress"] for b in seen[1:-1]]
    assert progress == sorted(progress) and progress[-1] > progress[0], "progress only rises"
    done = seen[-1]
    assert done["status"] == "completed" and done["usage"]["cost"] == "0.24"
    content = done["output"][0]["content"][0]
    assert content["type"] == "video" and content["duration"] == 8
    assert content["url"].startswith(live_server.url + "/_mock/media/")
    media = httpx.get(content["url"], timeout=5)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"


def test_submit_poll_result_to_failure(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server, **{"X-Mock-Outcome": "fail:002014001"})
    failed = seen[-1]
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "002014001"
    assert failed["error"]["message"] == "Video generation failed"
    assert "output" not in failed and "usage" not in failed


def test_failure_forced_through_the_admin_api(live_server: LiveServer) -> None:
    base = live_server.base_url("vtrix")
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["id"]
    admin(
        live_server,
        "POST",
        f"/tasks/{task_id}/outcome",
        json={"outcome": "fail", "error_code": "content_moderation"},
    )
    body = httpx.get(f"{base}/model/v1/generation/task/{task_id}", headers=AUTH).json()
    assert_valid("vtrix", "result-response", body)
    assert (body["status"], body["error"]["code"]) == ("failed", "content_moderation")


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "error"),
    [
        ("POST", SUBMIT, {}, VALID, 401, "unauthorized"),
        (
            "GET",
            "/model/v1/generation/task/abc",
            {"Authorization": "Basic x"},
            None,
            401,
            "unauthorized",
        ),
        ("GET", "/model/v1/generation/task/no-such-task", AUTH, None, 404, "not_found"),
        (
            "POST",
            SUBMIT,
            AUTH,
            {"model": MODEL, "input": [{"params": {"images": []}}]},
            400,
            "invalid_request",
        ),
        (
            "POST",
            SUBMIT,
            AUTH,
            {**VALID, "model": "viduq2_pro_fast_reference2video"},
            400,
            "invalid_request",
        ),
    ],
)
def test_error_answers_over_the_socket(
    live_server: LiveServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: object,
    status: int,
    error: str,
) -> None:
    response = httpx.request(
        method, live_server.base_url("vtrix") + path, headers=headers, json=body, timeout=5
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    assert_valid("vtrix", "error-response", payload)
    assert (payload["code"], payload["error"]) == (status, error)
    assert ("details" in payload) == (status == 400)


def test_the_400_lists_every_violation_over_the_socket(live_server: LiveServer) -> None:
    bad = {"model": "vidu_q2", "input": [{"params": {"images": [], "duration": -1}}]}
    response = httpx.post(live_server.base_url("vtrix") + SUBMIT, json=bad, headers=AUTH)
    rules = sorted(d["rule"] for d in response.json()["details"])
    assert rules == [
        "input.params.duration.minimum",
        "input.params.images.minItems",
        "input.params.prompt.required",
        "model.const",
    ]


def test_a_poll_from_another_key_is_not_found(live_server: LiveServer) -> None:
    base = live_server.base_url("vtrix")
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["id"]
    other = httpx.get(
        f"{base}/model/v1/generation/task/{task_id}", headers={"Authorization": "Bearer other"}
    )
    assert other.status_code == 404 and other.json()["error"] == "not_found"
    journal = admin(live_server, "GET", "/journal", params={"provider": "vtrix"}).json()
    assert [e["response"]["status"] for e in journal["entries"]] == [200, 404]
