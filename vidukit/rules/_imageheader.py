"""Image format and pixel size from the first bytes of a PNG, JPEG or WebP file.

Only headers are read, through a ``read(offset, count)`` callable, so a caller
holding base64 text decodes just the bytes asked for. JPEG keeps its size in a
start-of-frame segment that may follow large metadata segments; the walk jumps
over each segment by its length instead of reading it.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass

Reader = Callable[[int, int], bytes]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: JPEG start-of-frame markers (C0..CF without DHT C4, JPG C8 and DAC CC) carry the size.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
#: Markers that stand alone, with no length field.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
#: A real JPEG has a few dozen segments before its frame; more means a corrupt file.
_JPEG_MAX_SEGMENTS = 512


@dataclass(frozen=True, slots=True)
class ImageHeader:
    format: str  # "png", "jpeg" or "webp"
    width: int | None
    height: int | None


def read_header(read: Reader) -> ImageHeader | None:
    """The image's format and size; None when it is not PNG, JPEG or WebP.

    A recognised format whose size cannot be found (a truncated or unusual
    header) gives width and height None rather than a guess.
    """
    try:
        head = read(0, 30)
        if head.startswith(_PNG_SIGNATURE):
            return _png(head)
        if head[:2] == b"\xff\xd8":
            return _jpeg(read)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp(head)
    except binascii.Error:
        return None
    return None


def _png(head: bytes) -> ImageHeader:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        return ImageHeader("png", int.from_bytes(head[16:20]), int.from_bytes(head[20:24]))
    return ImageHeader("png", None, None)


def _webp(head: bytes) -> ImageHeader:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(head[26:28], "little") & 0x3FFF
        height = int.from_bytes(head[28:30], "little") & 0x3FFF
        return ImageHeader("webp", width, height)
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return ImageHeader("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return ImageHeader("webp", width, height)
    return ImageHeader("webp", None, None)


def _jpeg(read: Reader) -> ImageHeader:
    offset = 2
    for _ in range(_JPEG_MAX_SEGMENTS):
        marker = read(offset, 2)
        if len(marker) < 2 or marker[0] != 0xFF:
            break
        code = marker[1]
        if code == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        if code in _JPEG_STANDALONE:
            offset += 2
            continue
        if code in (0xD9, 0xDA):  # end of image or start of scan: no frame header before it
            break
        segment = read(offset + 2, 7)
        if len(segment) < 2:
            break
        if code in _JPEG_SOF:
            if len(segment) < 7:
                break
            return ImageHeader("jpeg", int.from_bytes(segment[5:7]), int.from_bytes(segment[3:5]))
        offset += 2 + int.from_bytes(segment[:2])
    return ImageHeader("jpeg", None, None)
