"""End to end over a real uvicorn socket on 127.0.0.1, by plain HTTP and by WaveSpeed's own SDK."""

from __future__ import annotations

import threading

import httpx
import pytest
from mock_support import AUTH, VALID, assert_valid

from vidukit.mock_server.testing import LiveServer

SUBMIT = "/api/v3/vidu/reference-to-video-q2"
MODEL = "vidu/reference-to-video-q2"


def admin(live: LiveServer, method: str, path: str, **kwargs: object) -> httpx.Response:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)  # type: ignore[arg-type]
    assert response.status_code < 300, response.text
    return response


def run_lifecycle(live: LiveServer, **headers: str) -> list[dict[str, object]]:
    """Submit, then poll with clock advances until a terminal status; every answer checked."""
    base = live.base_url("wavespeed")
    with httpx.Client(base_url=base, headers=AUTH, timeout=5) as client:
        submitted = client.post(SUBMIT, json=VALID, headers=headers)
        assert submitted.status_code == 200, submitted.text
        assert_valid("wavespeed", "submit-response", submitted.json())
        seen = [submitted.json()["data"]]
        get_url = seen[0]["urls"]["get"]
        assert get_url.startswith(base), "urls.get points at the mock itself"
        while seen[-1]["status"] not in ("completed", "failed"):
            admin(live, "POST", "/clock/advance", json={"seconds": 0.75})
            polled = httpx.get(get_url, headers=AUTH, timeout=5)
            assert polled.status_code == 200
            assert_valid("wavespeed", "result-response", polled.json())
            seen.append(polled.json()["data"])
            assert len(seen) < 50
    return seen


def test_submit_poll_result_to_success(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server)
    statuses = [d["status"] for d in seen]
    assert statuses[0] == "created" and statuses[-1] == "completed"
    assert "processing" in statuses
    output = seen[-1]["outputs"][0]  # type: ignore[index]
    media = httpx.get(str(output), timeout=5)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"


def test_submit_poll_result_to_failure(live_server: LiveServer) -> None:
    seen = run_lifecycle(live_server, **{"X-Mock-Outcome": "fail:1402"})
    assert seen[-1]["status"] == "failed"
    assert seen[-1]["code"] == 1402 and seen[-1]["outputs"] == []


def test_failure_forced_through_the_admin_api(live_server: LiveServer) -> None:
    base = live_server.base_url("wavespeed")
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["data"]["id"]
    admin(
        live_server,
        "POST",
        f"/tasks/{task_id}/outcome",
        json={"outcome": "fail", "error_code": 5004},
    )
    data = httpx.get(f"{base}/api/v3/predictions/{task_id}", headers=AUTH).json()["data"]
    assert (data["status"], data["code"], data["error"]) == ("failed", 5004, "timeout")


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("POST", SUBMIT, {}, VALID, 401),
        ("GET", "/api/v3/predictions/abc/result", {"Authorization": "Basic x"}, None, 401),
        ("GET", "/api/v3/predictions/0123456789abcdef/result", AUTH, None, 404),
        ("GET", "/api/v3/predictions/0123456789abcdef", AUTH, None, 404),
        ("POST", SUBMIT, AUTH, {"prompt": "p", "images": [], "duration": 0}, 400),
    ],
)
def test_error_answers_over_the_socket(
    live_server: LiveServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: object,
    status: int,
) -> None:
    response = httpx.request(
        method, live_server.base_url("wavespeed") + path, headers=headers, json=body, timeout=5
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert_valid("wavespeed", "error-response", response.json())
    assert response.json()["code"] == status


def test_a_poll_from_another_key_is_not_found(live_server: LiveServer) -> None:
    base = live_server.base_url("wavespeed")
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["data"]["id"]
    other = httpx.get(
        f"{base}/api/v3/predictions/{task_id}/result", headers={"Authorization": "Bearer other"}
    )
    assert other.status_code == 404


# -- the official SDK, unchanged but for its base URL ------------------------------------------

wavespeed = pytest.importorskip("wavespeed", reason="test dependency: pip install wavespeed")


def sdk_client(live: LiveServer) -> object:
    return wavespeed.Client(
        api_key="sdk-key", base_url=live.base_url("wavespeed"), max_connection_retries=0
    )


def test_sdk_run_to_success(live_server: LiveServer) -> None:
    admin(live_server, "PUT", "/progression", json={"progression": "polls=3"})
    client = sdk_client(live_server)
    output = client.run(MODEL, VALID, poll_interval=0.01, timeout=20)  # type: ignore[attr-defined]
    assert len(output["outputs"]) == 1
    assert output["outputs"][0].startswith(live_server.url + "/_mock/media/")
    tasks = admin(live_server, "GET", "/tasks").json()["tasks"]
    assert [t["polls"] for t in tasks] == [3], "the SDK polled until the third poll finished it"
    journal = admin(live_server, "GET", "/journal").json()["entries"]
    assert journal[0]["request"]["path"] == "/wavespeed" + SUBMIT
    assert journal[1]["request"]["path"].endswith("/result")


def test_sdk_run_to_failure(live_server: LiveServer) -> None:
    admin(
        live_server, "PUT", "/progression", json={"progression": "polls=2", "outcome": "fail:1200"}
    )
    client = sdk_client(live_server)
    with pytest.raises(RuntimeError, match="content moderation"):
        client.run(MODEL, VALID, poll_interval=0.01, timeout=20)  # type: ignore[attr-defined]
    outcome = client.run_no_throw(MODEL, VALID, poll_interval=0.01, timeout=20)  # type: ignore[attr-defined]
    assert outcome["status"] == "failed" and outcome["outputs"] is None
    assert outcome["task_id"] == admin(live_server, "GET", "/tasks").json()["tasks"][-1]["id"]


def test_sdk_waits_on_the_time_progression_while_the_clock_is_advanced(
    live_server: LiveServer,
) -> None:
    client = sdk_client(live_server)
    result: dict[str, object] = {}

    def run() -> None:
        result.update(client.run(MODEL, VALID, poll_interval=0.01, timeout=20))  # type: ignore[attr-defined]

    worker = threading.Thread(target=run)
    worker.start()
    try:
        for _ in range(200):
            if admin(live_server, "GET", "/tasks").json()["count"]:
                break
            worker.join(0.01)
        assert worker.is_alive(), "the task must wait for the virtual clock"
        admin(live_server, "POST", "/clock/advance", json={"seconds": 10})
    finally:
        worker.join(20)
    assert len(result["outputs"]) == 1  # type: ignore[arg-type]


def test_sdk_get_result_and_errors_reach_the_caller(live_server: LiveServer) -> None:
    client = sdk_client(live_server)
    with pytest.raises(RuntimeError, match="HTTP 400"):
        client.run(MODEL, {"prompt": "p", "images": []}, poll_interval=0.01)  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="HTTP 404"):
        client.get_result("nope")  # type: ignore[attr-defined]
    sync = client.run_no_throw(MODEL, VALID, enable_sync_mode=True)  # type: ignore[attr-defined]
    assert sync["status"] == "failed" and "enable_sync_mode" in sync["error"]
