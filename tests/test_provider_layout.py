"""One provider, one place: every fact about a provider lives in its own folders.

A provider is ``schemas/<id>/``, ``fixtures/<id>/``, ``vidukit/providers/<id>/`` (its
spec) and ``mock_server/providers/<id>/`` (its mock), plus its page
``docs/providers/<id>.md``. These tests keep the trees holding the same ids, and every
other library or bench module free of provider ids, so adding a provider is adding its
folders.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from vidukit.catalogue import PROVIDERS
from vidukit.providers import provider_ids

ROOT = Path(__file__).resolve().parents[1]
#: Library and bench code (tests, examples and docs may name providers to show them).
CODE_TREES = ("vidukit", "mock_server", "contract_tests", "bench")
#: The links in vidukit/ lead to trees scanned on their own.
LINKS = ("vidukit/mock_server", "vidukit/contract_tests", "vidukit/_data")
PROVIDER_FOLDERS = ("vidukit/providers", "mock_server/providers")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"[A-Za-z0-9]+")
#: Names that are the model's as well as a provider's: Shengshu's own API sells *Vidu* Q2
#: under the id ``vidu``, and "vidu" also names the model family everywhere (the
#: ``vidu_mock`` fixture, ``vidu-q2`` model paths). Such an id counts only where it stands
#: alone, as a whole identifier or a whole string, which is how a table would key it.
MODEL_NAMES = frozenset({"vidu"})


def _packages(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if p.is_dir() and (p / "__init__.py").is_file() and not p.name.startswith("_")}


def test_the_provider_trees_and_pages_hold_the_same_ids() -> None:
    trees = {
        "schemas/": {p.name for p in (ROOT / "schemas").iterdir()
                     if p.is_dir() and not p.name.startswith("_")},
        "fixtures/": {p.name for p in (ROOT / "fixtures").iterdir() if p.is_dir()},
        "vidukit/providers/": _packages(ROOT / "vidukit" / "providers"),
        "mock_server/providers/": _packages(ROOT / "mock_server" / "providers"),
    }
    trees["docs/providers/"] = {p.stem for p in (ROOT / "docs" / "providers").glob("*.md")}
    assert set(PROVIDERS) == set(provider_ids())
    for tree, ids in trees.items():
        assert ids == set(PROVIDERS), f"{tree} holds {sorted(ids)}, expected {sorted(PROVIDERS)}"


def _docstring_lines(source: str) -> set[int]:
    """Lines of module, class and function docstrings (prose, not code)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def provider_mentions(source: str, ids: frozenset[str],
                      whole: frozenset[str] = MODEL_NAMES) -> list[tuple[int, str]]:
    """(line, token) for every provider id named in code: an identifier with the id as one
    of its ``_``-separated parts (any case), or a string literal with the id as a word
    (URLs and docstrings aside: an example host or a sentence is not a table). Ids in
    ``whole`` match only a whole identifier or a whole string (see ``MODEL_NAMES``)."""
    skip = _docstring_lines(source)
    parted = ids - whole
    exact = ids & whole
    found: list[tuple[int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        line = token.start[0]
        if token.type == tokenize.NAME:
            parts = {p.lower() for p in token.string.split("_")}
            if parts & parted or token.string.lower() in exact:
                found.append((line, token.string))
        elif token.type == tokenize.STRING and line not in skip:
            words = set(_WORD.findall(_URL.sub("", token.string)))
            bare = token.string.strip("\'\"").lower()
            if words & parted or bare in exact:
                found.append((line, token.string))
    return found


def _library_modules() -> list[Path]:
    modules = []
    for tree in CODE_TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(LINKS):
                continue
            if any(relative.startswith(f"{folder}/{pid}/")
                   for folder in PROVIDER_FOLDERS for pid in PROVIDERS):
                continue
            modules.append(path)
    return modules


def test_no_library_or_bench_module_names_a_provider() -> None:
    ids = frozenset(PROVIDERS)
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {token[:60]}"
        for path in _library_modules()
        for line, token in provider_mentions(path.read_text(encoding="utf-8"), ids)
    ]
    assert not offenders, "provider facts outside the provider folders:\n" + "\n".join(offenders)


@pytest.mark.parametrize(("source", "expected"), [
    ('X = {"acme": 1}\n', ["'acme'"[1:-1].join('""')]),
    ("ACME_CODES = 1\n", ["ACME_CODES"]),
    ('if provider == "acme":\n    pass\n', ['"acme"']),
    ('URL = "https://api.acme.example/v1"\n', []),
    ('"""The acme provider, in prose."""\n', []),
    ("academy = 1  # acme in a comment\n", []),
    ('PATH = "/v1/acme-q2"\n', ['"/v1/acme-q2"']),
])
def test_the_scan_finds_ids_in_code_and_passes_prose(source: str, expected: list[str]) -> None:
    """Proves the check both ways on a made-up provider id."""
    assert [token for _, token in provider_mentions(source, frozenset({"acme"}))] == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('X = {"acme": 1}\n', ['"acme"']),
    ("acme = 1\n", ["acme"]),
    ("def acme_mock() -> None:\n    pass\n", []),
    ('PATH = "/v1/acme-q2"\n', []),
    ('NAME = "acme-mock-key"\n', []),
])
def test_a_model_name_counts_only_when_it_stands_alone(source: str, expected: list[str]) -> None:
    """An id that also names the model is a table key only as a whole token."""
    found = provider_mentions(source, frozenset({"acme"}), whole=frozenset({"acme"}))
    assert [token for _, token in found] == expected
