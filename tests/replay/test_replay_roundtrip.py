"""Record through ``vidukit proxy`` against a mock with known timings, replay on the virtual clock.

The source mock runs each task with timings fixed by its headers: task A queues 3 s
and processes 40 s; task B queues 3 s and fails 9 s later (at 12 s) with the
provider's default failure code. The proxy's observer reads the source mock's
virtual clock, so the recorded offsets are exact. A replay mock (no timing headers:
only the recordings decide) must show the client the same status word at every
checkpoint and the same failure code, for every provider.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from vidukit.canonical import to_wire
from vidukit.cli import build_parser
from vidukit.cli.drift_cmd import save_recording
from vidukit.cli.serve_config import build_config
from vidukit.drift.observer import Observer
from vidukit.drift.scrub import Scrubber
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.drift import load_drift_profile
from vidukit.mock_server.replay import ReplaySettings
from vidukit.mock_server.scenarios import parse_scenario_config
from vidukit.mock_server.testing import serving
from vidukit.providers import provider_ids, spec
from vidukit.proxy import create_proxy_app
from vidukit.recordings import load_recordings, write_recording
from vidukit.recordings.exchanges import recordings_from
from vidukit.recordings.summary import scenario_file
from vidukit.validation import validate

KEY = "replay-test-key-0001"


def auth(provider: str) -> dict[str, str]:
    """The key in the header the provider's spec names (``Bearer``, ``Token``, ``Key``)."""
    return {"Authorization": spec(provider).surface.authorization(KEY)}

PROVIDERS = provider_ids()
#: Seconds after the submits at which the client polls both tasks.
CHECKPOINTS = (0.0, 2.999, 3.0, 11.999, 12.0, 42.999, 43.0, 50.0)
#: (progression, outcome) of task A and task B on the source mock.
TIMINGS = (("time=3,40", "succeed"), ("time=3,9", "fail"))
REQUEST = {"images": ["https://example.com/cat.png"], "duration": 5, "resolution": "720p",
           "aspect_ratio": "16:9", "movement_amplitude": "auto", "seed": None}


@dataclass
class Seen:
    """What the client saw of two tasks: (checkpoint, word) each, and B's failure code;
    the word each submit answer showed (None where it shows none), and A's output URL."""

    words: list[list[tuple[float, str | None]]]
    failure: str | None
    submitted: list[str | None]
    output: str | None


def body(provider: str, prompt: str) -> Any:
    return to_wire(provider, {**REQUEST, "prompt": prompt})  # type: ignore[typeddict-item]


def drive(http: httpx.Client, admin: str, provider: str, *, phase: str,
          timed: bool) -> Seen:
    wire = spec(provider).wire
    ids = []
    submitted = []
    for name, (progression, outcome) in zip("AB", TIMINGS, strict=True):
        sent = body(provider, f"{phase} task {name}")
        headers = {"X-Mock-Progression": progression, "X-Mock-Outcome": outcome} if timed else {}
        answer = http.post(wire.submit(sent).path, json=sent, headers=headers)
        assert answer.status_code == 200, answer.text
        task_id = wire.task_id(sent, answer.json())
        assert task_id is not None
        ids.append(task_id)
        submitted.append(wire.status("submit-response", answer.json(), task_id))
    words: list[list[tuple[float, str | None]]] = [[], []]
    last: Any = None
    now = 0.0
    clock = httpx.Client(base_url=admin)
    for at in CHECKPOINTS:
        if at > now:
            clock.post("/_mock/clock/advance", json={"seconds": round(at - now, 3)})
            now = at
        for index, task_id in enumerate(ids):
            call = wire.poll(task_id)
            answer = http.request(call.method, call.path, params=call.params, json=call.json)
            assert answer.status_code == 200, answer.text
            words[index].append((at, wire.status("result-response", answer.json(), task_id)))
            last = answer.json()
    clock.close()
    failure = wire.error_code(last, ids[1])
    # A's output: in its last poll answer, or (a queue API) in the result fetched apart.
    call = wire.poll(ids[0]) if wire.result is None else wire.result(ids[0])
    answer = http.request(call.method, call.path, params=call.params, json=call.json)
    assert answer.status_code == 200, answer.text
    return Seen(words, failure, submitted, wire.output_url(answer.json(), ids[0]))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Seen]]]:
    folder = tmp_path_factory.mktemp("recordings")
    seen: dict[str, Seen] = {}
    source = create_app(MockConfig(clock="virtual", jitter=0.0))
    clock = source.state.mock.clock
    with serving(source) as live:
        for provider in PROVIDERS:
            live.state.reset()
            observer = Observer(provider, clock=clock.monotonic)
            proxy = create_proxy_app(provider, live.base_url(provider), observer)
            with serving(proxy) as front, \
                    httpx.Client(base_url=front.url, headers=auth(provider)) as http:
                seen[provider] = drive(http, live.url, provider, phase="record", timed=True)
            # What `vidukit proxy --record DIR` does on exit (its key learnt from the traffic).
            save_recording(observer, folder, live.base_url(provider), (KEY,), say=lambda _: None,
                           kind="proxy")
    yield folder, seen


