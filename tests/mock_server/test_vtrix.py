"""Vtrix in process (httpx.ASGITransport): paths, auth, validation, states, costs, schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_support import assert_valid, state_of

from vidukit.mock_server.clock import VIRTUAL_EPOCH
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED

pytestmark = pytest.mark.anyio

SUBMIT = "/vtrix/model/v1/generation"
TASK = "/vtrix/model/v1/generation/task/{id}"
KEY = "vtrix-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
MODEL = "viduq2_pro_reference"
PARAMS = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}
VALID = {"model": MODEL, "input": [{"params": PARAMS}]}
#: Every code a failed task may carry: Vtrix's documented one, then the mock's named categories.
FAILURE_CODES = (
    "002014001",
    "content_moderation",
    "invalid_parameter",
    "media_access_failed",
    "timeout",
    "internal_error",
)


def body_with(**params: Any) -> dict[str, Any]:
    return {"model": MODEL, "input": [{"params": {**PARAMS, **params}}]}


async def submit(client: httpx.AsyncClient, body: Any = VALID, **headers: str) -> httpx.Response:
    return await client.post(SUBMIT, json=body, headers={**AUTH, **headers})


async def new_task(client: httpx.AsyncClient, body: Any = VALID, **headers: str) -> str:
    response = await submit(client, body, **headers)
    assert response.status_code == 200, response.text
    assert_valid("vtrix", "submit-response", response.json())
    return str(response.json()["id"])


async def poll(client: httpx.AsyncClient, task_id: str, key: str = KEY) -> dict[str, Any]:
    response = await client.get(TASK.format(id=task_id), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert_valid("vtrix", "result-response", body)
    return body


async def advance(client: httpx.AsyncClient, seconds: float) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert_valid("vtrix", "error-response", body)
    assert (body["code"], body["error"]) == (status, error)
    return body


# -- submit ----------------------------------------------------------------------------------


async def test_submit_answers_the_new_task_in_progress(client: httpx.AsyncClient) -> None:
    response = await submit(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_valid("vtrix", "submit-response", body)
    assert set(body) == {"id", "status", "model", "created_at"}
    assert (body["status"], body["model"]) == ("in_progress", MODEL)
    assert body["created_at"] == int(VIRTUAL_EPOCH) and isinstance(body["created_at"], int)
    task = state_of(client).store.get(body["id"])
    assert task is not None and task.state == QUEUED and task.request == VALID


async def test_callback_url_is_kept_for_delivery(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client, body_with(callback_url="https://hooks.example/vtrix"))
    task = state_of(client).store.get(task_id)
    assert task is not None and task.meta["webhook"] == "https://hooks.example/vtrix"
    plain = state_of(client).store.get(await new_task(client))
    assert plain is not None and "webhook" not in plain.meta


# -- the lifecycle: by time, by polls, immediately -------------------------------------------


async def test_every_state_by_time_on_the_virtual_clock(client: httpx.AsyncClient) -> None:
    """Default progression time=1,4: queued and processing are in_progress, then completed."""
    task_id = await new_task(client)
    seen = []
    for step in (0.5, 1.0, 2.0, 4.0):
        await advance(client, step)
        seen.append(await poll(client, task_id))
    assert [b["status"] for b in seen] == ["in_progress"] * 3 + ["completed"]
    queued, early, late, done = seen
    assert queued["progress"] == 0.0
    assert 0.0 < early["progress"] < late["progress"] < 1.0
    assert late["progress"] - early["progress"] == pytest.approx(0.5, abs=0.011), "2 s of 4 s"
    assert "progress" not in done and "error" not in done
    assert all(b["created_at"] == int(VIRTUAL_EPOCH) and b["metadata"] == {} for b in seen)
    assert done["output"] == [
        {
            "content": [
                {"type": "video", "url": f"http://mock/_mock/media/{task_id}.mp4", "duration": 5}
            ]
        }
    ]
    assert done["usage"] == {"cost": "0.065", "discount": 0}, "720p x 5 s at $0.013/s"
    media = await client.get(done["output"][0]["content"][0]["url"])
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert media.content[4:8] == b"ftyp"


async def test_every_state_by_polls(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client, **{"X-Mock-Progression": "polls=3"})
    seen = [await poll(client, task_id) for _ in range(3)]
    assert [b["status"] for b in seen] == ["in_progress", "in_progress", "completed"]
    assert seen[0]["progress"] == pytest.approx(1 / 3, abs=0.01)
    assert seen[1]["progress"] == pytest.approx(2 / 3, abs=0.01)
    task = state_of(client).store.get(task_id)
    assert task is not None and task.polls == 3


async def test_failure_by_polls(client: httpx.AsyncClient) -> None:
    headers = {"X-Mock-Progression": "polls=2", "X-Mock-Outcome": "fail:timeout"}
    task_id = await new_task(client, **headers)
    first, second = [await poll(client, task_id) for _ in range(2)]
    assert (first["status"], first["progress"]) == ("in_progress", 0.5)
    assert (second["status"], second["error"]["code"]) == ("failed", "timeout")


async def test_immediate_progression_is_finished_at_the_first_poll(
    client: httpx.AsyncClient,
) -> None:
    response = await submit(client, **{"X-Mock-Progression": "immediate"})
    assert response.json()["status"] == "in_progress", "the submit answer is never finished"
    done = await poll(client, response.json()["id"])
    assert done["status"] == "completed" and done["output"][0]["content"][0]["type"] == "video"


async def test_the_engine_states_behind_the_vtrix_words(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    task = state_of(client).store.get(task_id)
    assert task is not None and task.state == QUEUED
    await advance(client, 1.5)
    assert (await poll(client, task_id))["status"] == "in_progress"
    assert task.state == PROCESSING and task.polls == 1


@pytest.mark.parametrize(
    ("params", "seconds", "cost"),
    [
        ({"resolution": "1080p", "duration": 8}, 8, "0.24"),
        ({"resolution": "540p", "duration": 10}, 10, "0.06"),
        ({"resolution": "720p", "duration": 1}, 1, "0.013"),
        ({"resolution": "540p", "duration": 0}, 5, "0.03"),
    ],
)
async def test_output_duration_and_placeholder_cost_follow_the_request(
    client: httpx.AsyncClient, params: dict[str, Any], seconds: int, cost: str
) -> None:
    """Costs are WaveSpeed's per-second prices (seed 000); duration 0 (auto) becomes 5 s."""
    task_id = await new_task(client, body_with(**params), **{"X-Mock-Progression": "immediate"})
    done = await poll(client, task_id)
    assert done["output"][0]["content"][0]["duration"] == seconds
    assert done["usage"]["cost"] == cost


