"""Schema patches: one RFC 6902 JSON Patch per schema file that would accept what was seen.

For a person to review, never applied by vidukit. Each structural difference
maps onto the keyword that refused it, at the place the validator reported
(`Difference.location`, a schema URI and JSON pointer):

- a missing or renamed field: ``replace`` the object's ``required`` without it
  (after a ``test`` of the current list, so a patch made against an older schema
  fails loudly instead of dropping the wrong names);
- an unknown or renamed-to field: ``add`` its declaration under ``properties``
  with the observed JSON type and a description that says it was observed live
  and is UNCONFIRMED;
- a type change: ``replace`` ``type`` with the old type(s) plus the observed one;
- an enum value: ``add`` it at the end of ``enum``; a ``const`` becomes an
  ``enum`` of the old and the new value.

Range, pattern and cross-field rules (``constraint``) have no mechanical fix;
they are listed in `Proposal.skipped` for the reviewer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidukit.catalogue import BASE_URI, catalogue
from vidukit.drift.analyse import Difference
from vidukit.drift.scrub import Scrubber
from vidukit.jsontypes import json_type


@dataclass
class Proposal:
    """Patches by schema file (relative to ``schemas/``), and what could not be patched."""

    patches: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def write(self, directory: Path) -> list[Path]:
        """One ``<schema path minus .json>.patch.json`` per file; the paths written."""
        written = []
        for relative, ops in sorted(self.patches.items()):
            target = directory / (relative.removesuffix(".json") + ".patch.json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(ops, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
            written.append(target)
        return written


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _resolve(document: Any, pointer: str) -> Any:
    node = document
    for raw in filter(None, pointer.split("/")):
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


@dataclass
class _FileEdits:
    """Everything to change in one schema file, gathered before ops are written."""

    document: Mapping[str, Any]
    drop_required: dict[str, set[str]] = field(default_factory=dict)
    add_properties: dict[str, dict[str, str]] = field(default_factory=dict)
    add_types: dict[str, set[str]] = field(default_factory=dict)
    add_values: dict[str, list[Any]] = field(default_factory=dict)

    def ops(self, date: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for pointer, names in sorted(self.drop_required.items()):
            current = list(_resolve(self.document, pointer))
            out.append({"op": "test", "path": pointer, "value": current})
            out.append({"op": "replace", "path": pointer,
                        "value": [n for n in current if n not in names]})
        for pointer, props in sorted(self.add_properties.items()):
            node = _resolve(self.document, pointer)
            declared = node.get("properties") if isinstance(node, Mapping) else None
            shapes = {name: _declaration(kind, date) for name, kind in sorted(props.items())}
            if declared is None:
                out.append({"op": "add", "path": f"{pointer}/properties", "value": shapes})
            else:
                out.extend({"op": "add", "path": f"{pointer}/properties/{_escape(name)}",
                            "value": shape} for name, shape in shapes.items())
        for pointer, types in sorted(self.add_types.items()):
            current = _resolve(self.document, pointer)
            old = current if isinstance(current, list) else [current]
            out.append({"op": "replace", "path": pointer,
                        "value": sorted(set(old) | types, key=str)})
        for pointer, values in sorted(self.add_values.items()):
            keyword = pointer.rsplit("/", 1)[1]
            if keyword == "enum":
                out.extend({"op": "add", "path": f"{pointer}/-", "value": v} for v in values)
            else:  # const -> enum of the old value and the new ones
                base = pointer.rsplit("/", 1)[0]
                old = _resolve(self.document, pointer)
                out.append({"op": "remove", "path": pointer})
                out.append({"op": "add", "path": f"{base}/enum", "value": [old, *values]})
        return out


def _declaration(kind: str, date: str) -> dict[str, str]:
    return {
        "description": f"Observed live on {date} by vidukit drift; not in the provider's "
                       "documents (UNCONFIRMED): review before merging.",
        "type": kind,
    }


def propose(differences: Iterable[Difference], *, date: str,
            scrubber: Scrubber | None = None) -> Proposal:
    """The patches that would make every observed payload pass its schema."""
    scrubber = scrubber or Scrubber()
    resources = catalogue().resources
    files: dict[str, _FileEdits] = {}
    proposal = Proposal()

    def edits(location: str) -> tuple[_FileEdits, str] | None:
        uri, _, pointer = location.partition("#")
        if uri not in resources or not uri.startswith(BASE_URI):
            return None
        relative = uri[len(BASE_URI):]
        entry = files.setdefault(relative, _FileEdits(resources[uri]))
        return entry, pointer

    for diff in differences:
        found = edits(diff.location) if diff.location else None
        finding = diff.finding
        if found is None or diff.base_kind == "constraint":
            note = f"{finding.provider} {finding.message} {finding.path or '/'}: {finding.detail}"
            if note not in proposal.skipped:
                proposal.skipped.append(note)
            continue
        entry, pointer = found
        name = finding.path.rsplit("/", 1)[-1]
        if diff.base_kind in ("missing-field", "renamed-field"):
            entry.drop_required.setdefault(pointer, set()).add(name)
            if diff.renamed_to is not None:
                obj = pointer.rsplit("/", 1)[0]
                entry.add_properties.setdefault(obj, {})[diff.renamed_to] = json_type(
                    diff.new_value)
        elif diff.base_kind == "unknown-field":
            entry.add_properties.setdefault(pointer, {})[name] = json_type(diff.new_value)
        elif diff.base_kind == "type-changed":
            entry.add_types.setdefault(pointer, set()).add(json_type(diff.new_value))
        elif diff.base_kind in ("enum-value", "status-value"):
            value = scrubber.value(diff.new_value)
            values = entry.add_values.setdefault(pointer, [])
            if value not in values:
                values.append(value)
    for relative, entry in files.items():
        ops = entry.ops(date)
        if ops:
            proposal.patches[relative] = ops
    return proposal


__all__ = ["Proposal", "propose"]
