"""The capability matrix: read from x-capabilities, and the README's copy kept fresh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vidukit import capabilities
from vidukit.capabilities import END, START, block, cell, field_path, matrix, replace_block
from vidukit.catalogue import BASE_URI, DIALECT, build_catalogue, catalogue
from vidukit.errors import SchemaError


def test_readme_capability_table_is_fresh(repo_root: Path) -> None:
    """Fails when a schema changed without ``python -m vidukit.capabilities --write-readme``."""
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme, (
        f"README.md needs a {START} ... {END} block for the capability matrix")
    assert replace_block(readme, block(catalogue())) == readme, (
        "README capability table is stale: run python -m vidukit.capabilities --write-readme")


def _write(root: Path, relative: str, document: dict[str, Any]) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"$schema": DIALECT, "$id": BASE_URI + relative, **document}
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def synthetic(tmp_path: Path) -> Any:
    """A one-provider catalogue whose capabilities are known by construction."""
    _write(tmp_path, "_shared/ratio.json", {"enum": ["1:1", "2:1"]})
    _write(tmp_path, "vtrix/submit-request.json", {
        "title": "t", "description": "d", "x-source": "provider-docs/x",
        "x-capabilities": {
            "images": "/properties/groups/items/properties/pictures",
            "videos": "/properties/clips",
            "duration": "/properties/length",
            "resolution": "/$defs/sizes",
            "aspect_ratio": "/properties/ratio",
            "movement_amplitude": None,
            "seed": "/properties/seed",
            "audio": None,
            "bgm": "/properties/music",
            "watermark": None,
            "webhook": "query:hook",
        },
        "type": "object",
        "properties": {
            "groups": {"type": "array", "maxItems": 4, "items": {"type": "object", "properties": {
                "pictures": {"type": "array", "minItems": 2, "maxItems": 3}}}},
            "clips": {"type": "array", "maxItems": 2},
            "length": {"enum": [3, 6, 9], "default": 6},
            "ratio": {"$ref": "../_shared/ratio.json", "default": "2:1"},
            "seed": {"type": "integer", "exclusiveMinimum": 0},
            "music": {"type": "boolean", "default": True},
        },
        "$defs": {"sizes": {"oneOf": [
            {"x-resolution": "small", "properties": {"w": {"const": 1}}},
            {"x-resolution": "large", "properties": {"w": {"const": 2}}},
            {"x-resolution": "small", "properties": {"w": {"const": 3}}},
        ]}},
    })
    return build_catalogue(tmp_path)


def test_cells_are_read_from_the_pointed_subschemas(synthetic: Any) -> None:
    table = matrix(synthetic)
    column = {label: values["vtrix"] for label, values in table.items()}
    assert column == {
        "Resolutions": "small, large",
        "Aspect ratios": "1:1, 2:1 (default 2:1)",
        "Duration (s)": "3..9 (default 6)",
        "Reference images": "2..3 per group",
        "Reference videos": "0..2",
        "Movement amplitude": "—",
        "Seed": "≥ 1",
        "Audio": "—",
        "Background music": "yes (default true)",
        "Watermark": "—",
        "Webhook": "query `hook`",
    }


def test_missing_capability_or_bad_pointer_is_a_schema_error(synthetic: Any,
                                                             tmp_path: Path) -> None:
    document = json.loads((tmp_path / "vtrix/submit-request.json").read_text())
    document["x-capabilities"]["seed"] = "/properties/nothing"
    del document["x-capabilities"]["bgm"]
    (tmp_path / "vtrix/submit-request.json").write_text(json.dumps(document))
    broken = build_catalogue(tmp_path)
    row = {r.capability: r for r in capabilities.ROWS}
    with pytest.raises(SchemaError, match="does not resolve"):
        cell(broken, "vtrix", row["seed"])
    with pytest.raises(SchemaError, match="lacks 'bgm'"):
        cell(broken, "vtrix", row["bgm"])


def test_field_path_names_the_payload_location() -> None:
    assert field_path("/properties/subjects/items/properties/images") == "subjects[].images"
    assert field_path("/properties/extra/properties/webhook") == "extra.webhook"
    assert field_path("/items/else/properties/webhookURL") == "webhookURL"


def test_table_has_a_column_per_provider_with_a_submit_request() -> None:
    cat = catalogue()
    header = capabilities.render_markdown(cat).splitlines()[0]
    expected = [p for p in cat.providers() if "submit-request" in cat.messages(p)]
    assert [c.strip() for c in header.strip("|").split("|")][1:] == expected


def test_write_readme_rewrites_only_the_block_and_check_detects_staleness(
        tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n\n{START}\nold table\n{END}\n\nafter\n",
                      encoding="utf-8")
    assert capabilities.main(["--check", "--readme", str(readme)]) == 1
    assert capabilities.main(["--write-readme", "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert "old table" not in text and "| Duration (s) |" in text
    assert capabilities.main(["--check", "--readme", str(readme)]) == 0


def test_readme_without_markers_is_reported(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no block\n", encoding="utf-8")
    assert capabilities.main(["--write-readme", "--readme", str(readme)]) == 2
    assert START in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == "# no block\n"
