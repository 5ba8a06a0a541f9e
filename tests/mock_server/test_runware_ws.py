"""Runware's WebSocket (``ws://<mock>/runware/v1``) over a real uvicorn socket on 127.0.0.1.

A plain `websockets` client speaks the protocol frame by frame: the authentication
handshake and its resume, the SDKs' ping, videoInference acknowledgements,
getResponse polling on the virtual clock, every error as ``{"errors": [...]}``, and
the 120 s idle close. Every answer is validated against the Runware message it
claims to be (notes included: the socket sends no field the schemas do not declare),
and the server itself runs with ``check_responses`` on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_support import mock_config
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

import vidukit
from vidukit.mock_server import create_app
from vidukit.mock_server.providers.runware.websocket import IDLE_SECONDS
from vidukit.mock_server.testing import LiveServer, serving

KEY = "ws-key"
OTHER_KEY = "ws-other-key"
PING = [{"taskType": "ping", "ping": True}]


def uid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def video(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "taskUUID": uid(n),
        "model": "vidu:3@1",
        "positivePrompt": "a kite festival over a windy beach",
        **fields,
    }


def login(key: str = KEY, **fields: Any) -> dict[str, Any]:
    return {"taskType": "authentication", "apiKey": key, **fields}


def poll_of(*numbers: int) -> list[dict[str, Any]]:
    return [{"taskType": "getResponse", "taskUUID": uid(n)} for n in numbers]


def ws_url(live: LiveServer, provider: str = "runware") -> str:
    return live.base_url(provider).replace("http://", "ws://", 1) + "/v1"


def checked(body: Any, message: str) -> Any:
    found = vidukit.validate("runware", message, body)
    assert found == [], f"{message} breaks its schema: {[v.to_dict() for v in found]}\n{body}"
    return body


def ask(ws: ClientConnection, frame: Any, message: str) -> Any:
    """Send one frame (a JSON value, or raw text/bytes) and return its validated answer."""
    ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))
    return checked(json.loads(ws.recv(timeout=5)), message)


def errors(ws: ClientConnection, frame: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ask(ws, frame, "error-response")["errors"]
    return items


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


@pytest.fixture
def session(live_server: LiveServer) -> Iterator[ClientConnection]:
    """An authenticated socket."""
    with connect(ws_url(live_server)) as ws:
        ask(ws, [login()], "submit-response")
        yield ws


def ws_journal(live: LiveServer) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = admin(live, "GET", "/journal?provider=runware")["entries"]
    return [e for e in entries if e["request"]["method"] == "WS"]


# -- the handshake ---------------------------------------------------------------------------


def test_authentication_answers_a_session_uuid_stable_per_key_and_resumable(
    live_server: LiveServer,
) -> None:
    url = ws_url(live_server)
    with connect(url) as first, connect(url) as second, connect(url) as other:
        [item] = ask(first, [login()], "submit-response")["data"]
        assert item["taskType"] == "authentication"
        assert ask(second, [login()], "submit-response")["data"] == [item]
        [foreign] = ask(other, [login(OTHER_KEY)], "submit-response")["data"]
        assert foreign["connectionSessionUUID"] != item["connectionSessionUUID"]
    with connect(url) as again:
        resume = login(connectionSessionUUID=item["connectionSessionUUID"])
        assert ask(again, [resume], "submit-response")["data"] == [item]
        # the resumed connection is authenticated: it can submit at once
        assert ask(again, [video(1)], "submit-response")["data"][0]["taskUUID"] == uid(1)


def test_authentication_and_tasks_may_share_a_frame(live_server: LiveServer) -> None:
    with connect(ws_url(live_server)) as ws:
        data = ask(ws, [login(), video(1)], "submit-response")["data"]
        assert [d["taskType"] for d in data] == ["authentication", "videoInference"]
        ask(ws, poll_of(1), "result-response")  # the frame authenticated the connection


def test_tasks_before_authentication_are_refused_and_the_socket_stays_usable(
    live_server: LiveServer,
) -> None:
    with connect(ws_url(live_server)) as ws:
        for frame in ([video(1)], poll_of(1), []):
            [item] = errors(ws, frame)
            assert (item["code"], item["taskType"], item["parameter"]) == (
                "invalidApiKey",
                "authentication",
                "apiKey",
            )
            assert "first message" in item["message"]
        ask(ws, [login()], "submit-response")
        assert ask(ws, [video(1)], "submit-response")["data"][0]["taskUUID"] == uid(1)
    assert admin(live_server, "GET", "/tasks?provider=runware")["count"] == 1


def test_an_unknown_or_empty_key_is_invalid_api_key_and_leaves_the_socket_unauthenticated() -> None:
    with serving(create_app(mock_config(api_keys=(KEY,)))) as live, connect(ws_url(live)) as ws:
        for frame in ([login("stolen")], [login("")], [{"taskType": "authentication"}]):
            [item] = errors(ws, frame)
            assert (item["code"], item["taskType"]) == ("invalidApiKey", "authentication")
        [item] = errors(ws, [login("stolen"), video(1)])
        assert item["code"] == "invalidApiKey"
        assert errors(ws, poll_of(1))[0]["code"] == "invalidApiKey"
        ask(ws, [login()], "submit-response")
        # a rejected key on an authenticated socket signs it out again
        assert errors(ws, [login("stolen")])[0]["code"] == "invalidApiKey"
        assert "not authenticated" in errors(ws, poll_of(1))[0]["message"]
        assert admin(live, "GET", "/tasks")["count"] == 0


def test_a_malformed_authentication_task_lists_its_violations(live_server: LiveServer) -> None:
    with connect(ws_url(live_server)) as ws:
        bad = login(connectionSessionUUID="not-a-uuid", extra=1)
        found = errors(ws, [bad])
        assert sorted(i["code"] for i in found) == [
            "invalidConnectionSessionUUID",
            "unsupportedParameter",
        ]
        assert {i["taskType"] for i in found} == {"authentication"}
        assert errors(ws, poll_of(1))[0]["code"] == "invalidApiKey", "still unauthenticated"


# -- ping ------------------------------------------------------------------------------------


def test_the_sdk_ping_gets_a_pong_before_and_after_authentication(
    live_server: LiveServer,
) -> None:
    with connect(ws_url(live_server)) as ws:
        assert ask(ws, PING, "submit-response") == {"data": [{"taskType": "ping", "pong": True}]}
        ask(ws, [login()], "submit-response")
        assert ask(ws, PING * 2, "submit-response")["data"] == [
            {"taskType": "ping", "pong": True}
        ] * 2
        # a ping that is not the SDKs' exact shape is judged as a task like any other
        found = errors(ws, [{"taskType": "ping"}])
        assert ("unsupportedTaskType", "ping") in [(i["code"], i.get("taskType")) for i in found]
    methods = [e["request"]["body"] for e in ws_journal(live_server)]
    assert PING not in methods, "pings are not journaled"
    assert len(methods) == 2


# -- videoInference and getResponse ----------------------------------------------------------


def test_submit_and_poll_by_time_to_success(
    live_server: LiveServer, session: ClientConnection
) -> None:
    task = video(1, width=1920, height=1080, duration=8, includeCost=True)
    ack = ask(session, [task], "submit-response")
    assert ack == {"data": [{"taskType": "videoInference", "taskUUID": uid(1)}]}
    seen = []
    for _ in range(20):
        items = ask(session, poll_of(1), "result-response")["data"]
        seen.append(items[0]["status"])
        if seen[-1] != "processing":
            break
        admin(live_server, "POST", "/clock/advance", json={"seconds": 1})
    assert seen[0] == "processing" and seen[-1] == "success" and len(seen) > 2
    done = items[0]
    assert done["cost"] == pytest.approx(0.0688 * 8)
    assert done["videoURL"].startswith(f"{live_server.url}/_mock/media/"), "an http URL"
    media = httpx.get(done["videoURL"], timeout=5)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"
    [stored] = admin(live_server, "GET", "/tasks?provider=runware")["tasks"]
    assert (stored["id"], stored["state"]) == (uid(1), "succeeded")


def test_a_failed_task_polls_as_an_errors_item(
    live_server: LiveServer, session: ClientConnection
) -> None:
    ask(session, [video(1)], "submit-response")
    admin(live_server, "POST", f"/tasks/{uid(1)}/outcome", json={"outcome": "fail:providerError"})
    body = ask(session, poll_of(1), "result-response")
    assert "data" not in body
    [item] = body["errors"]
    assert (item["code"], item["status"], item["taskUUID"]) == ("providerError", "error", uid(1))


def test_the_handshake_headers_steer_the_connections_tasks(live_server: LiveServer) -> None:
    headers = {"X-Mock-Progression": "polls=2", "X-Mock-Outcome": "fail:contentPolicyViolation"}
    with connect(ws_url(live_server), additional_headers=headers) as ws:
        ask(ws, [login(), video(1)], "submit-response")
        assert ask(ws, poll_of(1), "result-response")["data"][0]["status"] == "processing"
        [item] = ask(ws, poll_of(1), "result-response")["errors"]
        assert item["code"] == "contentPolicyViolation"
    with connect(ws_url(live_server), additional_headers={"X-Mock-Outcome": "explode"}) as ws:
        ask(ws, [login()], "submit-response")
        [item] = errors(ws, [video(2)])
        assert "X-Mock-Outcome" in item["message"]


def test_tasks_belong_to_the_key_not_the_connection(live_server: LiveServer) -> None:
    url = ws_url(live_server)
    with connect(url) as ws:
        ask(ws, [login(), video(1)], "submit-response")
    with connect(url) as same_key, connect(url) as other_key:
        ask(same_key, [login()], "submit-response")
        assert ask(same_key, poll_of(1), "result-response")["data"][0]["taskUUID"] == uid(1)
        ask(other_key, [login(OTHER_KEY)], "submit-response")
        [item] = errors(other_key, poll_of(1))
        assert (item["code"], item["taskUUID"]) == ("taskNotFound", uid(1))


# -- errors ----------------------------------------------------------------------------------


def test_an_invalid_submit_lists_every_violation_and_starts_nothing(
    live_server: LiveServer, session: ClientConnection
) -> None:
    found = errors(session, [video(1, duration=10, model="vidu:2@1"), video(2, width=1280)])
    codes = sorted((i["code"], i["taskUUID"]) for i in found)
    assert codes == [
        ("invalidDimensions", uid(2)),
        ("unsupportedDuration", uid(1)),
        ("unsupportedModel", uid(1)),
    ]
    assert admin(live_server, "GET", "/tasks")["count"] == 0


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalidRequestBody"),
        (b"\xff\xfe", "invalidRequestBody"),
        (json.dumps([video(1)]).encode(), None),  # a binary frame holding JSON is read as text
        ('{"taskType": "videoInference"}', "invalidRequestBody"),
        (json.dumps(poll_of(9)), "taskNotFound"),
        (json.dumps([video(1), video(1)]), "conflictTaskUUID"),
        (json.dumps([*poll_of(1), video(2)]), "conflictingTaskTypes"),
        (json.dumps([{"taskType": "imageInference", "taskUUID": uid(3)}]), "unsupportedTaskType"),
    ],
)
def test_bad_frames_get_runware_errors_and_the_socket_stays_open(
    session: ClientConnection, frame: str | bytes, code: str | None
) -> None:
    if code is None:
        assert ask(session, frame, "submit-response")["data"][0]["taskUUID"] == uid(1)
    else:
        assert code in [i["code"] for i in errors(session, frame)]
    assert ask(session, PING, "submit-response")["data"][0]["pong"] is True


def test_an_oversized_frame_is_payload_too_large() -> None:
    with serving(create_app(mock_config(max_body_bytes=2000))) as live, connect(ws_url(live)) as ws:
        ask(ws, [login()], "submit-response")
        [item] = errors(ws, [video(1, positivePrompt="x" * 2500)])
        assert item["code"] == "payloadTooLarge"
        assert ask(ws, [video(1)], "submit-response")["data"][0]["taskUUID"] == uid(1)


# -- idle close ------------------------------------------------------------------------------


def test_the_socket_closes_after_120_s_without_a_frame_on_the_mock_clock(
    live_server: LiveServer, session: ClientConnection
) -> None:
    admin(live_server, "POST", "/clock/advance", json={"seconds": IDLE_SECONDS - 1})
    ask(session, PING, "submit-response")  # any frame counts as activity
    admin(live_server, "POST", "/clock/advance", json={"seconds": IDLE_SECONDS - 1})
    ask(session, PING, "submit-response")
    admin(live_server, "POST", "/clock/advance", json={"seconds": IDLE_SECONDS})
    with pytest.raises(ConnectionClosedOK):
        session.recv(timeout=5)
    assert session.close_code == 1000
    assert session.close_reason == "idle for 120 s"


# -- the journal and paths ----------------------------------------------------------------


def test_the_journal_keeps_each_frame_with_its_verdict_and_no_key(
    live_server: LiveServer,
) -> None:
    with connect(ws_url(live_server)) as ws:
        ask(ws, [login("secret-ws-key"), video(1)], "submit-response")
        errors(ws, [video(2, duration=0)])
        errors(ws, poll_of(3))
    entries = ws_journal(live_server)
    assert "secret-ws-key" not in json.dumps(entries)
    assert [(e["request"]["path"], e["response"]["status"]) for e in entries] == [
        ("/runware/v1", 200),
        ("/runware/v1", 400),
        ("/runware/v1", 404),
    ]
    assert entries[0]["request"]["body"][0]["apiKey"] == "REDACTED"
    assert entries[0]["validation"] == {"valid": True, "violations": []}
    assert entries[1]["validation"]["violations"][0]["rule"] == "duration.minimum"


def test_one_provider_at_the_root_serves_the_socket_at_v1() -> None:
    app = create_app(mock_config(provider="runware"))
    with serving(app) as live, connect(live.url.replace("http://", "ws://") + "/v1") as ws:
        ask(ws, [login(), video(1)], "submit-response")
        done = ask(ws, poll_of(1), "result-response")["data"][0]
        assert done["status"] == "processing"


def test_unknown_socket_paths_are_refused_at_the_handshake(live_server: LiveServer) -> None:
    for path in ("/runware/v2", "/wavespeed/v1", "/nowhere"):
        with pytest.raises(InvalidStatus) as refused:
            connect(live_server.url.replace("http://", "ws://") + path)
        assert refused.value.response.status_code == 403

