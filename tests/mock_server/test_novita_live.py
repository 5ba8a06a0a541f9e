"""Novita and MyRouter end to end over a real uvicorn socket, by plain HTTP and by Novita's SDK.

The official SDK (novita-client) has no Vidu method: a client submits with
the SDK's own ``_post`` and then uses its public ``wait_for_task_v3`` and
``async_task_result``, which parse the answer into the SDK's dataclasses.
The SDK sleeps 0.5 s between polls, so these runs use ``polls=2`` (one
sleep) or ``immediate`` (none).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import vidukit
from vidukit.mock_server.testing import LiveServer

PROVIDERS = ("novita", "myrouter")
SUBMIT = "/v3/async/vidu-q2-reference2video"
RESULT = "/v3/async/task-result"
AUTH = {"Authorization": "Bearer live-key"}
VALID: dict[str, Any] = {
    "prompt": "@1 and @2 shake hands",
    "duration": 6,
    "resolution": "1080p",
    "subjects": [
        {"id": "1", "images": ["https://example.com/a.png"]},
        {"id": "2", "images": ["https://example.com/b.png", "https://example.com/c.png"]},
    ],
}
FINISHED = ("TASK_STATUS_SUCCEED", "TASK_STATUS_FAILED")


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def conforming(provider: str, message: str, response: httpx.Response) -> Any:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    errors = [v for v in vidukit.validate(provider, message, body) if v.severity == "error"]
    assert not errors, f"{provider} {message} breaks its schema: {errors}\n{body}"
    return body


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response


def run_lifecycle(live: LiveServer, provider: str, **headers: str) -> list[dict[str, Any]]:
    """Submit, then poll with clock advances until the task is finished; every answer checked."""
    with httpx.Client(base_url=live.base_url(provider), headers=AUTH, timeout=5) as client:
        submitted = client.post(SUBMIT, json=VALID, headers=headers)
        assert submitted.status_code == 200, submitted.text
        task_id = conforming(provider, "submit-response", submitted)["task_id"]
        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["task"]["status"] not in FINISHED:
            admin(live, "POST", "/clock/advance", json={"seconds": 0.75})
            polled = client.get(RESULT, params={"task_id": task_id})
            assert polled.status_code == 200
            seen.append(conforming(provider, "result-response", polled))
            assert len(seen) < 50
    return seen


def test_submit_poll_result_to_success(live_server: LiveServer, provider: str) -> None:
    seen = run_lifecycle(live_server, provider)
    statuses = [body["task"]["status"] for body in seen]
    assert statuses[0] == "TASK_STATUS_QUEUED" and statuses[-1] == "TASK_STATUS_SUCCEED"
    assert "TASK_STATUS_PROCESSING" in statuses
    percents = [body["task"]["progress_percent"] for body in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    url = seen[-1]["videos"][0]["video_url"]
    assert url.startswith(live_server.url + "/_mock/media/")
    media = httpx.get(url, timeout=5)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"


def test_submit_poll_result_to_failure(live_server: LiveServer, provider: str) -> None:
    seen = run_lifecycle(live_server, provider, **{"X-Mock-Outcome": "fail:ModelUnavailable"})
    last = seen[-1]
    assert last["task"]["status"] == "TASK_STATUS_FAILED" and last["videos"] == []
    assert last["task"]["reason"].startswith("ModelUnavailable: ")


def test_failure_forced_through_the_admin_api(live_server: LiveServer, provider: str) -> None:
    base = live_server.base_url(provider)
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["task_id"]
    admin(
        live_server,
        "POST",
        f"/tasks/{task_id}/outcome",
        json={"outcome": "fail", "error_code": "TaskPromptPolicyViolation"},
    )
    polled = httpx.get(base + RESULT, params={"task_id": task_id}, headers=AUTH)
    task = conforming(provider, "result-response", polled)["task"]
    assert task["status"] == "TASK_STATUS_FAILED"
    assert task["reason"].startswith("TaskPromptPolicyViolation: ")


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "reason"),
    [
        ("POST", SUBMIT, {}, VALID, 401, "FAILED_TO_AUTH"),
        ("GET", RESULT + "?task_id=abc", {"Authorization": "Basic x"}, None, 401, "FAILED_TO_AUTH"),
        ("GET", RESULT + "?task_id=0123456789abcdef", AUTH, None, 404, "MODEL_NOT_FOUND"),
        ("GET", RESULT, AUTH, None, 400, "INVALID_REQUEST_BODY"),
        ("POST", SUBMIT, AUTH, {"prompt": "p", "duration": 0}, 400, "INVALID_REQUEST_BODY"),
    ],
)
def test_error_answers_over_the_socket(
    live_server: LiveServer,
    provider: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: object,
    status: int,
    reason: str,
) -> None:
    response = httpx.request(
        method, live_server.base_url(provider) + path, headers=headers, json=body, timeout=5
    )
    assert response.status_code == status
    answer = conforming(provider, "error-response", response)
    assert (answer["code"], answer["reason"]) == (status, reason)


def test_a_poll_from_another_key_is_not_found(live_server: LiveServer, provider: str) -> None:
    base = live_server.base_url(provider)
    task_id = httpx.post(base + SUBMIT, json=VALID, headers=AUTH).json()["task_id"]
    other = httpx.get(
        base + RESULT, params={"task_id": task_id}, headers={"Authorization": "Bearer other"}
    )
    assert other.status_code == 404
    assert conforming(provider, "error-response", other)["reason"] == "MODEL_NOT_FOUND"


# -- the official SDK, unchanged but for its base URL ------------------------------------------

novita_client = pytest.importorskip("novita_client", reason="test dependency: novita-client")


def sdk(live: LiveServer, provider: str, **headers: str) -> Any:
    client = novita_client.NovitaClient("sdk-key", base_url=live.base_url(provider))
    client.set_extra_headers(headers)
    return client


def test_sdk_waits_for_success_and_parses_every_answer(
    live_server: LiveServer, provider: str
) -> None:
    client = sdk(live_server, provider, **{"X-Mock-Progression": "polls=2"})
    submitted = client._post(SUBMIT, VALID)
    task_id = submitted["task_id"]
    seen: list[Any] = []
    done = client.wait_for_task_v3(task_id, callback=seen.append)
    status = novita_client.V3TaskResponseStatus
    assert [r.task.status for r in seen] == [
        status.TASK_STATUS_PROCESSING,
        status.TASK_STATUS_SUCCEED,
    ]
    assert [r.task.progress_percent for r in seen] == [50, 100]
    assert done.finished() and done.task.task_id == task_id
    assert done.get_video_urls() == [f"{live_server.url}/_mock/media/{task_id}.mp4"]
    assert (done.videos[0].video_url_ttl, done.videos[0].video_type) == (3600, "mp4")
    debug = done.extra.debug_info
    assert debug.submit_time_ms <= debug.execute_time_ms <= debug.complete_time_ms
    assert isinstance(done.extra.seed, int)
    again = client.async_task_result(task_id)
    assert again.task.status == status.TASK_STATUS_SUCCEED
    tasks = admin(live_server, "GET", "/tasks").json()["tasks"]
    assert [(t["id"], t["provider"], t["polls"]) for t in tasks] == [(task_id, provider, 3)]
    assert ("provider_request_id" in submitted) == (provider == "myrouter")


def test_sdk_sees_a_failure_with_its_reason(live_server: LiveServer, provider: str) -> None:
    headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": "fail:ImageFormatInvalid"}
    client = sdk(live_server, provider, **headers)
    task_id = client._post(SUBMIT, VALID)["task_id"]
    done = client.wait_for_task_v3(task_id)
    assert done.finished()
    assert done.task.status == novita_client.V3TaskResponseStatus.TASK_STATUS_FAILED
    assert done.task.reason.startswith("ImageFormatInvalid: ")
    assert done.get_video_urls() == []
    debug = done.extra.debug_info
    assert debug.submit_time_ms == debug.execute_time_ms == debug.complete_time_ms > 0


def test_sdk_parses_a_queued_task_and_the_webhook_echo(
    live_server: LiveServer, provider: str
) -> None:
    client = sdk(live_server, provider)
    body = {**VALID, "seed": 99, "extra": {"webhook": {"url": "https://hooks.example/v3"}}}
    task_id = client._post(SUBMIT, body)["task_id"]
    queued = client.async_task_result(task_id)
    assert queued.task.status == novita_client.V3TaskResponseStatus.TASK_STATUS_QUEUED
    assert not queued.finished()
    assert (queued.extra.seed, queued.extra.debug_info.complete_time_ms) == (99, 0)
    assert queued.task.eta == 5 and queued.task.progress_percent == 0


def test_sdk_errors_reach_the_caller(live_server: LiveServer, provider: str) -> None:
    client = sdk(live_server, provider)
    with pytest.raises(
        novita_client.NovitaResponseError, match=r"status 400.*INVALID_REQUEST_BODY"
    ):
        client._post(SUBMIT, {"prompt": "p", "subjects": []})
    with pytest.raises(novita_client.NovitaResponseError, match="status 404"):
        client.async_task_result("no-such-task")