def _when() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def replayed(recorded: tuple[Path, dict[str, Seen]]) -> dict[str, Seen]:
    folder, _ = recorded
    settings = ReplaySettings(tuple(load_recordings(folder)))
    app = create_app(MockConfig(clock="virtual", jitter=0.0, replay=settings,
                                check_responses=True))
    seen: dict[str, Seen] = {}
    with serving(app) as live, httpx.Client() as http:
        for provider in PROVIDERS:
            live.state.reset()
            http.base_url = httpx.URL(live.base_url(provider))
            http.headers.update(auth(provider))
            seen[provider] = drive(http, live.url, provider, phase="replay", timed=False)
    return seen


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_recording_holds_the_known_timings(
    provider: str, recorded: tuple[Path, dict[str, Seen]]
) -> None:
    """Each word the client saw change, at the checkpoint it changed; terminal at 43 s / 12 s.

    Where a provider shows one word for queued and processing, the change at 3 s is not
    visible to a client and so not in the recording. The submit answer's word comes first
    where it shows one (at 0 s; a word of its own where the provider has one for a task
    just created). The succeeded task's output URL is the one the client was given, from
    the poll answer or, where that names none, from the result fetched apart.
    """
    folder, seen = recorded
    documents = [r.document for r in load_recordings(folder) if r.provider == provider]
    assert len(documents) == 2
    ranks = spec(provider).wire.ranks
    for document, words, ended, rank, first in zip(
            documents, seen[provider].words, (43.0, 12.0), (2, 3), seen[provider].submitted,
            strict=True):
        polled = [(at, word) for at, word in words]
        if first is not None:
            polled.insert(0, (0.0, first))
        changes = [(at, word) for i, (at, word) in enumerate(polled)
                   if i == 0 or polled[i - 1][1] != word]
        assert [(s["at"], s["status"]) for s in document["statuses"]] == changes
        last = document["statuses"][-1]
        assert (last["at"], ranks[last["status"]]) == (ended, rank)
        if ranks[words[0][1] or ""] == 0:  # the queue is visible: it ends at exactly 3 s
            assert (3.0, 1) in [(s["at"], ranks[s["status"]]) for s in document["statuses"]]
    assert [d["outcome"]["kind"] for d in documents] == ["succeeded", "failed"]
    assert {d["source"] for d in documents} == {"proxy"}
    assert documents[1]["outcome"]["error_code"] is not None
    assert seen[provider].output is not None
    assert documents[0]["output"]["url"] == seen[provider].output
    assert documents[1]["output"] is None
    assert all(KEY not in p.read_text("utf-8") for p in folder.rglob("*.json"))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_replay_shows_the_same_statuses_at_the_same_offsets(
    provider: str, recorded: tuple[Path, dict[str, Seen]], replayed: dict[str, Seen]
) -> None:
    _, original = recorded
    assert replayed[provider].words == original[provider].words
    assert replayed[provider].failure == original[provider].failure is not None


