"""Runware in process (httpx.ASGITransport): one POST /v1 taking task arrays, every path checked.

Every answer is validated with `vidukit.validate` against the Runware message it claims to be
(submit-response, result-response or error-response), notes included: the mock sends no field
the schemas do not declare.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from mock_support import state_of

import vidukit
from vidukit.mock_server.engine import FAILED, PROCESSING, QUEUED, SUCCEEDED
from vidukit.mock_server.providers.runware.status import DEFAULT_FAILURE_CODE, FAILURE_CODES

pytestmark = pytest.mark.anyio

V1 = "/runware/v1"
KEY = "test-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "runware"


def uid(n: int) -> str:
    """A fixed, valid UUID v4 per number, so answers can be compared across servers."""
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def video(n: int, **fields: Any) -> dict[str, Any]:
    task = {
        "taskType": "videoInference",
        "taskUUID": uid(n),
        "model": "vidu:3@1",
        "positivePrompt": "a paper boat drifting down a rain-soaked street",
    }
    task.update(fields)
    return task


def polls(*numbers: int) -> list[dict[str, Any]]:
    return [{"taskType": "getResponse", "taskUUID": uid(n)} for n in numbers]


def login(key: str = KEY) -> dict[str, Any]:
    return {"taskType": "authentication", "apiKey": key}


def checked(response: httpx.Response, status: int, message: str) -> Any:
    """Assert the HTTP status and that the body is a valid Runware *message*; return it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    found = vidukit.validate("runware", message, body)
    assert found == [], f"{message} breaks its schema: {[v.to_dict() for v in found]}\n{body}"
    return body


