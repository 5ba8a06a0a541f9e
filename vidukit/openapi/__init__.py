"""OpenAPI 3.1 documents generated from the schema catalogue, one per provider.

``build_document(provider)`` returns the document as a dict; ``render`` turns
it into JSON or YAML text. `vidukit export openapi` is the command line.
"""

from __future__ import annotations

import json
from typing import Any

from vidukit.openapi.document import DEFAULT_MOCK_URL, OPENAPI_VERSION, build_document
from vidukit.openapi.surface import surfaces

FORMATS: tuple[str, ...] = ("json", "yaml")


def render(document: dict[str, Any], fmt: str = "json") -> str:
    """*document* as text; YAML keeps the key order, so both read the same way."""
    if fmt == "yaml":
        import yaml

        return str(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "DEFAULT_MOCK_URL",
    "FORMATS",
    "OPENAPI_VERSION",
    "build_document",
    "render",
    "surfaces",
]
