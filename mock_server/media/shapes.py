"""What video a task's request asked for: width, height, frame rate and length.

Read from the stored request, never from the provider's rendering code, with
every default taken from the schema the request was validated against: the
``x-capabilities`` pointer of ``duration``, ``resolution`` and
``aspect_ratio`` names the subschema whose ``default`` applies (and, turned
into an instance path, where the value sits in the request). The
resolution x aspect ratio -> pixels table is the one provider schema that
lists allowed pixel pairs (a ``resolution`` capability whose rows are annotated
``x-resolution`` / ``x-aspect-ratio``; `vidukit.canonical.pixel_sizes`): the only
document that gives Vidu Q2's output sizes, so every provider's 720p 16:9 is
1280x720.

Choices (UNCONFIRMED where marked):

- Frame rate 24 fps for every provider (UNCONFIRMED: no provider document
  states it; third-party pages describe Vidu's output as 24 fps clips).
- A schema that declares no ``aspect_ratio`` default gets Vidu's own 16:9.
- ``duration: 0`` ("auto duration selection") renders the schema's default
  length (5 s), as such a provider's answer reports.
- A request that names its pixels (``width``/``height``) gets them; one that
  may omit them (sizes inferred from a first frame) gets 720p 16:9.
- A value outside the table (a schema that grew a new enum member) falls
  back to the default row instead of failing the download.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from vidukit.canonical import pixel_sizes
from vidukit.catalogue import catalogue
from vidukit.errors import SchemaError
from vidukit.mock_server.tasks import Task
from vidukit.providers import spec, specs

#: Frames per second of every generated file (UNCONFIRMED, see the module docstring).
FPS = 24
#: Where a provider's schema declares no default of its own (Vidu's defaults).
FALLBACK_RESOLUTION = "720p"
FALLBACK_ASPECT_RATIO = "16:9"
FALLBACK_DURATION = 5
#: Longest file the mock will encode, whatever a request says (documents allow at most 10 s).
MAX_SECONDS = 60.0



@dataclass(frozen=True, slots=True)
class Shape:
    """The pixels and timing of one video file; hashable, so it keys the encode cache."""

    width: int
    height: int
    fps: int
    seconds: float

    @property
    def frames(self) -> int:
        return max(1, round(self.seconds * self.fps))

    def describe(self) -> str:
        return f"{self.width}x{self.height}@{self.fps}fps/{self.seconds:g}s"


@cache
def dimension_table() -> Mapping[tuple[str, str], tuple[int, int]]:
    """(resolution, aspect ratio) -> (width, height), from the schemas' table of pairs."""
    for provider in specs():
        try:
            table = pixel_sizes(provider)
        except SchemaError:  # a provider without a resolution capability
            continue
        if table:
            return table
    raise SchemaError("no provider schema lists the pixel size of each resolution")


def dimensions(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """Pixels for a resolution and aspect ratio; the 720p 16:9 row for anything unknown."""
    table = dimension_table()
    found = table.get((resolution, aspect_ratio))
    return found if found is not None else table[(FALLBACK_RESOLUTION, FALLBACK_ASPECT_RATIO)]


# -- reading a capability from a request, through the schema's pointer --------------------


def _resolve(schema: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    node: Any = schema
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node  # type: ignore[no-any-return]


@cache
def _capability(provider: str, name: str) -> tuple[tuple[str | int, ...], Any] | None:
    """(instance path, schema default) of capability *name*, or None where it has none.

    The instance path drops ``properties`` and reads an ``items`` step as the
    first element (Vtrix's ``input[0].params``); a pointer through any other
    keyword (Runware's ``/items/else/...``, ``$defs``) has no plain path.
    """
    schema = catalogue().schema(provider, "submit-request")
    pointer = schema.get("x-capabilities", {}).get(name)
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return None
    default = _resolve(schema, pointer).get("default")
    prefix = spec(provider).task_pointer  # the stored request is one task of an array
    if prefix:
        if not pointer.startswith(prefix + "/"):
            return None
        pointer = pointer[len(prefix):]
    parts = pointer.lstrip("/").split("/")
    path: list[str | int] = []
    expect_name = False
    for part in parts:
        if expect_name:
            path.append(part)
            expect_name = False
        elif part == "properties":
            expect_name = True
        elif part == "items":
            path.append(0)
        else:
            return None
    return tuple(path), default


def requested(task: Task, name: str, fallback: Any) -> Any:
    """The request's value of capability *name*, else the schema default, else *fallback*."""
    found = _capability(task.provider, name)
    if found is None:
        return fallback
    path, default = found
    node: Any = task.request
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and len(node) > step else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            break
    if node is not None:
        return node
    return default if default is not None else fallback


def _seconds(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return default  # 0 is Vtrix's "auto"; anything else unusable is the default too
    return float(min(value, MAX_SECONDS))


def _schema_default_duration(task: Task) -> float:
    found = _capability(task.provider, "duration")
    default = found[1] if found is not None and found[1] is not None else FALLBACK_DURATION
    return float(default)


def shape_of(task: Task) -> Shape:
    """The shape of the video *task* asked for: its own pixels, else its resolution.

    A replayed task (`vidukit.mock_server.replay`) has the recorded output's shape instead.
    """
    replayed = task.meta.get("replay_shape")
    if isinstance(replayed, dict):
        return Shape(int(replayed["width"]), int(replayed["height"]), FPS,
                     min(float(replayed["seconds"]), MAX_SECONDS))
    default_seconds = _schema_default_duration(task)
    seconds = _seconds(requested(task, "duration", default_seconds), default_seconds)
    request = task.request if isinstance(task.request, dict) else {}
    width, height = request.get("width"), request.get("height")
    if isinstance(width, int) and isinstance(height, int) and _is_int(width) and _is_int(height):
        return Shape(width, height, FPS, seconds)
    resolution = requested(task, "resolution", FALLBACK_RESOLUTION)
    aspect_ratio = requested(task, "aspect_ratio", FALLBACK_ASPECT_RATIO)
    width, height = dimensions(str(resolution), str(aspect_ratio))
    return Shape(width, height, FPS, seconds)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def media_seed(task: Task, result: int = 1) -> int:
    """The seed a file is drawn from: the client's own seed when it chose one.

    A positive request seed is used as given, so the same seed and shape give
    the same bytes across tasks; otherwise (absent, or 0 / -1 meaning
    "random") the engine's generation seed for the task, itself fixed by the
    request. A task's n-th result (several per task) shows seed + n - 1, and is drawn from it.
    """
    asked = requested(task, "seed", None)
    base = asked if isinstance(asked, int) and not isinstance(asked, bool) and asked > 0 else None
    return (base if base is not None else task.seed) + (result - 1)


__all__ = [
    "FPS",
    "MAX_SECONDS",
    "Shape",
    "dimension_table",
    "dimensions",
    "media_seed",
    "requested",
    "shape_of",
]
