"""The example clients against the mock over a real socket, and their retry logic alone.

Each provider's client must: send what `vidukit.contract_tests.canonical` says its
provider reads (and nothing the schemas refuse), return the mock's output URL
on success, report a failed task as failed (never succeeded), poll until the
task is terminal and not once more, and give up at its deadline. Transient
faults are injected by a transport in front of the real socket (and, for the
retry helper alone, by `httpx.MockTransport`) until the mock's scenarios can
produce them.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from examples.common import (
    ApiError,
    JsonApi,
    PollPolicy,
    Result,
    RetriesExhausted,
    RetryPolicy,
    UnsupportedRequest,
)
from examples.novita_client import read_task_result
from examples.runware_client import read_response
from examples.vtrix_client import read_task
from examples.wavespeed_client import prediction, read_prediction
from vidukit.contract_tests.canonical import CanonicalRequest, from_wire, to_wire
from vidukit.contract_tests.canonical_strategies import canonical_requests
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.clock import VIRTUAL_EPOCH
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.providers.runware.translate import to_wire as runware_to_wire

PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")
KEY = "example-key"
FAST = PollPolicy(interval=0.001, backoff=1.5, max_interval=0.01, timeout=30.0)
#: Representable by every provider: amplitude auto (Vtrix has none), a 16:9 720p size, seed >= 1.
REQUEST = CanonicalRequest(
    prompt="the cat in @1 turns its head towards @2",
    images=["https://img.example/cat.png", "https://img.example/dog.jpg"],
    duration=5,
    resolution="720p",
    aspect_ratio="16:9",
    movement_amplitude="auto",
    seed=42,
)


def _wavespeed_read(body: Any, task_id: str) -> Result | None:
    return read_prediction(prediction(body))


def _strip_wavespeed(body: dict[str, Any]) -> None:
    body["data"]["outputs"] = []


def _strip_vtrix(body: dict[str, Any]) -> None:
    for item in body["output"]:
        for part in item["content"]:
            del part["url"]


def _strip_novita(body: dict[str, Any]) -> None:
    body["videos"] = []


def _strip_runware(body: dict[str, Any]) -> None:
    for item in body["data"]:
        del item["videoURL"]


@dataclass(frozen=True)
class Case:
    provider: str
    read: Callable[[Any, str], Result | None]
    #: A task error code of the provider's own (mock_server/providers/<id>/status.py).
    failure_code: str
    strip_url: Callable[[dict[str, Any]], None]

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"examples.{self.provider}_client")


CASES = {
    "wavespeed": Case("wavespeed", _wavespeed_read, "1200", _strip_wavespeed),
    "vtrix": Case("vtrix", lambda b, _: read_task(b), "content_moderation", _strip_vtrix),
    "novita": Case("novita", read_task_result, "CreationPolicyViolation", _strip_novita),
    "myrouter": Case("myrouter", read_task_result, "ImageDownloadFailure", _strip_novita),
    "runware": Case("runware", read_response, "contentPolicyViolation", _strip_runware),
}


class Mock:
    """The admin API over HTTP, as a team's own test would use it."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.admin = httpx.Client(base_url=live.url + "/_mock", timeout=10)

    def endpoint(self, provider: str, **extra: Any) -> dict[str, Any]:
        return {
            "provider": provider,
            "base_url": self.live.base_url(provider),
            "api_key": KEY,
            "poll_interval": 0.001,
            **extra,
        }

    def defaults(self, **body: str) -> None:
        self.admin.put("/progression", json=body).raise_for_status()

    def journal(self, provider: str) -> list[dict[str, Any]]:
        answer = self.admin.get("/journal", params={"provider": provider})
        entries: list[dict[str, Any]] = answer.raise_for_status().json()["entries"]
        return entries

    def only_task(self, provider: str) -> dict[str, Any]:
        tasks = self.admin.get("/tasks", params={"provider": provider}).json()["tasks"]
        assert len(tasks) == 1, f"expected one {provider} task, found {len(tasks)}"
        task: dict[str, Any] = self.admin.get(f"/tasks/{tasks[0]['id']}").json()
        return task


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    config = MockConfig(clock="virtual", jitter=0.0, check_responses=True, progression="polls=3")
    with serving(create_app(config)) as server:
        yield server


