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
from collections.abc import Collection, Iterator
from typing import Any

from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

#: ``@`` then digits, not inside a word or an e-mail address.
_PLACEHOLDER = re.compile(r"(?<![\w@.])@(\d+)(?!\w)")


#: A placeholder word followed by the one whitespace character that separates it.
_PLACEHOLDER_BEFORE_SPACE = re.compile(r"(?<!\S)@(\d+)[,;:]?\s")
#: A placeholder word ending the prompt, with the one whitespace character before it.
_PLACEHOLDER_AT_END = re.compile(r"(?:^|\s)@(\d+)[,;:]?\Z")


def _subject_ids(fields: Any) -> set[str] | None:
    subjects = fields.get("subjects")
    if not isinstance(subjects, list):
        return None
    return {s["id"] for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)}


def subject_ids(body: Any) -> frozenset[str]:
    """The subject ids a submit body carries (none when it has no ``subjects`` list)."""
    found = _subject_ids(body) if isinstance(body, dict) else None
    return frozenset(found or ())


def without_placeholders(prompt: str, ids: Collection[str]) -> str:
    """*prompt* without the placeholder words that name one of *ids*.

    A client may name its subjects in the prompt (the documents invite ``@1``,
    ``@2``...), so a faithful prompt is the canonical one with such words
    added. Exactly this is removed, nothing else: each whole
    whitespace-separated word ``@N`` (N one of *ids*, optionally followed by
    ``,`` ``;`` or ``:``) with the one whitespace character after it, or, where
    it ends the prompt, the one before it. So ``"@1 @2 a cat"``, ``"@1, @2: a cat"``,
    ``"a @1 cat"`` and ``"a cat @1"`` all read ``"a cat"``; ``"a cat (@1)"``,
    ``"cat@1"`` and a placeholder naming no carried subject are left as sent,
    and every other word, its case and its punctuation must match exactly.
    """
    def drop(found: re.Match[str]) -> str:
        return "" if found.group(1) in ids else found.group(0)

    return _PLACEHOLDER_AT_END.sub(drop, _PLACEHOLDER_BEFORE_SPACE.sub(drop, prompt))


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
