"""Novita's v3 async API in process (httpx.ASGITransport), and MyRouter's clone of it.

Every test runs against both providers: MyRouter serves the same paths,
bodies and errors (its differences are in test_myrouter.py). Every answer is
checked with `vidukit.validate` against the provider's own schema.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_support import mock_config, state_of

import vidukit
from vidukit.mock_server import create_app
from vidukit.mock_server.engine import PROCESSING, QUEUED
from vidukit.mock_server.providers.novita.status import DEFAULT_FAILURE_CODE, FAILURE_CODES

pytestmark = pytest.mark.anyio

PROVIDERS = ("novita", "myrouter")
SUBMIT = "/v3/async/vidu-q2-reference2video"
RESULT = "/v3/async/task-result"
KEY = "v3-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
VALID: dict[str, Any] = {
    "prompt": "@1 walks along the beach at sunset",
    "duration": 5,
    "subjects": [{"id": "1", "images": ["https://example.com/subject-1.png"]}],
}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def conforming(provider: str, message: str, response: httpx.Response) -> Any:
    """The JSON body, after checking it against *provider*'s *message* schema."""
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    errors = [v for v in vidukit.validate(provider, message, body) if v.severity == "error"]
    assert not errors, f"{provider} {message} breaks its schema: {errors}\n{body}"
    return body


async def submit(
    client: httpx.AsyncClient, provider: str, body: Any = VALID, **headers: str
) -> httpx.Response:
    return await client.post(f"/{provider}{SUBMIT}", json=body, headers={**AUTH, **headers})


async def new_task(client: httpx.AsyncClient, provider: str, **headers: str) -> str:
    response = await submit(client, provider, **headers)
    assert response.status_code == 200, response.text
    task_id: str = conforming(provider, "submit-response", response)["task_id"]
    return task_id


async def poll(
    client: httpx.AsyncClient, provider: str, task_id: str, key: str = KEY
) -> httpx.Response:
    return await client.get(
        f"/{provider}{RESULT}",
        params={"task_id": task_id},
        headers={"Authorization": f"Bearer {key}"},
    )


async def result(client: httpx.AsyncClient, provider: str, task_id: str) -> dict[str, Any]:
    response = await poll(client, provider, task_id)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = conforming(provider, "result-response", response)
    return body


async def advance(client: httpx.AsyncClient, seconds: float) -> None:
    response = await client.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def error(provider: str, response: httpx.Response, status: int, reason: str) -> str:
    """Check a provider-shaped error answer and return its message."""
    assert response.status_code == status, response.text
    body = conforming(provider, "error-response", response)
    assert (body["code"], body["reason"]) == (status, reason)
    assert isinstance(body["metadata"], dict)
    message: str = body["message"]
    return message


# -- submit and the lifecycle ----------------------------------------------------------------


async def test_submit_answers_a_uuid_task_id_and_keeps_the_task(
    client: httpx.AsyncClient, provider: str
) -> None:
    task_id = await new_task(client, provider)
    assert UUID4.match(task_id)
    task = state_of(client).store.get(task_id)
    assert task is not None and task.provider == provider and task.state == QUEUED
    assert task.request == VALID and task.meta["duration_seconds"] == 5


async def test_every_state_by_time_with_progress_and_eta_moving(
    client: httpx.AsyncClient, provider: str
) -> None:
    """Default progression time=1,4 on the virtual clock: queued, processing (twice), succeed."""
    task_id = await new_task(client, provider)
    seen = []
    for step in (0.5, 1.0, 2.0, 2.0):
        await advance(client, step)
        seen.append(await result(client, provider, task_id))
    tasks = [body["task"] for body in seen]
    assert [t["status"] for t in tasks] == [
        "TASK_STATUS_QUEUED",
        "TASK_STATUS_PROCESSING",
        "TASK_STATUS_PROCESSING",
        "TASK_STATUS_SUCCEED",
    ]
    # t=0.5: 4.5 s to go; t=1.5: 0.5 s of 4 done, 3.5 left; t=3.5: 2.5 of 4 done.
    assert [(t["progress_percent"], t["eta"]) for t in tasks] == [
        (0, 5),
        (12, 4),
        (62, 2),
        (100, 0),
    ]
    assert all(t["task_id"] == task_id and t["reason"] == "" for t in tasks)
    assert [len(body["videos"]) for body in seen] == [0, 0, 0, 1]
    debug = [body["extra"]["debug_info"] for body in seen]
    start_ms = 1_767_225_600_000
    assert debug[0] == {
        "request_info": "",
        "submit_time_ms": str(start_ms),
        "execute_time_ms": "0",
        "complete_time_ms": "0",
    }
    assert debug[1]["execute_time_ms"] == str(start_ms + 1000)
    assert debug[3]["complete_time_ms"] == str(start_ms + 5000)
    video = seen[-1]["videos"][0]
    assert video == {
        "video_url": f"http://mock/_mock/media/{task_id}.mp4",
        "video_url_ttl": 3600,
        "video_type": "mp4",
    }
    media = await client.get(video["video_url"])
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert media.content[4:8] == b"ftyp"
    assert seen[-1]["images"] == [] and seen[-1]["audios"] == []


