"""The project's own promises about its layout and its set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from vidukit.catalogue import PROVIDERS


def _fenced_commands(readme: str) -> list[str]:
    return [m.strip() for m in re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)]


def test_ci_runs_the_readme_test_command_verbatim(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    commands = _fenced_commands(readme)
    assert len(commands) >= 2, "README must open with the two set-up commands"
    test_command = commands[1]
    ci_lines = (repo_root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_every_provider_has_one_folder_in_each_tree(repo_root: Path) -> None:
    for tree in ("schemas", "fixtures"):
        found = {p.name for p in (repo_root / tree).iterdir() if p.is_dir()}
        found.discard("_shared")
        assert found == set(PROVIDERS), f"{tree}/ holds {sorted(found)}"


def test_ci_checks_the_types_of_every_shipped_package(repo_root: Path) -> None:
    """PEP 561: each package the wheel ships says it is typed, and CI holds it to that."""
    for package in ("vidukit", "mock_server", "contract_tests"):
        assert (repo_root / package / "py.typed").is_file(), f"{package}/py.typed missing"
    ci_lines = (repo_root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any("python -m mypy" in line for line in ci_lines)
    pyproject = (repo_root / "pyproject.toml").read_text(encoding="utf-8")
    mypy = pyproject.split("[tool.mypy]", 1)[1].split("\n[", 1)[0]
    assert 'packages = ["vidukit"]' in mypy and "strict = true" in mypy
