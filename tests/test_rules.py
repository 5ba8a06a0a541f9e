"""Named checks: data: URI reading, image headers, and each rule's line, per provider."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidukit.rules import all_rules, checks_for, get_rule
from vidukit.rules._datauri import parse
from vidukit.rules._imageheader import read_header
from vidukit.rules._payload import Payload
from vidukit.rules.body import body_bytes
from vidukit.rules.registry import rule
from vidukit.validation import is_valid, validate

SUBMIT = "submit-request"
URL = "https://images.example.com/ref.jpg"

# A real 127x200 JPEG and the first bytes of a real lossy 512x384 WebP (ImageMagick).
JPEG_127x200 = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsO"
    "CwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"
    "EBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCADIAH8DAREAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAA"
    "AAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFgEBAQEAAAAAAAAAAAAAAAAAAAUH/8QAFBEBAAAAAAAAAAAAAAAA"
    "AAAAAP/aAAwDAQACEQMRAD8AoJTAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
)
WEBP_LOSSY_512x384_HEAD = "UklGRqQBAABXRUJQVlA4IJgBAACQLACdASoAAoABPpFI"
WEBP_LOSSLESS_400x300 = "UklGRigAAABXRUJQVlA4TBwAAAAvj8FKAAdQ1RL1rv8BAUnS//9kRP8z/vOf/2cK"


def png(width: int, height: int) -> bytes:
    """A complete, decodable grey PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                                             0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_with_metadata(width: int, height: int, metadata: int) -> bytes:
    """SOI, a JFIF APP0, a large comment, fill bytes, then a progressive frame header."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    chunks = [min(65000, metadata - i) for i in range(0, metadata, 65000)]
    comment = b"".join(b"\xff\xfe" + struct.pack(">H", n + 2) + b"x" * n for n in chunks)
    sof2 = b"\xff\xff\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + comment + sof2 + b"\xff\xd9"


def webp_extended(width: int, height: int) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x10\x00\x00\x00" + (
        (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def data_uri(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode()


def header_of(uri: str) -> tuple[str, int | None, int | None] | None:
    parsed = parse(uri)
    assert parsed is not None
    header = read_header(parsed.read)
    return None if header is None else (header.format, header.width, header.height)


# --- data: URI reading -------------------------------------------------------------------


@given(st.binary(max_size=200), st.booleans())
def test_decoded_size_follows_from_the_base64_length(data: bytes, strip_padding: bool) -> None:
    text = data_uri(data)
    if strip_padding:
        text = text.rstrip("=")
    parsed = parse(text)
    assert parsed is not None
    assert parsed.decoded_size() == len(data)


@given(st.binary(min_size=1, max_size=300), st.data())
def test_any_byte_range_decodes_on_its_own(data: bytes, draw: st.DataObject) -> None:
    offset = draw.draw(st.integers(0, len(data)))
    count = draw.draw(st.integers(0, 40))
    parsed = parse(data_uri(data))
    assert parsed is not None
    assert parsed.read(offset, count) == data[offset:offset + count]


def test_parse_reads_media_type_and_encoding() -> None:
    parsed = parse("data:Image/PNG;charset=x;BASE64,AAAA")
    assert parsed is not None
    assert (parsed.media_type, parsed.base64, parsed.payload_length) == ("image/png", True, 4)
    plain = parse("data:image/png,%89PNG")
    assert plain is not None and not plain.base64
    assert parse("https://example.com/data:image/png;base64,AAAA") is None
    assert parse("data:nonsense") is None


# --- image headers -----------------------------------------------------------------------


@pytest.mark.parametrize(("uri", "expected"), [
    pytest.param(data_uri(png(640, 352)), ("png", 640, 352), id="png"),
    pytest.param(data_uri(jpeg_with_metadata(1238, 1674, 3000), "image/jpeg"),
                 ("jpeg", 1238, 1674), id="jpeg-after-metadata"),
    pytest.param("data:image/jpeg;base64," + JPEG_127x200, ("jpeg", 127, 200), id="jpeg-real"),
    pytest.param("data:image/webp;base64," + WEBP_LOSSY_512x384_HEAD, ("webp", 512, 384),
                 id="webp-lossy"),
    pytest.param("data:image/webp;base64," + WEBP_LOSSLESS_400x300, ("webp", 400, 300),
                 id="webp-lossless"),
    pytest.param(data_uri(webp_extended(3000, 20)), ("webp", 3000, 20), id="webp-extended"),
    pytest.param(data_uri(png(300, 300)[:20]), ("png", None, None), id="png-truncated"),
    pytest.param(data_uri(b"GIF89a\x40\x00\x40\x00"), None, id="gif-is-not-read"),
])
def test_image_header(uri: str, expected: tuple[str, int | None, int | None] | None) -> None:
    assert header_of(uri) == expected


def test_jpeg_header_is_found_without_decoding_the_metadata() -> None:
    """The walk jumps over 3 MB of comments: only a few bytes around each marker are decoded."""
    jpeg = jpeg_with_metadata(512, 256, 3 * 1024 * 1024)
    parsed = parse(data_uri(jpeg, "image/jpeg"))
    assert parsed is not None
    reads: list[int] = []

    def counting_read(offset: int, count: int) -> bytes:
        reads.append(count)
        return parsed.read(offset, count)

    header = read_header(counting_read)
    assert header is not None and (header.width, header.height) == (512, 256)
    assert sum(reads) < len(jpeg) // 1000


# --- each rule's line --------------------------------------------------------------------


def body(provider: str, images: list[str], **fields: Any) -> Any:
    """A schema-valid submit body for *provider* carrying *images* and extra *fields*."""
    if provider == "wavespeed":
        return {"prompt": "a fox", "images": images, **fields}
    if provider == "vtrix":
        return {"model": "viduq2_pro_reference",
                "input": [{"params": {"prompt": "a fox", "images": images, **fields}}]}
    if provider in ("novita", "myrouter"):
        return {"prompt": "@1 runs", "duration": fields.pop("duration", 5),
                "subjects": [{"id": "1", "images": images}], **fields}
    task = {"taskType": "videoInference", "taskUUID": "0f6b7c2e-3d4a-4b1e-9a77-5c2d8e1f4a90",
            "model": "vidu:3@1", "positivePrompt": "a fox", **fields}
    if images:
        task["inputs"] = {"referenceImages": images}
    return [task]


def rules_of(provider: str, instance: Any, severity: str = "error") -> list[str]:
    return [v.rule for v in validate(provider, SUBMIT, instance) if v.severity == severity]


PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_inline_png_of_a_usual_size_is_accepted_everywhere(provider: str) -> None:
    instance = body(provider, [data_uri(png(512, 512)), URL])
    assert rules_of(provider, instance) == []
    assert is_valid(provider, SUBMIT, instance)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_video_in_images_is_a_media_type_error(provider: str) -> None:
    instance = body(provider, [data_uri(b"\x00\x00\x00\x20ftypisom", "video/mp4")])
    assert rules_of(provider, instance) == ["data-uri-media-type"]
    assert not is_valid(provider, SUBMIT, instance)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_data_uri_must_be_base64(provider: str) -> None:
    assert rules_of(provider, body(provider, ["data:image/png,rawbytes"])) == ["data-uri-base64"]
    assert rules_of(provider, body(provider, ["data:image/png;base64,"])) == ["data-uri-base64"]


def test_gif_is_an_image_only_where_no_format_list_is_documented() -> None:
    gif = data_uri(b"GIF89a\x40\x00\x40\x00\x00\x00\x00", "image/gif")
    assert rules_of("wavespeed", body("wavespeed", [gif])) == []
    assert rules_of("vtrix", body("vtrix", [gif])) == ["data-uri-media-type"]
    assert rules_of("runware", body("runware", [gif])) == ["data-uri-media-type"]


def test_content_is_sniffed_where_dimensions_are_checked() -> None:
    gif_labelled_png = data_uri(b"GIF89a\x40\x00\x40\x00\x00\x00\x00")
    assert rules_of("vtrix", body("vtrix", [gif_labelled_png])) == ["data-uri-media-type"]
    assert rules_of("wavespeed", body("wavespeed", [gif_labelled_png])) == []


@pytest.mark.parametrize(("provider", "size", "expected"), [
    ("vtrix", (128, 128), []),
    ("vtrix", (127, 300), ["image-dimensions"]),
    ("vtrix", (1024, 256), []),
    ("vtrix", (1025, 256), ["image-aspect-ratio"]),
    ("vtrix", (100, 500), ["image-aspect-ratio", "image-dimensions"]),
    ("runware", (300, 2048), []),
    ("runware", (299, 1000), ["image-dimensions"]),
    ("runware", (2049, 1000), ["image-dimensions"]),
    ("wavespeed", (16, 16), []),
    ("novita", (16, 16), []),
])
def test_image_dimensions_and_aspect_ratio(provider: str, size: tuple[int, int],
                                           expected: list[str]) -> None:
    image = data_uri(webp_extended(*size), "image/webp")
    assert sorted(rules_of(provider, body(provider, [image]))) == expected


def test_runware_frame_images_are_checked_too() -> None:
    instance = body("runware", [])
    instance[0]["inputs"] = {"frameImages": [{"image": data_uri(png(200, 200)), "frame": "first"}]}
    found = validate("runware", SUBMIT, instance)
    assert [(v.rule, v.path) for v in found if v.severity == "error"] == [
        ("image-dimensions", "/0/inputs/frameImages/0/image")]


def _padded_png_uri(decoded_bytes: int) -> str:
    head = png(512, 512)[:33]
    quads = (decoded_bytes - 33) // 3
    return "data:image/png;base64," + base64.b64encode(head).decode() + "A" * (4 * quads)


def test_runware_decoded_size_limit_is_20_mib() -> None:
    limit = 20 * 1024 * 1024
    assert rules_of("runware", body("runware", [_padded_png_uri(limit)])) == []
    assert rules_of("runware", body("runware", [_padded_png_uri(limit + 3)])) == ["data-uri-size"]


def test_vtrix_body_limit_counts_the_whole_body() -> None:
    limit = 20 * 1024 * 1024
    near = body("vtrix", [_padded_png_uri(15 * 1024 * 1024)])
    overhead = body_bytes(near) - len(near["input"][0]["params"]["images"][0])
    fits = body("vtrix", ["data:image/png;base64," + base64.b64encode(png(512, 512)[:33]).decode()
                          + "A" * (limit - overhead - 64 - 44)])
    assert body_bytes(fits) <= limit
    assert rules_of("vtrix", fits) == []
    over = body("vtrix", [URL], payload="x" * 1_000_000,
                meta_data="y" * (limit - 1_000_000 + 1))
    assert body_bytes(over) > limit
    assert rules_of("vtrix", over) == ["body-size"]
    assert not is_valid("vtrix", SUBMIT, over)


def test_body_limit_is_measured_even_when_the_schema_fails() -> None:
    """The cheap bound assumes a schema-valid shape; without it the body is rendered."""
    big = {"model": "viduq2_pro_reference", "input": [{"params": {
        "prompt": "a", "images": [URL], "extra": {"nested": "z" * (21 * 1024 * 1024)}}}]}
    assert sorted(rules_of("vtrix", big)) == ["body-size", "unknown-field"]


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
def test_placeholders_name_subjects_by_id(provider: str) -> None:
    subjects = [{"id": "1", "images": [URL]}, {"id": "3", "images": [URL]}]
    ok = {"prompt": "@1 meets @3; mail a@2.example", "duration": 5, "subjects": subjects}
    assert rules_of(provider, ok, "warning") == []
    positional = {**ok, "prompt": "@1 meets @2"}
    found = [v for v in validate(provider, SUBMIT, positional) if v.severity == "warning"]
    assert [(v.rule, v.path) for v in found] == [("prompt-subject-placeholder", "/prompt")]
    assert "@2" in found[0].message
    assert is_valid(provider, SUBMIT, positional)


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
def test_seven_images_across_subjects_at_most(provider: str) -> None:
    def subjects(*counts: int) -> dict[str, Any]:
        return {"prompt": "go", "duration": 5,
                "subjects": [{"id": str(i), "images": [URL] * n} for i, n in enumerate(counts)]}
    assert rules_of(provider, subjects(3, 3, 1)) == []
    assert rules_of(provider, subjects(3, 3, 2)) == ["subjects-total-images"]
    # Eight subjects: the schema's subjects.maxItems names the cause, once.
    assert rules_of(provider, subjects(*[1] * 8)) == ["subjects.maxItems"]


@pytest.mark.parametrize(("provider", "fields", "expected"), [
    ("vtrix", {"bgm": True, "duration": 9}, ["bgm-long-duration"]),
    ("vtrix", {"bgm": True, "duration": 8}, []),
    ("vtrix", {"bgm": False, "duration": 10}, []),
    ("novita", {"bgm": True, "duration": 10}, ["bgm-long-duration"]),
    ("wavespeed", {"seed": 0}, ["seed-zero-random"]),
    ("wavespeed", {"seed": -1}, []),
    ("vtrix", {"seed": 0}, ["seed-zero-random"]),
    ("myrouter", {"seed": 0}, ["seed-zero-random"]),
    ("vtrix", {"off_peak": True}, ["off-peak-unavailable"]),
    ("vtrix", {"off_peak": False}, []),
    ("runware", {"providerSettings": {"vidu": {"bgm": True}}}, ["bgm-not-4-seconds"]),
    ("runware", {"duration": 4, "providerSettings": {"vidu": {"bgm": True}}}, []),
])
def test_warnings(provider: str, fields: dict[str, Any], expected: list[str]) -> None:
    instance = body(provider, [URL], **fields)
    assert rules_of(provider, instance) == []
    assert rules_of(provider, instance, "warning") == expected
    assert is_valid(provider, SUBMIT, instance)


def test_runware_dimensions_with_frame_images_warn() -> None:
    task = body("runware", [], width=1280, height=720)
    task[0]["inputs"] = {"frameImages": [{"image": URL, "frame": "first"}]}
    assert rules_of("runware", task, "warning") == ["frame-images-dimensions"]
    del task[0]["width"], task[0]["height"]
    assert rules_of("runware", task, "warning") == []


def test_checks_tolerate_any_json() -> None:
    """The full report runs named checks on bodies that broke the schema."""
    for check in (c for p in PROVIDERS for c in checks_for(p, SUBMIT)):
        for junk in (None, 3, "x", [], {}, [{"taskType": "videoInference", "inputs": []}],
                     {"input": [{"params": {"images": [1, None], "subjects": "x"}}]},
                     {"subjects": [{"images": "x"}, 5], "prompt": "@1"}):
            assert isinstance(check(Payload(junk, check.provider)), list)


# --- registry ----------------------------------------------------------------------------


def test_every_rule_cites_a_document_for_each_provider_it_targets() -> None:
    for named in all_rules():
        assert named.description, named.id
        for provider, _message in named.targets:
            assert named.source_for(provider).startswith("https://"), (named.id, provider)


def test_bound_checks_carry_their_provider_source() -> None:
    seed = get_rule("seed-zero-random")
    assert seed.source_for("vtrix") != seed.source_for("wavespeed")
    found = [v for v in validate("wavespeed", SUBMIT, body("wavespeed", [URL], seed=0))
             if v.rule == "seed-zero-random"]
    assert [v.source for v in found] == [seed.source_for("wavespeed")]


def test_registration_rejects_duplicates_and_missing_sources() -> None:
    with pytest.raises(ValueError, match="twice"):
        rule("seed-zero-random", severity="warning", provider="vtrix",
             source="x")(lambda payload: iter(()))
    with pytest.raises(ValueError, match="needs both provider and source"):
        rule("test-only-rule", severity="warning", provider="vtrix")(lambda payload: iter(()))


def test_a_shared_rule_applies_exactly_where_a_spec_lists_it() -> None:
    """Targets and sources come from the specs: every listing, and nothing else."""
    from vidukit.providers import specs

    seed = get_rule("seed-zero-random")
    listed = {pid: s.rules["seed-zero-random"] for pid, s in specs().items()
              if "seed-zero-random" in s.rules}
    assert dict(seed.sources) == listed
    assert seed.targets == {(pid, SUBMIT) for pid in listed}
