"""Progress in task recordings: recorded through the proxy, replayed on the mock's clock.

Vtrix documents ``progress`` (0.0-1.0, "only present when status is in_progress") and
Novita and MyRouter ``task.progress_percent`` (0-100); WaveSpeed and Runware document
none. The source mock (virtual clock) runs one task per provider that queues 3 s and
processes 40 s, so at 13 s and 23 s it is a quarter and half done. A replay of a
recording edited to say "90 % done 2 s into processing" must show 90 % 3 s into
processing, where the mock's own rendering of the same timeline shows under 10 %.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from vidukit.canonical import to_wire
from vidukit.drift.observer import Observer
from vidukit.drift.scrub import Scrubber
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.replay import ReplaySettings
from vidukit.mock_server.testing import serving
from vidukit.providers import provider_ids, spec
from vidukit.proxy import create_proxy_app
from vidukit.recordings.document import Recording, problems
from vidukit.recordings.exchanges import recordings_from

KEY = "replay-progress-key-0001"


def auth(provider: str) -> dict[str, str]:
    """The key in the header the provider's spec names (``Bearer``, ``Token``, ``Key``)."""
    return {"Authorization": spec(provider).surface.authorization(KEY)}

#: Where each provider's docs put progress in a poll answer, and its full scale.
DOCUMENTED = {"vtrix": (("progress",), 1.0),
              "novita": (("task", "progress_percent"), 100.0),
              "myrouter": (("task", "progress_percent"), 100.0)}
CHECKPOINTS = (0.0, 13.0, 23.0, 50.0)
REQUEST = {"images": ["https://example.com/cat.png"], "duration": 5, "resolution": "720p",
           "aspect_ratio": "16:9", "movement_amplitude": "auto", "seed": None,
           "prompt": "progress"}


def shown(provider: str, body: Any) -> float | None:
    """The fraction done *body* shows, read by hand from the documented field."""
    path, scale = DOCUMENTED[provider]
    for key in path:
        if not isinstance(body, dict) or key not in body:
            return None
        body = body[key]
    return float(body) / scale


def poll(http: httpx.Client, provider: str, task_id: str) -> Any:
    call = spec(provider).wire.poll(task_id)
    answer = http.request(call.method, call.path, params=call.params, json=call.json)
    assert answer.status_code == 200, answer.text
    return answer.json()


def submit(http: httpx.Client, provider: str, headers: dict[str, str]) -> str:
    body = to_wire(provider, REQUEST)  # type: ignore[arg-type]
    answer = http.post(spec(provider).wire.submit(body).path, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    task_id = spec(provider).wire.task_id(body, answer.json())
    assert task_id is not None
    return task_id


def test_only_the_providers_that_document_progress_have_a_pointer() -> None:
    assert {p for p in provider_ids() if spec(p).wire.progress is not None} == set(DOCUMENTED)
    for provider in DOCUMENTED:
        source = spec(provider).wire.progress
        assert source is not None and source.source.startswith("https://")


@pytest.fixture(scope="module")
def recorded() -> dict[str, tuple[dict[str, Any], list[tuple[float, float | None]]]]:
    """provider -> (its recording, what the client saw of progress at each checkpoint)."""
    source = create_app(MockConfig(clock="virtual", jitter=0.0))
    clock = source.state.mock.clock
    found = {}
    with serving(source) as live, httpx.Client(base_url=live.url) as admin:
        for provider in provider_ids():
            live.state.reset()
            observer = Observer(provider, clock=clock.monotonic)
            proxy = create_proxy_app(provider, live.base_url(provider), observer)
            seen: list[tuple[float, float | None]] = []
            with serving(proxy) as front, \
                    httpx.Client(base_url=front.url, headers=auth(provider)) as http:
                task_id = submit(http, provider, {"X-Mock-Progression": "time=3,40",
                                                  "X-Mock-Outcome": "succeed"})
                now = 0.0
                for at in CHECKPOINTS:
                    admin.post("/_mock/clock/advance", json={"seconds": at - now})
                    now = at
                    body = poll(http, provider, task_id)
                    seen.append((at, shown(provider, body) if provider in DOCUMENTED else None))
            [document] = recordings_from(observer.exchanges, provider, source="proxy",
                                         tool="test", scrubber=Scrubber([KEY]),
                                         when=datetime(2026, 12, 1, tzinfo=UTC))
            found[provider] = (document, seen)
    return found


@pytest.mark.parametrize("provider", provider_ids())
def test_the_recording_keeps_each_progress_value_the_client_saw(
        provider: str, recorded: dict[str, tuple[dict[str, Any], list[Any]]]) -> None:
    document, seen = recorded[provider]
    assert problems(document) == []
    if provider not in DOCUMENTED:
        assert document["progress"] == []
        assert {s["progress"] for s in document["statuses"]} == {None}
        return
    # Each value as the client read it from the documented field, once per change.
    expected, last = [], None
    for at, value in seen:
        if value is not None and value != last:
            expected.append({"at": at, "value": value})
            last = value
    assert document["progress"] == expected
    assert [p["value"] for p in expected][1:3] == [0.25, 0.5]  # 10/40 and 20/40 s processed
    kept = {p["value"] for p in expected} | {None}
    assert {s["progress"] for s in document["statuses"]} <= kept


@pytest.mark.parametrize("provider", sorted(DOCUMENTED))
def test_a_replay_shows_the_recorded_progress_at_its_offset(
        provider: str, recorded: dict[str, tuple[dict[str, Any], list[Any]]]) -> None:
    document = copy.deepcopy(recorded[provider][0])
    document["name"] = f"edited-{provider}"
    # P: when the recording first saw it processing (where the replay starts processing).
    start = min(s["at"] for s in document["statuses"] if s["rank"] == 1)
    document["progress"] = [{"at": 0.0, "value": 0.0}, {"at": start + 2, "value": 0.9}]
    assert problems(document) == []
    settings = ReplaySettings((Recording(None, document),), match="named")
    app = create_app(MockConfig(clock="virtual", jitter=0.0, replay=settings))
    with serving(app) as live, httpx.Client(base_url=live.base_url(provider),
                                            headers=auth(provider)) as http:
        replayed = submit(http, provider, {"X-Mock-Replay": document["name"]})
        own = submit(http, provider, {"X-Mock-Progression": f"time={start:g},40",
                                      "X-Mock-Replay": "none"})
        httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": start + 1})
        before = shown(provider, poll(http, provider, replayed))
        httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 2.0})
        after = shown(provider, poll(http, provider, replayed))
        default = shown(provider, poll(http, provider, own))
    assert before == 0.0  # the 0 % sample holds until P + 2 s
    assert after == 0.9
    assert default is not None and default < 0.1  # 3 s of 40 processed: the mock's own
