"""Subjects (Vidu's subject mode, as resold): placeholders in the prompt, and images across
subjects. A provider's spec lists these rules where its body carries ``subjects``.

How ``@N`` maps: by subject **id**, not by position. The seeds say only "can
use @1, @2, etc. placeholders to reference subjects" while every subject
carries an ``id``; Vidu's own reference-to-video API, which both resell,
documents the prompt as referencing a subject by ``@<subject id>``. So ``@2``
names the subject whose id is ``"2"``. Only ``@`` followed by digits is
checked (the documented form); ``@word`` may be ordinary prompt text.

The unmatched placeholder is a warning: no document says the provider rejects
the request, but a placeholder that names nothing is almost surely a mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

#: ``@`` then digits, not inside a word or an e-mail address.
_PLACEHOLDER = re.compile(r"(?<![\w@.])@(\d+)(?!\w)")


def _subject_ids(fields: Any) -> set[str] | None:
    subjects = fields.get("subjects")
    if not isinstance(subjects, list):
        return None
    return {s["id"] for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)}


@rule("prompt-subject-placeholder", severity="warning")
def prompt_subject_placeholder(payload: Payload) -> Iterator[Finding]:
    """Every @N placeholder in the prompt must name a subject by its id."""
    for path, fields in payload.fields:
        prompt = fields.get("prompt")
        if not isinstance(prompt, str) or "@" not in prompt:
            continue
        ids = _subject_ids(fields)
        if ids is None:
            continue
        unknown = sorted({m for m in _PLACEHOLDER.findall(prompt) if m not in ids}, key=int)
        if unknown:
            names = ", ".join(f"@{n}" for n in unknown)
            known = ", ".join(sorted(ids)) or "none"
            yield f"{path}/prompt", f"{names} names no subject (subject ids: {known})"


_MAX_TOTAL_IMAGES = 7


@rule("subjects-total-images", severity="error")
def subjects_total_images(payload: Payload) -> Iterator[Finding]:
    """All subjects together may carry at most 7 images (Vidu's subject-mode limit)."""
    for path, fields in payload.fields:
        subjects = fields.get("subjects")
        if not isinstance(subjects, list) or len(subjects) > _MAX_TOTAL_IMAGES:
            # More than 7 subjects means more than 7 images (each has at least one):
            # the schema's subjects.maxItems already names that cause.
            continue
        total = sum(
            len(s["images"]) for s in subjects
            if isinstance(s, dict) and isinstance(s.get("images"), list)
        )
        if total > _MAX_TOTAL_IMAGES:
            yield (f"{path}/subjects",
                   f"subjects carry {total} images in total; at most {_MAX_TOTAL_IMAGES} allowed")
