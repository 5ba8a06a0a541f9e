"""Output URLs as storage serves them: byte ranges, HEAD, and each provider's URL lifetime.

All over a real socket, on the virtual clock: advancing it past a lifetime
expires the URL, and the answer is the provider's storage's (403 for a
signed URL past its expiry, 404 for a deleted object), with an S3-style XML
body. Small shapes keep the encodes cheap.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from media_support import admin_task, advance, finish

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.media.serve import RangeNotSatisfiable, byte_range
from vidukit.mock_server.testing import LiveServer

SMALL = {
    "wavespeed": {"resolution": "360p", "aspect_ratio": "16:9", "duration": 1},
    "vtrix": {"resolution": "540p", "duration": 1},
    "novita": {"resolution": "540p", "duration": 1},
    "myrouter": {"resolution": "540p", "duration": 1},
    "runware": {"width": 640, "height": 352, "duration": 1},
}
HOUR, WEEK = 3600, 7 * 24 * 3600


def storage_error(response: httpx.Response) -> str:
    """The XML error code of a storage answer."""
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Error"
    code = root.findtext("Code")
    assert code is not None
    return code


# -- ranges and HEAD ----------------------------------------------------------------------


def test_byte_ranges_head_and_if_range_as_a_player_probes(live_server: LiveServer) -> None:
    url = finish(live_server, "wavespeed", **SMALL["wavespeed"]).url
    whole = httpx.get(url, timeout=5)
    size, tag = len(whole.content), whole.headers["etag"]
    assert whole.headers["accept-ranges"] == "bytes" and size > 1000

    head = httpx.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == size and head.headers["etag"] == tag

    for header, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-10", size - 10, size - 1),
        (f"bytes=10-{size + 500}", 10, size - 1),
    ]:
        part = httpx.get(url, headers={"Range": header}, timeout=5)
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.content == whole.content[first : last + 1]
        assert int(part.headers["content-length"]) == last - first + 1

    past = httpx.get(url, headers={"Range": f"bytes={size}-"}, timeout=5)
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{size}"
    several = httpx.get(url, headers={"Range": "bytes=0-1,5-9"}, timeout=5)
    assert several.status_code == 200 and several.content == whole.content
    stale = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'}, timeout=5)
    assert stale.status_code == 200 and stale.content == whole.content
    fresh = httpx.get(url, headers={"Range": "bytes=0-9", "If-Range": tag}, timeout=5)
    assert fresh.status_code == 206 and fresh.content == whole.content[:10]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", (0, 0)),
        ("bytes=5-2", None),
        ("items=0-5", None),
        ("bytes=a-5", None),
        ("bytes=-", None),
        ("bytes=-100", (0, 49)),
        ("bytes = 3 - 4", (3, 4)),
    ],
)
def test_range_header_parsing(header: str | None, expected: tuple[int, int] | None) -> None:
    assert byte_range(header, 50) == expected


@pytest.mark.parametrize("header", ["bytes=50-", "bytes=-0", "bytes=60-70"])
def test_a_range_past_the_end_is_not_satisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, 50)


# -- lifetimes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "fields", "lifetime", "status", "code"),
    [
        ("novita", {}, HOUR, 403, "AccessDenied"),
        ("myrouter", {}, HOUR, 403, "AccessDenied"),
        ("vtrix", {}, HOUR, 403, "AccessDenied"),
        ("wavespeed", {}, WEEK, 404, "NoSuchKey"),
        ("runware", {}, HOUR, 404, "NoSuchKey"),
        ("runware", {"ttl": 120}, 120, 404, "NoSuchKey"),
    ],
)
def test_the_url_works_for_the_providers_lifetime_then_storage_refuses_it(
    live_server: LiveServer,
    provider: str,
    fields: dict[str, int],
    lifetime: int,
    status: int,
    code: str,
) -> None:
    done = finish(live_server, provider, **SMALL[provider], **fields)
    view = admin_task(live_server, done.task_id)
    succeeded_at = live_server.state.store.get(done.task_id).entered["succeeded"]  # type: ignore[union-attr]
    assert view["media"]["url_ttl_seconds"] == lifetime
    assert view["media"]["url_expires_at"] == iso_ms(succeeded_at + lifetime)

    advance(live_server, lifetime - 1)
    assert httpx.get(done.url, timeout=5).status_code == 200, "still inside the lifetime"
    advance(live_server, 1)
    expired = httpx.get(done.url, timeout=5)
    assert expired.status_code == status
    assert storage_error(expired) == code
    assert httpx.get(done.url, headers={"Range": "bytes=0-9"}, timeout=5).status_code == status


def test_novitas_advertised_ttl_is_the_one_enforced(live_server: LiveServer) -> None:
    for provider in ("novita", "myrouter"):
        done = finish(live_server, provider, **SMALL[provider])
        ttl = done.result["videos"][0]["video_url_ttl"]
        advance(live_server, ttl - 0.5)
        assert httpx.get(done.url, timeout=5).status_code == 200
        advance(live_server, 0.5)
        answer = httpx.get(done.url, timeout=5)
        assert answer.status_code == 403
        root = ET.fromstring(answer.content)
        assert root.findtext("Message") == "Request has expired"
        assert root.findtext("X-Amz-Expires") == str(ttl)


def test_a_task_marked_expired_answers_as_expired_at_once(live_server: LiveServer) -> None:
    """The flag the "expired output URL" scenario sets on a task."""
    signed = finish(live_server, "novita", **SMALL["novita"])
    deleted = finish(live_server, "wavespeed", **SMALL["wavespeed"])
    for done in (signed, deleted):
        task = live_server.state.store.get(done.task_id)
        assert task is not None and task.state == "succeeded"
        task.meta["expired"] = True
        live_server.state.store.put(task)
    assert storage_error(httpx.get(signed.url, timeout=5)) == "AccessDenied"
    assert storage_error(httpx.get(deleted.url, timeout=5)) == "NoSuchKey"
    assert admin_task(live_server, signed.task_id)["media"]["expired_flag"] is True
