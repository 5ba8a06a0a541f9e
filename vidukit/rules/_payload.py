"""One submit body as the named checks see it: where each provider keeps what.

The same rule reads different places per provider: Vtrix nests the fields in
``input[].params``, Runware sends an array of tasks, Novita and MyRouter group
images by subject. A `Payload` finds those places once per validation and
caches them, because several checks read the same media references and the
hot path cannot afford to walk the body once per check.

Every accessor tolerates any JSON value: the full report runs the named checks
on bodies that already broke the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from vidukit.rules._datauri import DataUri, parse

MediaKind = Literal["image", "video"]
Fields = list[tuple[str, Mapping[str, Any]]]
InlineRefs = list[tuple[str, MediaKind, str]]
DataRefs = list[tuple[str, MediaKind, DataUri]]


class Payload:
    """A body under validation, for one provider, with lazily computed views."""

    __slots__ = ("_data", "_fields", "instance", "provider", "schema_valid")

    def __init__(self, instance: Any, provider: str, *, schema_valid: bool = False) -> None:
        self.instance = instance
        self.provider = provider
        #: True when the body already passed the message schema: a check may then
        #: rely on its shape (declared fields only) to take a cheaper path.
        self.schema_valid = schema_valid
        self._fields: Fields | None = None
        self._data: DataRefs | None = None

    @property
    def fields(self) -> Fields:
        """Each object holding one generation's fields, with its JSON pointer."""
        if self._fields is None:
            self._fields = _generation_fields(self.instance, self.provider)
        return self._fields

    @property
    def data_uris(self) -> DataRefs:
        """The image and video references given inline as parseable ``data:`` URIs.

        Only these can be looked into; URL references (the common case) are
        skipped without building their JSON pointers.
        """
        if self._data is None:
            found: DataRefs = []
            for path, kind, text in _inline_refs(self.fields, self.provider):
                uri = parse(text)
                if uri is not None:
                    found.append((path, kind, uri))
            self._data = found
        return self._data


def _generation_fields(instance: Any, provider: str) -> Fields:
    found: Fields = []
    if provider == "vtrix":
        items = instance.get("input") if isinstance(instance, dict) else None
        if isinstance(items, list):
            for i, item in enumerate(items):
                params = item.get("params") if isinstance(item, dict) else None
                if isinstance(params, dict):
                    found.append((f"/input/{i}/params", params))
    elif provider == "runware":
        if isinstance(instance, list):
            for i, task in enumerate(instance):
                if isinstance(task, dict) and task.get("taskType") == "videoInference":
                    found.append((f"/{i}", task))
    elif isinstance(instance, dict):
        found.append(("", instance))
    return found


def _strings(value: Any, path: str, name: str, kind: MediaKind, out: InlineRefs) -> None:
    # The pointer is built only for a hit: most references are URLs.
    if isinstance(value, list):
        for i, item in enumerate(value):
            if type(item) is str and item.startswith("data:"):
                out.append((f"{path}/{name}/{i}", kind, item))


def _frames(value: Any, path: str, key: str, out: InlineRefs) -> None:
    if isinstance(value, list):
        for i, frame in enumerate(value):
            image = frame.get(key) if isinstance(frame, dict) else None
            if type(image) is str and image.startswith("data:"):
                out.append((f"{path}/{i}/{key}", "image", image))


def _inline_refs(fields: Fields, provider: str) -> InlineRefs:
    """Every image or video reference that is a ``data:`` string: (pointer, kind, text)."""
    out: InlineRefs = []
    for path, found in fields:
        if provider == "runware":
            inputs = found.get("inputs")
            if isinstance(inputs, dict):
                _strings(inputs.get("referenceImages"), path, "inputs/referenceImages",
                         "image", out)
                _frames(inputs.get("frameImages"), f"{path}/inputs/frameImages", "image", out)
            # The 2025-10 schema (README §7 item 20) is rejected by the schema, but a
            # data: URI there is still judged so the report says all that is wrong.
            _strings(found.get("referenceImages"), path, "referenceImages", "image", out)
            _frames(found.get("frameImages"), f"{path}/frameImages", "inputImage", out)
        elif provider in ("novita", "myrouter"):
            subjects = found.get("subjects")
            if isinstance(subjects, list):
                for i, subject in enumerate(subjects):
                    if isinstance(subject, dict):
                        _strings(subject.get("images"), f"{path}/subjects/{i}", "images",
                                 "image", out)
        else:
            _strings(found.get("images"), path, "images", "image", out)
            _strings(found.get("videos"), path, "videos", "video", out)
    return out


def integer(value: Any) -> int | None:
    """*value* as an int when JSON would call it an integer (bool is not one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