async def test_the_seed_is_echoed_as_a_string_or_drawn_when_random(
    client: httpx.AsyncClient, provider: str
) -> None:
    chosen = await submit(client, provider, {**VALID, "seed": 7})
    random = await submit(client, provider, {**VALID, "seed": 0})
    seeds = []
    for response in (chosen, random):
        task_id = response.json()["task_id"]
        seeds.append((await result(client, provider, task_id))["extra"]["seed"])
    task = state_of(client).store.get(random.json()["task_id"])
    assert task is not None
    assert seeds == ["7", str(task.seed)] and seeds[1] != "0"


async def test_progression_by_polls_moves_the_percentage(
    client: httpx.AsyncClient, provider: str
) -> None:
    task_id = await new_task(client, provider, **{"X-Mock-Progression": "polls=3"})
    tasks = [(await result(client, provider, task_id))["task"] for _ in range(3)]
    assert [(t["status"], t["progress_percent"], t["eta"]) for t in tasks] == [
        ("TASK_STATUS_PROCESSING", 33, 0),
        ("TASK_STATUS_PROCESSING", 66, 0),
        ("TASK_STATUS_SUCCEED", 100, 0),
    ]


async def test_immediate_success_and_immediate_failure_with_the_default_code(
    client: httpx.AsyncClient, provider: str
) -> None:
    done = await new_task(client, provider, **{"X-Mock-Progression": "immediate"})
    assert (await result(client, provider, done))["task"]["status"] == "TASK_STATUS_SUCCEED"
    headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": "fail"}
    failed = await result(client, provider, await new_task(client, provider, **headers))
    assert failed["task"]["status"] == "TASK_STATUS_FAILED"
    assert failed["task"]["reason"].startswith(f"{DEFAULT_FAILURE_CODE}: ")
    assert failed["videos"] == []


async def test_a_failure_by_time_keeps_the_progress_it_reached(
    client: httpx.AsyncClient, provider: str
) -> None:
    outcome = {"X-Mock-Outcome": "fail:CreationPolicyViolation"}
    task_id = await new_task(client, provider, **outcome)
    await advance(client, 2.0)
    processing = (await result(client, provider, task_id))["task"]
    await advance(client, 10.0)
    body = await result(client, provider, task_id)
    assert processing["status"] == "TASK_STATUS_PROCESSING"
    assert body["task"]["status"] == "TASK_STATUS_FAILED"
    assert body["task"]["progress_percent"] >= processing["progress_percent"] > 0
    assert body["task"]["eta"] == 0
    assert body["task"]["reason"] == (
        "CreationPolicyViolation: " + FAILURE_CODES["CreationPolicyViolation"]
    )
    assert body["extra"]["debug_info"]["complete_time_ms"] == "1767225605000"
    assert (await client.get(f"/_mock/media/{task_id}.mp4")).status_code == 404


@pytest.mark.parametrize("code", sorted(FAILURE_CODES))
async def test_each_failure_code_shows_in_the_reason(
    client: httpx.AsyncClient, provider: str, code: str
) -> None:
    headers = {"X-Mock-Progression": "immediate", "X-Mock-Outcome": f"fail:{code}"}
    body = await result(client, provider, await new_task(client, provider, **headers))
    assert body["task"]["status"] == "TASK_STATUS_FAILED"
    assert body["task"]["reason"] == f"{code}: {FAILURE_CODES[code]}"


