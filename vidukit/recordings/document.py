"""The task recording format (version 2, reads 1): one JSON document per task, schema-checked.

A recording keeps what a client saw of one task, not the wire exchanges: the
scrubbed submit, each status word the first time it was seen with its offset in
seconds from the submit, where the task ended (and the provider's error code), the
final body, the output's shape, callbacks and HTTP errors. Offsets rather than
timestamps, so a recording replays on any clock. The schema is
``schemas/_shared/recordings/task-recording.json``; every document is checked
against it when written and when loaded, so a hand-edited file fails with one line
naming the file and the field instead of misbehaving in a replay.

Version 2 gave each callback entry its delivery facts (attempt, HTTP answer,
signature verdict, fate; ``at`` null for one never sent), which a version 1
reader's closed schema refuses; version 1 documents stay valid (the tools left
their callback lists empty) and replay as before.

Files are ``<DIR>/<provider>/tasks/<name>.task.json``; a loader reads every
``*.task.json`` below a folder, so a directory of several sources replays as one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from vidukit.canonical import from_wire
from vidukit.catalogue import data_root
from vidukit.errors import ToolkitError

FORMAT = "vidukit-task-recording"
VERSION = 2
#: Every version this code reads (one schema accepts them all).
READS = (1, 2)
SUFFIX = ".task.json"
TASKS_DIR = "tasks"
SCHEMA_PATH = ("_shared", "recordings", "task-recording.json")
UNKNOWN_SHAPE = "unknown"
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class RecordingError(ToolkitError):
    """A recording file that cannot be read, or a folder that holds none."""


@cache
def schema() -> dict[str, Any]:
    path = data_root("schemas").joinpath(*SCHEMA_PATH)
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(schema())


def problems(document: Any) -> list[str]:
    """Every way *document* breaks the format, as ``field: message`` lines (empty: fine)."""
    found = []
    for error in _validator().iter_errors(document):
        where = "/".join(str(p) for p in error.instance_path) or "(document)"
        found.append(f"{where}: {error.message}")
    return sorted(found)


@dataclass(frozen=True)
class Recording:
    """One loaded, checked recording; ``document`` is the JSON as written."""

    path: Path | None
    document: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.document["name"])

    @property
    def provider(self) -> str:
        return str(self.document["provider"])

    @property
    def shape(self) -> str:
        return str(self.document["shape"])


def safe_name(text: str) -> str:
    """*text* as a recording name (letters, digits, ``.``, ``_``, ``-``)."""
    cleaned = _NAME.sub("-", text).strip("-.") or "task"
    return cleaned[:200]


def write_recording(document: Mapping[str, Any], root: Path) -> Path:
    """Write *document* under ``root/<provider>/tasks/``; refuses one that breaks the format."""
    found = problems(document)
    if found:
        raise RecordingError(f"recording {document.get('name')!r}: {found[0]}")
    folder = root / str(document["provider"]) / TASKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{document['name']}{SUFFIX}"
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return target


def load_recording(path: Path) -> Recording:
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise RecordingError(f"{path}: not JSON: {exc}") from None
    found = problems(document)
    if found:
        versions = " or ".join(str(v) for v in READS)
        raise RecordingError(f"{path}: not a version {versions} task recording: {found[0]}")
    return Recording(path, document)


def load_recordings(root: Path, *, providers: tuple[str, ...] | None = None) -> list[Recording]:
    """Every recording below *root*, in name order; one line naming the file when one is bad.

    With *providers*, a recording of any other provider is an error (a replay could never
    use it, and silently ignoring it would hide a typo).
    """
    if not root.is_dir():
        raise RecordingError(f"{root}: no such folder")
    loaded = [load_recording(p) for p in sorted(root.rglob(f"*{SUFFIX}"))]
    if not loaded:
        raise RecordingError(f"{root}: holds no *{SUFFIX} recordings")
    names: dict[str, Path | None] = {}
    for recording in loaded:
        if providers is not None and recording.provider not in providers:
            raise RecordingError(f"{recording.path}: provider {recording.provider!r} is not "
                                 f"served here (serving: {', '.join(providers)})")
        if recording.name in names:
            raise RecordingError(f"{recording.path}: name {recording.name!r} is also used by "
                                 f"{names[recording.name]}")
        names[recording.name] = recording.path
    return sorted(loaded, key=lambda r: r.name)


def request_shape(provider: str, body: Any) -> str:
    """The shape key of a submit body: ``<resolution>/<duration>s/<aspect ratio>/<n>img``.

    Read through the provider's canonical translation (defaults included), so the same
    request sent to two providers has the same key; ``unknown`` where the body does not
    determine it (an invalid or drifted request).
    """
    try:
        canonical = from_wire(provider, body)
    except Exception:
        return UNKNOWN_SHAPE
    images = canonical.get("images") or []
    return (f"{canonical.get('resolution')}/{canonical.get('duration')}s/"
            f"{canonical.get('aspect_ratio')}/{len(images)}img")


__all__ = [
    "FORMAT",
    "READS",
    "SUFFIX",
    "TASKS_DIR",
    "UNKNOWN_SHAPE",
    "VERSION",
    "Recording",
    "RecordingError",
    "load_recording",
    "load_recordings",
    "problems",
    "request_shape",
    "safe_name",
    "schema",
    "write_recording",
]