def test_a_named_recording_is_chosen_by_header_and_an_unknown_name_is_refused(
    recorded: tuple[Path, dict[str, Seen]],
) -> None:
    folder, _ = recorded
    provider = PROVIDERS[0]
    recordings = [r for r in load_recordings(folder) if r.provider == provider]
    failing = next(r for r in recordings if r.document["outcome"]["kind"] == "failed")
    app = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                replay=ReplaySettings(tuple(recordings))))
    wire = spec(provider).wire
    sent = body(provider, "named")
    with serving(app) as live, httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        named = http.post(wire.submit(sent).path, json=sent,
                          headers={"X-Mock-Replay": failing.name})
        task_id = wire.task_id(sent, named.json())
        assert task_id is not None
        httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 12})
        call = wire.poll(task_id)
        answer = http.request(call.method, call.path, params=call.params, json=call.json)
        other = body(provider, "unknown name")
        refused = http.post(wire.submit(other).path, json=other,
                            headers={"X-Mock-Replay": "no-such-recording"})
    assert wire.ranks[wire.status("result-response", answer.json(), task_id) or ""] == 3
    assert wire.error_code(answer.json(), task_id) == failing.document["outcome"]["error_code"]
    assert refused.status_code == 400 and "no-such-recording" in refused.text


def test_recordings_from_ignores_a_task_never_polled() -> None:
    assert recordings_from([], PROVIDERS[0], source="proxy", tool="t", scrubber=Scrubber(),
                           when=_when()) == []


def test_a_scenario_file_from_recordings_drives_the_default_progression(
    recorded: tuple[Path, dict[str, Seen]],
) -> None:
    """summarize --scenario-out of the failing recording alone: an untimed task fails at 12 s."""
    folder, original = recorded
    provider = PROVIDERS[-1]
    failing = [r for r in load_recordings(folder)
               if r.provider == provider and r.document["outcome"]["kind"] == "failed"]
    scenarios = parse_scenario_config(scenario_file(failing))
    app = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                scenarios=scenarios, check_responses=True))
    wire = spec(provider).wire
    sent = body(provider, "from the scenario file")
    with serving(app) as live, httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        task_id = wire.task_id(sent, http.post(wire.submit(sent).path, json=sent).json())
        assert task_id is not None
        words = []
        for step in (11.999, 0.001):
            httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": step})
            call = wire.poll(task_id)
            answer = http.request(call.method, call.path, params=call.params, json=call.json)
            words.append(wire.ranks[wire.status("result-response", answer.json(), task_id) or ""])
    assert words == [1, 3]
    assert wire.error_code(answer.json(), task_id) == original[provider].failure


def _rank_at(http: httpx.Client, admin: str, provider: str, task_id: str, seconds: float) -> int:
    wire = spec(provider).wire
    httpx.post(f"{admin}/_mock/clock/advance", json={"seconds": seconds})
    call = wire.poll(task_id)
    answer = http.request(call.method, call.path, params=call.params, json=call.json)
    return wire.ranks[wire.status("result-response", answer.json(), task_id) or ""]


def test_the_replay_scenario_replays_only_the_tasks_that_ask_under_match_named(
    recorded: tuple[Path, dict[str, Seen]],
) -> None:
    folder, _ = recorded
    provider = PROVIDERS[0]
    recordings = tuple(r for r in load_recordings(folder) if r.provider == provider)
    failing = next(r for r in recordings if r.document["outcome"]["kind"] == "failed")
    replaying = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                      progression="time=1,4",
                                      replay=ReplaySettings(recordings, match="named")))
    wire = spec(provider).wire
    asked, plain, unknown = (body(provider, f"scenario {n}") for n in ("a", "b", "c"))
    with serving(replaying) as live, \
            httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        first = http.post(wire.submit(asked).path, json=asked,
                          headers={"X-Mock-Scenario": f"replay;name={failing.name}"})
        second = http.post(wire.submit(plain).path, json=plain)
        refused = http.post(wire.submit(unknown).path, json=unknown,
                            headers={"X-Mock-Scenario": "replay;name=nothing-like-it"})
        ids = [wire.task_id(asked, first.json()), wire.task_id(plain, second.json())]
        # At 5 s the plain task has run its default time=1,4; the replayed one still runs.
        ranks_at_5 = [_rank_at(http, live.url, provider, str(t), 5.0 if i == 0 else 0.0)
                      for i, t in enumerate(ids)]
        rank_at_12 = _rank_at(http, live.url, provider, str(ids[0]), 7.0)
    assert ranks_at_5 == [1, 2] and rank_at_12 == 3
    assert refused.status_code == 400 and "nothing-like-it" in refused.text
    plain_mock = create_app(MockConfig(clock="virtual", provider=provider))
    with serving(plain_mock) as live, \
            httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        without = http.post(wire.submit(unknown).path, json=unknown,
                            headers={"X-Mock-Scenario": "replay"})
    assert without.status_code == 400 and "--replay" in without.text


