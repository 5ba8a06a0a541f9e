"""Realistic URLs and inline media for the pattern-typed strings of our schemas.

``from_regex`` on the image-ref pattern yields ``data:a/b,`` or URLs full of
control characters: valid by the pattern, useless to a client under test and
rejected by the named media checks (a data: URI must be base64 of a real
image, 300..2048 px a side for Runware, at least 128 px and within 1:4..4:1
for Vtrix). These strategies draw what providers actually receive and send:
mostly http(s) URLs, sometimes a small real PNG whose size meets every
provider's limits at once.
"""

from __future__ import annotations

import base64
import zlib
from functools import cache

from hypothesis import strategies as st

#: Image sizes valid for every provider (sides 300..2048, aspect ratio within 1:4..4:1).
IMAGE_SIZES: tuple[tuple[int, int], ...] = (
    (300, 300), (512, 512), (640, 360), (360, 640), (1200, 300), (2048, 1152),
)
_HOSTS = ("cdn.example.com", "media.example.org", "127.0.0.1:8000", "files.example.net:8443")
_SEGMENT = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
#: The smallest MP4 start: an ``ftyp`` box. Vtrix only checks a video's declared type.
_MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + tag + data + crc


@cache
def png(width: int, height: int) -> bytes:
    """A complete black 8-bit grayscale PNG; all-zero rows compress to a few hundred bytes."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = (b"\x00" + bytes(width)) * height
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))


def data_uri(media_type: str, payload: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(payload).decode('ascii')}"


def urls(extensions: tuple[str, ...] = ("",)) -> st.SearchStrategy[str]:
    """http(s) URLs with an optional port, one to three path segments and maybe a query."""
    query = st.one_of(st.just(""), st.builds("?{}={}".format, _SEGMENT, _SEGMENT))
    return st.builds(
        "{}://{}/{}{}{}".format,
        st.sampled_from(("https", "http")),
        st.sampled_from(_HOSTS),
        st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join),
        st.sampled_from(extensions),
        query,
    )


def _mostly(common: st.SearchStrategy[str], rare: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """*common* seven times in eight; shrinks towards *common*."""
    return st.integers(0, 7).flatmap(lambda n: rare if n == 7 else common)


def image_refs() -> st.SearchStrategy[str]:
    inline = st.sampled_from(IMAGE_SIZES).map(lambda size: data_uri("image/png", png(*size)))
    return _mostly(urls((".png", ".jpg", ".jpeg", ".webp")), inline)


def video_refs() -> st.SearchStrategy[str]:
    return _mostly(urls((".mp4", ".mov")), st.just(data_uri("video/mp4", _MP4_HEAD)))


def prediction_urls() -> st.SearchStrategy[str]:
    """Prediction result URLs (the pattern a schema gives them), in both documented forms,
    under any host and path prefix (a mock serves a provider under a prefix)."""
    return st.builds(
        "{}://{}{}/api/v3/predictions/{}{}".format,
        st.sampled_from(("https", "http")),
        st.sampled_from(("api.provider.example", *_HOSTS)),
        st.sampled_from(("", "/some-provider")),
        _SEGMENT,
        st.sampled_from(("/result", "")),
    )