async def test_outcomes_forced_through_the_admin_api(
    client: httpx.AsyncClient, provider: str
) -> None:
    failing, succeeding, held = [await new_task(client, provider) for _ in range(3)]
    forced = await client.post(
        f"/_mock/tasks/{failing}/outcome",
        json={"outcome": "fail", "error_code": "ImageDownloadFailure"},
    )
    assert forced.status_code == 200 and forced.json()["provider_status"] == "TASK_STATUS_FAILED"
    await client.post(f"/_mock/tasks/{succeeding}/outcome", json={"outcome": "succeed"})
    await client.post(f"/_mock/tasks/{held}/outcome", json={"outcome": "stay-processing"})
    failed = (await result(client, provider, failing))["task"]
    assert (failed["status"], failed["progress_percent"]) == ("TASK_STATUS_FAILED", 0)
    assert failed["reason"].startswith("ImageDownloadFailure: ")
    assert (await result(client, provider, succeeding))["task"]["status"] == "TASK_STATUS_SUCCEED"
    await advance(client, 60)
    still = (await result(client, provider, held))["task"]
    assert still["status"] == "TASK_STATUS_PROCESSING" and still["eta"] == 0
    assert 0 <= still["progress_percent"] <= 99
    foreign = await client.post(
        f"/_mock/tasks/{held}/outcome", json={"outcome": "fail", "error_code": 1402}
    )
    assert foreign.status_code == 400 and "CreationPolicyViolation" in foreign.json()["error"]


@pytest.mark.parametrize(
    ("header", "value", "hint"),
    [
        ("X-Mock-Progression", "later", "polls=N"),
        ("X-Mock-Outcome", "fail:1200", "ImageDownloadFailure"),
        ("X-Mock-Outcome", "explode", "stay-processing"),
    ],
)
async def test_a_bad_control_header_is_a_400_that_teaches(
    client: httpx.AsyncClient, provider: str, header: str, value: str, hint: str
) -> None:
    message = error(
        provider, await submit(client, provider, **{header: value}), 400, "INVALID_REQUEST_BODY"
    )
    assert header in message and hint in message
    assert state_of(client).store.count() == 0


# -- auth and ownership ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer"},
        {"Authorization": "Token abc"},
        {"Authorization": "Basic x"},
    ],
)
async def test_missing_or_malformed_auth_is_a_401(
    client: httpx.AsyncClient, provider: str, headers: dict[str, str]
) -> None:
    for method, path in (("POST", SUBMIT), ("GET", f"{RESULT}?task_id=x")):
        response = await client.request(method, f"/{provider}{path}", json=VALID, headers=headers)
        error(provider, response, 401, "FAILED_TO_AUTH")


async def test_a_wrong_key_is_a_401_when_keys_are_restricted(
    make_client: Callable[..., httpx.AsyncClient], provider: str
) -> None:
    async with make_client(api_keys=("good",)) as client:
        bad = {"Authorization": "Bearer bad"}
        refused = await client.post(f"/{provider}{SUBMIT}", json=VALID, headers=bad)
        assert "unknown API key" in error(provider, refused, 401, "FAILED_TO_AUTH")
        polled = await client.get(f"/{provider}{RESULT}", params={"task_id": "x"}, headers=bad)
        error(provider, polled, 401, "FAILED_TO_AUTH")
        good = {"Authorization": "Bearer good"}
        accepted = await client.post(f"/{provider}{SUBMIT}", json=VALID, headers=good)
        assert accepted.status_code == 200
        conforming(provider, "submit-response", accepted)


async def test_another_keys_task_and_an_unknown_id_are_both_not_found(
    client: httpx.AsyncClient, provider: str
) -> None:
    task_id = await new_task(client, provider)
    for key, asked in (("someone-else", task_id), (KEY, "0b6f5d2e-0000-4000-8000-000000000000")):
        message = error(provider, await poll(client, provider, asked, key), 404, "MODEL_NOT_FOUND")
        assert asked in message
    stored = state_of(client).store.get(task_id)
    assert stored is not None and stored.polls == 0, "a refused poll does not count"
    assert KEY not in repr(stored.to_dict()), "the key itself is never stored"


@pytest.mark.parametrize("query", ["", "?task_id=", "?id=abc"])
async def test_a_poll_without_task_id_is_a_400(
    client: httpx.AsyncClient, provider: str, query: str
) -> None:
    response = await client.get(f"/{provider}{RESULT}{query}", headers=AUTH)
    assert "task_id is required" in error(provider, response, 400, "INVALID_REQUEST_BODY")