def test_the_pytest_fixture_takes_a_replay_folder(recorded: tuple[Path, dict[str, Seen]]) -> None:
    from vidukit.contract_tests.pytest_plugin._mock import make_config

    folder, _ = recorded
    config = make_config({"replay": str(folder), "replay_match": "shape", "clock": "virtual"})
    assert config.replay is not None and config.replay.match == "shape"
    assert len(config.replay.recordings) == 2 * len(PROVIDERS)


def _bodies(http: httpx.Client, admin: str, provider: str, task_ids: list[str],
            words: list[dict[str, Any]]) -> None:
    """Poll each task at every checkpoint; keep the first body of each word per task."""
    now = 0.0
    with httpx.Client(base_url=admin) as clock:
        for at in CHECKPOINTS:
            if at > now:
                clock.post("/_mock/clock/advance", json={"seconds": round(at - now, 3)})
                now = at
            _first_bodies(http, provider, task_ids, words)


def _first_bodies(http: httpx.Client, provider: str, task_ids: list[str],
                  words: list[dict[str, Any]]) -> None:
    wire = spec(provider).wire
    for index, task_id in enumerate(task_ids):
        call = wire.poll(task_id)
        answer = http.request(call.method, call.path, params=call.params, json=call.json)
        text = answer.text.replace(task_id, "<task>")
        words[index].setdefault(str(wire.status("result-response", answer.json(), task_id)),
                                (answer.status_code, json.loads(text)))


def test_a_verbatim_replay_reproduces_a_drifted_provider(tmp_path: Path) -> None:
    """A provider that renamed a field: verbatim replays its answers; otherwise they are valid."""
    provider = PROVIDERS[-1]
    wire = spec(provider).wire
    source = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                   drift=load_drift_profile("rename-field")))
    observer = Observer(provider, clock=source.state.mock.clock.monotonic)
    recorded: list[dict[str, Any]] = [{}, {}]
    with serving(source) as live:
        proxy = create_proxy_app(provider, live.url, observer)
        with serving(proxy) as front, \
                httpx.Client(base_url=front.url, headers=auth(provider)) as http:
            ids = []
            for name, (progression, outcome) in zip("AB", TIMINGS, strict=True):
                sent = body(provider, f"drifted {name}")
                answer = http.post(wire.submit(sent).path, json=sent, headers={
                    "X-Mock-Progression": progression, "X-Mock-Outcome": outcome})
                ids.append(str(wire.task_id(sent, answer.json())))
            _bodies(http, live.url, provider, ids, recorded)
    for document in recordings_from(observer.exchanges, provider, source="proxy", tool="test",
                                    scrubber=observer.scrubber, when=_when()):
        write_recording(document, tmp_path)
    recordings = tuple(load_recordings(tmp_path))
    assert all(r.document["final"]["breaks"] for r in recordings)  # the drift was recorded

    replays: dict[bool, list[dict[str, Any]]] = {}
    for verbatim in (True, False):
        app = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                    replay=ReplaySettings(recordings, verbatim=verbatim)))
        replays[verbatim] = [{}, {}]
        with serving(app) as live, httpx.Client(base_url=live.url, headers=auth(provider)) as http:
            ids = []
            for name in "AB":
                sent = body(provider, f"replayed {name} {verbatim}")
                ids.append(str(wire.task_id(sent, http.post(wire.submit(sent).path,
                                                             json=sent).json())))
            _bodies(http, live.url, provider, ids, replays[verbatim])
            view = httpx.get(f"{live.url}/_mock/scenarios").json()["replay"]
        assert all(any("broke rule" in n for n in r["notes"]) for r in view["recordings"])
    assert replays[True] == recorded
    for per_task in replays[False]:
        for status, answer in per_task.values():
            found = validate(provider, "result-response", answer, notes=False)
            assert status == 200 and [v for v in found if v.severity == "error"] == []


