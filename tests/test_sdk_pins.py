"""Every official SDK the suite runs is pinned to one exact version, and docs/sdks.md names it.

Three places pin them: the ``[test]`` extra of pyproject.toml (the Python SDKs that share
the project's environment), tests/sdk_js/package.json with its lock file (the JavaScript
SDKs) and the `Sdk` pins of the Runware SDKs, which get virtual environments of their own.
A range (``>=``) would let a fresh install run a release nobody here tried; a page that
names another version than the one pinned misleads the reader who copies it.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "sdks.md"
#: The official SDKs of the [test] extra (the others there are tools, not provider SDKs).
PYTHON_SDKS = ("wavespeed", "novita-client")


def _test_extra() -> dict[str, str]:
    """Distribution -> its requirement's version part, for the [test] extra."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["test"]
    found = {}
    for requirement in extra:
        name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0]
        found[name] = requirement[len(name):]
    return found


def _runware_pins() -> dict[str, str]:
    """``Sdk("<distribution>", "<version>", ...)`` calls in the Runware SDK test, read with ast."""
    tree = ast.parse((ROOT / "tests" / "mock_server" / "test_runware_ws_sdk.py").read_text())
    pins = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "Sdk"):
            distribution, version = (ast.literal_eval(a) for a in node.args[:2])
            pins[distribution] = version
    return pins


def _doc_rows() -> dict[tuple[str, str], str]:
    """(section, package) -> the version cell of the tables under ``## Python`` and
    ``## JavaScript`` in docs/sdks.md."""
    rows: dict[tuple[str, str], str] = {}
    section = ""
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if section in ("Python", "JavaScript") and line.startswith("| `") and len(cells) > 2:
            rows[(section, cells[0].strip("`"))] = cells[1]
    return rows


def _version(cell: str) -> str:
    match = re.match(r"\d+(\.\d+)+", cell)
    assert match, f"docs/sdks.md: {cell!r} does not start with a version"
    return match.group(0)


def test_the_python_sdks_of_the_test_extra_are_pinned_exactly() -> None:
    extra = _test_extra()
    for name in PYTHON_SDKS:
        assert re.fullmatch(r"==\d+(\.\d+)+", extra[name]), f"{name}{extra[name]}: pin it with =="


def test_the_javascript_sdks_are_pinned_exactly_and_locked_at_that_version() -> None:
    package = json.loads((ROOT / "tests" / "sdk_js" / "package.json").read_text())
    lock = json.loads((ROOT / "tests" / "sdk_js" / "package-lock.json").read_text())
    assert package["dependencies"]
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+(\.\d+)+", version), f"{name}: {version!r} is not exact"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_docs_sdks_lists_every_sdk_with_the_version_pinned() -> None:
    rows = _doc_rows()
    extra = _test_extra()
    expected = {("Python", name): extra[name].removeprefix("==") for name in PYTHON_SDKS}
    expected |= {("Python", name): version for name, version in _runware_pins().items()}
    package = json.loads((ROOT / "tests" / "sdk_js" / "package.json").read_text())
    expected |= {("JavaScript", name): v for name, v in package["dependencies"].items()}

    assert len(expected) == 7  # the seven official SDKs of issue 12
    assert set(rows) == set(expected)
    for key, version in expected.items():
        assert _version(rows[key]) == version, f"docs/sdks.md {key}: {rows[key]!r}"