# -- bad requests ----------------------------------------------------------------------------


async def test_an_invalid_request_lists_every_violation(
    client: httpx.AsyncClient, provider: str
) -> None:
    body = {
        "duration": 11,
        "resolution": "4k",
        "movement_amplitude": "large",
        "subjects": [{"id": "1", "images": []}],
        "extra": {"webhook": {"url": "not a url"}},
        "model": "vidu",
    }
    response = await submit(client, provider, body)
    message = error(provider, response, 400, "INVALID_REQUEST_BODY")
    expected = [
        v for v in vidukit.validate(provider, "submit-request", body) if v.severity == "error"
    ]
    assert len(expected) >= 7
    listed = response.json()["metadata"]["violations"]
    assert sorted((v["path"], v["rule"]) for v in listed) == sorted(
        (v.path, v.rule) for v in expected
    )
    assert message.count("; ") == len(expected) - 1
    for field in ("prompt", "duration", "resolution", "movement_amplitude", "images", "model"):
        assert field in message
    entry = state_of(client).journal.entries()[-1].to_dict()
    assert {v["rule"] for v in entry["validation"]["violations"]} == {v.rule for v in expected}
    assert state_of(client).store.count() == 0


async def test_a_named_rule_is_enforced_too(client: httpx.AsyncClient, provider: str) -> None:
    """Seven images at most across all subjects: a check beyond JSON Schema keywords."""
    images = [f"https://example.com/{n}.png" for n in range(3)]
    body = {**VALID, "subjects": [{"id": str(n), "images": images} for n in range(3)]}
    response = await submit(client, provider, body)
    error(provider, response, 400, "INVALID_REQUEST_BODY")
    assert [v["rule"] for v in response.json()["metadata"]["violations"]] == [
        "subjects-total-images"
    ]


@pytest.mark.parametrize(
    ("content", "content_type", "hint"),
    [
        (b'{"prompt": ', "application/json", "not valid JSON"),
        (b"", "application/json", "empty"),
        (b'{"prompt": NaN}', "application/json", "not valid JSON"),
        (b'{"prompt": "\xff"}', "application/json", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "nested"),
        (b"prompt=x", "application/x-www-form-urlencoded", "application/json"),
        (b"{}", "", "missing"),
        (b"[1, 2]", "application/json", "invalid request body"),
    ],
)
async def test_bad_bodies_get_a_provider_shaped_400(
    client: httpx.AsyncClient, provider: str, content: bytes, content_type: str, hint: str
) -> None:
    headers = {**AUTH, "Content-Type": content_type} if content_type else AUTH
    response = await client.post(f"/{provider}{SUBMIT}", content=content, headers=headers)
    assert hint in error(provider, response, 400, "INVALID_REQUEST_BODY")


async def test_an_oversized_body_is_refused_declared_or_streamed(
    make_client: Callable[..., httpx.AsyncClient], provider: str
) -> None:
    async with make_client(max_body_bytes=1000) as client:
        big = b'{"prompt": "' + b"x" * 2000 + b'"}'
        headers = {**AUTH, "Content-Type": "application/json"}
        declared = await client.post(f"/{provider}{SUBMIT}", content=big, headers=headers)

        async def chunks() -> Any:
            for _ in range(10):
                yield b"x" * 500

        streamed = await client.post(f"/{provider}{SUBMIT}", content=chunks(), headers=headers)
        for response in (declared, streamed):
            assert "larger than 1000 bytes" in error(
                provider, response, 400, "INVALID_REQUEST_BODY"
            )


async def test_unknown_paths_and_wrong_methods_answer_in_provider_shape(
    client: httpx.AsyncClient, provider: str
) -> None:
    wrong = await client.get(f"/{provider}{SUBMIT}", headers=AUTH)
    assert "use POST" in error(provider, wrong, 404, "MODEL_NOT_FOUND")
    unknown = await client.post(f"/{provider}/v3/async/vidu-q3-reference2video", headers=AUTH)
    assert RESULT in error(provider, unknown, 404, "MODEL_NOT_FOUND")


