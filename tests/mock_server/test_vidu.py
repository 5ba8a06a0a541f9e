"""Vidu end to end on a real socket: Token auth, creations to success and failure, the task
list, covers, URL expiry and the documented errors.

Expected values come from Vidu's documents (provider-docs/README.md §6 and §9): the
state words, the err_code words of /docs/error-code, the reasons per HTTP status.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import av
import httpx
import pytest
from media_support import probe

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.validation import validate

PROVIDER = "vidu"
KEY = "vidu-e2e-key"
AUTH = {"Authorization": f"Token {KEY}"}
IMAGE = "https://img.example/ref-1.png"
BODY = {"model": "viduq2-pro", "prompt": "a red kite over salt flats",
        "images": [IMAGE, "https://img.example/ref-2.png"], "duration": 4,
        "resolution": "540p", "aspect_ratio": "1:1"}
#: The first poll finds the task processing, the second finished (mock_server.tasks).
STEP_BY_POLL = {"X-Mock-Progression": "polls=2"}
IMMEDIATE = {"X-Mock-Progression": "immediate"}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    config = MockConfig(clock="virtual", jitter=0.0, check_responses=True)
    with serving(create_app(config)) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url(PROVIDER), timeout=10.0) as http:
        yield http


def assert_valid(message: str, body: Any) -> None:
    errors = [v for v in validate(PROVIDER, message, body) if v.severity == "error"]
    assert errors == [], errors


def submit(client: httpx.Client, body: dict[str, Any] | None = None,
           headers: dict[str, str] | None = None, key: str = KEY) -> dict[str, Any]:
    answer = client.post("/ent/v2/reference2video", json=body or BODY,
                         headers={"Authorization": f"Token {key}", **(headers or {})})
    assert answer.status_code == 200, answer.text
    assert_valid("submit-response", answer.json())
    found: dict[str, Any] = answer.json()
    return found


def creations(client: httpx.Client, task_id: str) -> dict[str, Any]:
    answer = client.get(f"/ent/v2/tasks/{task_id}/creations", headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert_valid("result-response", answer.json())
    found: dict[str, Any] = answer.json()
    return found


def first_frame_rgb(mp4: bytes) -> bytes:
    """The video's first frame as packed RGB rows (what a player shows first)."""
    with av.open(io.BytesIO(mp4)) as container:
        frame = next(container.decode(container.streams.video[0]))
        rgb = frame.reformat(format="rgb24")
        plane, width = rgb.planes[0], rgb.width
        data = bytes(plane)
        return b"".join(data[y * plane.line_size:y * plane.line_size + width * 3]
                        for y in range(rgb.height))


def png_rgb(content: bytes) -> bytes:
    """The pixels of an 8-bit RGB, non-interlaced PNG (filter bytes all 0: unfiltered rows)."""
    width, height = png_size(content)
    at, chunks = 8, []
    while at < len(content):
        (length,) = struct.unpack(">I", content[at:at + 4])
        if content[at + 4:at + 8] == b"IDAT":
            chunks.append(content[at + 8:at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = 1 + width * 3
    assert all(raw[y * stride] == 0 for y in range(height))
    return b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(height))


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR (PNG spec: bytes 16-24, big-endian)."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_a_task_is_created_then_processing_then_success_with_its_creation(
    client: httpx.Client,
) -> None:
    task = submit(client, headers=STEP_BY_POLL)
    assert task["state"] == "created" and task["model"] == "viduq2-pro"
    assert isinstance(task["credits"], int) and task["credits"] > 0
    seen = [creations(client, task["task_id"]) for _ in range(2)]
    assert [s["state"] for s in seen] == ["processing", "success"]
    assert seen[0]["creations"] == []
    done = seen[1]
    assert done["err_code"] == "" and len(done["creations"]) == 1
    creation = done["creations"][0]
    assert "watermarked_url" not in creation  # no watermark asked for
    video = httpx.get(creation["url"], timeout=30.0)
    assert (video.status_code, video.headers["content-type"]) == (200, "video/mp4")
    shape = probe(video.content)
    # Asked: 1:1 and 4 s.
    assert shape.width == shape.height and shape.seconds == pytest.approx(4, abs=0.1)
    cover = httpx.get(creation["cover_url"], timeout=30.0)
    assert (cover.status_code, cover.headers["content-type"]) == (200, "image/png")
    assert png_size(cover.content) == (shape.width, shape.height)
    # The cover is the video's first frame: pixel by pixel within the codec's loss.
    cover_pixels, frame_pixels = png_rgb(cover.content), first_frame_rgb(video.content)
    assert len(cover_pixels) == len(frame_pixels)
    worst = max(abs(a - b) for a, b in zip(cover_pixels, frame_pixels, strict=True))
    assert worst <= 32, worst
    differ = sum(abs(a - b) > 12 for a, b in zip(cover_pixels, frame_pixels, strict=True))
    assert differ / len(cover_pixels) < 0.02
    assert cover.content == httpx.get(creation["cover_url"], timeout=30.0).content


def test_a_watermarked_task_has_a_watermarked_url(client: httpx.Client) -> None:
    task = submit(client, {**BODY, "watermark": True, "wm_position": 1}, IMMEDIATE)
    creation = creations(client, task["task_id"])["creations"][0]
    assert creation["watermarked_url"].startswith("http")
    assert httpx.get(creation["watermarked_url"], timeout=30.0).status_code == 200


