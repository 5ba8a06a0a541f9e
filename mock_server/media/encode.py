"""Encode a real, playable MP4 of a given shape, the same bytes for the same shape and seed.

PyAV (the ``av`` wheel, which bundles FFmpeg) does the encoding and muxing:
no hand-written container code. The picture is a flat background with a
vertical bar sweeping across it once a second, colours and direction drawn
from the seed, so two seeds look different.

Speed comes from encoding one second only: the encoder draws the first
second (an IDR frame, then P-frames that each reference the one before),
and the muxer writes those same packets again, retimed, for every further
second. Each second therefore opens with a keyframe (a player can seek to
any whole second) and the bitstream stays valid H.264; the encoder's cost
no longer grows with the length, so a 1080p 10 s file takes about 0.2 s.

Encoder settings and why:

- H.264 (libx264, which the ``av`` wheels ship) in yuv420p: what the
  providers deliver (Runware: "MP4 ... (H.264)") and what every player and
  transcoder reads. ``mpeg4`` (MPEG-4 part 2) when an FFmpeg build lacks
  libx264.
- ``preset=ultrafast``, ``tune=zerolatency`` (no lookahead and no
  B-frames: one packet per frame, in order, which the loop relies on, and
  an exact frame count and duration), ``crf=40`` (small files: quality is
  irrelevant for a flat picture).
- One encoder thread: x264's output depends on its thread count, and a
  fixed count keeps the bytes identical on every machine (same PyAV build).
- ``movflags=+faststart``: the index sits before the media data, as
  streaming-ready storage serves it, so a player probing with a Range
  request finds it in the first bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from fractions import Fraction
from functools import cache
from typing import Any

from vidukit.mock_server.media.shapes import Shape

#: Encoders in order of preference (the first the installed FFmpeg has wins).
CODECS: tuple[str, ...] = ("libx264", "mpeg4")
#: Seconds of frames the encoder draws; the file repeats them (see the module docstring).
LOOP_SECONDS = 1.0
_X264_OPTIONS = {"preset": "ultrafast", "tune": "zerolatency", "crf": "40"}
_MPEG4_OPTIONS = {"qscale": "31"}


class MediaUnavailable(RuntimeError):
    """PyAV is not installed, or its FFmpeg has none of `CODECS`."""


def _av() -> Any:
    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MediaUnavailable(
            "real media needs PyAV: pip install av (a wheel that bundles FFmpeg)"
        ) from exc
    return av


@cache
def codec_name() -> str:
    """The encoder this process uses: libx264 when the FFmpeg build has it."""
    av = _av()
    for name in CODECS:
        try:
            av.codec.Codec(name, "w")
        except Exception:
            continue
        return name
    raise MediaUnavailable(f"the installed FFmpeg has none of the encoders {', '.join(CODECS)}")


def available() -> bool:
    try:
        codec_name()
    except MediaUnavailable:
        return False
    return True


def _palette(seed: int) -> tuple[tuple[int, int, int], tuple[int, int, int], bool]:
    """Background and bar colours (Y, U, V) and the bar's direction, fixed by *seed*."""
    digest = hashlib.sha256(f"vidukit-media:{seed}".encode()).digest()
    background = (32 + digest[0] % 96, 64 + digest[1] % 128, 64 + digest[2] % 128)
    bar = (160 + digest[3] % 80, 16 + digest[4] % 224, 16 + digest[5] % 224)
    return background, bar, bool(digest[6] & 1)


def _even(value: int) -> int:
    return max(2, value - value % 2)


def _fill(
    frame: Any, x: int, bar_width: int, background: tuple[int, ...], bar: tuple[int, ...]
) -> None:
    """Paint the flat background and the bar at *x* into a yuv420p frame, row by row."""
    for index, plane in enumerate(frame.planes):
        scale = 1 if index == 0 else 2
        start, span = x // scale, bar_width // scale
        row = bytes([background[index]]) * start + bytes([bar[index]]) * span
        row += bytes([background[index]]) * (plane.line_size - len(row))
        plane.update(row * plane.height)


def encode_mp4(shape: Shape, seed: int) -> bytes:
    """An MP4 of *shape* drawn from *seed*; raises `MediaUnavailable` without PyAV."""
    av = _av()
    codec = codec_name()
    with tempfile.TemporaryDirectory(prefix="vidukit-media-") as folder:
        # faststart rewrites the finished file in a second pass, which needs a real file.
        path = os.path.join(folder, "out.mp4")
        _write(av, path, codec, shape, seed)
        with open(path, "rb") as written:
            return written.read()


def _write(av: Any, path: str, codec: str, shape: Shape, seed: int) -> None:
    """Encode one loop of frames, then mux its packets again and again up to the length."""
    width, height, frames = _even(shape.width), _even(shape.height), shape.frames
    loop = min(frames, round(LOOP_SECONDS * shape.fps)) or 1
    background, bar, backwards = _palette(seed)
    bar_width = _even(max(16, width // 12))
    travel = width - bar_width
    time_base = Fraction(1, shape.fps)
    with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream(codec, rate=shape.fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.thread_count = 1
        stream.codec_context.options = dict(_X264_OPTIONS if codec == "libx264" else _MPEG4_OPTIONS)
        packets: list[Any] = []
        for n in range(loop):
            step = n * travel // max(1, loop - 1)
            x = travel - step if backwards else step
            x -= x % 2  # chroma is subsampled by two: keep the bar's edge on a chroma sample
            frame = av.VideoFrame(width, height, "yuv420p")
            _fill(frame, x, bar_width, background, bar)
            frame.pts, frame.time_base = n, time_base
            packets.extend(stream.encode(frame))
        packets.extend(stream.encode(None))
        if len(packets) != loop:
            raise MediaUnavailable(f"{codec} gave {len(packets)} packets for {loop} frames")
        loop_data = [(bytes(p), bool(p.is_keyframe)) for p in packets]
        for n in range(frames):
            data, keyframe = loop_data[n % loop]
            packet = av.Packet(data)
            packet.stream, packet.time_base = stream, time_base
            packet.pts = packet.dts = n
            packet.duration = 1
            packet.is_keyframe = keyframe
            container.mux(packet)


__all__ = ["CODECS", "LOOP_SECONDS", "MediaUnavailable", "available", "codec_name", "encode_mp4"]
