"""Read a ``data:`` URI's header and parts of its base64 payload without copying the payload.

A data: URI may carry tens of megabytes. Its decoded size follows from the
base64 length alone, and base64 maps every 4 characters to 3 bytes, so any
byte range can be decoded on its own: an image header is read by decoding a
few dozen characters, wherever in the payload it sits.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

# Same shape as the shared image-ref pattern: type/subtype, then ;parameters, then a comma.
_HEADER = re.compile(r"data:([A-Za-z]+/[A-Za-z0-9.+-]+)((?:;[A-Za-z0-9=.+-]+)*),")
#: A media type with parameters is short; never scan a multi-megabyte payload for the comma.
_HEADER_SCAN = 256


@dataclass(frozen=True, slots=True)
class DataUri:
    """A parsed ``data:`` URI; the payload stays in *text*, starting at *start*."""

    text: str
    media_type: str
    base64: bool
    start: int

    @property
    def payload_length(self) -> int:
        return len(self.text) - self.start

    def decoded_size(self) -> int:
        """Bytes the base64 payload decodes to, from its length and padding only."""
        n = self.payload_length
        if n == 0:
            return 0
        padding = 2 if self.text.endswith("==") else 1 if self.text.endswith("=") else 0
        size = (n // 4) * 3 + {0: 0, 1: 0, 2: 1, 3: 2}[n % 4]
        return size - padding

    def read(self, offset: int, count: int) -> bytes:
        """Decode bytes ``[offset, offset + count)`` of the payload (fewer at its end).

        Raises ``binascii.Error`` when those characters are not strict base64.
        """
        first_quad = offset // 3
        last_quad = -(-(offset + count) // 3)
        begin = self.start + 4 * first_quad
        end = min(self.start + 4 * last_quad, len(self.text))
        if begin >= end:
            return b""
        chunk = self.text[begin:end]
        remainder = len(chunk) % 4
        if remainder:  # unpadded tail: pad so strict decoding accepts a short final quad
            chunk += "=" * (4 - remainder)
        data = binascii.a2b_base64(chunk, strict_mode=True)
        skip = offset - 3 * first_quad
        return data[skip : skip + count]


def parse(text: str) -> DataUri | None:
    """The data: URI in *text*, or None when *text* is not one the image-ref pattern accepts."""
    match = _HEADER.match(text, 0, min(len(text), _HEADER_SCAN))
    if match is None:
        return None
    parameters = [p.lower() for p in match.group(2).split(";") if p]
    return DataUri(
        text=text,
        media_type=match.group(1).lower(),
        base64="base64" in parameters,
        start=match.end(),
    )