def test_serve_replay_on_the_real_clock_keeps_the_offsets_within_a_poll_interval(
    recorded: tuple[Path, dict[str, Seen]], tmp_path: Path
) -> None:
    """``vidukit serve --replay DIR --replay-speed 10``: the failing task's 3 s and 12 s land at
    0.3 s and 1.2 s of real time, each seen within one poll interval (plus a load margin)."""
    folder, _ = recorded
    provider = PROVIDERS[0]
    failing = next(r for r in load_recordings(folder) if r.provider == provider
                   and r.document["outcome"]["kind"] == "failed")
    write_recording(failing.document, tmp_path)
    args = build_parser().parse_args(["serve", "--provider", provider, "--replay", str(tmp_path),
                                      "--replay-speed", "10", "--jitter", "0"])
    wire = spec(provider).wire
    interval, margin = 0.02, 0.5
    sent = body(provider, "real clock")
    first_seen: dict[int, float] = {}
    with serving(create_app(build_config(args))) as live, \
            httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        started = time.monotonic()
        task_id = wire.task_id(sent, http.post(wire.submit(sent).path, json=sent).json())
        assert task_id is not None
        while 3 not in first_seen and time.monotonic() - started < 5:
            call = wire.poll(task_id)
            answer = http.request(call.method, call.path, params=call.params, json=call.json)
            rank = wire.ranks[wire.status("result-response", answer.json(), task_id) or ""]
            first_seen.setdefault(rank, time.monotonic() - started)
            time.sleep(interval)
    recorded_at = {int(s["rank"]): float(s["at"]) / 10 for s in failing.document["statuses"]}
    for rank in (1, 3):
        assert recorded_at[rank] - 0.01 <= first_seen[rank] <= recorded_at[rank] + interval + margin


def test_a_replayed_task_serves_an_output_of_the_recorded_shape(
    recorded: tuple[Path, dict[str, Seen]], tmp_path: Path
) -> None:
    """The recorded output was 320x180 and 1 s long: the replay's file is too, whatever
    the request asked for (720p, 5 s)."""
    folder, _ = recorded
    provider = PROVIDERS[-1]
    success = next(r for r in load_recordings(folder) if r.provider == provider
                   and r.document["outcome"]["kind"] == "succeeded")
    document = {**success.document, "output": {"url": None, "width": 320, "height": 180,
                                               "duration": 1.0, "size": None}}
    write_recording(document, tmp_path)
    app = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider,
                                replay=ReplaySettings(tuple(load_recordings(tmp_path)))))
    wire = spec(provider).wire
    sent = body(provider, "shape")
    with serving(app) as live, httpx.Client(base_url=live.url, headers=auth(provider)) as http:
        task_id = wire.task_id(sent, http.post(wire.submit(sent).path, json=sent).json())
        assert task_id is not None
        httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 43})
        call = wire.poll(task_id)
        answer = http.request(call.method, call.path, params=call.params, json=call.json)
        url = wire.output_url(answer.json(), task_id)
        assert url is not None
        content = httpx.get(url).content
    with av.open(io.BytesIO(content)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 180)
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(1.0, abs=0.05)


def test_an_http_error_on_a_poll_is_recorded_with_its_offset() -> None:
    """A 503 on the first poll (a scenario on the source) lands in ``errors``, not the timeline."""
    provider = PROVIDERS[0]
    wire = spec(provider).wire
    source = create_app(MockConfig(clock="virtual", jitter=0.0, provider=provider))
    observer = Observer(provider, clock=source.state.mock.clock.monotonic)
    sent = body(provider, "an error")
    with serving(source) as live:
        proxy = create_proxy_app(provider, live.url, observer)
        with serving(proxy) as front, \
                httpx.Client(base_url=front.url, headers=auth(provider)) as http:
            answer = http.post(wire.submit(sent).path, json=sent, headers={
                "X-Mock-Scenario": "http-503;on=poll;times=1", "X-Mock-Progression": "time=0,2"})
            task_id = wire.task_id(sent, answer.json())
            assert task_id is not None
            call = wire.poll(task_id)
            statuses = [http.request(call.method, call.path, params=call.params,
                                     json=call.json).status_code]
            httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 2})
            statuses.append(http.request(call.method, call.path, params=call.params,
                                         json=call.json).status_code)
    assert statuses == [503, 200]
    (document,) = recordings_from(observer.exchanges, provider, source="proxy", tool="test",
                                  scrubber=observer.scrubber, when=_when())
    assert [(e["at"], e["http_status"]) for e in document["errors"]] == [(0.0, 503)]
    assert document["outcome"] == {"kind": "succeeded", "at": 2.0, "error_code": None}