@pytest.fixture
def mock(live: LiveServer) -> Iterator[Mock]:
    helper = Mock(live)
    helper.admin.post("/reset").raise_for_status()
    yield helper
    helper.admin.close()


def _is_poll(entry: dict[str, Any]) -> bool:
    request = entry["request"]
    body = request["body"]
    if request["method"] == "GET":
        return True
    return isinstance(body, list) and any(t.get("taskType") == "getResponse" for t in body)


def _submits(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if not _is_poll(e)]


# --------------------------------------------------------------------------- against the mock


@pytest.mark.parametrize("provider", PROVIDERS)
def test_success_returns_the_mocks_output_url(mock: Mock, provider: str) -> None:
    answer = CASES[provider].module.adapter(dict(REQUEST), mock.endpoint(provider))

    task = mock.only_task(provider)
    assert task["state"] == "succeeded"
    assert answer["status"] == "succeeded", answer
    url = answer["video_url"]
    last = mock.journal(provider)[-1]["response"]["body"]
    assert url in str(last), "the URL is not the one the provider's final answer carried"
    assert url.startswith(mock.live.url) and task["id"] in url
    media = httpx.get(url)
    assert media.status_code == 200 and media.headers["content-type"].startswith("video/mp4")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_failed_task_is_reported_failed_with_the_providers_reason(
    mock: Mock, provider: str
) -> None:
    code = CASES[provider].failure_code
    mock.defaults(outcome=f"fail:{code}")

    answer = CASES[provider].module.adapter(dict(REQUEST), mock.endpoint(provider))

    assert mock.only_task(provider)["state"] == "failed"
    assert answer["status"] == "failed" and "video_url" not in answer, answer
    assert code in answer["error"]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("progression, polls", [("immediate", 1), ("polls=1", 1), ("polls=4", 4)])
def test_polling_stops_at_the_terminal_state(
    mock: Mock, provider: str, progression: str, polls: int
) -> None:
    mock.defaults(progression=progression)

    answer = CASES[provider].module.adapter(dict(REQUEST), mock.endpoint(provider))

    assert answer["status"] == "succeeded", answer
    entries = mock.journal(provider)
    assert len(_submits(entries)) == 1
    assert [e for e in entries if _is_poll(e)] == entries[1:], "a submit came after a poll"
    assert len(entries) - 1 == polls, f"{len(entries) - 1} polls for progression {progression}"
    assert mock.only_task(provider)["polls"] == polls


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_request_is_valid_and_the_submit_carries_the_canonical_request(
    mock: Mock, provider: str
) -> None:
    CASES[provider].module.adapter(dict(REQUEST), mock.endpoint(provider))

    entries = mock.journal(provider)
    verdicts = [e["validation"] for e in entries if e["validation"] is not None]
    assert verdicts, "the journal judged none of the client's requests"
    assert all(v["valid"] for v in verdicts), [v["violations"] for v in verdicts]
    assert all(e["response"]["status"] == 200 for e in entries)
    [submit] = _submits(entries)
    body = submit["request"]["body"]
    if provider == "runware":
        expected = runware_to_wire(REQUEST, task_uuid=body[0]["taskUUID"])
    else:
        expected = to_wire(provider, REQUEST)
    assert body == expected
    assert from_wire(provider, body) == REQUEST


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_task_that_never_finishes_ends_in_failure_at_the_deadline(
    mock: Mock, provider: str
) -> None:
    mock.defaults(outcome="stay-processing")

    answer = CASES[provider].module.adapter(
        dict(REQUEST), mock.endpoint(provider, poll_timeout=0.05)
    )

    assert answer["status"] == "failed" and "PollTimeout" in answer["error"], answer
    assert mock.only_task(provider)["state"] == "processing"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_unknown_fields_are_ignored_and_a_success_without_url_is_a_failure(
    mock: Mock, provider: str
) -> None:
    case = CASES[provider]
    case.module.adapter(dict(REQUEST), mock.endpoint(provider))
    final = mock.journal(provider)[-1]["response"]["body"]
    task_id = mock.only_task(provider)["id"]
    expected = case.read(final, task_id)
    assert expected is not None and expected.status == "succeeded"

    assert case.read(_with_unknown_fields(final), task_id) == expected
    stripped = copy.deepcopy(final)
    case.strip_url(stripped)
    result = case.read(stripped, task_id)
    assert result is not None and result.status == "failed" and result.video_url is None


