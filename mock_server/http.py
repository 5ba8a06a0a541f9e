"""Small, fast request helpers shared by every provider's routes.

They read what the client sent and raise the provider-neutral errors of
`vidukit.mock_server.errors` for anything wrong with it; the provider's ``render``
turns those into its own bodies. Nothing here allocates more than the request
needs: the poll and submit paths run through these on every call.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

from vidukit.mock_server.errors import (
    MalformedBody,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

JSON_TYPE = "application/json"


@dataclass(slots=True)
class Reply:
    """What a route answers, before serialisation.

    ``message`` names the provider schema the body must satisfy
    (``submit-response``, ``result-response``, ``error-response``...), so the
    core can check it when `MockConfig.check_responses` is on.
    """

    status: int
    body: Any
    message: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


#: Built once: ``json.dumps`` with options would build a new encoder per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON. orjson writes it five times faster than the standard library;
    what orjson refuses (integers beyond 64 bits, non-string keys) the library still writes."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return _ENCODER.encode(body).encode()


#: orjson reads integers beyond 64 bits as floats; the standard library keeps them exact.
_LONG_NUMBER = re.compile(rb"[0-9]{19}")
_DIGITS = b"0123456789"


def _may_hold_long_number(raw: bytes) -> bool:
    """Whether *raw* may hold a run of 19 digits: a body with fewer digits in all cannot.

    Counting the digits is one pass in C; the pattern search it spares costs ten times
    more on a typical submit body, which holds a handful of digits.
    """
    return len(raw) - len(raw.translate(None, _DIGITS)) >= 19 and (
        _LONG_NUMBER.search(raw) is not None
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def drain_limit(limit: int) -> int:
    """The largest declared body whose rest is read and dropped after a 413."""
    return 4 * limit


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it is known to exceed *limit* bytes.

    A declared Content-Length over the limit is refused before any byte is
    read; a body without one (chunked) is counted as it arrives, and refused
    once past the limit. The answer keeps the connection, and uvicorn reads
    and drops the rest of the body: an ordinary client writes its whole body
    before it reads, and a closed connection would show it a reset instead of
    the 413. A declared length beyond `drain_limit` gets the connection closed
    after the answer: nobody sends a hundred megabytes by mistake.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise MalformedBody(f"Content-Length {declared!r} is not a number")
        if int(declared) > limit:
            raise PayloadTooLarge(
                f"the request body is larger than {limit} bytes",
                hang_up=int(declared) > drain_limit(limit),
            )
    cached: bytes | None = request.__dict__.get("_body")  # read already (a route's peek)
    if cached is not None:
        if len(cached) > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
        return cached
    # The ASGI messages read here rather than through ``request.stream()``: an async
    # generator per request costs the event loop's bookkeeping on every submit.
    chunks: list[bytes] = []
    size = 0
    receive = request.receive
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    request._body = body  # as Starlette's own ``body()`` keeps it: later reads see it
    return body


def check_json_type(request: Request) -> None:
    """Raise 415 unless Content-Type is application/json (or a ``+json`` type)."""
    raw = request.headers.get("content-type", "")
    media = raw.split(";", 1)[0].strip().lower()
    if media != JSON_TYPE and not (media.startswith("application/") and media.endswith("+json")):
        shown = repr(raw) if raw else "missing"
        raise UnsupportedMediaType(f"Content-Type must be application/json (got {shown})")


def loads_exact(raw: bytes) -> Any:
    """JSON the mock wrote itself, read back: orjson's parse where it reads the same values
    as the standard library (integers beyond 64 bits it would turn into floats). Client
    input goes through `parse_json`, which also refuses what the library would accept."""
    if not _may_hold_long_number(raw):
        return orjson.loads(raw)
    return json.loads(raw)


def parse_json(body: bytes) -> Any:
    """Parse strict JSON: UTF-8 only (RFC 8259), no NaN/Infinity, no number out of a
    double's range, no lone surrogate. Every failure is a `MalformedBody`, never a crash."""
    if not _may_hold_long_number(body):
        try:  # the fast parser takes strict UTF-8 JSON; anything else gets the library's verdict
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    if not body.strip():
        raise MalformedBody("the request body is empty; a JSON object is required")
    try:
        text = bytes(body).decode("utf-8")  # strict: encoded surrogates are not UTF-8 either
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise MalformedBody("the request body is nested too deeply") from None
    except ValueError as exc:
        raise MalformedBody(f"the request body is not valid JSON: {exc}") from None
    if "\\u" in text:  # an escape may stand for half a surrogate pair, which no text can hold
        try:
            _ENCODER.encode(value).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedBody(
                "the request body holds a lone UTF-16 surrogate escape (\\ud800-\\udfff)"
            ) from None
        except RecursionError:
            raise MalformedBody("the request body is nested too deeply") from None
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def scheme_key(request: Request, schemes: Collection[str], *, missing: str,
               wrong: Callable[[str], str]) -> str:
    """The key from ``Authorization: <scheme> <key>`` for one of *schemes* (lower case);
    the provider's 401 with *missing* when there is no header, with ``wrong(scheme)`` when
    the scheme is another or the key empty. Each provider words its own 401."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized(missing)
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() not in schemes or not key:
        raise Unauthorized(wrong(scheme))
    return key


def bearer_key(request: Request) -> str:
    """The key from ``Authorization: Bearer <key>``; 401 when missing, empty or another scheme."""
    return scheme_key(
        request, ("bearer",),
        missing="missing Authorization header (expected 'Bearer <api key>')",
        wrong=lambda _scheme: "invalid authentication (expected 'Authorization: Bearer <api key>')",
    )


#: A lone scheme word is a scheme with its credentials missing, never a key.
_SCHEME_WORDS = frozenset({"bearer", "basic", "digest", "token"})


def bearer_or_raw_key(request: Request) -> str:
    """The key from ``Authorization: Bearer <key>`` or from a bare ``Authorization: <key>``.

    For the providers whose official SDK sends the key with no scheme (Novita's JavaScript
    SDK, provider-docs README §8): a value with no space is the key itself. Any other
    scheme (``Basic x``), an empty value or a missing header is still a 401.
    """
    header = request.headers.get("authorization", "").strip()
    if header and " " not in header and header.lower() not in _SCHEME_WORDS:
        return header
    return bearer_key(request)


def key_owner(key: str) -> str:
    """What a task stores to remember its owner: a digest, never the key itself."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


_ORIGIN_KEY = "vidukit.origin"


def origin(request: Request, public_url: str | None = None) -> str:
    """``scheme://host[:port]`` as the client reached us, for URLs that point back at the mock."""
    if public_url:
        return public_url.rstrip("/")
    scope = request.scope
    known: str | None = scope.get(_ORIGIN_KEY)  # a route asks up to three times a request
    if known is not None:
        return known
    host = request.headers.get("host")
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    found = scope[_ORIGIN_KEY] = f"{scope.get('scheme', 'http')}://{host}"
    return found


__all__ = [
    "JSON_TYPE",
    "Reply",
    "bearer_key",
    "bearer_or_raw_key",
    "check_json_type",
    "dumps",
    "key_owner",
    "origin",
    "parse_json",
    "read_body",
    "scheme_key",
]
