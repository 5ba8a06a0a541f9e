"""Small, fast request helpers shared by every provider's routes.

They read what the client sent and raise the provider-neutral errors of
`mock_server.errors` for anything wrong with it; the provider's ``render``
turns those into its own bodies. Nothing here allocates more than the request
needs: the poll and submit paths run through these on every call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from mock_server.errors import MalformedBody, PayloadTooLarge, Unauthorized, UnsupportedMediaType

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
    return _ENCODER.encode(body).encode()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) as soon as it is known to exceed *limit* bytes.

    A declared Content-Length over the limit is refused before any byte is
    read; a body without one (chunked) is counted as it arrives.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise MalformedBody(f"Content-Length {declared!r} is not a number")
        if int(declared) > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_json_type(request: Request) -> None:
    """Raise 415 unless Content-Type is application/json (or a ``+json`` type)."""
    raw = request.headers.get("content-type", "")
    media = raw.split(";", 1)[0].strip().lower()
    if media != JSON_TYPE and not (media.startswith("application/") and media.endswith("+json")):
        shown = repr(raw) if raw else "missing"
        raise UnsupportedMediaType(f"Content-Type must be application/json (got {shown})")


def parse_json(body: bytes) -> Any:
    """Parse strict JSON (no NaN/Infinity); every failure is a `MalformedBody`, never a crash."""
    if not body.strip():
        raise MalformedBody("the request body is empty; a JSON object is required")
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not valid UTF-8") from None
    except RecursionError:
        raise MalformedBody("the request body is nested too deeply") from None
    except ValueError as exc:
        raise MalformedBody(f"the request body is not valid JSON: {exc}") from None


def bearer_key(request: Request) -> str:
    """The key from ``Authorization: Bearer <key>``; 401 when missing, empty or another scheme."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("missing Authorization header (expected 'Bearer <api key>')")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Unauthorized("invalid authentication (expected 'Authorization: Bearer <api key>')")
    return key


def key_owner(key: str) -> str:
    """What a task stores to remember its owner: a digest, never the key itself."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def origin(request: Request, public_url: str | None = None) -> str:
    """``scheme://host[:port]`` as the client reached us, for URLs that point back at the mock."""
    if public_url:
        return public_url.rstrip("/")
    scope = request.scope
    host = request.headers.get("host")
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return f"{scope.get('scheme', 'http')}://{host}"


__all__ = [
    "JSON_TYPE",
    "Reply",
    "bearer_key",
    "check_json_type",
    "dumps",
    "key_owner",
    "origin",
    "parse_json",
    "read_body",
]
