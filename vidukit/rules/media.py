"""Checks on inline media: data: URI encoding, media type, decoded size, pixel size.

JSON Schema can match a data: URI's prefix but cannot decode it. These checks
read the media type from the URI, the size from the base64 length and the
pixel size from the decoded image header, never decoding a whole payload.

The limits are each provider's (its spec's `MediaLimits`, with the sentence
each rests on); a rule applies to a provider only where its spec sets the limit
the rule checks. Where a provider documents only "URLs or Base64", an inline
reference must at least be of the right kind (``image/...``).
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator

from vidukit.providers import spec
from vidukit.providers.spec import ProviderSpec
from vidukit.rules._datauri import DataUri
from vidukit.rules._imageheader import ImageHeader, read_header
from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

SUBMIT = "submit-request"
MB = 1024 * 1024  # "MB" read as MiB: the larger reading, so no false alarm at the edge

#: Image media types most providers name (png/jpeg/jpg/webp).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/jpg", "image/webp"})
#: Media types that name mp4, avi and mov files (several spellings exist in the wild).
VIDEO_TYPES = frozenset({
    "video/mp4", "video/avi", "video/x-msvideo", "video/msvideo", "video/quicktime", "video/mov",
})


def _media(s: ProviderSpec) -> str:
    return s.media.source


def _decoded(s: ProviderSpec) -> str | None:
    return s.media.decoded_source if s.media.max_decoded is not None else None


def _sides(s: ProviderSpec) -> str | None:
    return s.media.sides_source if s.media.sides is not None else None


def _ratio(s: ProviderSpec) -> str | None:
    return s.media.ratio_source if s.media.max_ratio is not None else None


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


@rule("data-uri-base64", severity="error", applies=_media, inline_only=True)
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


@rule("data-uri-media-type", severity="error", applies=_media, inline_only=True)
def data_uri_media_type(payload: Payload) -> Iterator[Finding]:
    """An inline reference must declare (and, where sniffed, contain) an accepted media type."""
    found = payload.data_uris
    if not found:  # the usual body references its media by URL: no spec to look up
        return
    media = spec(payload.provider).media
    allowed_by_kind = media.allowed
    for path, kind, uri in found:
        allowed = allowed_by_kind.get(kind)
        if kind == "video" and not uri.media_type.startswith("video/"):
            continue  # a video-ref pattern in the schema already demands data:video/...
        if allowed is None:
            if not uri.media_type.startswith(f"{kind}/"):
                yield path, f"media type {uri.media_type!r} is not an {kind} type ({kind}/...)"
            continue
        if uri.media_type not in allowed:
            yield path, f"media type {uri.media_type!r} is not one of {', '.join(sorted(allowed))}"
        elif kind == "image" and media.sniff and _readable(uri) and _header(uri) is None:
            yield path, f"declared {uri.media_type!r} but the data is not a PNG, JPEG or WebP image"


@rule("data-uri-size", severity="error", applies=_decoded, inline_only=True)
def data_uri_size(payload: Payload) -> Iterator[Finding]:
    """An inline image must not decode to more than the provider's file-size limit."""
    limit = spec(payload.provider).media.max_decoded or 0
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


@rule("image-dimensions", severity="error", applies=_sides, inline_only=True)
def image_dimensions(payload: Payload) -> Iterator[Finding]:
    """Each side of an inline image, read from its header, must be within the provider's range."""
    low, high = spec(payload.provider).media.sides or (0, None)
    for path, width, height in _sized_images(payload):
        if min(width, height) < low or (high is not None and max(width, height) > high):
            bounds = f"{low}..{high}" if high is not None else f"at least {low}"
            yield path, f"image is {width}x{height} pixels; each side must be {bounds}"


@rule("image-aspect-ratio", severity="error", applies=_ratio, inline_only=True)
def image_aspect_ratio(payload: Payload) -> Iterator[Finding]:
    """An inline image's aspect ratio must lie within the provider's range (1:N..N:1)."""
    ratio = spec(payload.provider).media.max_ratio or 0
    for path, width, height in _sized_images(payload):
        if width and height and max(width, height) > ratio * min(width, height):
            yield (path, f"image is {width}x{height} pixels; aspect ratio must be within "
                   f"1:{ratio}..{ratio}:1")
