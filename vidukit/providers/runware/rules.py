"""Runware's own named checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vidukit.rules._payload import Payload
from vidukit.rules.effects import DEFAULT_DURATION
from vidukit.rules.registry import Finding, rule

DOC = "https://runware.ai/docs/models/vidu-q2-pro (source document 003)"
FACTS = "https://runware.ai/docs/models/vidu-q2-pro (provider-docs/README.md §5)"


def _vidu_settings(task: Any) -> Any:
    settings = task.get("providerSettings")
    return settings.get("vidu") if isinstance(settings, dict) else None


@rule("bgm-not-4-seconds", severity="warning", provider="runware",
      source=f"{FACTS}: providerSettings.vidu.bgm 'only supported for 4-second videos'")
def bgm_not_4_seconds(payload: Payload) -> Iterator[Finding]:
    """Runware's providerSettings.vidu.bgm only works for 4-second videos."""
    for path, task in payload.fields:
        vidu = _vidu_settings(task)
        if isinstance(vidu, dict) and vidu.get("bgm") is True:
            duration = task.get("duration", DEFAULT_DURATION)
            if duration != 4:
                yield (f"{path}/providerSettings/vidu/bgm",
                       f"bgm is only supported for 4-second videos (duration is {duration})")


def _frame_images(task: Any) -> Any:
    inputs = task.get("inputs")
    frames = inputs.get("frameImages") if isinstance(inputs, dict) else None
    return frames if frames is not None else task.get("frameImages")


@rule("frame-images-dimensions", severity="warning", provider="runware",
      source=f"{FACTS} (providers/vidu page: with frameImages the dimensions come from the "
             "first frame; width/height 'should not be specified')")
def frame_images_dimensions(payload: Payload) -> Iterator[Finding]:
    """width and height are ignored when frameImages are given."""
    for path, task in payload.fields:
        frames = _frame_images(task)
        if isinstance(frames, list) and frames and ("width" in task or "height" in task):
            yield path, ("width/height are inferred from the first frame image when "
                         "frameImages are given; omit them")