# -- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", FAILURE_CODES)
async def test_each_failure_code_by_time(client: httpx.AsyncClient, code: str) -> None:
    task_id = await new_task(client, **{"X-Mock-Outcome": f"fail:{code}"})
    await advance(client, 2)
    assert (await poll(client, task_id))["status"] == "in_progress"
    await advance(client, 10)
    failed = await poll(client, task_id)
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == code
    assert (
        failed["error"]["message"]
        and failed["error"]["message"] == failed["error"]["error_message"]
    )
    assert not {"output", "usage", "progress"} & set(failed)
    media = await client.get(f"/_mock/media/{task_id}.mp4")
    assert media.status_code == 404


async def test_the_documented_code_is_the_default_failure(client: httpx.AsyncClient) -> None:
    headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": "fail"}
    failed = await poll(client, await new_task(client, **headers))
    assert failed["error"] == {
        "code": "002014001",
        "message": "Video generation failed",
        "error_message": "Video generation failed",
    }


async def test_failure_codes_are_distinct_and_readable(client: httpx.AsyncClient) -> None:
    messages = set()
    for code in FAILURE_CODES:
        headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": f"fail:{code}"}
        messages.add((await poll(client, await new_task(client, **headers)))["error"]["message"])
    assert len(messages) == len(FAILURE_CODES)
    joined = " ".join(messages).lower()
    for word in ("moderation", "parameter", "media", "timed out", "internal"):
        assert word in joined


# -- forced outcomes through the admin API ----------------------------------------------------


