"""Output media served by the mock itself, so a successful task's URL really downloads.

For now the file is a placeholder: a well-formed ISO-BMFF (MP4) container
with the requested duration in its movie header and no tracks. A client that
downloads, checks the status and the ``ftyp`` brand, or stores the bytes
works; one that decodes frames needs the real media of the next milestone
(encoded by a media library, with the requested size and frame rate).
"""

from __future__ import annotations

import struct
from functools import lru_cache

MEDIA_TYPES: dict[str, str] = {"mp4": "video/mp4"}


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


@lru_cache(maxsize=32)
def placeholder_mp4(duration_ms: int = 5000) -> bytes:
    """A minimal MP4 (``ftyp`` + ``moov/mvhd``) declaring *duration_ms*."""
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
