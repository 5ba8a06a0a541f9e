"""Every source a user sees leads with a public page they can open.

Violations used to cite ``provider-docs/000_0f34c9b0ba901b34.txt``, a file a clone of
the project does not contain. Sources are data (schema ``x-source`` strings and the
named checks' citations), so they are held to the rule where they are written, and the
places that show them (CLI, the mock's journal) are checked end to end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vidukit.catalogue import PROVIDERS, data_root
from vidukit.mock_server import create_app
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.testing import serving
from vidukit.rules.registry import all_rules
from vidukit.validation import validator

#: The public pages of the five source documents (provider-docs README, table and §1-§5).
SOURCE_PAGES = {
    "wavespeed": "https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2",
    "vtrix": "https://doc.vtrix.ai/docs/api/vidu/viduq2-pro-reference2video",
    "myrouter": "https://docs.myrouter.ai/docs/models/reference-vidu-q2-reference2video",
    "runware": "https://runware.ai/docs/models/vidu-q2-pro",
    "novita": "https://novita.ai/docs/api-reference/model-apis-vidu-q2-reference2video",
    "vidu": "https://platform.vidu.com/docs/reference-to-video",
    "fal": "https://fal.ai/models/fal-ai/vidu/q2/reference-to-video/pro/api",
}


def _parts(citation: str) -> list[str]:
    """A citation's "; "-separated parts, outside parentheses (where notes may use "; ")."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(citation):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and citation.startswith("; ", index):
            parts.append(citation[start:index])
            start = index + 2
    return [*parts, citation[start:]]


def _public_first(citation: str) -> bool:
    """Every part leads with a public URL; internal names only follow one."""
    return all(part.startswith("https://") for part in _parts(citation))


def _x_sources(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "x-source":
                yield where, value
            else:
                yield from _x_sources(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _x_sources(value, f"{where}/{index}")


def _schema_sources() -> list[tuple[str, Any]]:
    root = data_root("schemas")
    found = []
    for path in sorted(root.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        found += list(_x_sources(document, str(path.relative_to(root))))
    return found


SCHEMA_SOURCES = _schema_sources()


def test_schemas_carry_sources() -> None:
    assert len(SCHEMA_SOURCES) >= len(PROVIDERS) * 5  # every message root has one


@pytest.mark.parametrize(("where", "source"), SCHEMA_SOURCES, ids=[w for w, _ in SCHEMA_SOURCES])
def test_every_x_source_leads_with_a_public_url(where: str, source: Any) -> None:
    assert isinstance(source, str)
    assert _public_first(source), source


def test_every_named_check_cites_a_public_url_first() -> None:
    for named in all_rules():
        for provider, _message in named.targets:
            cited = named.source_for(provider)
            assert _public_first(cited), (named.id, provider, cited)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_submit_request_violation_cites_the_providers_page(provider: str) -> None:
    """The request schema's root cites the provider's page for this endpoint."""
    found = validator(provider, "submit-request").violations({})
    assert found, "an empty body breaks every submit-request schema"
    assert any(v.source.startswith(SOURCE_PAGES[provider]) for v in found), [
        v.source for v in found]


def test_the_mock_journal_shows_public_sources() -> None:
    body = {"images": [], "duration": 99}
    with serving(create_app(MockConfig())) as live:
        refused = httpx.post(f"{live.url}/wavespeed/api/v3/vidu/reference-to-video-q2",
                             json=body, headers={"Authorization": "Bearer k"}, timeout=10)
        assert refused.status_code == 400
        journal = httpx.get(f"{live.url}/_mock/journal", timeout=10).json()
    violations = journal["entries"][-1]["validation"]["violations"]
    assert violations
    assert all(v["source"].startswith(SOURCE_PAGES["wavespeed"]) for v in violations), violations