def _with_unknown_fields(body: Any) -> Any:
    """*body* with an undeclared field added to every object in it."""
    if isinstance(body, dict):
        return {**{k: _with_unknown_fields(v) for k, v in body.items()}, "x_new": {"n": 1}}
    if isinstance(body, list):
        return [_with_unknown_fields(v) for v in body]
    return body


def test_async_adapter_succeeds_fails_and_stops_polling(mock: Mock) -> None:
    from examples.wavespeed_client import adapter_async

    ok = asyncio.run(adapter_async(dict(REQUEST), mock.endpoint("wavespeed")))
    assert ok["status"] == "succeeded" and ok["video_url"].startswith(mock.live.url)
    assert len(mock.journal("wavespeed")) == 1 + 3

    mock.admin.post("/reset").raise_for_status()
    mock.defaults(outcome="fail")
    failed = asyncio.run(adapter_async(dict(REQUEST), mock.endpoint("wavespeed")))
    assert failed["status"] == "failed" and "video_url" not in failed


def test_vtrix_refuses_an_amplitude_it_cannot_send_without_calling(mock: Mock) -> None:
    from examples.vtrix_client import adapter

    answer = adapter({**REQUEST, "movement_amplitude": "large"}, mock.endpoint("vtrix"))

    assert answer["status"] == "failed" and UnsupportedRequest.__name__ in answer["error"]
    assert mock.journal("vtrix") == []


# --------------------------------------------------------------------------- faults injected


class FaultyTransport(httpx.BaseTransport):
    """Forwards to the real socket; *fault* may replace or follow up any exchange.

    ``fault(n, request, forward)`` gets the 1-based request number, the
    request and a function that sends it for real; it returns a response (or
    raises an httpx error) instead of the real one, or None to pass it through.
    """

    def __init__(self, fault: Callable[..., httpx.Response | None]) -> None:
        self.real = httpx.HTTPTransport()
        self.fault = fault
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        forward = lambda: self.real.handle_request(request)  # noqa: E731
        replaced = self.fault(self.count, request, forward)
        return replaced if replaced is not None else forward()

    def close(self) -> None:
        self.real.close()


def test_runware_treats_a_duplicate_after_a_lost_acknowledgement_as_accepted(mock: Mock) -> None:
    from examples.runware_client import RunwareClient

    def lose_first_ack(n: int, request: httpx.Request, forward: Callable[[], Any]) -> Any:
        if n == 1:
            accepted = forward()  # the mock accepts the task; its answer never arrives
            accepted.read()
            accepted.close()
            return httpx.Response(502, text="Bad Gateway")
        return None

    slept: list[float] = []
    with httpx.Client(transport=FaultyTransport(lose_first_ack)) as http:
        client = RunwareClient(KEY, base_url=mock.live.base_url("runware"), poll=FAST, http=http,
                               sleep=slept.append)
        result = client.generate(REQUEST)

    assert result.status == "succeeded", result
    submits = _submits(mock.journal("runware"))
    assert [s["response"]["status"] for s in submits] == [200, 400]
    assert "conflictTaskUUID" in str(submits[1]["response"]["body"])
    assert mock.only_task("runware")["id"] == result.task_id
    assert len(slept) >= 2, "no backoff before the retry"