async def force(client: httpx.AsyncClient, task_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/_mock/tasks/{task_id}/outcome", json=body)


async def test_admin_forces_failure_with_a_code_while_processing(
    client: httpx.AsyncClient,
) -> None:
    task_id = await new_task(client)
    await advance(client, 2)
    assert (await poll(client, task_id))["status"] == "in_progress"
    forced = await force(client, task_id, outcome="fail", error_code="media_access_failed")
    assert forced.status_code == 200 and forced.json()["provider_status"] == "failed"
    failed = await poll(client, task_id)
    assert (failed["status"], failed["error"]["code"]) == ("failed", "media_access_failed")


async def test_admin_fails_a_queued_task_and_succeeds_another(client: httpx.AsyncClient) -> None:
    queued, other = await new_task(client), await new_task(client, body_with(duration=3))
    assert (await force(client, queued, outcome="fail:timeout")).status_code == 200
    task = state_of(client).store.get(queued)
    assert task is not None and task.state == FAILED and PROCESSING not in task.entered
    assert (await poll(client, queued))["error"]["code"] == "timeout"
    assert (await force(client, other, outcome="succeed")).status_code == 200
    done = await poll(client, other)
    assert done["status"] == "completed" and done["output"][0]["content"][0]["duration"] == 3


async def test_admin_holds_a_task_in_progress(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    assert (await force(client, task_id, outcome="stay-processing")).status_code == 200
    await advance(client, 3600)
    held = await poll(client, task_id)
    assert held["status"] == "in_progress" and 0.0 <= held["progress"] < 1.0
    refused = await force(client, task_id, outcome="fail", error_code="1200")
    assert refused.status_code == 400 and "002014001" in refused.json()["error"]
    assert (await force(client, task_id, outcome="succeed")).status_code == 200
    assert (await poll(client, task_id))["status"] == "completed"
    again = await force(client, task_id, outcome="fail")
    assert again.status_code == 409, "a finished task cannot change"


# -- auth and ownership ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}, {"Authorization": "abc"}],
)
async def test_missing_or_malformed_auth_is_a_vtrix_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for method, url in (("POST", SUBMIT), ("GET", TASK.format(id="x"))):
        response = await client.request(method, url, json=VALID, headers=headers)
        body = assert_error(response, 401, "unauthorized")
        assert "Bearer" in body["message"] and "details" not in body
    assert state_of(client).store.count() == 0


async def test_known_keys_only_when_configured(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(api_keys=("good",)) as client:
        refused = await client.post(SUBMIT, json=VALID, headers={"Authorization": "Bearer bad"})
        assert "unknown API key" in assert_error(refused, 401, "unauthorized")["message"]
        accepted = await client.post(SUBMIT, json=VALID, headers={"Authorization": "Bearer good"})
        assert accepted.status_code == 200
        task_id = accepted.json()["id"]
        wrong = await client.get(TASK.format(id=task_id), headers={"Authorization": "Bearer bad"})
        assert_error(wrong, 401, "unauthorized")
        assert (await poll(client, task_id, key="good"))["id"] == task_id


async def test_another_keys_task_and_an_unknown_id_are_both_404(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    for key, asked in (("someone-else", task_id), (KEY, "00000000-0000-4000-8000-000000000000")):
        response = await client.get(
            TASK.format(id=asked), headers={"Authorization": f"Bearer {key}"}
        )
        assert asked in assert_error(response, 404, "not_found")["message"]
    stored = state_of(client).store.get(task_id)
    assert stored is not None and stored.polls == 0, "a refused poll does not count"
    assert KEY not in repr(stored.to_dict()), "the key itself is never stored"


async def test_a_wavespeed_task_is_not_a_vtrix_task(client: httpx.AsyncClient) -> None:
    other = await client.post(
        "/wavespeed/api/v3/vidu/reference-to-video-q2",
        json={"prompt": "p", "images": ["https://example.com/a.png"]},
        headers=AUTH,
    )
    assert other.status_code == 200
    response = await client.get(TASK.format(id=other.json()["data"]["id"]), headers=AUTH)
    assert_error(response, 404, "not_found")


# -- invalid requests -----------------------------------------------------------------------


async def test_an_invalid_request_lists_every_violation(client: httpx.AsyncClient) -> None:
    body = {
        "model": MODEL,
        "input": [
            {
                "params": {
                    "images": [],
                    "duration": 11,
                    "resolution": "4k",
                    "wm_position": 0,
                    "colour": "blue",
                }
            }
        ],
        "moderation": True,
    }
    payload = assert_error(await submit(client, body), 400, "invalid_request")
    rules = [d["rule"] for d in payload["details"]]
    expected = {
        "input.params.prompt.required",
        "input.params.images.minItems",
        "input.params.duration.maximum",
        "input.params.resolution.enum",
        "input.params.wm_position.minimum",
        "unknown-field",
    }
    assert set(rules) == expected
    assert len(rules) == 7, "two unknown fields at two places: one item each"
    paths = {d["path"] for d in payload["details"]}
    assert {"", "/input/0/params", "/input/0/params/duration"} <= paths
    assert "(7 problem(s))" in payload["message"]
    for word in ("prompt", "duration", "resolution", "colour", "moderation"):
        assert word in payload["message"]
    entry = state_of(client).journal.entries()[-1].to_dict()
    assert {v["rule"] for v in entry["validation"]["violations"]} == expected
    assert state_of(client).store.count() == 0


@pytest.mark.parametrize("model", ["viduq2_pro_fast_reference2video", "vidu_q2", "veo-3.1"])
async def test_another_vtrix_model_is_a_400_naming_the_model(
    client: httpx.AsyncClient, model: str
) -> None:
    payload = assert_error(await submit(client, {**VALID, "model": model}), 400, "invalid_request")
    assert payload["details"] == [
        {"path": "/model", "rule": "model.const", "message": f'"{MODEL}" was expected'}
    ]


@pytest.mark.parametrize(
    ("body", "rules"),
    [
        (PARAMS, {"model.required", "input.required", "unknown-field"}),
        ({"model": MODEL, "input": []}, {"input.minItems"}),
        (
            body_with(videos=["https://example.com/v.mp4"], images=["https://e.com/a.png"] * 5),
            {"images-max-4-with-videos"},
        ),
        (body_with(videos=["ftp://example.com/v.mp4"]), {"video-ref"}),
        ([VALID], {"type"}),
    ],
    ids=["flat-seed-body", "empty-input", "images-with-videos", "video-ref", "array"],
)
async def test_envelope_and_cross_field_rules(
    client: httpx.AsyncClient, body: Any, rules: set[str]
) -> None:
    payload = assert_error(await submit(client, body), 400, "invalid_request")
    assert {d["rule"] for d in payload["details"]} == rules


@pytest.mark.parametrize(
    ("content", "content_type", "hint"),
    [
        (b'{"model": ', "application/json", "not valid JSON"),
        (b"", "application/json", "empty"),
        (b'{"model": NaN}', "application/json", "not valid JSON"),
        (b'{"model": "\xff"}', "application/json", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "nested"),
        (b"model=x", "application/x-www-form-urlencoded", "application/json"),
        (b"{}", "", "missing"),
    ],
)
async def test_bad_bodies_get_a_vtrix_400_never_a_5xx(
    client: httpx.AsyncClient, content: bytes, content_type: str, hint: str
) -> None:
    headers = {**AUTH, "Content-Type": content_type} if content_type else AUTH
    response = await client.post(SUBMIT, content=content, headers=headers)
    payload = assert_error(response, 400, "invalid_request")
    assert hint in payload["message"] and "details" not in payload


async def test_an_oversized_body_is_a_400_naming_the_body_size_rule(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(max_body_bytes=1000) as client:
        big = b'{"model": "' + b"x" * 2000 + b'"}'
        headers = {**AUTH, "Content-Type": "application/json"}
        declared = await client.post(SUBMIT, content=big, headers=headers)

        async def chunks() -> Any:
            for _ in range(10):
                yield b"x" * 500

        streamed = await client.post(SUBMIT, content=chunks(), headers=headers)
        for response in (declared, streamed):
            payload = assert_error(response, 400, "invalid_request")
            assert [d["rule"] for d in payload["details"]] == ["body-size"]
            assert "1000 bytes" in payload["message"]


@pytest.mark.parametrize(
    ("header", "value", "hint"),
    [
        ("X-Mock-Progression", "later", "polls=N"),
        ("X-Mock-Outcome", "fail:1200", "content_moderation"),
        ("X-Mock-Outcome", "explode", "stay-processing"),
    ],
)
async def test_a_bad_control_header_is_a_vtrix_400_that_teaches(
    client: httpx.AsyncClient, header: str, value: str, hint: str
) -> None:
    payload = assert_error(await submit(client, **{header: value}), 400, "invalid_request")
    assert header in payload["message"] and hint in payload["message"]
    assert state_of(client).store.count() == 0


# -- routing ---------------------------------------------------------------------------------


async def test_unknown_paths_and_wrong_methods_answer_in_vtrix_shape(
    client: httpx.AsyncClient,
) -> None:
    wrong = await client.get(SUBMIT, headers=AUTH)
    assert "POST" in assert_error(wrong, 404, "not_found")["message"]
    wrong_poll = await client.post(TASK.format(id="x"), json=VALID, headers=AUTH)
    assert "GET" in assert_error(wrong_poll, 404, "not_found")["message"]
    for path in ("/vtrix/model/v1/nothing", "/vtrix/model/v1/generation/task/"):
        unknown = await client.get(path, headers=AUTH)
        assert (
            "/model/v1/generation/task/{id}" in assert_error(unknown, 404, "not_found")["message"]
        )


async def test_vtrix_alone_at_the_root(make_client: Callable[..., httpx.AsyncClient]) -> None:
    async with make_client(provider="vtrix") as client:
        response = await client.post("/model/v1/generation", json=VALID, headers=AUTH)
        assert response.status_code == 200
        task_id = response.json()["id"]
        polled = await client.get(f"/model/v1/generation/task/{task_id}", headers=AUTH)
        assert polled.status_code == 200 and polled.json()["id"] == task_id
        stray = await client.get(TASK.format(id=task_id), headers=AUTH)
        assert_error(stray, 404, "not_found")


async def test_same_request_same_seed_same_answers_on_fresh_servers(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    transcripts = []
    for _ in range(2):
        async with make_client(seed=11, jitter=0.3) as client:
            task_id = await new_task(client)
            await advance(client, 2.2)
            middle = await poll(client, task_id)
            await advance(client, 10)
            transcripts.append((task_id, middle, await poll(client, task_id)))
    assert transcripts[0] == transcripts[1]
    assert transcripts[0][1]["status"] == "in_progress" and 0 < transcripts[0][1]["progress"] < 1
    assert transcripts[0][2]["status"] == "completed"
