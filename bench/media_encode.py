"""Seconds to encode the mock's output MP4 per shape, cold (no cache) and from the cache.

Run from the repository root:

    python bench/media_encode.py [--repeat 3] [--seconds 5 10]

For every resolution in Runware's size table (the one the mock reads all
sizes from) and three aspect ratios (16:9, 9:16, 1:1), and each length
asked, prints the median cold encode time over ``--repeat`` runs (a fresh
seed each run, so nothing is cached), the file size, and the time of a
cached lookup. The cold figure is what the first download of a new shape
and seed waits for; every later download of it takes the cached time.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Sequence

import av

from vidukit.mock_server.media.cache import MediaCache
from vidukit.mock_server.media.encode import codec_name, encode_mp4
from vidukit.mock_server.media.shapes import FPS, Shape, dimension_table

RESOLUTIONS = ("360p", "540p", "720p", "1080p")
ASPECTS = ("16:9", "9:16", "1:1")


def measure(shape: Shape, repeat: int) -> tuple[float, int, float]:
    """(median cold seconds, bytes, cached lookup seconds) for *shape*."""
    cold: list[float] = []
    size = 0
    for run in range(repeat):
        started = time.perf_counter()
        size = len(encode_mp4(shape, 1000 + run))
        cold.append(time.perf_counter() - started)
    cache = MediaCache()
    cache.get_or_make((shape, 1), lambda: encode_mp4(shape, 1))
    started = time.perf_counter()
    cache.get_or_make((shape, 1), lambda: encode_mp4(shape, 1))
    return statistics.median(cold), size, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, nargs="+", default=[5.0, 10.0])
    args = parser.parse_args(argv)
    print(f"PyAV {av.__version__}, encoder {codec_name()}, {FPS} fps, {platform.processor() or ''}")
    print(f"{'shape':<27} {'cold s':>8} {'KiB':>8} {'cached us':>10}")
    encode_mp4(Shape(64, 64, FPS, 1.0), 0)  # warm-up: load the codec
    table = dimension_table()
    for seconds in args.seconds:
        for resolution in RESOLUTIONS:
            for aspect in ASPECTS:
                width, height = table[(resolution, aspect)]
                shape = Shape(width, height, FPS, seconds)
                cold, size, cached = measure(shape, args.repeat)
                label = f"{resolution} {aspect} {seconds:g}s ({width}x{height})"
                print(f"{label:<27} {cold:>8.3f} {size / 1024:>8.0f} {cached * 1e6:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
