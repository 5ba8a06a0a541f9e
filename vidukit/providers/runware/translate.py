"""Runware: a one-element array holding a ``videoInference`` task for model ``vidu:3@1``:
``positivePrompt``; ``width`` x ``height`` from (resolution, aspect ratio) through the model
page's table of allowed pairs; ``providerSettings.vidu.movementAmplitude``;
``inputs.referenceImages``; ``seed`` must be >= 1; ``taskUUID`` must be a fresh UUID v4 per
task."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from vidukit.canonical import (
    AspectRatio,
    CanonicalRequest,
    NotRepresentable,
    Resolution,
    Unrecoverable,
    amplitude_from_wire,
    derived_task_uuid,
    pixel_sizes,
    read_field,
    with_seed,
)
from vidukit.providers.runware.wire import tasks
from vidukit.providers.spec import Fields, InlineRefs, Translation
from vidukit.rules._payload import frames, strings

ID = "runware"
MODEL = "vidu:3@1"


def to_wire(request: CanonicalRequest, *, task_uuid: str | None = None) -> list[dict[str, Any]]:
    """A one-task array; size as an allowed width x height pair.

    The task UUID is hashed from the request unless given, so this reference
    translation is pure; a real client sends a fresh ``uuid.uuid4()`` per task.
    """
    size = pixel_sizes(ID).get((request["resolution"], request["aspect_ratio"]))
    if size is None:
        raise NotRepresentable(ID, [
            f"size: no width x height for {request['resolution']} {request['aspect_ratio']}"])
    task = with_seed({
        "taskType": "videoInference",
        "taskUUID": task_uuid or derived_task_uuid(request),
        "model": MODEL,
        "positivePrompt": request["prompt"],
        "width": size[0],
        "height": size[1],
        "duration": request["duration"],
        "providerSettings": {"vidu": {"movementAmplitude": request["movement_amplitude"]}},
        "inputs": {"referenceImages": list(request["images"])},
    }, request["seed"])
    return [task]


def from_wire(body: Any) -> CanonicalRequest:
    """Reads the one videoInference task; an authentication task is skipped."""
    found = tasks(body, "videoInference")
    if len(found) != 1:
        raise Unrecoverable(ID, "taskType", "expected exactly one videoInference task")
    task = found[0]
    size = (read_field(ID, task, "width"), read_field(ID, task, "height"))
    pairs = [pair for pair, pixels in pixel_sizes(ID).items() if pixels == size]
    if not pairs:
        raise Unrecoverable(ID, "width", f"{size[0]}x{size[1]} is not an allowed size")
    settings = task.get("providerSettings", {})
    vidu = settings.get("vidu", {}) if isinstance(settings, Mapping) else settings
    amplitude = read_field(ID, vidu, "movementAmplitude", "movement_amplitude")
    return CanonicalRequest(
        prompt=read_field(ID, task, "positivePrompt"),
        images=read_field(ID, read_field(ID, task, "inputs"), "referenceImages"),
        duration=read_field(ID, task, "duration", "duration"),
        resolution=cast(Resolution, pairs[0][0]),
        aspect_ratio=cast(AspectRatio, pairs[0][1]),
        movement_amplitude=amplitude_from_wire(ID, amplitude),
        seed=task.get("seed"),
    )


def fresh(body: Any) -> Any:
    """The same tasks with a new taskUUID each: Runware requires one per task."""
    if not isinstance(body, list):
        return body
    return [{**t, "taskUUID": str(uuid.uuid4())}
            if isinstance(t, dict) and t.get("taskType") == "videoInference" else t
            for t in body]


def generation_fields(instance: Any) -> Fields:
    """Each ``videoInference`` task of the array."""
    if not isinstance(instance, list):
        return []
    return [(f"/{i}", task) for i, task in enumerate(instance)
            if isinstance(task, dict) and task.get("taskType") == "videoInference"]


def inline_refs(fields: Fields) -> InlineRefs:
    out: InlineRefs = []
    for path, found in fields:
        inputs = found.get("inputs")
        if isinstance(inputs, dict):
            strings(inputs.get("referenceImages"), path, "inputs/referenceImages", "image", out)
            frames(inputs.get("frameImages"), f"{path}/inputs/frameImages", "image", out)
        # The 2025-10 schema (README §7 item 20) is rejected by the schema, but a data:
        # URI there is still judged so the report says all that is wrong.
        strings(found.get("referenceImages"), path, "referenceImages", "image", out)
        frames(found.get("frameImages"), f"{path}/frameImages", "inputImage", out)
    return out


TRANSLATION = Translation(
    to_wire=to_wire,
    from_wire=from_wire,
    prompt_pointer="/items/else/properties/positivePrompt",
    for_live=fresh,
)
