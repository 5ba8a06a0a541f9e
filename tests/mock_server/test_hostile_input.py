"""Hostile input against a real uvicorn socket: refused early, answered in shape, nobody stalled.

Issue 7: bodies over the documented limit are refused before they are read
whole; deeply nested or huge JSON, invalid UTF-8 and slowloris-style slow
clients get a provider-shaped 4xx (never a 5xx) and do not hold up anyone
else. Attacks httpx cannot express go over raw sockets (hostile_support).
Every deadline here is a bound for a failure (a server that waits for bytes
that never come), never a speed claim.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from hostile_support import (
    DEADLINE,
    TARGETS,
    RawConnection,
    Target,
    chunk,
    request_head,
    send_until_refused,
)
from mock_support import assert_valid, mock_config

from vidukit.mock_server import create_app
from vidukit.mock_server.config import DEFAULT_MAX_BODY_BYTES
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.validation import validator

PROVIDERS = list(TARGETS)
HEADERS = {"Authorization": "Bearer hostile-key", "Content-Type": "application/json"}
#: A small cap for the streaming tests, so going past it costs little.
SMALL_LIMIT = 256 * 1024
PIECE = 16 * 1024
#: Largest answer we accept to any single request: an answer must not grow with the attack.
RESPONSE_CAP = 256 * 1024


@pytest.fixture(scope="module")
def documented() -> Iterator[LiveServer]:
    """The mock as shipped: the documented 20 MiB body cap (Vtrix's; others are silent)."""
    with serving(create_app(mock_config())) as server:
        yield server


@pytest.fixture(scope="module")
def small() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(max_body_bytes=SMALL_LIMIT))) as server:
        yield server


def post(live: LiveServer, target: Target, content: bytes) -> httpx.Response:
    return httpx.post(live.url + target.submit, content=content, headers=HEADERS, timeout=DEADLINE)


