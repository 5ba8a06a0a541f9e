"""``GET /_mock/media/{task id}.mp4``: the output file of a succeeded task, as storage serves it.

- 404 (the admin API's JSON) for an unknown or unfinished task, a wrong
  extension, or a ``?result=N`` beyond the task's results (Runware's
  ``numberResults``; the N-th result is drawn from seed + N - 1).
- Past the provider's URL lifetime (`vidukit.mock_server.media.lifetime`), the
  provider's storage answer: 403 or 404 with an S3-style XML body.
- Otherwise the MP4 (`vidukit.mock_server.media.encode`, cached per shape and seed)
  with ``Content-Type``, ``Content-Length``, ``ETag`` and
  ``Accept-Ranges: bytes``. A single ``Range: bytes=...`` gets 206 with
  ``Content-Range`` (416 when it starts past the end); several ranges, a
  malformed header, or an ``If-Range`` that does not match get the whole
  file, as RFC 9110 allows. HEAD answers the same headers without a body.

Encoding runs in one of two encoder threads, so a first download of a
1080p file (about a second of CPU) never stalls the server's other requests.
Two, not the general thread pool's forty: encodes are CPU-bound C code, and
every extra thread that runs FFmpeg gets its own glibc malloc arena, which
its buffers fragment (the soak benchmark saw memory creep by 50 MiB that way).
A cached file is served from the event loop without a thread at all. Without
PyAV the route serves the old placeholder (an MP4 header with the right
duration and no frames) and says so in ``X-Mock-Media: placeholder``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from starlette.requests import Request
from starlette.responses import Response

from vidukit.mock_server.engine.lifecycle import SUCCEEDED
from vidukit.mock_server.http import JSON_TYPE, dumps
from vidukit.mock_server.media import MEDIA_TYPES, placeholder_mp4
from vidukit.mock_server.media.cache import SHARED, MediaCache
from vidukit.mock_server.media.encode import MediaUnavailable, encode_mp4
from vidukit.mock_server.media.lifetime import XML_TYPE, expired_answer, is_expired
from vidukit.mock_server.media.shapes import Shape, media_seed, shape_of
from vidukit.mock_server.state import MockState
from vidukit.mock_server.tasks import Task

logger = logging.getLogger("vidukit.mock_server.media")
#: Shared by every app in the process, like the file cache (see the module docstring).
_ENCODERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vidukit-encode")


class RangeNotSatisfiable(ValueError):
    """The Range starts past the end of the file (answered 416)."""


def media_endpoint(
    state: MockState, files: MediaCache = SHARED
) -> Callable[[Request], Awaitable[Response]]:
    """The route's handler for *state*'s tasks (mounted by the admin API at ``/media/{name}``)."""
    engine = state.engine
    clock = state.clock

    async def media(request: Request) -> Response:
        name = request.path_params["name"]
        task_id, _, extension = name.rpartition(".")
        task = engine.get(task_id) if task_id else None
        if task is not None:
            task = engine.observe(task)
        result = _result_number(request.query_params.get("result"), task)
        if (
            task is None
            or task.state != SUCCEEDED
            or extension not in MEDIA_TYPES
            or result is None
        ):
            return _not_found(name)
        now = clock.now()
        if is_expired(task, now):
            status, body = expired_answer(task, name, now)
            return Response(body, status, media_type=XML_TYPE)
        if request.method == "GET":  # collected: the output reached someone (HEAD: not yet)
            state.ledger.fetched(task)
        shape, seed = shape_of(task), media_seed(task, result)
        cached = files.get((shape, seed))
        if cached is not None:
            content, placeholder = cached, False
        else:
            loop = asyncio.get_running_loop()
            content, placeholder = await loop.run_in_executor(
                _ENCODERS, _content, files, shape, seed
            )
        headers = {"X-Mock-Media": "placeholder"} if placeholder else {}
        return ranged(request, content, MEDIA_TYPES[extension], headers)

    return media


def _result_number(raw: str | None, task: Task | None) -> int | None:
    """1 for the plain URL, N for ``?result=N`` within the task's results; None otherwise."""
    if raw is None:
        return 1
    if task is None or not raw.isdigit():
        return None
    number = int(raw)
    results = task.meta.get("numberResults", 1)
    return number if 1 <= number <= (results if isinstance(results, int) else 1) else None


@cache
def _warn_once(message: str) -> None:
    logger.warning("serving placeholder media: %s", message)


def _content(files: MediaCache, shape: Shape, seed: int) -> tuple[bytes, bool]:
    try:
        return files.get_or_make((shape, seed), lambda: encode_mp4(shape, seed)), False
    except MediaUnavailable as exc:
        _warn_once(str(exc))
        return placeholder_mp4(round(shape.seconds * 1000)), True


def _not_found(name: str) -> Response:
    body = {"error": f"no media {name!r}", "status": 404}
    return Response(dumps(body), 404, media_type=JSON_TYPE)


# -- byte ranges ---------------------------------------------------------------------------


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single-range header, or None.

    None means "send the whole file": no header, another unit, several
    ranges, or a malformed one (RFC 9110 §14.2: a server may ignore those).
    Raises `RangeNotSatisfiable` for a range that starts past the end.
    """
    if header is None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not (first_text or last_text):
        return None
    if not all(part.isdigit() for part in (first_text, last_text) if part):
        return None
    if not first_text:  # suffix: the last N bytes
        length = int(last_text)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - length), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else None
    if last is not None and last < first:
        return None
    if first >= size:
        raise RangeNotSatisfiable(header)
    return first, size - 1 if last is None else min(last, size - 1)


def etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def ranged(
    request: Request, content: bytes, media_type: str, extra: dict[str, str] | None = None
) -> Response:
    """*content* whole (200) or the requested slice (206 / 416), for GET and HEAD."""
    size = len(content)
    tag = etag(content)
    headers = {"Accept-Ranges": "bytes", "ETag": tag, **(extra or {})}
    if_range = request.headers.get("if-range")
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except RangeNotSatisfiable:
        if if_range is None or if_range.strip() == tag:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(b"", 416, headers={**headers, "Content-Length": "0"})
        wanted = None
    if if_range is not None and if_range.strip() != tag:
        wanted = None
    status, body = 200, content
    if wanted is not None:
        first, last = wanted
        status, body = 206, content[first : last + 1]
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(len(body))
    if request.method == "HEAD":
        body = b""
    return Response(body, status, headers=headers, media_type=media_type)


__all__ = ["RangeNotSatisfiable", "byte_range", "etag", "media_endpoint", "ranged"]
