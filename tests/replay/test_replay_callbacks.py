"""Callbacks in task recordings: recorded by the mock and by the probe, replayed on the mock.

The source mock (virtual clock) runs two tasks per provider that takes a callback URL,
both queueing 3 s and processing 40 s (so each ends at 43 s): A's callback is delayed
7 s (``X-Mock-Webhook: delay=7``, what the ``webhook-late`` scenario does), so it is
sent at 50 s; B's is ``lost``. The recordings must say so, and a replay mock (no timing
or webhook headers: only the recordings decide) must call a new task's URL at exactly
50 s (not at 49.9) for A, and never for B.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from vidukit.canonical import to_wire
from vidukit.cli import main
from vidukit.drift.callbacks import CallbackReceiver
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.drift import builtin
from vidukit.mock_server.replay import ReplaySettings, callback_quirk
from vidukit.mock_server.testing import serving
from vidukit.mock_server.webhooks import DEFAULT_SECRET
from vidukit.providers import provider_ids, spec
from vidukit.recordings import load_recordings, write_recording
from vidukit.recordings.document import Recording, problems

KEY = "replay-callbacks-key-0001"


def auth(provider: str) -> dict[str, str]:
    """The key in the header the provider's spec names (``Bearer``, ``Token``, ``Key``)."""
    return {"Authorization": spec(provider).surface.authorization(KEY)}

#: Every provider that takes a callback URL (its spec's ``webhook``).
HOOKED = tuple(p for p in provider_ids() if spec(p).webhook is not None)
TIMING = {"X-Mock-Progression": "time=3,40", "X-Mock-Outcome": "succeed"}
END = 43.0
DELAY = 7.0
REQUEST = {"images": ["https://example.com/cat.png"], "duration": 5, "resolution": "720p",
           "aspect_ratio": "16:9", "movement_amplitude": "auto", "seed": None}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def submit(http: httpx.Client, base: str, provider: str, task: str, hook: str,
           headers: dict[str, str]) -> str:
    body = to_wire(provider, {**REQUEST, "prompt": f"shot {task}"})  # type: ignore[typeddict-item]
    webhook = spec(provider).webhook
    assert webhook is not None
    placed, query = webhook(body, hook)
    call = spec(provider).wire.submit(placed)
    params = {**(call.params or {}), **dict(query or {})}
    answer = http.post(base + call.path, json=placed, params=params,
                       headers={**auth(provider), **headers})
    assert answer.status_code == 200, answer.text
    task_id = spec(provider).wire.task_id(placed, answer.json())
    assert task_id is not None
    return task_id


def advance(http: httpx.Client, admin: str, seconds: float) -> None:
    answer = http.post(f"{admin}/_mock/clock/advance", json={"seconds": seconds})
    assert answer.status_code == 200, answer.text


def came(receiver: CallbackReceiver, path: str) -> int:
    return sum(1 for a in receiver.arrivals if a.path == path)


def by_task(folder: Path) -> dict[str, dict[str, Any]]:
    """Task letter -> its recording (the letter is in the recorded prompt)."""
    found = {}
    for recording in load_recordings(folder):
        text = json.dumps(recording.document["submit"]["body"])
        found["A" if "shot A" in text else "B"] = dict(recording.document)
    return found