async def send(
    client: httpx.AsyncClient, body: Any, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(V1, json=body, headers=AUTH if headers is None else headers)


async def submit(client: httpx.AsyncClient, *tasks: dict[str, Any], **headers: str) -> Any:
    return checked(await send(client, list(tasks), {**AUTH, **headers}), 200, "submit-response")


async def poll(client: httpx.AsyncClient, *numbers: int, key: str = KEY) -> Any:
    response = await send(client, polls(*numbers), {"Authorization": f"Bearer {key}"})
    return checked(response, 200, "result-response")


async def advance(client: httpx.AsyncClient, seconds: float) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def errors_of(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = checked(response, status, "error-response")["errors"]
    return items


# -- submit ----------------------------------------------------------------------------------


async def test_submit_acknowledges_every_task_and_stores_it_under_its_uuid(
    client: httpx.AsyncClient,
) -> None:
    body = await submit(client, video(1), video(2, duration=8))
    assert body == {
        "data": [
            {"taskType": "videoInference", "taskUUID": uid(1)},
            {"taskType": "videoInference", "taskUUID": uid(2)},
        ]
    }
    store = state_of(client).store
    first, second = store.get(uid(1)), store.get(uid(2))
    assert first is not None and second is not None
    assert (first.state, first.provider) == (QUEUED, "runware")
    assert (first.meta["duration_seconds"], second.meta["duration_seconds"]) == (5, 8)


async def test_a_leading_authentication_task_authenticates_and_is_answered_first(
    client: httpx.AsyncClient,
) -> None:
    first = await submit(client, login("body-key"), video(1), **{"Authorization": ""})
    item = first["data"][0]
    assert item["taskType"] == "authentication"
    assert first["data"][1] == {"taskType": "videoInference", "taskUUID": uid(1)}
    again = (await submit(client, login("body-key"), video(2)))["data"][0]
    other = (await submit(client, login("other-key"), video(3)))["data"][0]
    assert again == item, "the session UUID is stable per key"
    assert other["connectionSessionUUID"] != item["connectionSessionUUID"]
    resume = {**login("body-key"), "connectionSessionUUID": uid(77)}
    resumed = (await submit(client, resume, video(4)))["data"][0]
    assert resumed["connectionSessionUUID"] == uid(77)
    task = state_of(client).store.get(uid(1))
    assert task is not None
    assert task.owner != state_of(client).store.get(uid(3)).owner  # type: ignore[union-attr]
    assert "body-key" not in json.dumps(task.to_dict()), "the key itself is never stored"


async def test_the_api_key_is_redacted_from_the_journal(client: httpx.AsyncClient) -> None:
    await submit(client, login("secret-key-42"), video(1))
    await send(client, [login("secret-key-42"), {"taskType": "nope"}])
    entries = (await client.get("/_mock/journal")).json()["entries"]
    assert len(entries) == 2
    assert "secret-key-42" not in json.dumps(entries)
    assert entries[0]["request"]["body"][0]["apiKey"] == "REDACTED"


async def test_webhook_url_is_kept_for_delivery(client: httpx.AsyncClient) -> None:
    await submit(client, video(1, webhookURL="https://hooks.example/rw?token=t"))
    task = state_of(client).store.get(uid(1))
    assert task is not None and task.meta["webhook"] == "https://hooks.example/rw?token=t"


# -- the lifecycle -----------------------------------------------------------------------------


async def test_every_state_by_time(client: httpx.AsyncClient) -> None:
    """Default progression time=1,4: queued and processing both poll as processing."""
    await submit(client, video(1))
    task = state_of(client).store.get(uid(1))
    assert task is not None
    seen = []
    for step, state in ((0.5, QUEUED), (1.0, PROCESSING), (4.0, SUCCEEDED)):
        await advance(client, step)
        seen.append((await poll(client, 1))["data"])
        assert task.state == state
    assert [items[0]["status"] for items in seen] == ["processing", "processing", "success"]
    assert seen[0] == [{"taskType": "videoInference", "taskUUID": uid(1), "status": "processing"}]
    done = seen[-1][0]
    assert done["videoURL"] == f"http://mock/_mock/media/{uid(1)}.mp4"
    assert "cost" not in done, "cost only with includeCost"
    media = await client.get(done["videoURL"])
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert media.content[4:8] == b"ftyp"


async def test_progression_by_polls_and_immediate(client: httpx.AsyncClient) -> None:
    await submit(client, video(1), **{"X-Mock-Progression": "polls=3"})
    statuses = [(await poll(client, 1))["data"][0]["status"] for _ in range(3)]
    assert statuses == ["processing", "processing", "success"]
    await submit(client, video(2), **{"X-Mock-Progression": "immediate"})
    assert (await poll(client, 2))["data"][0]["status"] == "success"


async def test_a_failed_task_polls_as_an_errors_item_with_http_200(
    client: httpx.AsyncClient,
) -> None:
    await submit(client, video(1), **{"X-Mock-Outcome": "fail:contentPolicyViolation"})
    await advance(client, 0.5)
    assert (await poll(client, 1))["data"][0]["status"] == "processing"
    await advance(client, 10)
    body = await poll(client, 1)
    assert "data" not in body
    [item] = body["errors"]
    expected = ("contentPolicyViolation", "error", uid(1))
    assert (item["code"], item["status"], item["taskUUID"]) == expected
    assert item["taskType"] == "videoInference"
    assert item["documentation"].startswith("https://runware.ai/docs/")
    assert state_of(client).store.get(uid(1)).state == FAILED  # type: ignore[union-attr]
    assert (await client.get(f"/_mock/media/{uid(1)}.mp4")).status_code == 404


async def test_the_default_failure_is_the_documented_timeout_provider(
    client: httpx.AsyncClient,
) -> None:
    headers = {"X-Mock-Outcome": "fail", "X-Mock-Progression": "immediate"}
    await submit(client, video(1), **headers)
    [item] = (await poll(client, 1))["errors"]
    assert item["code"] == "timeoutProvider" == DEFAULT_FAILURE_CODE


@pytest.mark.parametrize("code", sorted(FAILURE_CODES))
async def test_each_failure_code_forced_through_the_admin_api(
    client: httpx.AsyncClient, code: str
) -> None:
    await submit(client, video(1))
    forced = await client.post(
        f"/_mock/tasks/{uid(1)}/outcome", json={"outcome": "fail", "error_code": code}
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["provider_status"] == "error"
    [item] = (await poll(client, 1))["errors"]
    assert item["code"] == code and item["message"]
    assert (item["status"], item["taskUUID"]) == ("error", uid(1))


async def test_admin_forces_success_and_stay_processing(client: httpx.AsyncClient) -> None:
    await submit(client, video(1), video(2))
    for n, outcome in ((1, "succeed"), (2, "stay-processing")):
        response = await client.post(f"/_mock/tasks/{uid(n)}/outcome", json={"outcome": outcome})
        assert response.status_code == 200, response.text
    await advance(client, 3600)
    body = await poll(client, 1, 2)
    assert [i["status"] for i in body["data"]] == ["success", "processing"]
    unknown = await client.post(
        f"/_mock/tasks/{uid(2)}/outcome", json={"outcome": "fail", "error_code": "1200"}
    )
    assert unknown.status_code == 400 and "timeoutProvider" in unknown.json()["error"]


async def test_one_poll_for_several_tasks_answers_data_and_errors_together(
    client: httpx.AsyncClient,
) -> None:
    await submit(client, video(1), **{"X-Mock-Progression": "immediate"})
    await submit(client, video(2), **{"X-Mock-Outcome": "fail:providerError"})
    await submit(client, video(3), **{"X-Mock-Progression": "polls=5"})
    await advance(client, 10)
    body = await poll(client, 1, 2, 3)
    assert [(i["taskUUID"], i["status"]) for i in body["data"]] == [
        (uid(1), "success"),
        (uid(3), "processing"),
    ]
    assert [(i["taskUUID"], i["code"]) for i in body["errors"]] == [(uid(2), "providerError")]


# -- result fields: cost, seed, several results --------------------------------------------------


async def test_cost_follows_the_documented_1080p_price_only_when_asked(
    client: httpx.AsyncClient,
) -> None:
    """Model page: $0.0688 per second at 1080p, '8 s = $0.55'."""
    big = {"width": 1920, "height": 1080, "duration": 8}
    immediate = {"X-Mock-Progression": "immediate"}
    await submit(client, video(1, includeCost=True, **big), video(2, **big), **immediate)
    await submit(client, video(3, includeCost=True, width=1280, height=720), **immediate)
    priced, unpriced, smaller = (await poll(client, 1, 2, 3))["data"]
    assert priced["cost"] == pytest.approx(0.0688 * 8) and round(priced["cost"], 2) == 0.55
    assert "cost" not in unpriced
    assert 0 < smaller["cost"] < 0.0688 * 5, "720p costs less per second than 1080p"


async def test_seed_is_echoed_or_chosen(client: httpx.AsyncClient) -> None:
    await submit(client, video(1, seed=99725), video(2), **{"X-Mock-Progression": "immediate"})
    given, chosen = (await poll(client, 1, 2))["data"]
    assert given["seed"] == 99725
    assert isinstance(chosen["seed"], int) and chosen["seed"] >= 1


async def test_number_results_gives_one_video_per_result(client: httpx.AsyncClient) -> None:
    await submit(client, video(1, numberResults=3), **{"X-Mock-Progression": "immediate"})
    items = (await poll(client, 1))["data"]
    assert len(items) == 3 and {i["taskUUID"] for i in items} == {uid(1)}
    assert len({i["videoUUID"] for i in items}) == 3
    assert len({i["videoURL"] for i in items}) == 3
    for item in items:
        assert (await client.get(item["videoURL"])).status_code == 200


async def test_same_request_same_seed_same_answers_on_fresh_servers(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    transcripts = []
    for _ in range(2):
        async with make_client(seed=5, jitter=0.3) as client:
            await submit(client, video(1), video(2))
            await advance(client, 1.2)
            middle = await poll(client, 1, 2)
            await advance(client, 10)
            transcripts.append((middle, await poll(client, 1, 2)))
    assert transcripts[0] == transcripts[1]
    end = transcripts[0][1]["data"]
    assert [i["status"] for i in end] == ["success", "success"]
    assert end[0]["seed"] == end[1]["seed"], "the taskUUID does not change the outcome"


# -- auth and ownership --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}, {"Authorization": "abc"}],
)
async def test_missing_or_malformed_auth_is_a_runware_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for body in ([video(1)], polls(1), [{"taskType": "authentication"}, video(1)]):
        [item] = errors_of(await send(client, body, headers), 401)
        assert (item["code"], item["parameter"], item["taskType"]) == (
            "invalidApiKey",
            "apiKey",
            "authentication",
        )
    assert state_of(client).store.count() == 0


async def test_known_keys_only_when_configured_by_header_and_by_task(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(api_keys=("good",)) as client:
        for body, headers in (
            ([video(1)], {"Authorization": "Bearer bad"}),
            ([login("bad"), video(1)], {}),
            ([login("bad"), video(1)], {"Authorization": "Bearer good"}),
        ):
            [item] = errors_of(await send(client, body, headers), 401)
            assert item["code"] == "invalidApiKey" and "unknown API key" in item["message"]
        assert state_of(client).store.count() == 0
        await submit(client, video(1), **{"Authorization": "Bearer good"})
        await submit(client, login("good"), video(2), **{"Authorization": ""})
        assert state_of(client).store.count() == 2


async def test_another_keys_task_and_an_unknown_uuid_are_both_not_found(
    client: httpx.AsyncClient,
) -> None:
    await submit(client, video(1))
    for key, asked in (("someone-else", [1]), (KEY, [9]), (KEY, [1, 8, 9])):
        response = await send(client, polls(*asked), {"Authorization": f"Bearer {key}"})
        items = errors_of(response, 404)
        missing = [uid(n) for n in asked if key != KEY or n != 1]
        assert [i["taskUUID"] for i in items] == missing
        assert {(i["code"], i["parameter"]) for i in items} == {("taskNotFound", "taskUUID")}
    stored = state_of(client).store.get(uid(1))
    assert stored is not None and stored.polls == 0, "a refused poll counts on no task"


async def test_two_keys_may_use_the_same_uuid_without_seeing_each_other(
    client: httpx.AsyncClient,
) -> None:
    await submit(client, video(1), **{"X-Mock-Progression": "immediate"})
    other = {
        "Authorization": "Bearer other",
        "X-Mock-Outcome": "fail",
        "X-Mock-Progression": "immediate",
    }
    await submit(client, video(1), **other)
    assert state_of(client).store.count() == 2
    assert (await poll(client, 1))["data"][0]["status"] == "success"
    assert (await poll(client, 1, key="other"))["errors"][0]["taskUUID"] == uid(1)


async def test_a_reused_uuid_is_a_duplicate_error_and_starts_nothing(
    client: httpx.AsyncClient,
) -> None:
    await submit(client, video(1))
    for body in ([video(2), video(1)], [video(3), video(3)]):
        items = errors_of(await send(client, body), 400)
        assert [i["code"] for i in items] == ["conflictTaskUUID"]
        assert items[0]["taskUUID"] == body[1]["taskUUID"]
        assert items[0]["parameter"] == "taskUUID"
    assert state_of(client).store.count() == 1


# -- invalid bodies ---------------------------------------------------------------------------


async def test_an_invalid_submit_lists_every_violation_tagged_with_its_task(
    client: httpx.AsyncClient,
) -> None:
    body = [
        video(1, duration=9, foo=1),
        {"taskType": "videoInference", "taskUUID": "not-a-uuid", "width": 1280},
        video(3, inputs={"frameImages": [{"frame": "middle", "image": "https://x.test/a.png"}]}),
    ]
    response = await send(client, body)
    items = errors_of(response, 400)
    expected = [
        v for v in vidukit.validate("runware", "submit-request", body) if v.severity == "error"
    ]
    assert len(items) == len(expected) >= 7
    by_task = {(i["taskUUID"], i.get("parameter")) for i in items}
    assert {
        (uid(1), "duration"),
        (uid(1), "foo"),
        ("not-a-uuid", "taskUUID"),
        ("not-a-uuid", "model"),
        ("not-a-uuid", "positivePrompt"),
        (uid(3), "inputs.frameImages.frame"),
    } <= by_task
    duration = next(i for i in items if i.get("parameter") == "duration")
    assert duration["code"] == "unsupportedDuration", "the code Runware documents"
    assert all(i["taskType"] == "videoInference" for i in items)
    entry = state_of(client).journal.entries()[-1].to_dict()
    rules = {v["rule"] for v in entry["validation"]["violations"]}
    assert {"duration.maximum", "unknown-field", "dimensions-together", "model.required"} <= rules
    assert state_of(client).store.count() == 0


async def test_an_invalid_poll_lists_every_violation(client: httpx.AsyncClient) -> None:
    body = [
        {"taskType": "getResponse", "taskUUID": "nope"},
        {"taskType": "getResponse", "taskUUID": uid(1), "deliveryMethod": "async"},
        {"taskType": "getResponse"},
    ]
    items = errors_of(await send(client, body), 400)
    assert [(i.get("taskUUID"), i["parameter"]) for i in items] == [
        ("nope", "taskUUID"),
        (uid(1), "deliveryMethod"),
        (None, "taskUUID"),
    ]
    assert all(i["taskType"] == "getResponse" for i in items)


async def test_a_body_mixing_submits_and_polls_is_refused_per_poll_task(
    client: httpx.AsyncClient,
) -> None:
    body = [video(1), *polls(7, 8)]
    items = errors_of(await send(client, body), 400)
    assert [(i["code"], i["taskUUID"]) for i in items] == [
        ("conflictingTaskTypes", uid(7)),
        ("conflictingTaskTypes", uid(8)),
    ]
    assert state_of(client).store.count() == 0
    verdict = state_of(client).journal.entries()[-1].to_dict()["validation"]
    assert verdict["valid"] is False and len(verdict["violations"]) == 2


async def test_an_unknown_task_type_is_named(client: httpx.AsyncClient) -> None:
    body = [{"taskType": "imageInference", "taskUUID": uid(1), "model": "vidu:3@1"}]
    items = errors_of(await send(client, body), 400)
    kinds = {(i["code"], i.get("parameter")) for i in items}
    assert {("unsupportedTaskType", "taskType"), ("missingVideoInferenceTask", None)} <= kinds
    tagged = [i for i in items if "taskUUID" in i]
    assert len(tagged) == len(items) - 1, "all but the body-level item name the task"
    assert all(i["taskType"] == "imageInference" and i["taskUUID"] == uid(1) for i in tagged)


def _fixtures(message: str, kind: str) -> list[Any]:
    return [
        pytest.param(path, id=path.stem)
        for path in sorted((FIXTURES / message / kind).glob("*.json"))
    ]


#: Invalid fixtures the mock judges as another message (documented mock choices): a body
#: without getResponse tasks is judged as a submit, and one mixing both kinds is refused as such.
JUDGED_OTHERWISE = {
    ("poll-request", "getResponse-task-required--authentication-only"): "video-task-required",
    ("poll-request", "getResponse-task-required--empty-array"): "video-task-required",
    ("poll-request", "taskType.const"): "mixed-task-types",
    ("poll-request", "type--body-not-an-array"): "type",
    ("submit-request", "taskType.const"): "mixed-task-types",
}


@pytest.mark.parametrize(
    "path", _fixtures("submit-request", "invalid") + _fixtures("poll-request", "invalid")
)
async def test_every_invalid_fixture_gets_exactly_one_error_item(
    client: httpx.AsyncClient, path: Path
) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    items = errors_of(await send(client, body), 400)
    assert len(items) == 1, items
    [violation] = state_of(client).journal.entries()[-1].to_dict()["validation"]["violations"]
    rule = JUDGED_OTHERWISE.get((path.parent.parent.name, path.stem), path.stem.split("--")[0])
    assert violation["rule"] == rule
    if violation["path"].count("/") > 1:
        task = body[int(violation["path"].split("/")[1])]
        if isinstance(task.get("taskUUID"), str):
            assert items[0]["taskUUID"] == task["taskUUID"]


@pytest.mark.parametrize("path", _fixtures("submit-request", "valid"))
async def test_every_valid_submit_fixture_is_acknowledged_task_by_task(
    client: httpx.AsyncClient, path: Path
) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    answer = await submit(client, *body, **{"Authorization": AUTH["Authorization"]})
    expected = [t["taskUUID"] for t in body if t["taskType"] == "videoInference"]
    assert [i["taskUUID"] for i in answer["data"] if "taskUUID" in i] == expected
    assert (answer["data"][0]["taskType"] == "authentication") == (
        body[0]["taskType"] == "authentication"
    )


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code", "hint"),
    [
        (b'[{"taskType": ', "application/json", 400, "invalidRequestBody", "not valid JSON"),
        (b"", "application/json", 400, "invalidRequestBody", "empty"),
        (b"[NaN]", "application/json", 400, "invalidRequestBody", "not valid JSON"),
        (b'["\xff"]', "application/json", 400, "invalidRequestBody", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalidRequestBody", "nested"),
        (b"tasks=1", "application/x-www-form-urlencoded", 415, "unsupportedContentType", "json"),
        (b"[]", "", 415, "unsupportedContentType", "missing"),
        (b'{"taskType": "videoInference"}', "application/json", 400, "invalidRequestBody", "array"),
        (b"[1, 2]", "application/json", 400, "invalidRequestBody", "object"),
    ],
)
async def test_bad_bodies_get_a_runware_4xx(
    client: httpx.AsyncClient, content: bytes, content_type: str, status: int, code: str, hint: str
) -> None:
    headers = {**AUTH, "Content-Type": content_type} if content_type else AUTH
    items = errors_of(await client.post(V1, content=content, headers=headers), status)
    assert any(i["code"] == code and hint in i["message"] for i in items), items


async def test_an_oversized_body_is_refused_with_413_declared_or_streamed(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(max_body_bytes=1000) as client:
        big = json.dumps([video(1, positivePrompt="x" * 2000)]).encode()
        headers = {**AUTH, "Content-Type": "application/json"}
        declared = await client.post(V1, content=big, headers=headers)

        async def chunks() -> Any:
            for _ in range(10):
                yield b"x" * 500

        streamed = await client.post(V1, content=chunks(), headers=headers)
        for response in (declared, streamed):
            [item] = errors_of(response, 413)
            assert item["code"] == "payloadTooLarge"


@pytest.mark.parametrize(
    ("header", "value", "hint"),
    [
        ("X-Mock-Progression", "later", "polls=N"),
        ("X-Mock-Outcome", "fail:9999", "timeoutProvider"),
        ("X-Mock-Outcome", "explode", "stay-processing"),
    ],
)
async def test_a_bad_control_header_is_a_runware_400_that_teaches(
    client: httpx.AsyncClient, header: str, value: str, hint: str
) -> None:
    [item] = errors_of(await send(client, [video(1)], {**AUTH, header: value}), 400)
    assert header in item["message"] and hint in item["message"]
    assert state_of(client).store.count() == 0


async def test_unknown_paths_and_wrong_methods_answer_in_runware_shape(
    client: httpx.AsyncClient,
) -> None:
    [wrong] = errors_of(await client.get(V1, headers=AUTH), 405)
    assert wrong["code"] == "methodNotAllowed" and "POST" in wrong["message"]
    [unknown] = errors_of(await client.post("/runware/v2", json=[], headers=AUTH), 404)
    assert unknown["code"] == "notFound" and "/v1" in unknown["message"]


async def test_one_provider_at_the_root(make_client: Callable[..., httpx.AsyncClient]) -> None:
    async with make_client(provider="runware") as client:
        headers = {**AUTH, "X-Mock-Progression": "immediate"}
        acknowledged = await client.post("/v1", json=[video(1)], headers=headers)
        checked(acknowledged, 200, "submit-response")
        answer = checked(
            await client.post("/v1", json=polls(1), headers=AUTH), 200, "result-response"
        )
        assert answer["data"][0]["videoURL"] == f"http://mock/_mock/media/{uid(1)}.mp4"
