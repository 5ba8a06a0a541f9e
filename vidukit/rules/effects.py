"""Warnings: a request the provider accepts but that almost surely does not do what was meant.

Left out on purpose: ``movement_amplitude`` on WaveSpeed, Novita and MyRouter.
Vidu says the parameter has no effect on q2 models, but each of those
providers documents it for this very endpoint (with a default), so a warning
would fire on most ordinary requests and teach nothing; the schemas'
descriptions carry the remark instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vidukit.rules import _sources as src
from vidukit.rules._payload import Payload, integer
from vidukit.rules.registry import Finding, rule

SUBMIT = "submit-request"
#: The field names are the same on every provider that has them, except Runware.
_BGM_LONG = {
    "vtrix": f"{src.VTRIX} (bgm: 'when duration is 9 or 10, bgm does not take effect')",
    "novita": f"{src.NOVITA} (bgm, duration 1-10); {src.VIDU_FACTS}: bgm has no effect at 9-10 s",
    "myrouter": f"{src.MYROUTER} (bgm, duration 1-10); {src.VIDU_FACTS}: bgm has no effect "
                "at 9-10 s",
}
_DEFAULT_DURATION = 5  # every provider's documented default


@rule("bgm-long-duration", severity="warning", source=_BGM_LONG,
      targets=[(p, SUBMIT) for p in _BGM_LONG])
def bgm_long_duration(payload: Payload) -> Iterator[Finding]:
    """bgm is ignored when duration is 9 or 10 seconds."""
    for path, fields in payload.fields:
        duration = integer(fields.get("duration", _DEFAULT_DURATION))
        if fields.get("bgm") is True and duration in (9, 10):
            yield f"{path}/bgm", f"bgm has no effect when duration is {duration}"


_SEED_ZERO = {
    "wavespeed": f"{src.WAVESPEED} (seed range -1..2147483647; curl example sends 0); "
                 f"{src.WAVESPEED_FACTS}: the newer page says -1 means random",
    "vtrix": f"{src.VTRIX} (seed: 'If omitted or set to 0, a random value is used')",
    "novita": f"{src.NOVITA} (seed); {src.VIDU_FACTS}: seed 0 = random",
    "myrouter": f"{src.MYROUTER} (seed); {src.VIDU_FACTS}: seed 0 = random",
}
_SEED_ZERO_MESSAGES = {
    "wavespeed": "seed 0 is ambiguous (a fixed seed here, random on Vidu); send -1 for a "
                 "random seed or a positive seed to reproduce a result",
}
_SEED_ZERO_DEFAULT = "seed 0 means a random seed; omit seed for random, or send a non-zero seed"


@rule("seed-zero-random", severity="warning", source=_SEED_ZERO,
      targets=[(p, SUBMIT) for p in _SEED_ZERO])
def seed_zero_random(payload: Payload) -> Iterator[Finding]:
    """seed 0 does not fix the seed: it asks for a random one (or is ambiguous)."""
    for path, fields in payload.fields:
        if "seed" in fields and integer(fields["seed"]) == 0:
            yield f"{path}/seed", _SEED_ZERO_MESSAGES.get(payload.provider, _SEED_ZERO_DEFAULT)


@rule("off-peak-unavailable", severity="warning",
      source={"vtrix": f"{src.VTRIX} (off_peak: 'Note: Temporarily unavailable')"},
      targets=[("vtrix", SUBMIT)])
def off_peak_unavailable(payload: Payload) -> Iterator[Finding]:
    """off_peak true asks for a mode the document calls temporarily unavailable."""
    for path, fields in payload.fields:
        if fields.get("off_peak") is True:
            yield f"{path}/off_peak", "off_peak is 'temporarily unavailable' on Vtrix"


def _vidu_settings(task: Any) -> Any:
    settings = task.get("providerSettings")
    return settings.get("vidu") if isinstance(settings, dict) else None


@rule("bgm-not-4-seconds", severity="warning",
      source={"runware": f"{src.RUNWARE_FACTS}: providerSettings.vidu.bgm "
                         "'only supported for 4-second videos'"},
      targets=[("runware", SUBMIT)])
def bgm_not_4_seconds(payload: Payload) -> Iterator[Finding]:
    """Runware's providerSettings.vidu.bgm only works for 4-second videos."""
    for path, task in payload.fields:
        vidu = _vidu_settings(task)
        if isinstance(vidu, dict) and vidu.get("bgm") is True:
            duration = task.get("duration", _DEFAULT_DURATION)
            if duration != 4:
                yield (f"{path}/providerSettings/vidu/bgm",
                       f"bgm is only supported for 4-second videos (duration is {duration})")


def _frame_images(task: Any) -> Any:
    inputs = task.get("inputs")
    frames = inputs.get("frameImages") if isinstance(inputs, dict) else None
    return frames if frames is not None else task.get("frameImages")


@rule("frame-images-dimensions", severity="warning",
      source={"runware": f"{src.RUNWARE_FACTS} (providers/vidu page: with frameImages the "
                         "dimensions come from the first frame; width/height 'should not be "
                         "specified')"},
      targets=[("runware", SUBMIT)])
def frame_images_dimensions(payload: Payload) -> Iterator[Finding]:
    """width and height are ignored when frameImages are given."""
    for path, task in payload.fields:
        frames = _frame_images(task)
        if isinstance(frames, list) and frames and ("width" in task or "height" in task):
            yield path, ("width/height are inferred from the first frame image when "
                         "frameImages are given; omit them")
