"""One submit body as the named checks see it: where each provider keeps what.

The same rule reads different places per provider (fields nested in an
envelope, an array of tasks, images grouped by subject): each provider's spec
says where (``generation_fields``, ``inline_refs``). A `Payload` finds those
places once per validation and caches them, because several checks read the
same media references and the hot path cannot afford to walk the body once per
check.

Every accessor tolerates any JSON value: the full report runs the named checks
on bodies that already broke the schema.
"""

from __future__ import annotations

from typing import Any

from vidukit.providers import spec
from vidukit.providers.spec import Fields, InlineRefs, MediaKind
from vidukit.rules._datauri import DataUri, parse

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
            self._fields = spec(self.provider).generation_fields(self.instance)
        return self._fields

    def no_data_uris(self) -> None:
        """The body is known to hold no ``data:`` string (its JSON text spells none)."""
        self._data = []

    @property
    def data_uris(self) -> DataRefs:
        """The image and video references given inline as parseable ``data:`` URIs.

        Only these can be looked into; URL references (the common case) are
        skipped without building their JSON pointers.
        """
        if self._data is None:
            found: DataRefs = []
            read = spec(self.provider).inline_refs or images_and_videos
            for path, kind, text in read(self.fields):
                uri = parse(text)
                if uri is not None:
                    found.append((path, kind, uri))
            self._data = found
        return self._data


def strings(value: Any, path: str, name: str, kind: MediaKind, out: InlineRefs) -> None:
    # The pointer is built only for a hit: most references are URLs.
    if isinstance(value, list):
        for i, item in enumerate(value):
            if type(item) is str and item.startswith("data:"):
                out.append((f"{path}/{name}/{i}", kind, item))


def frames(value: Any, path: str, key: str, out: InlineRefs) -> None:
    if isinstance(value, list):
        for i, frame in enumerate(value):
            image = frame.get(key) if isinstance(frame, dict) else None
            if type(image) is str and image.startswith("data:"):
                out.append((f"{path}/{i}/{key}", "image", image))


def images_and_videos(fields: Fields) -> InlineRefs:
    """The common case: ``images`` and ``videos`` lists of strings in each generation."""
    out: InlineRefs = []
    for path, found in fields:
        strings(found.get("images"), path, "images", "image", out)
        strings(found.get("videos"), path, "videos", "video", out)
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
