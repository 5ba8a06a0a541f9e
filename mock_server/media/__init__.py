"""Output media served by the mock itself, so a successful task's URL really downloads.

A succeeded task's URL (``/_mock/media/{task id}.mp4``) serves a real
H.264 MP4 with the width, height, frame rate and length the request asked
for, the same bytes for the same shape and seed, until the provider's URL
lifetime runs out on the mock's clock. The parts:

- `mock_server.media.shapes`: what the request asked for (sizes from the schemas);
- `mock_server.media.encode`: the encoder (PyAV); `mock_server.media.cache`: its LRU;
- `mock_server.media.lifetime`: URL lifetimes and the storage answers after them;
- `mock_server.media.pricing`: every price the providers quote;
- `mock_server.media.serve`: the route (byte ranges, HEAD, expiry);
- `mock_server.media.view`: the media and cost fields of the admin task view.

This module keeps only what has no dependency (the placeholder below, served
when PyAV is missing), so provider modules can import `pricing` cheaply.
"""

from __future__ import annotations

import struct
from functools import lru_cache

MEDIA_TYPES: dict[str, str] = {"mp4": "video/mp4"}


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


@lru_cache(maxsize=32)
def placeholder_mp4(duration_ms: int = 5000) -> bytes:
    """A minimal MP4 (``ftyp`` + ``moov/mvhd``) declaring *duration_ms*, with no tracks."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    matrix = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">I", 0)  # version 0, no flags
        + struct.pack(">IIII", 0, 0, 1000, max(0, duration_ms))  # times, timescale (ms), duration
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + bytes(10)
        + matrix
        + bytes(24)
        + struct.pack(">I", 1),  # next track id
    )
    return ftyp + _box(b"moov", mvhd)


__all__ = ["MEDIA_TYPES", "placeholder_mp4"]