@dataclass
class Source:
    folder: Path
    hooks: str
    #: provider -> task letter -> its recording as it stood at 45 s (A's callback pending).
    early: dict[str, dict[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver(free_port()) as running:
        yield running


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, receiver: CallbackReceiver) -> Source:
    folder = tmp_path_factory.mktemp("recordings")
    app = create_app(MockConfig(clock="virtual", jitter=0.0, record_tasks=str(folder),
                                webhook_targets="loopback"))
    hooks = f"http://127.0.0.1:{receiver.port}"
    early = {}
    with serving(app) as live, httpx.Client(timeout=10) as http:
        for provider in HOOKED:
            live.state.reset()
            submit(http, live.base_url(provider), provider, "A", f"{hooks}/src/{provider}/A",
                   {**TIMING, "X-Mock-Webhook": f"delay={DELAY:g}"})
            submit(http, live.base_url(provider), provider, "B", f"{hooks}/src/{provider}/B",
                   {**TIMING, "X-Mock-Webhook": "lost"})
            advance(http, live.url, END + 2)  # both ended at 43 s; A's callback is due at 50 s
            early[provider] = by_task(folder / provider)
            advance(http, live.url, 20)
    return Source(folder, hooks, early)


@pytest.mark.parametrize("provider", HOOKED)
def test_the_mock_records_each_delivery_when_it_settles(provider: str, source: Source,
                                                        receiver: CallbackReceiver) -> None:
    early, final = source.early[provider], by_task(source.folder / provider)
    # A provider may call back more than once per task (on each state change): every
    # callback the receiver got for A is one entry, in the order they came.
    got = [a for a in receiver.arrivals if a.path == f"/src/{provider}/A"]
    assert got
    # At 45 s A's callbacks are still pending (not in the file); B's were lost at once.
    assert early["A"]["webhooks"] == []
    lost = early["B"]["webhooks"]
    assert [(e["at"], e["fate"], e["options"], e["attempt"]) for e in lost] == \
        [(None, "lost", "lost", None)] * len(got)
    # At 65 s A's file has been rewritten with its attempts, each at 43 + 7 s.
    sent = final["A"]["webhooks"]
    assert [(e["at"], e["fate"], e["http_status"], e["kind"], e["attempt"]) for e in sent] == \
        [(END + DELAY, "delivered", 200, "first", 1)] * len(got)
    assert all(e["late"] is True and e["options"] == "delay=7" for e in sent)
    assert final["A"]["version"] == 2 and final["A"]["outcome"]["at"] == END
    # The digests are the bodies the receiver got; the last callback carries the final word.
    assert sorted(e["sha256"] for e in sent) == \
        sorted(hashlib.sha256(a.body).hexdigest() for a in got)
    assert sent[-1]["status"] == final["A"]["statuses"][-1]["status"]
    assert all((e["signature"] is None) == (spec(provider).signing is None) for e in sent)
    # The callback URL is never in a file.
    for path in (source.folder / provider).rglob("*.json"):
        assert source.hooks not in path.read_text("utf-8")
    assert came(receiver, f"/src/{provider}/B") == 0


@pytest.mark.parametrize("provider", HOOKED)
def test_a_replay_calls_back_at_the_recorded_offset_or_never(
        provider: str, source: Source, receiver: CallbackReceiver) -> None:
    recordings = tuple(load_recordings(source.folder / provider))
    names = {letter: doc["name"] for letter, doc in by_task(source.folder / provider).items()}
    app = create_app(MockConfig(clock="virtual", jitter=0.0, webhook_targets="loopback",
                                replay=ReplaySettings(recordings, match="named")))
    hooks = f"http://127.0.0.1:{receiver.port}/replay/{provider}"
    with serving(app) as live, httpx.Client(timeout=10) as http:
        base = live.base_url(provider)
        for letter in "AB":
            submit(http, base, provider, letter, f"{hooks}/{letter}",
                   {"X-Mock-Replay": names[letter]})
        # Not replayed: the same task calls back when it ends (the mock's default timing).
        submit(http, base, provider, "C", f"{hooks}/C", {**TIMING, "X-Mock-Replay": "none"})
        # Each task's callbacks, as many as the source sent for one (one per state change
        # where the provider calls on each).
        each = came(receiver, f"/src/{provider}/A")
        advance(http, live.url, END + DELAY - 0.1)
        assert [came(receiver, f"/replay/{provider}/{x}") for x in "ABC"] == [0, 0, each]
        advance(http, live.url, 0.1)
        assert [came(receiver, f"/replay/{provider}/{x}") for x in "ABC"] == [each, 0, each]
        advance(http, live.url, 600)
        assert [came(receiver, f"/replay/{provider}/{x}") for x in "ABC"] == [each, 0, each]
        journal = http.get(f"{live.url}/_mock/webhooks").json()["deliveries"]
    assert sorted(d["state"] for d in journal) == ["delivered"] * 2 * each + ["lost"] * each
    view = {r["name"]: r["webhook"] for r in app.state.mock.replayer.view()["recordings"]}
    assert view == {names["A"]: "delay=7.0", names["B"]: "lost"}


# --------------------------------------------------------------------- drift --record


def drift_record(provider: str, app: Any, tmp: Path, monkeypatch: pytest.MonkeyPatch,
                 wait: str) -> tuple[dict[str, Any], str]:
    """``drift --webhook-url ... --record`` against *app*; its task recording and public URL."""
    monkeypatch.setenv(spec(provider).key_env, KEY)
    port = free_port()
    public = f"http://127.0.0.1:{port}/hooks/drift?token=t0k3n"
    with serving(app) as live:
        main(["drift", "--provider", provider, "--base-url", live.base_url(provider),
              "--poll-interval", "0.01", "--timeout", "30", "--allow-unpriced",
              "--webhook-url", public, "--webhook-port", str(port), "--webhook-wait", wait,
              "--format", "json", "--output", str(tmp / "report.json"),
              "--record", str(tmp / "rec")])
    [recording] = load_recordings(tmp / "rec")
    return dict(recording.document), public


#: Providers that sign their callbacks (their spec's ``signing``) with a key the probe
#: has without ``--webhook-secret-env``: a secret it fetches with the API key
#: (``secret_path``), or the API key itself (``key == "api-key"``, signed over the URL).
SIGNED = tuple(p for p in HOOKED if (signing := spec(p).signing) is not None
               and (signing.secret_path is not None or signing.key == "api-key"))


@pytest.mark.parametrize("provider", SIGNED)
def test_drift_records_the_callback_it_received_scrubbed_with_its_verdict(
        provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(MockConfig(progression="polls=3"))
    document, public = drift_record(provider, app, tmp_path, monkeypatch, "10")
    # One entry per callback the provider sends (some call on each state change); the
    # last one is the finished task's.
    entry = document["webhooks"][-1]
    # The mock signs with its test secret (fetched by the probe) or the task's API key
    # (over the URL it called): verified valid, every one.
    assert {(e["fate"], e["http_status"], e["signature"]) for e in document["webhooks"]} == \
        {("delivered", 200, "valid")}
    assert entry["at"] >= document["outcome"]["at"] and isinstance(entry["body"], dict)
    assert entry["status"] in (None, document["statuses"][-1]["status"])  # where the wire reads it
    # No key, no secret, no public URL (nor its token) reaches any file.
    for path in (tmp_path / "rec").rglob("*.json"):
        text = path.read_text("utf-8")
        for secret in (KEY, DEFAULT_SECRET, "t0k3n", public.split("?")[0]):
            assert secret not in text, (path.name, secret)
    # The replay of it calls back T seconds after the task's end: T as the first one came.
    first = min(e["at"] for e in document["webhooks"])
    after = round(first - document["outcome"]["at"], 3)
    loaded = load_recordings(tmp_path / "rec")[0]
    assert callback_quirk(loaded, 1.0) == (f"delay={after}" if after > 0 else "")


def test_drift_records_a_callback_that_never_came_as_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(MockConfig(progression="polls=3", drift=builtin("drop-callbacks")))
    document, _ = drift_record(HOOKED[0], app, tmp_path, monkeypatch, "0.3")
    assert document["webhooks"] == [{"at": None, "fate": "lost", "http_status": None,
                                     "late": False}]
    assert callback_quirk(load_recordings(tmp_path / "rec")[0], 1.0) == "lost"


# --------------------------------------------------------------------- the format


def test_version_1_recordings_still_load_and_replay_without_callbacks(
        source: Source, tmp_path: Path) -> None:
    document = by_task(source.folder / HOOKED[0])["A"]
    old = {**document, "version": 1, "name": "old-one",
           "webhooks": [{"at": 50.0, "status": "completed", "body": {}}]}
    assert problems(old) == []  # a v1 entry (at, status, body) is still valid
    write_recording(old, tmp_path)
    [loaded] = load_recordings(tmp_path)
    assert loaded.document["version"] == 1
    assert callback_quirk(loaded, 2.0) == f"delay={(50.0 - END) / 2}"
    assert problems({**document, "version": 3}) != []
    assert problems({**document, "webhooks": [{"at": 1.0, "fate": "maybe"}]}) != []


def test_a_retried_callback_replays_at_the_attempt_that_was_delivered(source: Source) -> None:
    document = by_task(source.folder / HOOKED[0])["A"]  # ended at 43 s
    retried = [{"at": 44.0, "fate": "failed", "http_status": 500},
               {"at": 49.0, "fate": "delivered", "http_status": 200}]
    assert callback_quirk(Recording(None, {**document, "webhooks": retried}), 1.0) == "delay=6.0"
    assert callback_quirk(Recording(None, {**document, "webhooks": retried}), 2.0) == "delay=3.0"
    gave_up = [{**e, "fate": "failed", "http_status": 500} for e in retried]
    assert callback_quirk(Recording(None, {**document, "webhooks": gave_up}), 1.0) == "delay=1.0"
    on_time = [{"at": END, "fate": "delivered"}]
    assert callback_quirk(Recording(None, {**document, "webhooks": on_time}), 1.0) == ""
    assert callback_quirk(Recording(None, {**document, "webhooks": []}), 1.0) is None
