"""Named examples for the exported documents, taken from the valid fixtures.

A mock built from the document alone (Prism, Postman, Microcks) answers with
an operation's first example, or else invents placeholders (``"id": "string"``)
that break the very schema it serves. The valid fixtures are real, checked
payloads, documented ones (``doc-*``) first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from vidukit.catalogue import data_root

#: Enough to show the variants without turning the document into the fixture tree.
MAX_EXAMPLES = 8
#: Large fixtures (inline base64 images) say nothing an example needs to.
MAX_EXAMPLE_BYTES = 4096


def examples(provider: str, messages: Iterable[str]) -> dict[str, dict[str, Any]]:
    """OpenAPI ``examples`` for a body that is any of *messages*; empty when none exist."""
    found: dict[str, dict[str, Any]] = {}
    messages = list(messages)
    for message in messages:
        folder = data_root("fixtures") / provider / message / "valid"
        files = sorted(folder.glob("*.json"), key=lambda p: (not p.stem.startswith("doc-"), p.stem))
        for path in files:
            if len(found) >= MAX_EXAMPLES:
                return found
            if path.stat().st_size > MAX_EXAMPLE_BYTES:
                continue
            name = path.stem if len(messages) == 1 else f"{message}.{path.stem}"
            found[name] = {
                "summary": f"fixtures/{provider}/{message}/valid/{path.name}",
                "value": json.loads(path.read_text(encoding="utf-8")),
            }
    return found


__all__ = ["MAX_EXAMPLES", "examples"]
