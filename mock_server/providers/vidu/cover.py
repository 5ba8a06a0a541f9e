"""A creation's ``cover_url``: a PNG of the first frame of the very video ``url`` serves.

Drawn the way `vidukit.mock_server.media.encode` draws frame 0 (same palette, same bar
position, same size), so a client that compares the cover with the video's first frame
finds them alike. Expires with the video (the provider's URL lifetime), and 404s for a
task that has no video.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from vidukit.mock_server.engine import SUCCEEDED, Engine
from vidukit.mock_server.media.encode import _av, _even, _fill, _palette
from vidukit.mock_server.media.lifetime import XML_TYPE, expired_answer, is_expired
from vidukit.mock_server.media.shapes import media_seed, shape_of
from vidukit.mock_server.tasks import Task


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGB PNG of *rows* (each ``width * 3`` bytes)."""
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))


def first_frame(task: Task) -> bytes:
    """Frame 0 of *task*'s video as a PNG."""
    av: Any = _av()
    shape = shape_of(task)
    width, height = _even(shape.width), _even(shape.height)
    background, bar, backwards = _palette(media_seed(task))
    bar_width = _even(max(16, width // 12))
    x = width - bar_width if backwards else 0
    frame = av.VideoFrame(width, height, "yuv420p")
    _fill(frame, x - x % 2, bar_width, background, bar)
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    stride = plane.line_size
    rows = [data[y * stride:y * stride + width * 3] for y in range(height)]
    return png(width, height, rows)


def cover_endpoint(engine: Engine) -> Callable[[str], Awaitable[Response]]:
    async def cover(name: str) -> Response:
        task_id, _, extension = name.rpartition(".")
        task = engine.get(task_id) if task_id and extension == "png" else None
        if task is not None:
            task = engine.observe(task)
        if task is None or task.state != SUCCEEDED:
            return Response(b"not found", 404, media_type="text/plain")
        now = engine.clock.now()
        if is_expired(task, now):
            status, body = expired_answer(task, name, now)
            return Response(body, status, media_type=XML_TYPE)
        return Response(first_frame(task), 200, media_type="image/png")

    return cover


__all__ = ["cover_endpoint", "first_frame", "png"]