def test_transient_poll_faults_are_retried_and_polling_still_stops(mock: Mock) -> None:
    from examples.wavespeed_client import WaveSpeedClient

    def faults(n: int, request: httpx.Request, forward: Callable[[], Any]) -> Any:
        if n == 2:
            return httpx.Response(429, headers={"Retry-After": "0.02"}, json={"code": 429})
        if n == 3:
            return httpx.Response(503, text="<html>overloaded</html>")
        if n == 4:
            return httpx.Response(200, text='{"code": 200, "data": {"id"')  # cut short
        if n == 5:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return None

    slept: list[float] = []
    retry = RetryPolicy(attempts=5, base_delay=0.001, jitter=0.0)
    with httpx.Client(transport=FaultyTransport(faults)) as http:
        client = WaveSpeedClient(KEY, base_url=mock.live.base_url("wavespeed"), poll=FAST,
                                 retry=retry, http=http, sleep=slept.append)
        result = client.generate(REQUEST)

    assert result.status == "succeeded", result
    assert 0.02 in slept, "Retry-After was not honoured"
    assert len(mock.journal("wavespeed")) == 1 + 3, "faults changed how often the mock was polled"


# --------------------------------------------------------------------------- retries alone


def _api(answers: list[Any], retry: RetryPolicy | None = None) -> tuple[JsonApi, list[float]]:
    """A `JsonApi` whose transport plays *answers* in order (a response or an exception)."""
    script = iter(answers)

    def play(request: httpx.Request) -> httpx.Response:
        answer = next(script)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    slept: list[float] = []
    http = httpx.Client(transport=httpx.MockTransport(play))
    policy = retry or RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0, jitter=0.0)
    return JsonApi("http://provider.test", {}, http=http, retry=policy, sleep=slept.append), slept


def test_retry_after_is_honoured_in_seconds_and_as_a_date() -> None:
    api, slept = _api([
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        httpx.Response(200, json={"ok": True}),
    ])
    assert api.call("GET", "/x") == {"ok": True}
    assert slept == [3.0, 0.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_back_off_exponentially_within_the_bound(status: int) -> None:
    answers = [httpx.Response(status) for _ in range(3)] + [httpx.Response(200, json=[1])]
    api, slept = _api(answers)
    assert api.call("POST", "/x", json={}) == [1]
    assert slept == [1.0, 2.0, 4.0]


def test_a_cut_or_non_json_body_and_a_dropped_connection_are_transient() -> None:
    api, slept = _api([
        httpx.Response(200, text='{"data": {"id": "ab'),
        httpx.ReadError("connection reset"),
        httpx.Response(200, json={"done": 1}),
    ])
    assert api.call("GET", "/x") == {"done": 1}
    assert len(slept) == 2


def test_client_errors_are_raised_at_once_with_the_providers_message() -> None:
    api, slept = _api([httpx.Response(400, json={"code": 400, "message": "duration: 9 > 8"})])
    with pytest.raises(ApiError) as raised:
        api.call("POST", "/x", json={})
    assert raised.value.status == 400 and "duration: 9 > 8" in str(raised.value)
    assert slept == []


def test_retries_are_bounded() -> None:
    api, slept = _api([httpx.Response(503) for _ in range(3)],
                      RetryPolicy(attempts=3, base_delay=0.5, jitter=0.0))
    with pytest.raises(RetriesExhausted, match="3 transient"):
        api.call("GET", "/x")
    assert slept == [0.5, 1.0]


def test_a_retry_after_beyond_the_limit_is_not_waited_for() -> None:
    api, slept = _api([httpx.Response(429, headers={"Retry-After": "3600"})])
    with pytest.raises(RetriesExhausted, match="too long"):
        api.call("GET", "/x")
    assert slept == []


def test_jitter_only_shortens_the_backoff() -> None:
    policy = RetryPolicy(base_delay=2.0, max_delay=5.0, jitter=0.5)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 5.0), (9, 5.0)]:
        delay = policy.delay(attempt, None)
        assert ceiling * 0.5 <= delay <= ceiling