@pytest.mark.parametrize("code", ["CreationPolicyViolation", "ImageDownloadFailure"])
def test_a_forced_failure_ends_failed_with_its_err_code(client: httpx.Client, code: str) -> None:
    task = submit(client, headers={**IMMEDIATE, "X-Mock-Outcome": f"fail:{code}"})
    done = creations(client, task["task_id"])
    assert (done["state"], done["err_code"], done["creations"]) == ("failed", code, [])


def test_creation_urls_expire_after_one_hour_on_the_mock_clock(
    client: httpx.Client, live: LiveServer
) -> None:
    task = submit(client, headers=IMMEDIATE)
    creation = creations(client, task["task_id"])["creations"][0]
    assert httpx.head(creation["url"], timeout=30.0).status_code == 200
    advanced = httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": 3601}, timeout=5)
    assert advanced.status_code == 200
    # One hour (the shorter of the documented lifetimes), then a signed URL's 403.
    assert httpx.get(creation["url"], timeout=30.0).status_code == 403
    assert httpx.get(creation["cover_url"], timeout=30.0).status_code == 403


def test_the_task_list_filters_by_state_and_model_version_and_pages(
    client: httpx.Client,
) -> None:
    key = "vidu-list-key"
    own = {"Authorization": f"Token {key}"}
    done = submit(client, headers=IMMEDIATE, key=key)["task_id"]
    failed = submit(client, {**BODY, "model": "viduq2", "duration": 2},
                    {**IMMEDIATE, "X-Mock-Outcome": "fail:FieldInvalid"}, key=key)["task_id"]
    waiting = submit(client, headers={"X-Mock-Progression": "polls=5"}, key=key)["task_id"]

    def listed(**params: Any) -> dict[str, Any]:
        answer = client.get("/ent/v2/tasks", params=params, headers=own)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    everything = listed()
    assert {t["id"] for t in everything["tasks"]} == {done, failed, waiting}
    assert everything["total"] == 3 and everything["next_page"] is None
    assert [t["id"] for t in listed(states="success")["tasks"]] == [done]
    assert {t["id"] for t in listed(states="success,failed")["tasks"]} == {done, failed}
    assert {t["id"] for t in listed(model_versions="q2-pro")["tasks"]} == {done, waiting}
    assert [t["id"] for t in listed(model_versions="q2")["tasks"]] == [failed]
    first = listed(page_size=2)
    second = listed(page_size=2, page=first["next_page"])
    assert len(first["tasks"]) == 2 and len(second["tasks"]) == 1
    assert {t["id"] for t in first["tasks"] + second["tasks"]} == {done, failed, waiting}
    for item in everything["tasks"]:
        assert_valid("result-response", item)
    refused = client.get("/ent/v2/tasks", params={"page_size": 1000}, headers=own)
    assert refused.status_code == 400 and refused.json()["reason"] == "PageSizeOutOfRange"
    assert_valid("error-response", refused.json())


@pytest.mark.parametrize(
    ("body", "reason", "field"),
    [
        ({k: v for k, v in BODY.items() if k != "prompt"}, "FieldLacking", "prompt"),
        ({**BODY, "images": [IMAGE] * 8}, "FieldItemCountOutOfRange", "images"),
        ({**BODY, "webhook": "https://example.com"}, "FieldUnwanted", "webhook"),
        ({**BODY, "resolution": "360p"}, "FieldInvalid", "resolution"),
    ],
)
def test_a_bad_body_gets_the_documented_400(
    client: httpx.Client, body: dict[str, Any], reason: str, field: str
) -> None:
    refused = client.post("/ent/v2/reference2video", json=body, headers=AUTH)
    assert refused.status_code == 400
    answer = refused.json()
    assert_valid("error-response", answer)
    assert (answer["code"], answer["reason"]) == (400, reason)
    assert field in answer["metadata"]["fields"] or any(
        name.startswith(field) for name in answer["metadata"]["fields"]
    )
    assert refused.headers["x-md-trace-id"] == answer["metadata"]["trace_id"]


@pytest.mark.parametrize("authorization", [f"Bearer {KEY}", "Token", KEY, ""])
def test_anything_but_a_token_header_is_unauthorized(
    client: httpx.Client, authorization: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    refused = client.post("/ent/v2/reference2video", json=BODY, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["reason"] == "Unauthorized"
    assert_valid("error-response", refused.json())


def test_an_unknown_or_foreign_task_is_task_not_found(client: httpx.Client) -> None:
    other = submit(client, key="somebody-else")["task_id"]
    for task_id in ("no-such-task", other):
        answer = client.get(f"/ent/v2/tasks/{task_id}/creations", headers=AUTH)
        assert answer.status_code == 404
        assert answer.json()["reason"] == "TaskNotFound"
        assert_valid("error-response", answer.json())


def test_a_rate_limit_fault_is_too_many_requests(client: httpx.Client) -> None:
    limited = client.post("/ent/v2/reference2video", json=BODY,
                          headers={**AUTH, "X-Mock-Scenario": "http-429"})
    assert limited.status_code == 429
    assert limited.json()["reason"] in {"QuotaExceeded", "TooManyRequests", "SystemThrottling"}
    assert_valid("error-response", limited.json())
