"""Checks on inline media: data: URI encoding, media type, decoded size, pixel size.

JSON Schema can match a data: URI's prefix but cannot decode it. These checks
read the media type from the URI, the size from the base64 length and the
pixel size from the decoded image header, never decoding a whole payload.

Limits per provider, and why some providers have none:

- Vtrix (seed 001): images png/jpeg/jpg/webp, at least 128x128, aspect ratio
  within 1:4..4:1; videos mp4/avi/mov. Its size limits (image 50 MB, video
  base64 under 20 MB decoded) are not separate checks: the 20 MB body limit
  (`vidukit.rules.body`) is stricter for anything inline, since base64 of
  even 15 MB already exceeds it.
- Runware (README §5, model page): PNG/JPG/WEBP, at most 20 MB, sides 300..2048.
- WaveSpeed, Novita, MyRouter: only "URLs or Base64"; an inline reference
  must at least be an image. No size or pixel limits are documented.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator

from vidukit.rules import _sources as src
from vidukit.rules._datauri import DataUri
from vidukit.rules._imageheader import ImageHeader, read_header
from vidukit.rules._payload import MediaKind, Payload
from vidukit.rules.registry import Finding, rule

SUBMIT = "submit-request"
MB = 1024 * 1024  # "MB" read as MiB: the larger reading, so no false alarm at the edge

_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/jpg", "image/webp"})
#: Media types that name mp4, avi and mov files (several spellings exist in the wild).
_VIDEO_TYPES = frozenset({
    "video/mp4", "video/avi", "video/x-msvideo", "video/msvideo", "video/quicktime", "video/mov",
})

#: provider -> kind -> allowed media types; None means any ``<kind>/*`` type.
_ALLOWED: dict[str, dict[MediaKind, frozenset[str] | None]] = {
    "wavespeed": {"image": None},
    "vtrix": {"image": _IMAGE_TYPES, "video": _VIDEO_TYPES},
    "novita": {"image": None},
    "myrouter": {"image": None},
    "runware": {"image": _IMAGE_TYPES},
}
#: Providers whose image rules need the decoded header (the content must really be an image).
_SNIFFED = frozenset({"vtrix", "runware"})

#: provider -> (minimum side, maximum side) in pixels.
_SIDES: dict[str, tuple[int, int | None]] = {"vtrix": (128, None), "runware": (300, 2048)}
_MAX_RATIO = 4  # Vtrix: between 1:4 and 4:1, both ends allowed
_MAX_DECODED: dict[str, int] = {"runware": 20 * MB}

_MEDIA_SOURCES = {
    "wavespeed": f"{src.WAVESPEED} (images: 'URLs or Base64 encoded')",
    "vtrix": f"{src.VTRIX} (images Notes 3 and 5; videos Notes 2 and 4)",
    "novita": f"{src.NOVITA} (subjects[].images); {src.VIDU_FACTS}",
    "myrouter": f"{src.MYROUTER} (subjects[].images); {src.VIDU_FACTS}",
    "runware": f"{src.RUNWARE_FACTS}: 'PNG/JPG/WEBP ... data URI'",
}


def _decodes(uri: DataUri) -> bool:
    """The payload's start and end are strict base64 (the middle is not scanned: too costly)."""
    n = uri.payload_length
    if n == 0 or n % 4 == 1:
        return False
    try:
        uri.read(0, 3 * 1024)
        uri.read(max(0, uri.decoded_size() - 6), 12)
    except binascii.Error:
        return False
    return True


@rule("data-uri-base64", severity="error", source=_MEDIA_SOURCES,
      targets=[(p, SUBMIT) for p in _ALLOWED])
def data_uri_base64(payload: Payload) -> Iterator[Finding]:
    """An inline image or video must be a non-empty base64 payload (;base64 in its header)."""
    for path, _kind, uri in payload.data_uris:
        if not uri.base64:
            yield path, "data: URI must be base64-encoded (data:<type>;base64,<data>)"
        elif not _decodes(uri):
            yield path, "data: URI payload is empty or not valid base64"


def _header(uri: DataUri) -> ImageHeader | None:
    return read_header(uri.read)


def _readable(uri: DataUri) -> bool:
    return uri.base64 and _decodes(uri)


@rule("data-uri-media-type", severity="error", source=_MEDIA_SOURCES,
      targets=[(p, SUBMIT) for p in _ALLOWED])
def data_uri_media_type(payload: Payload) -> Iterator[Finding]:
    """An inline reference must declare (and, where sniffed, contain) an accepted media type."""
    provider = payload.provider
    allowed_by_kind = _ALLOWED[provider]
    for path, kind, uri in payload.data_uris:
        allowed = allowed_by_kind.get(kind)
        if kind == "video" and not uri.media_type.startswith("video/"):
            continue  # Vtrix's video-ref pattern already demands data:video/...
        if allowed is None:
            if not uri.media_type.startswith(f"{kind}/"):
                yield path, f"media type {uri.media_type!r} is not an {kind} type ({kind}/...)"
            continue
        if uri.media_type not in allowed:
            yield path, f"media type {uri.media_type!r} is not one of {', '.join(sorted(allowed))}"
        elif kind == "image" and provider in _SNIFFED and _readable(uri) and _header(uri) is None:
            yield path, f"declared {uri.media_type!r} but the data is not a PNG, JPEG or WebP image"


@rule("data-uri-size", severity="error",
      source={"runware": f"{src.RUNWARE_FACTS}: input images '≤20 MB'"},
      targets=[(p, SUBMIT) for p in _MAX_DECODED])
def data_uri_size(payload: Payload) -> Iterator[Finding]:
    """An inline image must not decode to more than the provider's file-size limit."""
    limit = _MAX_DECODED[payload.provider]
    for path, _kind, uri in payload.data_uris:
        size = uri.decoded_size()
        if uri.base64 and size > limit:
            yield path, f"decodes to {size} bytes, over the {limit // MB} MB limit"


def _sized_images(payload: Payload) -> Iterator[tuple[str, int, int]]:
    for path, kind, uri in payload.data_uris:
        if kind == "image" and _readable(uri):
            header = _header(uri)
            if header is not None and header.width is not None and header.height is not None:
                yield path, header.width, header.height


@rule("image-dimensions", severity="error",
      source={"vtrix": f"{src.VTRIX} (images Note 4: 'at least 128x128')",
              "runware": f"{src.RUNWARE_FACTS}: 'Input image sides 300-2048 px'"},
      targets=[(p, SUBMIT) for p in _SIDES])
def image_dimensions(payload: Payload) -> Iterator[Finding]:
    """Each side of an inline image, read from its header, must be within the provider's range."""
    low, high = _SIDES[payload.provider]
    for path, width, height in _sized_images(payload):
        if min(width, height) < low or (high is not None and max(width, height) > high):
            bounds = f"{low}..{high}" if high is not None else f"at least {low}"
            yield path, f"image is {width}x{height} pixels; each side must be {bounds}"


@rule("image-aspect-ratio", severity="error",
      source={"vtrix": f"{src.VTRIX} (images Note 4: 'aspect ratio must be less than 1:4 or 4:1')"},
      targets=[("vtrix", SUBMIT)])
def image_aspect_ratio(payload: Payload) -> Iterator[Finding]:
    """An inline image's aspect ratio must lie between 1:4 and 4:1 (both included)."""
    for path, width, height in _sized_images(payload):
        if width and height and max(width, height) > _MAX_RATIO * min(width, height):
            yield path, f"image is {width}x{height} pixels; aspect ratio must be within 1:4..4:1"
