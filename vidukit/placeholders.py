"""``@N`` subject placeholders in a prompt, as `request-faithful` reads them.

Novita and MyRouter carry reference images as ``subjects`` with ids, and their
documents invite naming them in the prompt ("can use @1, @2, etc.
placeholders to reference subjects"), so a correct client may add such words
to the canonical prompt. `without_placeholders` takes out exactly those words,
so the prompt can be compared with the canonical one and any other change
still shows. How a placeholder maps (by subject id) is explained in
`vidukit.rules.subjects`, which warns about one that names no subject.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

#: A placeholder word followed by the one whitespace character that separates it.
_BEFORE_SPACE = re.compile(r"(?<!\S)@(\d+)[,;:]?\s")
#: A placeholder word ending the prompt, with the one whitespace character before it.
_AT_END = re.compile(r"(?:^|\s)@(\d+)[,;:]?\Z")


def subject_ids(body: Any) -> frozenset[str]:
    """The subject ids a submit body carries (none when it has no ``subjects`` list)."""
    subjects = body.get("subjects") if isinstance(body, dict) else None
    if not isinstance(subjects, list):
        return frozenset()
    return frozenset(s["id"] for s in subjects
                     if isinstance(s, dict) and isinstance(s.get("id"), str))


def without_placeholders(prompt: str, ids: Collection[str]) -> str:
    """*prompt* without the placeholder words that name one of *ids*.

    Exactly this is removed, nothing else: each whole whitespace-separated word
    ``@N`` (N one of *ids*, optionally followed by ``,`` ``;`` or ``:``) with
    the one whitespace character after it, or, where it ends the prompt, the
    one before it. So ``"@1 @2 a cat"``, ``"@1, @2: a cat"``, ``"a @1 cat"``
    and ``"a cat @1"`` all read ``"a cat"``; ``"a cat (@1)"``, ``"cat@1"`` and
    a placeholder naming no carried subject are left as sent, and every other
    word, its case, punctuation and spacing must match exactly.
    """
    def drop(found: re.Match[str]) -> str:
        return "" if found.group(1) in ids else found.group(0)

    return _AT_END.sub(drop, _BEFORE_SPACE.sub(drop, prompt))


__all__ = ["subject_ids", "without_placeholders"]