def test_poll_intervals_grow_to_the_ceiling() -> None:
    delays = PollPolicy(interval=5.0, backoff=2.0, max_interval=30.0).delays()
    assert [next(delays) for _ in range(6)] == [5.0, 10.0, 20.0, 30.0, 30.0, 30.0]


# --------------------------------------------------------------------------- translations


@pytest.mark.parametrize("provider", PROVIDERS)
@given(data=st.data())
def test_each_client_translates_like_the_reference(provider: str, data: st.DataObject) -> None:
    request = data.draw(canonical_requests(provider))
    module = CASES[provider].module
    if provider == "runware":
        task_uuid = "5b6b3b5e-8a61-4e0c-9f1d-0c6f2b8d9e41"
        assert module.to_wire(request, task_uuid) == runware_to_wire(request, task_uuid=task_uuid)
    else:
        assert module.to_wire(request) == to_wire(provider, request)


def test_the_deadline_hint_is_honoured_with_or_without_an_interval_hint() -> None:
    from examples.common import PollPolicy, poll_policy_for

    assert poll_policy_for({"poll_timeout": 2.0}, PollPolicy()) == PollPolicy(timeout=2.0)
    assert poll_policy_for({}, PollPolicy()) == PollPolicy()
    hinted = poll_policy_for({"poll_interval": 0.1, "poll_timeout": 2.0}, PollPolicy())
    assert (hinted.interval, hinted.timeout) == (0.1, 2.0)


# --------------------------------------------------------------------------- lost submit answers


def test_a_submit_in_ambiguous_raise_mode_retries_only_what_started_nothing() -> None:
    from examples.common import AmbiguousSubmit

    api, slept = _api([httpx.Response(429, headers={"Retry-After": "2"}),
                       httpx.ConnectError("connection refused"),
                       httpx.Response(200, json={"task_id": "t1"})])
    assert api.call("POST", "/x", json={}, ambiguous="raise") == {"task_id": "t1"}
    assert len(slept) == 2 and slept[0] == 2.0
    for lost in (httpx.Response(502), httpx.Response(200, text='{"task_id": "t'),
                 httpx.RemoteProtocolError("peer closed connection")):
        api, slept = _api([lost])
        with pytest.raises(AmbiguousSubmit, match="may have acted"):
            api.call("POST", "/x", json={}, ambiguous="raise")
        assert slept == []


@pytest.mark.parametrize("created", [True, False], ids=["task-created", "nothing-created"])
def test_wavespeed_looks_for_a_lost_submit_in_the_prediction_list(mock: Mock,
                                                                 created: bool) -> None:
    """After a submit answered 502, the client lists the key's predictions: it takes the
    one the lost submit started, or submits again when the list shows none."""
    from examples.wavespeed_client import WaveSpeedClient

    sent: list[str] = []

    def lose_first_answer(n: int, request: httpx.Request, forward: Callable[[], Any]) -> Any:
        sent.append(f"{request.method} {request.url.path}")
        if n == 1:
            if created:
                forward().close()  # the mock creates the prediction; its answer is lost
            return httpx.Response(502, text="Bad Gateway")
        return None

    with httpx.Client(transport=FaultyTransport(lose_first_answer)) as http:
        client = WaveSpeedClient(KEY, base_url=mock.live.base_url("wavespeed"), poll=FAST,
                                 http=http, sleep=lambda _s: None)
        client.now = lambda: datetime.fromtimestamp(VIRTUAL_EPOCH, UTC)  # the mock's clock
        result = client.generate(REQUEST)

    assert result.status == "succeeded", result
    entries = mock.journal("wavespeed")
    listed = [e for e in entries if e["request"]["path"].endswith("/api/v3/predictions")]
    assert len(listed) == 1 and "created_after=" in listed[0]["request"]["query"]
    submits = [s for s in sent if s.startswith("POST")]
    assert len(submits) == (1 if created else 2)  # a second submit only when none was listed
    assert mock.only_task("wavespeed")["id"] == result.task_id  # one paid task either way
