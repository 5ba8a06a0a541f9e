"""Every scenario kind as a client on a real socket sees it (uvicorn on 127.0.0.1)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from scenarios_support import PROVIDERS, Driver, driver, valid

from vidukit.mock_server.scenarios import CATEGORY_CODES
from vidukit.mock_server.testing import LiveServer

SCENARIO = "X-Mock-Scenario"
IMMEDIATE = {"X-Mock-Progression": "immediate"}
PROCESSING_WORDS = {
    "wavespeed": "processing",
    "novita": "TASK_STATUS_PROCESSING",
    "myrouter": "TASK_STATUS_PROCESSING",
    "vtrix": "in_progress",
    "runware": "processing",
}
FAILED_WORDS = {
    "wavespeed": "failed",
    "novita": "TASK_STATUS_FAILED",
    "myrouter": "TASK_STATUS_FAILED",
    "vtrix": "failed",
    "runware": "error",
}


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def advance(live: LiveServer, seconds: float) -> None:
    admin(live, "POST", "/clock/advance", json={"seconds": seconds})


def task_count(live: LiveServer) -> int:
    return int(admin(live, "GET", "/tasks")["count"])


@pytest.fixture
def connect(live_server: LiveServer) -> Iterator[Callable[[str], Driver]]:
    """A client of one provider on the live server; every one made is closed afterwards."""
    made: list[Driver] = []

    def make(provider: str) -> Driver:
        made.append(driver(live_server.base_url(provider), provider))
        return made[-1]

    yield make
    for client in made:
        client.client.close()


@pytest.fixture
def ws(connect: Callable[[str], Driver]) -> Driver:
    return connect("wavespeed")


# -- HTTP statuses -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_status_on_submit_arrives_with_the_providers_body_and_creates_nothing(
    live_server: LiveServer, provider: str, status: int, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    response = client.submit(**{SCENARIO: f"http-{status}"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    valid(provider, "error-response", response.json())
    assert response.headers.get("retry-after") == ("1" if status == 429 else None)
    assert task_count(live_server) == 0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_status_on_poll_leaves_the_task_alone(
    live_server: LiveServer, provider: str, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    task_id = client.task_id(client.submit(**IMMEDIATE))
    limited = client.poll(task_id, **{SCENARIO: "http-429;retry_after=5"})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "5"
    valid(provider, "error-response", limited.json())
    timeout = client.poll(task_id, **{SCENARIO: "http-504"})
    assert timeout.status_code == 504
    valid(provider, "error-response", timeout.json())
    answered = client.poll(task_id)
    assert answered.status_code == 200
    assert client.outcome(answered)[1] is None
    [task] = admin(live_server, "GET", "/tasks")["tasks"]
    assert task["polls"] == 1, "a poll answered by a fault never reached the provider"


def test_phase_after_creates_the_task_and_loses_the_answer(
    live_server: LiveServer, ws: Driver
) -> None:
    response = ws.submit(**{SCENARIO: "http-502;phase=after"})
    assert response.status_code == 502
    assert task_count(live_server) == 1


@pytest.mark.parametrize("provider", ["wavespeed", "runware"])
def test_on_poll_in_a_submit_header_strikes_that_tasks_next_polls(
    live_server: LiveServer, provider: str, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    submitted = client.submit(**IMMEDIATE, **{SCENARIO: "http-503;on=poll;times=2"})
    assert submitted.status_code == 200
    task_id = client.task_id(submitted)
    statuses = [client.poll(task_id).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


# -- bodies and connections ----------------------------------------------------------------


def test_a_truncated_body_is_a_complete_message_that_is_not_valid_json(ws: Driver) -> None:
    response = ws.submit(**{SCENARIO: "truncated-body;keep=0.6"})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) > 0
    assert response.content.startswith(b'{"code":200')
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_short_read_is_a_transport_error(ws: Driver) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
        ws.submit(**{SCENARIO: "truncated-body;mode=short-read"})


@pytest.mark.parametrize("status", [200, 502])
def test_not_json_is_an_html_page(live_server: LiveServer, ws: Driver, status: int) -> None:
    task_id = ws.task_id(ws.submit())
    response = ws.poll(task_id, **{SCENARIO: f"not-json;status={status}"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html" in response.content.lower()
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_closed_connection_is_a_transport_error_with_no_answer(
    live_server: LiveServer, ws: Driver
) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response") as caught:
        ws.submit(**{SCENARIO: "connection-closed"})
    assert isinstance(caught.value, httpx.TransportError)
    assert task_count(live_server) == 0
    with pytest.raises(httpx.TransportError):
        ws.submit(**{SCENARIO: "connection-closed;phase=after"})
    assert task_count(live_server) == 1, "phase=after: the task exists, its id never arrived"
    entry = admin(live_server, "GET", "/journal")["entries"][-1]
    assert entry["response"]["status"] == 0
    assert ws.submit().status_code == 200, "the server keeps serving"


def test_closing_on_a_runware_poll(
    live_server: LiveServer, connect: Callable[[str], Driver]
) -> None:
    client = connect("runware")
    task_id = client.task_id(client.submit())
    with pytest.raises(httpx.TransportError):
        client.poll(task_id, **{SCENARIO: "connection-closed;on=poll"})


def test_latency_delays_the_answer_by_real_time(ws: Driver) -> None:
    task_id = ws.task_id(ws.submit())
    started = time.perf_counter()
    assert ws.poll(task_id).status_code == 200
    quick = time.perf_counter() - started
    started = time.perf_counter()
    assert ws.poll(task_id, **{SCENARIO: "latency;ms=250"}).status_code == 200
    slow = time.perf_counter() - started
    assert slow >= 0.25 > quick
    for _ in range(2):
        started = time.perf_counter()
        assert ws.poll(task_id, **{SCENARIO: "latency;min_ms=60;max_ms=120"}).status_code == 200
        assert 0.06 <= time.perf_counter() - started < 1.0


# -- task scenarios ------------------------------------------------------------------------


@pytest.mark.parametrize("category", sorted(CATEGORY_CODES))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_task_fails_with_the_providers_code_for_each_category(
    live_server: LiveServer, provider: str, category: str, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    submitted = client.submit(**IMMEDIATE, **{SCENARIO: f"fail-{category}"})
    assert submitted.status_code == 200, submitted.text
    status, code = client.outcome(client.poll(client.task_id(submitted)))
    assert status == FAILED_WORDS[provider]
    assert code == CATEGORY_CODES[category][provider]


def test_nsfw_flags_a_wavespeed_output(live_server: LiveServer, ws: Driver) -> None:
    flagged = ws.task_id(ws.submit(**IMMEDIATE, **{SCENARIO: "nsfw"}))
    clean = ws.task_id(ws.submit(**IMMEDIATE))
    data = [
        valid("wavespeed", "result-response", ws.poll(t).json())["data"] for t in (flagged, clean)
    ]
    assert [d["status"] for d in data] == ["completed", "completed"]
    assert [d["has_nsfw_contents"] for d in data] == [[True], [False]]


@pytest.mark.parametrize("provider", ["novita", "vtrix", "runware"])
def test_nsfw_is_refused_where_the_provider_has_no_flag(
    live_server: LiveServer, provider: str, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    response = client.submit(**{SCENARIO: "nsfw"})
    assert response.status_code == 400
    assert "nsfw" in response.text and provider in response.text
    valid(provider, "error-response", response.json())


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_stuck_task_never_finishes(
    live_server: LiveServer, provider: str, connect: Callable[[str], Driver]
) -> None:
    client = connect(provider)
    task_id = client.task_id(client.submit(**{SCENARIO: "stuck"}))
    for seconds in (5, 3600, 7 * 86400):
        advance(live_server, seconds)
        assert client.outcome(client.poll(task_id)) == (PROCESSING_WORDS[provider], None)
    [task] = admin(live_server, "GET", "/tasks")["tasks"]
    assert task["state"] == "processing" and task["next_change_at"] is None


def test_an_expired_url_answers_as_expired_storage(live_server: LiveServer, ws: Driver) -> None:
    task_id = ws.task_id(ws.submit(**IMMEDIATE, **{SCENARIO: "expired-url"}))
    data = ws.poll(task_id).json()["data"]
    assert data["status"] == "completed"
    media = httpx.get(data["outputs"][0], timeout=10)
    assert media.status_code in (403, 404)
    assert not media.headers["content-type"].startswith("video/")


# -- admin API -----------------------------------------------------------------------------


def test_the_admin_api_strikes_the_next_n_matching_requests(
    live_server: LiveServer, ws: Driver, connect: Callable[[str], Driver]
) -> None:
    chosen = admin(
        live_server,
        "POST",
        "/scenarios",
        json={"scenario": "http-502", "count": 2, "on": "poll", "provider": "wavespeed"},
    )
    assert (chosen["for"], chosen["remaining"]) == ("requests", 2)
    task_id = ws.task_id(ws.submit())  # a submit: not matched
    novita = connect("novita")
    assert novita.poll(novita.task_id(novita.submit())).status_code == 200  # another provider
    statuses = [ws.poll(task_id).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    view = admin(live_server, "GET", "/scenarios")
    assert view["pending"] == []
    struck = [h for h in view["history"] if h["source"] == f"admin#{chosen['id']}"]
    assert [h["operation"] for h in struck] == ["poll", "poll"]


def test_the_admin_api_chooses_the_next_task(live_server: LiveServer, ws: Driver) -> None:
    admin(live_server, "POST", "/scenarios", json={"scenario": "fail-media-access"})
    first, second = (ws.task_id(ws.submit(**IMMEDIATE)) for _ in range(2))
    assert ws.outcome(ws.poll(first)) == ("failed", CATEGORY_CODES["media-access"]["wavespeed"])
    assert ws.outcome(ws.poll(second)) == ("completed", None)


def test_a_request_scenario_for_tasks_strikes_their_polls(
    live_server: LiveServer, ws: Driver
) -> None:
    admin(
        live_server,
        "POST",
        "/scenarios",
        json={"scenario": "http-503;times=2", "for": "tasks", "count": 1},
    )
    struck, spared = (ws.task_id(ws.submit()) for _ in range(2))
    assert [ws.poll(struck).status_code for _ in range(3)] == [503, 503, 200]
    assert ws.poll(spared).status_code == 200


def test_pending_choices_are_listed_and_cleared(live_server: LiveServer, ws: Driver) -> None:
    admin(live_server, "POST", "/scenarios", json={"scenario": "http-500", "count": 5})
    assert admin(live_server, "GET", "/scenarios")["pending"][0]["remaining"] == 5
    assert admin(live_server, "DELETE", "/scenarios") == {"cleared": 1}
    assert ws.submit().status_code == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"scenario": "http-999"}, "unknown scenario"),
        ({"scenario": "stuck", "for": "requests"}, "task scenario"),
        ({"scenario": "nsfw", "provider": "vtrix"}, "not available on vtrix"),
        ({"scenario": "http-503", "count": 0}, "count"),
        ({"scenario": "http-503", "every": 2}, "unknown field"),
        ({"scenario": "http-503", "provider": "acme"}, "unknown provider"),
        ({"scenario": "http-503", "for": "tasks", "on": "submit"}, "strikes the tasks' polls"),
    ],
)
def test_the_admin_api_refuses_a_choice_that_cannot_apply(
    live_server: LiveServer, body: dict[str, Any], named: str
) -> None:
    response = httpx.post(f"{live_server.url}/_mock/scenarios", json=body, timeout=5)
    assert response.status_code == 400
    assert named in response.json()["error"]


def test_a_bad_header_is_the_providers_400(live_server: LiveServer, ws: Driver) -> None:
    response = ws.submit(**{SCENARIO: "http-503;on=whenever"})
    assert response.status_code == 400
    assert "X-Mock-Scenario" in response.json()["message"]
    valid("wavespeed", "error-response", response.json())
    task_id = ws.task_id(ws.submit())
    refused = ws.poll(task_id, **{SCENARIO: "fail-timeout"})
    assert refused.status_code == 400 and "submit" in refused.json()["message"]


def test_a_reset_forgets_pending_choices(live_server: LiveServer, ws: Driver) -> None:
    admin(live_server, "POST", "/scenarios", json={"scenario": "http-500"})
    admin(live_server, "POST", "/reset")
    assert ws.submit().status_code == 200
    assert admin(live_server, "GET", "/scenarios")["pending"] == []


# -- the official WaveSpeed SDK meets the faults -------------------------------------------


def test_the_wavespeed_sdk_retries_through_5xx_and_a_dropped_connection(
    live_server: LiveServer,
) -> None:
    wavespeed = pytest.importorskip("wavespeed", reason="test dependency: pip install wavespeed")
    admin(live_server, "PUT", "/progression", json={"progression": "polls=2"})
    for scenario in ("http-503", "connection-closed", "http-502"):
        admin(live_server, "POST", "/scenarios", json={"scenario": scenario, "on": "poll"})
    client = wavespeed.Client(
        api_key="sdk-key",
        base_url=live_server.base_url("wavespeed"),
        max_connection_retries=3,
        retry_interval=0.01,
    )
    output = client.run(
        "vidu/reference-to-video-q2",
        {"prompt": "a cat", "images": ["https://example.com/cat.png"]},
        poll_interval=0.01,
        timeout=20,
    )
    assert len(output["outputs"]) == 1
    struck = [h["scenario"] for h in admin(live_server, "GET", "/scenarios")["history"]]
    assert struck == ["http-503;on=poll", "connection-closed;on=poll", "http-502;on=poll"]
    stubborn = wavespeed.Client(
        api_key="sdk-key", base_url=live_server.base_url("wavespeed"), max_connection_retries=0
    )
    admin(live_server, "POST", "/scenarios", json={"scenario": "http-504", "on": "poll"})
    with pytest.raises(RuntimeError, match="HTTP 504"):
        stubborn.run(
            "vidu/reference-to-video-q2",
            {"prompt": "a cat", "images": ["https://example.com/cat.png"]},
            poll_interval=0.01,
            timeout=20,
        )
