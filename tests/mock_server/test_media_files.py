"""Real media: every provider's output URL serves an MP4 of the shape its request asked for.

Files are read back with PyAV from the downloaded bytes (over a real socket),
so what is checked is what a client that probes or transcodes would see.
Most cases use short, small shapes to keep the run fast; one reads back the
documented default, 720p 16:9 for 5 s.
"""

from __future__ import annotations

import json
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from media_support import PROVIDERS, admin_task, finish, probe

from vidukit.mock_server.media import cache as media_cache
from vidukit.mock_server.media.cache import MediaCache
from vidukit.mock_server.media.encode import codec_name, encode_mp4
from vidukit.mock_server.media.shapes import Shape, dimension_table
from vidukit.mock_server.testing import LiveServer

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def download(url: str) -> bytes:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "video/mp4"
    assert int(response.headers["content-length"]) == len(response.content)
    return response.content


def test_the_default_720p_16_9_5_s_file_probes_as_requested(live_server: LiveServer) -> None:
    done = finish(live_server, "wavespeed")  # no resolution, aspect ratio or duration sent
    found = probe(download(done.url))
    assert (found.width, found.height) == (1280, 720)
    assert found.seconds == pytest.approx(5.0, abs=1e-3)
    assert found.fps == Fraction(24)
    assert found.frames == 120, "every frame decodes: 5 s at 24 fps"
    assert found.codec == ("h264" if codec_name() == "libx264" else "mpeg4")


@pytest.mark.parametrize(
    ("provider", "fields", "size", "seconds"),
    [
        ("wavespeed", {"resolution": "360p", "aspect_ratio": "1:1", "duration": 1}, (480, 480), 1),
        ("wavespeed", {"resolution": "540p", "aspect_ratio": "9:16", "duration": 2}, (528, 960), 2),
        ("vtrix", {"resolution": "540p", "aspect_ratio": "4:3", "duration": 1}, (816, 608), 1),
        ("vtrix", {"resolution": "540p", "aspect_ratio": "1:1", "duration": 0}, (720, 720), 5),
        ("novita", {"resolution": "540p", "aspect_ratio": "3:4", "duration": 1}, (608, 816), 1),
        ("novita", {"resolution": "540p", "duration": 2}, (960, 528), 2),
        ("myrouter", {"resolution": "540p", "aspect_ratio": "9:16", "duration": 1}, (528, 960), 1),
        ("runware", {"width": 400, "height": 544, "duration": 2}, (400, 544), 2),
        ("runware", {"width": 640, "height": 352, "duration": 1}, (640, 352), 1),
    ],
)
def test_each_provider_serves_the_requested_size_and_length(
    live_server: LiveServer,
    provider: str,
    fields: dict[str, Any],
    size: tuple[int, int],
    seconds: int,
) -> None:
    done = finish(live_server, provider, **fields)
    found = probe(download(done.url))
    assert (found.width, found.height) == size
    assert found.seconds == pytest.approx(seconds, abs=1e-3)
    assert found.frames == seconds * 24
    shown = admin_task(live_server, done.task_id)
    assert shown["meta"]["duration_seconds"] == seconds, "the file is as long as the task says"
    assert shown["media"]["width"] == size[0] and shown["media"]["height"] == size[1]


def test_runware_without_dimensions_is_720p_and_defaults_follow_each_schema(
    live_server: LiveServer,
) -> None:
    """frameImages tasks send no width/height; every provider's unsent fields take its default."""
    for provider in PROVIDERS:
        done = finish(live_server, provider)
        media = admin_task(live_server, done.task_id)["media"]
        assert (media["width"], media["height"], media["fps"]) == (1280, 720, 24), provider
        assert media["duration_seconds"] == 5, provider


def test_the_size_table_is_runwares_schema_table() -> None:
    schema = json.loads((SCHEMAS / "runware" / "submit-request.json").read_text())
    rows = schema["$defs"]["dimensions"]["oneOf"]
    expected = {
        (r["x-resolution"], r["x-aspect-ratio"]): (
            r["properties"]["width"]["const"],
            r["properties"]["height"]["const"],
        )
        for r in rows
    }
    assert dict(dimension_table()) == expected
    assert len(expected) == 20 and expected[("720p", "16:9")] == (1280, 720)


def test_same_shape_and_seed_give_the_same_bytes_and_another_seed_does_not() -> None:
    shape = Shape(352, 640, 24, 1.0)
    first, again, other = encode_mp4(shape, 7), encode_mp4(shape, 7), encode_mp4(shape, 8)
    assert first == again
    assert first != other
    assert probe(first).frames == probe(other).frames == 24


def test_the_client_seed_fixes_the_file_across_tasks_and_prompts(live_server: LiveServer) -> None:
    shape = {"resolution": "360p", "aspect_ratio": "16:9", "duration": 1}
    one = finish(live_server, "wavespeed", seed=4242, prompt="a red kite", **shape)
    two = finish(live_server, "wavespeed", seed=4242, prompt="a blue kite", **shape)
    three = finish(live_server, "wavespeed", seed=4243, prompt="a red kite", **shape)
    assert one.task_id != two.task_id
    assert download(one.url) == download(two.url)
    assert download(one.url) != download(three.url)


def test_each_runware_result_is_its_own_file_drawn_from_its_seed(live_server: LiveServer) -> None:
    done = finish(live_server, "runware", width=480, height=480, duration=1, numberResults=2)
    first, second = done.result
    assert second["videoURL"].endswith("?result=2")
    assert second["seed"] == first["seed"] + 1
    a, b = download(first["videoURL"]), download(second["videoURL"])
    assert a != b
    assert probe(a).width == probe(b).width == 480
    assert httpx.get(first["videoURL"] + "?result=3", timeout=5).status_code == 404
    assert httpx.get(first["videoURL"] + "?result=x", timeout=5).status_code == 404


def test_a_large_shape_encodes_once_and_then_comes_from_the_cache(
    live_server: LiveServer,
) -> None:
    done = finish(live_server, "wavespeed", resolution="1080p", aspect_ratio="16:9", duration=8)
    misses = media_cache.SHARED.misses
    body = download(done.url)
    again = download(done.url)
    assert body == again
    assert media_cache.SHARED.misses - misses <= 1, "the second download is a cache hit"
    found = probe(body)
    assert (found.width, found.height, found.frames) == (1920, 1080, 192)


def test_the_cache_makes_each_value_once_under_concurrent_callers_and_stays_bounded() -> None:
    cache = MediaCache(max_bytes=250, max_entries=3)
    made: list[str] = []
    gate = threading.Event()

    def make(key: str) -> bytes:
        made.append(key)
        gate.wait(2)
        return key.encode() * 10

    results: list[bytes] = []
    workers = [
        threading.Thread(target=lambda: results.append(cache.get_or_make("a", lambda: make("a"))))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    gate.set()
    for worker in workers:
        worker.join(5)
    assert made == ["a"] and results == [b"a" * 10] * 4
    for key in "bcd":
        cache.get_or_make(key, lambda key=key: key.encode() * 100)
    assert cache.size <= 250 and len(cache) <= 3
    assert cache.get("a") is None, "the least recently used entry went first"
    cache.put("huge", b"x" * 1000)
    assert cache.get("huge") is None, "a value larger than the cache is served, not kept"
