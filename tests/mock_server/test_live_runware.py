"""Runware end to end over a real uvicorn socket on 127.0.0.1, with plain HTTP (REST transport).

Runware's SDKs speak WebSocket, which comes with a later issue; this drives the REST protocol a
raw client uses: POST /v1 with task arrays, acknowledgement, getResponse polling.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import vidukit
from vidukit.mock_server.testing import LiveServer

KEY = "live-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
TASK_UUID = "5a7d3c1e-2b4f-4e6a-9c8d-0f1e2d3c4b5a"
TASK = {
    "taskType": "videoInference",
    "taskUUID": TASK_UUID,
    "model": "vidu:3@1",
    "positivePrompt": "a lantern caravan crossing salt flats at night",
    "width": 1920,
    "height": 1080,
    "duration": 8,
    "includeCost": True,
}


def checked(response: httpx.Response, status: int, message: str) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert vidukit.validate("runware", message, body) == [], body
    return body


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response


def run_lifecycle(live: LiveServer, **headers: str) -> list[dict[str, Any]]:
    """Authenticate in the body, submit, then poll with clock advances until the task ends."""
    with httpx.Client(base_url=live.base_url("runware"), timeout=5) as client:
        login = {"taskType": "authentication", "apiKey": KEY}
        submitted = checked(
            client.post("/v1", json=[login, TASK], headers=headers), 200, "submit-response"
        )
        assert submitted["data"][0]["taskType"] == "authentication"
        assert submitted["data"][1] == {"taskType": "videoInference", "taskUUID": TASK_UUID}
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1].get("status") == "processing":
            admin(live, "POST", "/clock/advance", json={"seconds": 0.75})
            poll = [{"taskType": "getResponse", "taskUUID": TASK_UUID}]
            body = checked(client.post("/v1", json=poll, headers=AUTH), 200, "result-response")
            seen.extend(body.get("data", []))
            seen.extend(body.get("errors", []))
            assert len(seen) < 50
    return seen


def test_submit_poll_result_to_success(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server)
    assert [s["status"] for s in seen[:-1]] == ["processing"] * (len(seen) - 1)
    done = seen[-1]
    assert done["status"] == "success" and done["taskUUID"] == TASK_UUID
    assert done["cost"] == pytest.approx(0.0688 * 8)
    media = httpx.get(done["videoURL"], timeout=5)
    assert done["videoURL"].startswith(live_server.url + "/_mock/media/")
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"


def test_submit_poll_result_to_failure(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server, **{"X-Mock-Outcome": "fail:timeoutProvider"})
    failed = seen[-1]
    assert (failed["status"], failed["code"], failed["taskUUID"]) == (
        "error",
        "timeoutProvider",
        TASK_UUID,
    )
    assert "videoURL" not in failed


def test_failure_forced_through_the_admin_api(live_server: LiveServer) -> None:
    v1 = live_server.base_url("runware") + "/v1"
    checked(httpx.post(v1, json=[TASK], headers=AUTH), 200, "submit-response")
    admin(
        live_server,
        "POST",
        f"/tasks/{TASK_UUID}/outcome",
        json={"outcome": "fail", "error_code": "providerError"},
    )
    poll = [{"taskType": "getResponse", "taskUUID": TASK_UUID}]
    body = checked(httpx.post(v1, json=poll, headers=AUTH), 200, "result-response")
    assert [(e["code"], e["status"]) for e in body["errors"]] == [("providerError", "error")]


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [
        ([TASK], {}, 401, "invalidApiKey"),
        ([TASK], {"Authorization": "Basic x"}, 401, "invalidApiKey"),
        ([{"taskType": "getResponse", "taskUUID": TASK_UUID}], AUTH, 404, "taskNotFound"),
        ([{**TASK, "duration": 10}], AUTH, 400, "unsupportedDuration"),
        ([{**TASK, "model": "vidu:2@1"}], AUTH, 400, "unsupportedModel"),
    ],
)
def test_error_answers_over_the_socket(
    live_server: LiveServer, body: Any, headers: dict[str, str], status: int, code: str
) -> None:
    response = httpx.post(live_server.base_url("runware") + "/v1", json=body, headers=headers)
    [item] = checked(response, status, "error-response")["errors"]
    assert item["code"] == code


def test_a_poll_from_another_key_is_not_found(live_server: LiveServer) -> None:
    v1 = live_server.base_url("runware") + "/v1"
    checked(httpx.post(v1, json=[TASK], headers=AUTH), 200, "submit-response")
    poll = [
        {"taskType": "authentication", "apiKey": "someone-else"},
        {"taskType": "getResponse", "taskUUID": TASK_UUID},
    ]
    [item] = checked(httpx.post(v1, json=poll), 404, "error-response")["errors"]
    assert (item["code"], item["taskUUID"]) == ("taskNotFound", TASK_UUID)