async def test_a_bug_becomes_a_provider_shaped_503_and_is_journaled(
    client: httpx.AsyncClient, provider: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vidukit.mock_server.providers.novita import models

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("deliberate bug")

    monkeypatch.setattr(models.V3AsyncBackend, "submit", broken)
    response = await submit(client, provider)
    error(provider, response, 503, "SERVICE_NOT_AVAILABLE")
    assert "deliberate" not in response.text, "internals are logged, not sent"
    assert state_of(client).journal.entries()[-1].status == 503


# -- serving options ---------------------------------------------------------------------------


async def test_the_webhook_is_kept_for_delivery_and_echoed(
    client: httpx.AsyncClient, provider: str
) -> None:
    webhook = {"url": "https://hooks.example/v3", "test_mode": {"enabled": False}}
    response = await submit(client, provider, {**VALID, "extra": {"webhook": webhook}})
    task_id = conforming(provider, "submit-response", response)["task_id"]
    task = state_of(client).store.get(task_id)
    assert task is not None and task.meta["webhook"] == "https://hooks.example/v3"
    assert (await result(client, provider, task_id))["extra"]["webhook"] == webhook


async def test_one_provider_at_the_root(
    make_client: Callable[..., httpx.AsyncClient], provider: str
) -> None:
    async with make_client(provider=provider) as client:
        task_id = (await client.post(SUBMIT, json=VALID, headers=AUTH)).json()["task_id"]
        polled = await client.get(RESULT, params={"task_id": task_id}, headers=AUTH)
        assert conforming(provider, "result-response", polled)["task"]["task_id"] == task_id
        stray = await client.get(f"/{provider}{RESULT}", params={"task_id": task_id}, headers=AUTH)
        error(provider, stray, 404, "MODEL_NOT_FOUND")


async def test_same_request_same_seed_same_answers_on_fresh_servers(
    make_client: Callable[..., httpx.AsyncClient], provider: str
) -> None:
    transcripts = []
    for _ in range(2):
        async with make_client(seed=5, jitter=0.3) as client:
            task_id = await new_task(client, provider)
            await advance(client, 2.0)
            middle = await result(client, provider, task_id)
            await advance(client, 10)
            transcripts.append((task_id, middle, await result(client, provider, task_id)))
    assert transcripts[0] == transcripts[1]
    assert transcripts[0][2]["task"]["status"] == "TASK_STATUS_SUCCEED"


async def test_the_lifecycle_seen_through_the_store(
    client: httpx.AsyncClient, provider: str
) -> None:
    task_id = await new_task(client, provider)
    await advance(client, 1.5)
    await result(client, provider, task_id)
    task = state_of(client).store.get(task_id)
    assert task is not None and task.state == PROCESSING and task.polls == 1


# -- whatever arrives, a provider-shaped answer and never a 5xx -------------------------------

FUZZ_PATHS = [
    f"/{p}{path}"
    for p in PROVIDERS
    for path in (SUBMIT, RESULT, f"{RESULT}?task_id=x", f"{RESULT}?task_id=", "/v3/async/", "/%ff")
]
FIELDS = ("prompt", "duration", "subjects", "id", "images", "extra", "webhook", "url", "seed", "x")
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text("ab1@:/.", max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=16,
)
FUZZ_BODIES = st.one_of(st.binary(max_size=80), JSONISH.map(lambda v: json.dumps(v).encode()))
FUZZ_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "authorization": st.sampled_from(["Bearer k", "Bearer ", "Basic x", ""]),
        "content-type": st.sampled_from(["application/json", "text/plain", ""]),
        "x-mock-progression": st.sampled_from(["immediate", "polls=0", "time=x"]),
        "x-mock-outcome": st.sampled_from(["fail", "fail:nope", "stay-processing"]),
    },
)


@pytest.fixture(scope="module")
def fuzz_send() -> Iterator[Callable[..., httpx.Response]]:
    """A synchronous sender into one in-process app, for Hypothesis."""
    app = create_app(mock_config())
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock")

        def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
            return portal.call(functools.partial(client.request, method, path, **kwargs))

        yield send
        portal.call(client.aclose)


@settings(max_examples=120)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(FUZZ_PATHS),
    body=FUZZ_BODIES,
    headers=FUZZ_HEADERS,
)
def test_no_input_gets_a_5xx_or_an_off_schema_answer(
    fuzz_send: Callable[..., httpx.Response],
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
) -> None:
    response = fuzz_send(method, path, content=body, headers=headers)
    assert response.status_code < 500, response.text
    provider = path.split("/")[1]
    message = (
        "error-response"
        if response.status_code >= 400
        else ("submit-response" if method == "POST" else "result-response")
    )
    conforming(provider, message, response)