def assert_refused(target: Target, response: httpx.Response, status: int = 400) -> None:
    """A provider-shaped 4xx: the given status, a body valid as the provider's error-response."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert_valid(target.provider, "error-response", response.json())


def assert_normal_submit_works(live: LiveServer, target: Target) -> None:
    response = post(live, target, json.dumps(target.body()).encode())
    assert response.status_code == 200, response.text[:500]
    assert_valid(target.provider, "submit-response", response.json())


# -- 1. a declared Content-Length over the cap ---------------------------------------------


@pytest.mark.parametrize("declared", [DEFAULT_MAX_BODY_BYTES + 1, 10**15])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_declared_length_over_the_limit_is_refused_from_the_headers_alone(
    documented: LiveServer, provider: str, declared: int
) -> None:
    """Only the head is sent: an answer at all proves the server did not wait for the body."""
    target = TARGETS[provider]
    with RawConnection(documented) as conn:
        conn.send(request_head("POST", target.submit, {**HEADERS, "Content-Length": str(declared)}))
        answer = conn.response()
    assert answer.status == target.oversize_status, answer
    body = answer.json()
    assert_valid(provider, "error-response", body)
    assert str(DEFAULT_MAX_BODY_BYTES) in answer.body.decode(), "the answer names the limit"
    if provider == "vtrix":
        assert [d["rule"] for d in body["details"]] == ["body-size"]


# -- 2. a chunked body that keeps going past the cap ---------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_chunked_body_past_the_limit_is_refused_before_it_ends(
    small: LiveServer, provider: str
) -> None:
    """No Content-Length: the server counts as it reads and answers once past the cap.

    The client sends one piece beyond the cap and then stops, without the final
    chunk: a server that waited for the end of the body would never answer.
    """
    target = TARGETS[provider]
    pieces = SMALL_LIMIT // PIECE + 1
    with RawConnection(small) as conn:
        conn.send(request_head("POST", target.submit, {**HEADERS, "Transfer-Encoding": "chunked"}))
        sent = send_until_refused(conn, pieces, lambda i: chunk(b" " * PIECE))
        assert sent * PIECE > SMALL_LIMIT - PIECE, f"answered after only {sent} pieces"
        answer = conn.response()
        assert answer.status == target.oversize_status, answer
        assert_valid(provider, "error-response", answer.json())
        # The rest of a 1 MiB flood: the server may drain or drop it, but must stay up.
        send_until_refused(conn, (1024 * 1024) // PIECE, lambda i: chunk(b" " * PIECE))
    assert_normal_submit_works(small, target)


def test_a_client_that_writes_its_whole_oversized_body_first_still_reads_the_413(
    small: LiveServer,
) -> None:
    """What ordinary clients do: write the body, then read. A server that hung up on them
    would show a reset instead of the refusal, so a body a little over the cap is drained."""
    target = TARGETS["wavespeed"]
    body = json.dumps(target.with_prompt("p" * (SMALL_LIMIT + 1024))).encode()
    response = post(small, target, body)
    assert response.status_code == 413, response.text[:300]
    assert_valid("wavespeed", "error-response", response.json())
    assert response.headers.get("connection") != "close"


def test_the_server_hangs_up_on_a_body_declared_far_over_the_limit(small: LiveServer) -> None:
    """Declared 10**15 bytes: refused from the head, and the connection is closed rather
    than read for ever."""
    target = TARGETS["wavespeed"]
    flood = 4 * 1024 * 1024 // PIECE
    with RawConnection(small) as conn:
        conn.send(request_head("POST", target.submit, {**HEADERS, "Content-Length": str(10**15)}))
        answer = conn.response()
        assert answer.status == 413
        assert answer.headers.get("connection") == "close"
        sent = send_until_refused(conn, flood, lambda i: b" " * PIECE)
        assert sent < flood or conn.closed_by_server(), (
            "the connection stayed open, the server reading the flood it already refused"
        )


def test_a_chunked_flood_after_the_413_does_not_stall_other_clients(small: LiveServer) -> None:
    """A chunked body has no declared end: after the 413 the server drops what follows,
    and serves everyone else meanwhile."""
    target = TARGETS["wavespeed"]
    with RawConnection(small) as conn:
        conn.send(request_head("POST", target.submit, {**HEADERS, "Transfer-Encoding": "chunked"}))
        send_until_refused(conn, SMALL_LIMIT // PIECE + 1, lambda i: chunk(b" " * PIECE))
        assert conn.response().status == 413
        for _ in range(4):
            send_until_refused(conn, 1024 * 1024 // PIECE, lambda i: chunk(b" " * PIECE))
            assert_normal_submit_works(small, target)


# -- 3. deeply nested JSON -----------------------------------------------------------------


def nested(depth: int) -> Any:
    return json.loads("[" * depth + "]" * depth)


def deep_bodies(target: Target) -> dict[str, bytes]:
    limit = sys.getrecursionlimit()
    return {
        "100k-open-brackets": b"[" * 100_000,
        "100k-nested-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "just-under-recursion-limit": b"[" * (limit - 5) + b"]" * (limit - 5),
        "just-over-recursion-limit": b"[" * (limit + 5) + b"]" * (limit + 5),
        "300-deep-whole-body": b"[" * 300 + b"]" * 300,
        "300-deep-in-the-prompt": json.dumps(target.with_prompt(nested(300))).encode(),
        "300-deep-undeclared-field": json.dumps(target.with_extra("x", nested(300))).encode(),
        "100-deep-in-the-prompt": json.dumps(target.with_prompt(nested(100))).encode(),
    }


SHAPES = list(deep_bodies(TARGETS["wavespeed"]))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_deeply_nested_json_gets_a_provider_shaped_400(
    documented: LiveServer, provider: str, shape: str
) -> None:
    target = TARGETS[provider]
    assert_refused(target, post(documented, target, deep_bodies(target)[shape]))


def test_deep_nesting_does_not_disturb_concurrent_clients(documented: LiveServer) -> None:
    """Normal submits to every provider succeed while deep bodies are parsed beside them."""
    target = TARGETS["wavespeed"]
    bodies = list(deep_bodies(target).values())
    with ThreadPoolExecutor(max_workers=8) as pool:
        attacks = [pool.submit(post, documented, target, body) for body in bodies * 2]
        normal = [pool.submit(assert_normal_submit_works, documented, t) for t in TARGETS.values()]
        for future in normal:
            future.result(timeout=DEADLINE)
        answered = [f.result(timeout=DEADLINE).status_code for f in attacks]
    # Each attack got an answer of its own (whether it is a 400 is the test above's business).
    assert len(answered) == len(attacks)


# -- 4. huge JSON within the cap -----------------------------------------------------------


def huge_bodies(target: Target) -> dict[str, bytes]:
    return {
        "2-MiB-prompt": json.dumps(target.with_prompt("x" * (2 * 1024 * 1024))).encode(),
        "100k-item-array-as-prompt": json.dumps(
            target.with_prompt(["https://example.com/a.png"] * 100_000)
        ).encode(),
        "100k-undeclared-keys": json.dumps(_with_keys(target, 100_000)).encode(),
        "20k-small-objects-as-body": json.dumps([{"a": i} for i in range(20_000)]).encode(),
    }


def _with_keys(target: Target, count: int) -> Any:
    body = target.body()
    holder = body
    for step in target.prompt_at[:-1]:
        holder = holder[step]
    holder.update({f"k{i}": i for i in range(count)})
    return body


@pytest.mark.parametrize("case", list(huge_bodies(TARGETS["wavespeed"])))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_huge_json_within_the_limit_gets_a_bounded_answer(
    documented: LiveServer, provider: str, case: str
) -> None:
    """Accepted if valid, else a 400 in the provider's shape; the answer does not grow with it.

    Listing every violation of a body made of 100k mistakes makes the answer
    a multiple of the request (amplification) and the work to build it
    stalls the event loop for everyone; the answer must stay under
    RESPONSE_CAP whatever the body.
    """
    target = TARGETS[provider]
    body = huge_bodies(target)[case]
    response = post(documented, target, body)
    if validator(provider, "submit-request").is_valid(json.loads(body)):
        assert response.status_code == 200, response.text[:500]  # WaveSpeed: prompt unbounded
    else:
        assert_refused(target, response)
    assert len(response.content) <= RESPONSE_CAP, (
        f"{len(response.content)} bytes answered to a {case} body"
    )


# -- 5. invalid UTF-8 ----------------------------------------------------------------------

BAD_TEXT = {
    "raw-ff-fe": b"\xff\xfe",
    "overlong-slash": b"\xc0\xaf",
    "truncated-euro": b"\xe2\x82",
    "encoded-surrogate": b"\xed\xa0\x80",
    "escaped-lone-high-surrogate": b"\\ud800",
    "escaped-lone-low-surrogate": b"\\udfff",
}


def with_bad_text(target: Target, bad: bytes, where: str) -> bytes:
    marker = "MARKER-7f3a"
    body = target.with_prompt(marker) if where == "value" else target.with_extra(marker, 1)
    return json.dumps(body).encode().replace(marker.encode(), b"a" + bad + b"b")


@pytest.mark.parametrize("where", ["value", "key"])
@pytest.mark.parametrize("bad", list(BAD_TEXT))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_body_that_is_not_utf8_gets_a_provider_shaped_400(
    documented: LiveServer, provider: str, bad: str, where: str
) -> None:
    target = TARGETS[provider]
    assert_refused(target, post(documented, target, with_bad_text(target, BAD_TEXT[bad], where)))


@pytest.mark.parametrize(
    "header", ["Authorization", "Content-Type", "X-Mock-Progression", "X-Mock-Scenario", "Host"]
)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_header_value_that_is_not_utf8_gets_no_5xx(
    documented: LiveServer, provider: str, header: str
) -> None:
    target = TARGETS[provider]
    body = json.dumps(target.body()).encode()
    headers: dict[str, bytes | str] = {**HEADERS, "Content-Length": str(len(body))}
    base = headers.get(header, b"")
    headers[header] = (base.encode() if isinstance(base, str) else base) + b"\xff\xfe"
    with RawConnection(documented) as conn:
        conn.send(request_head("POST", target.submit, headers) + body)
        answer = conn.response()
    assert answer.status < 500, answer
    assert_valid(provider, "error-response" if answer.status >= 400 else "submit-response",
                 answer.json())


@pytest.mark.parametrize("provider", [p for p in PROVIDERS if TARGETS[p].poll])
def test_percent_encoded_invalid_utf8_in_path_or_query_gets_a_provider_shaped_4xx(
    documented: LiveServer, provider: str
) -> None:
    target = TARGETS[provider]
    assert target.poll is not None
    path = target.poll.format(id="%ff%fe%c0%af") + ("&x=%ff" if "?" in target.poll else "?x=%ff")
    with RawConnection(documented) as conn:
        conn.send(request_head("GET", path, {"Authorization": HEADERS["Authorization"]}))
        answer = conn.response()
    assert 400 <= answer.status < 500, answer
    assert_valid(provider, "error-response", answer.json())


def test_raw_invalid_utf8_in_the_request_line_is_refused_by_the_server(
    documented: LiveServer,
) -> None:
    """Bytes no client may put in a request target: uvicorn's parser refuses them with a
    plain 400 before the app runs (so not provider-shaped), then closes; no 5xx."""
    with RawConnection(documented) as conn:
        conn.send(request_head("GET", b"/wavespeed/api/v3/predictions/\xff\xfe/result", HEADERS))
        answer = conn.response()
        assert answer.status == 400, answer
        assert conn.closed_by_server()
    assert_normal_submit_works(documented, TARGETS["wavespeed"])


# -- 6. slowloris --------------------------------------------------------------------------


class Trickler:
    """Slow clients: each round sends one more byte on every connection, until stopped."""

    def __init__(self, live: LiveServer, streams: list[bytes], interval: float = 0.02) -> None:
        self.conns = [RawConnection(live) for _ in streams]
        self.streams = streams
        self.interval = interval
        self.sent = [0] * len(streams)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trickler", daemon=True)

    def __enter__(self) -> Trickler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=DEADLINE)
        for conn in self.conns:
            conn.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for i, conn in enumerate(self.conns):
                if self.sent[i] < len(self.streams[i]):
                    conn.send(self.streams[i][self.sent[i] : self.sent[i] + 1])
                    self.sent[i] += 1

    def unanswered(self) -> int:
        return sum(not conn.answered() for conn in self.conns)


def slow_streams(target: Target) -> list[bytes]:
    body = json.dumps(target.body()).encode()
    submit = request_head("POST", target.submit, {**HEADERS, "X-Padding": "p" * 4000})
    by_length = request_head("POST", target.submit, {**HEADERS, "Content-Length": "100000"})
    chunked = request_head("POST", target.submit, {**HEADERS, "Transfer-Encoding": "chunked"})
    return (
        [submit] * 20  # headers, one byte at a time (never finished within the test)
        + [by_length + body + b" " * 100_000] * 10  # a declared body, one byte at a time
        + [chunked + b"".join(chunk(bytes([c])) for c in body)] * 5  # one-byte chunks
    )


def full_lifecycle(live: LiveServer) -> None:
    """A normal client: submit, let the virtual clock run, poll until the video is ready."""
    target = TARGETS["wavespeed"]
    with httpx.Client(base_url=live.url, headers=HEADERS, timeout=DEADLINE) as client:
        submitted = client.post(target.submit, content=json.dumps(target.body()))
        assert submitted.status_code == 200, submitted.text
        task = submitted.json()["data"]["id"]
        assert client.post("/_mock/clock/advance", json={"seconds": 60}).status_code == 200
        assert target.poll is not None
        polled = client.get(target.poll.format(id=task))
        assert polled.status_code == 200, polled.text
        assert polled.json()["data"]["status"] == "completed"


def test_slow_clients_do_not_stall_a_normal_client(documented: LiveServer) -> None:
    streams = slow_streams(TARGETS["wavespeed"])
    with Trickler(documented, streams) as slow:
        while min(slow.sent) < 50:  # every slow client is part-way through its request
            threading.Event().wait(0.01)
        full_lifecycle(documented)
        still_open = slow.unanswered()
    assert still_open == len(streams), "the slow clients were still held while the normal ran"
    full_lifecycle(documented)


# -- 7. more hostile bodies and heads ------------------------------------------------------

ODD_NUMBERS = [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"9" * 5000]


@pytest.mark.parametrize("number", ODD_NUMBERS, ids=lambda n: n[:12].decode())
@pytest.mark.parametrize("provider", PROVIDERS)
def test_numbers_json_cannot_carry_get_a_provider_shaped_400(
    documented: LiveServer, provider: str, number: bytes
) -> None:
    """NaN/Infinity are not JSON; 1e400 overflows a double; 5000 digits pass Python's int cap."""
    target = TARGETS[provider]
    body = json.dumps(target.with_prompt("MARKER")).encode().replace(b'"MARKER"', number)
    assert_refused(target, post(documented, target, body))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_duplicate_keys_and_odd_encodings_get_no_5xx(
    documented: LiveServer, provider: str
) -> None:
    target = TARGETS[provider]
    valid = json.dumps(target.body()).encode()
    duplicated = valid.replace(b"{", b'{"x":1,"x":2,', 1)
    nul = json.dumps(target.with_prompt("a\u0000b")).encode()
    for body in (duplicated, nul, b"\xef\xbb\xbf" + valid, valid.decode().encode("utf-16")):
        response = post(documented, target, body)
        assert response.status_code < 500, (body[:40], response.text[:300])
        if response.status_code >= 400:
            assert_valid(provider, "error-response", response.json())


def test_a_client_that_disconnects_mid_body_leaves_the_server_serving(
    documented: LiveServer,
) -> None:
    target = TARGETS["wavespeed"]
    documented.state.reset()
    for _ in range(5):
        with RawConnection(documented) as conn:
            conn.send(request_head("POST", target.submit, {**HEADERS, "Content-Length": "5000"}))
            conn.send(b'{"prompt": "half')
    assert_normal_submit_works(documented, target)
    recorded = [e.status for e in documented.state.journal.entries()]
    assert 500 not in recorded, "a client hanging up is not a bug in the mock"


def test_a_10_mib_header_is_answered_without_a_5xx(documented: LiveServer) -> None:
    """uvicorn (httptools) sets no header size limit; the mock must still answer sanely."""
    target = TARGETS["wavespeed"]
    assert target.poll is not None
    headers = {"Authorization": HEADERS["Authorization"], "X-Big": "a" * (10 * 1024 * 1024)}
    with RawConnection(documented) as conn:
        conn.send(request_head("GET", target.poll.format(id="nope"), headers))
        answer = conn.response()
    assert answer.status < 500, answer
    assert_normal_submit_works(documented, target)
