"""WaveSpeed in process (httpx.ASGITransport): paths, auth, validation, states, schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_support import AUTH, SUBMIT, VALID, assert_valid, state_of

from vidukit.mock_server.engine import PROCESSING, QUEUED

pytestmark = pytest.mark.anyio

RESULT_PATHS = ("/wavespeed/api/v3/predictions/{id}/result", "/wavespeed/api/v3/predictions/{id}")


async def submit(client: httpx.AsyncClient, body: Any = VALID, **headers: str) -> httpx.Response:
    return await client.post(SUBMIT, json=body, headers={**AUTH, **headers})


async def advance(client: httpx.AsyncClient, seconds: float) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


async def test_submit_answers_a_created_prediction_pointing_back_at_the_mock(
    client: httpx.AsyncClient,
) -> None:
    response = await submit(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_valid("wavespeed", "submit-response", body)
    data = body["data"]
    assert (body["code"], body["message"], data["status"]) == (200, "success", "created")
    assert data["urls"]["get"] == f"http://mock/wavespeed/api/v3/predictions/{data['id']}/result"
    assert data["created_at"] == "2026-01-01T00:00:00.000Z"
    assert state_of(client).store.get(data["id"]) is not None


@pytest.mark.parametrize("path", RESULT_PATHS)
async def test_every_state_on_both_result_paths_validates(
    client: httpx.AsyncClient, path: str
) -> None:
    """Default progression time=1,4: created, processing, then completed with an output."""
    task_id = (await submit(client)).json()["data"]["id"]
    seen = []
    for step in (0.5, 1.0, 4.0):
        await advance(client, step)
        response = await client.get(path.format(id=task_id), headers=AUTH)
        assert response.status_code == 200
        assert_valid("wavespeed", "result-response", response.json())
        seen.append(response.json()["data"])
    assert [d["status"] for d in seen] == ["created", "processing", "completed"]
    done = seen[-1]
    assert done["timings"]["inference"] == 4000
    assert done["has_nsfw_contents"] == [False]
    assert done["outputs"] == [f"http://mock/_mock/media/{task_id}.mp4"]
    media = await client.get(done["outputs"][0])
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert media.content[4:8] == b"ftyp"


@pytest.mark.parametrize("path", RESULT_PATHS)
async def test_a_failed_prediction_is_still_http_200_with_its_error(
    client: httpx.AsyncClient, path: str
) -> None:
    task_id = (await submit(client, **{"X-Mock-Outcome": "fail:1200"})).json()["data"]["id"]
    await advance(client, 10)
    response = await client.get(path.format(id=task_id), headers=AUTH)
    body = response.json()
    assert response.status_code == 200
    assert_valid("wavespeed", "result-response", body)
    assert body["data"]["status"] == "failed"
    assert body["data"]["code"] == 1200
    assert "moderation" in body["data"]["error"]
    assert body["data"]["outputs"] == []
    media = await client.get(f"/_mock/media/{task_id}.mp4")
    assert media.status_code == 404


async def test_progression_header_by_polls(client: httpx.AsyncClient) -> None:
    task_id = (await submit(client, **{"X-Mock-Progression": "polls=2"})).json()["data"]["id"]
    url = RESULT_PATHS[0].format(id=task_id)
    first = (await client.get(url, headers=AUTH)).json()["data"]["status"]
    second = (await client.get(url, headers=AUTH)).json()["data"]["status"]
    assert (first, second) == ("processing", "completed")


async def test_immediate_and_default_failure_code(client: httpx.AsyncClient) -> None:
    headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": "fail"}
    task_id = (await submit(client, **headers)).json()["data"]["id"]
    data = (await client.get(RESULT_PATHS[1].format(id=task_id), headers=AUTH)).json()["data"]
    assert (data["status"], data["code"]) == ("failed", 1403)


@pytest.mark.parametrize(
    ("header", "value", "hint"),
    [
        ("X-Mock-Progression", "later", "polls=N"),
        ("X-Mock-Outcome", "fail:9999", "1200"),
        ("X-Mock-Outcome", "explode", "stay-processing"),
    ],
)
async def test_a_bad_control_header_is_a_wavespeed_400_that_teaches(
    client: httpx.AsyncClient, header: str, value: str, hint: str
) -> None:
    response = await submit(client, **{header: value})
    assert response.status_code == 400
    assert_valid("wavespeed", "error-response", response.json())
    assert header in response.json()["message"] and hint in response.json()["message"]
    assert state_of(client).store.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}, {"Authorization": "abc"}],
)
async def test_missing_or_malformed_auth_is_a_wavespeed_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for method, url in (("POST", SUBMIT), ("GET", RESULT_PATHS[0].format(id="x"))):
        response = await client.request(method, url, json=VALID, headers=headers)
        assert response.status_code == 401
        assert_valid("wavespeed", "error-response", response.json())
        assert response.json()["code"] == 401


async def test_known_keys_only_when_configured(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(api_keys=("good",)) as client:
        refused = await client.post(SUBMIT, json=VALID, headers={"Authorization": "Bearer bad"})
        assert refused.status_code == 401
        assert "unknown API key" in refused.json()["message"]
        accepted = await client.post(SUBMIT, json=VALID, headers={"Authorization": "Bearer good"})
        assert accepted.status_code == 200


async def test_another_keys_task_and_an_unknown_id_are_both_404(client: httpx.AsyncClient) -> None:
    task_id = (await submit(client)).json()["data"]["id"]
    for key, asked in (("someone-else", task_id), ("test-key-1", "f" * 32)):
        response = await client.get(
            RESULT_PATHS[0].format(id=asked), headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 404
        assert_valid("wavespeed", "error-response", response.json())
        assert asked in response.json()["message"]
    stored = state_of(client).store.get(task_id)
    assert stored is not None and stored.polls == 0, "a refused poll does not count"
    assert "test-key-1" not in repr(stored.to_dict()), "the key itself is never stored"


async def test_an_invalid_request_lists_every_violation(client: httpx.AsyncClient) -> None:
    body = {"images": [], "duration": 9, "resolution": "4k", "webhook_url": "https://x"}
    response = await submit(client, body)
    assert response.status_code == 400
    payload = response.json()
    assert_valid("wavespeed", "error-response", payload)
    for expected in ("prompt", "duration", "images", "resolution", "webhook_url"):
        assert expected in payload["message"]
    assert payload["message"].count(";") >= 4
    entry = state_of(client).journal.entries()[-1].to_dict()
    rules = {v["rule"] for v in entry["validation"]["violations"]}
    assert {"prompt.required", "duration.maximum", "images.minItems", "unknown-field"} <= rules
    assert entry["response"]["status"] == 400


@pytest.mark.parametrize(
    ("content", "content_type", "status", "hint"),
    [
        (b'{"prompt": ', "application/json", 400, "not valid JSON"),
        (b"", "application/json", 400, "empty"),
        (b'{"prompt": NaN}', "application/json", 400, "not valid JSON"),
        (b'{"prompt": "\xff"}', "application/json", 400, "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested"),
        (b"prompt=x", "application/x-www-form-urlencoded", 415, "application/json"),
        (b"{}", "", 415, "missing"),
        (b"[1, 2]", "application/json", 400, "invalid request"),
    ],
)
async def test_bad_bodies_get_a_wavespeed_4xx(
    client: httpx.AsyncClient, content: bytes, content_type: str, status: int, hint: str
) -> None:
    headers = {**AUTH, "Content-Type": content_type} if content_type else AUTH
    response = await client.post(SUBMIT, content=content, headers=headers)
    assert response.status_code == status, response.text
    assert_valid("wavespeed", "error-response", response.json())
    assert hint in response.json()["message"]


async def test_an_oversized_body_is_refused_with_413_declared_or_streamed(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(max_body_bytes=1000) as client:
        big = b'{"prompt": "' + b"x" * 2000 + b'"}'
        headers = {**AUTH, "Content-Type": "application/json"}
        declared = await client.post(SUBMIT, content=big, headers=headers)

        async def chunks() -> Any:
            for _ in range(10):
                yield b"x" * 500

        streamed = await client.post(SUBMIT, content=chunks(), headers=headers)
        for response in (declared, streamed):
            assert response.status_code == 413
            assert_valid("wavespeed", "error-response", response.json())


async def test_unknown_paths_and_wrong_methods_answer_in_wavespeed_shape(
    client: httpx.AsyncClient,
) -> None:
    wrong = await client.get(SUBMIT, headers=AUTH)
    assert wrong.status_code == 405 and "POST" in wrong.json()["message"]
    unknown = await client.get("/wavespeed/api/v3/nothing", headers=AUTH)
    assert unknown.status_code == 404
    assert "/api/v3/predictions/{id}/result" in unknown.json()["message"]
    for response in (wrong, unknown):
        assert_valid("wavespeed", "error-response", response.json())
    outside = await client.get("/elsewhere")
    assert outside.status_code == 404 and "/wavespeed" in outside.json()["error"]


async def test_one_provider_at_the_root(make_client: Callable[..., httpx.AsyncClient]) -> None:
    async with make_client(provider="wavespeed") as client:
        response = await client.post("/api/v3/vidu/reference-to-video-q2", json=VALID, headers=AUTH)
        data = response.json()["data"]
        assert data["urls"]["get"] == f"http://mock/api/v3/predictions/{data['id']}/result"
        assert (await client.get(f"/api/v3/predictions/{data['id']}", headers=AUTH)).is_success
        assert (await client.get("/_mock/tasks")).json()["count"] == 1
        stray = await client.get("/wavespeed/api/v3/predictions/x", headers=AUTH)
        assert stray.status_code == 404 and stray.json()["code"] == 404


async def test_webhook_query_parameter_is_kept_for_delivery(client: httpx.AsyncClient) -> None:
    response = await client.post(
        SUBMIT + "?webhook=https://hooks.example/w", json=VALID, headers=AUTH
    )
    task = state_of(client).store.get(response.json()["data"]["id"])
    assert task is not None and task.meta["webhook"] == "https://hooks.example/w"


async def test_same_request_same_seed_same_answers_on_fresh_servers(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    transcripts = []
    for _ in range(2):
        async with make_client(seed=5, jitter=0.3) as client:
            task_id = (await submit(client)).json()["data"]["id"]
            await advance(client, 1.2)
            middle = (await client.get(RESULT_PATHS[0].format(id=task_id), headers=AUTH)).json()
            await advance(client, 10)
            end = (await client.get(RESULT_PATHS[0].format(id=task_id), headers=AUTH)).json()
            transcripts.append((task_id, middle, end))
    assert transcripts[0] == transcripts[1]
    assert transcripts[0][2]["data"]["status"] == "completed"


async def test_the_lifecycle_seen_through_the_store(client: httpx.AsyncClient) -> None:
    task_id = (await submit(client)).json()["data"]["id"]
    task = state_of(client).store.get(task_id)
    assert task is not None and task.state == QUEUED
    await advance(client, 1.5)
    await client.get(RESULT_PATHS[0].format(id=task_id), headers=AUTH)
    assert task.state == PROCESSING and task.polls == 1
