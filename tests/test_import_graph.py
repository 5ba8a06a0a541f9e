"""The import graph keeps the layering ARCHITECTURE.md promises, and has no cycles.

Read from the source with `ast` (`tests/import_graph_support.py`): every module of
``vidukit``, ``vidukit.mock_server`` and ``vidukit.contract_tests``. An import inside a
function still depends on its target, so it counts towards cycles like a module-level one;
only imports under ``if TYPE_CHECKING:`` (never executed) do not. Function-level imports of
project modules are allowed in ``vidukit/cli`` (each subcommand loads its layers lazily, so
``vidukit --help`` imports none of them) and, elsewhere, only as listed below with a reason.
Both lists are reviewed data: an entry that no longer matches the code fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from import_graph_support import (
    ROOT,
    Import,
    Module,
    cycles,
    imports,
    modules,
    path_within,
)

MOCK = "vidukit.mock_server"
CONTRACT = "vidukit.contract_tests"
CLI = ("vidukit.cli", "vidukit.__main__")

#: Cycles still in the code (their members), each with the reason it is allowed for now:
#: none. A new entry needs a reason a reviewer accepts, and goes stale when the cycle does.
KNOWN_CYCLES: dict[frozenset[str], str] = {}

#: Function-level imports of project modules outside vidukit/cli: (importer, imported) -> why.
DEFERRED_ALLOWED: dict[tuple[str, str], str] = {
    (f"{MOCK}.storage", f"{MOCK}.storage.redis"): (
        "optional dependency: the redis client is the [redis] extra, needed only for "
        "--store redis://..."
    ),
    (f"{CONTRACT}.pytest_plugin", f"{CONTRACT}.pytest_plugin._mock"): (
        "the pytest11 entry point is loaded by every pytest run of any project that installs "
        "vidukit: the mock server is imported when the vidu_mock fixture is first used"
    ),
    (f"{CONTRACT}.pytest_plugin", f"{CONTRACT}.harness"): (
        "the pytest11 entry point (as above): verify_client is imported on first use"
    ),
}


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Module], list[Import]]:
    mods = modules()
    return mods, imports(mods)


def _in(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_graph_covers_every_module_reached_through_the_links(
    graph: tuple[dict[str, Module], list[Import]],
) -> None:
    """What Python can import as vidukit.* (walking the links in vidukit/) is what is read."""
    mods, _ = graph
    reachable = set()
    for folder, dirs, files in os.walk(ROOT / "vidukit", followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = Path(folder).relative_to(ROOT)
        for file in files:
            if file.endswith(".py"):
                parts = [*rel.parts, file[:-3]]
                reachable.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert set(mods) == reachable
    assert {f"{MOCK}.app", f"{CONTRACT}.pytest_plugin", "vidukit.cli.serve_cmd"} <= reachable


def test_imports_are_sorted_by_where_they_run(
    graph: tuple[dict[str, Module], list[Import]],
) -> None:
    """Known edges of each kind, so a reader that missed a kind would fail here first."""
    _, edges = graph
    kinds = {(e.source, e.target): e.kind for e in edges}
    assert kinds[(f"{MOCK}.app", f"{MOCK}.admin.routes")] == "runtime"
    assert kinds[("vidukit.cli.serve_cmd", f"{MOCK}.state")] == "typing"
    assert kinds[("vidukit.cli.serve_cmd", f"{MOCK}.net")] == "deferred"
    # importing admin.views from the dashboard runs the admin package's __init__ too
    assert kinds[(f"{MOCK}.dashboard.snapshot", f"{MOCK}.admin")] == "runtime"


def test_the_cycle_finder_finds_a_cycle_and_only_that() -> None:
    def edge(a: str, b: str) -> Import:
        return Import(a, b, "runtime", 1)

    edges = [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d"), edge("e", "e")]
    assert sorted(map(sorted, cycles(edges))) == [["a", "b", "c"], ["e"]]
    assert path_within(edges, frozenset({"a", "b", "c"})) == ["a", "b", "c", "a"]


def test_no_import_cycle_outside_the_reviewed_list(
    graph: tuple[dict[str, Module], list[Import]],
) -> None:
    _, edges = graph
    executed = [e for e in edges if e.kind != "typing"]
    found = cycles(executed)
    new = [" -> ".join(path_within(executed, c)) for c in found if c not in KNOWN_CYCLES]
    assert new == [], "import cycles (move the shared piece into a lower module)"
    stale = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert stale == [], "no longer a cycle: remove from KNOWN_CYCLES"


def test_lower_layers_never_import_higher_ones(
    graph: tuple[dict[str, Module], list[Import]],
) -> None:
    """ARCHITECTURE.md: core imports neither the mock nor the contract tests; the mock
    imports neither the contract tests nor the CLI (type-only imports included)."""
    _, edges = graph
    wrong = []
    for e in edges:
        if _in(e.source, *CLI):
            continue
        core = not _in(e.source, MOCK, CONTRACT)
        if (core and _in(e.target, MOCK, CONTRACT, *CLI)) or (
            _in(e.source, MOCK) and _in(e.target, CONTRACT, *CLI)
        ) or (_in(e.source, CONTRACT) and _in(e.target, *CLI)):
            wrong.append(f"{e.source}:{e.line} imports {e.target} ({e.kind})")
    assert wrong == []


def test_function_level_imports_only_where_reviewed(
    graph: tuple[dict[str, Module], list[Import]],
) -> None:
    _, edges = graph
    deferred = {
        (e.source, e.target): e.line
        for e in edges
        if e.kind == "deferred" and not _in(e.source, *CLI)
    }
    unreviewed = [f"{s}:{line} imports {t}" for (s, t), line in deferred.items()
                  if (s, t) not in DEFERRED_ALLOWED]
    assert unreviewed == [], "import at module level, or list it in DEFERRED_ALLOWED with why"
    stale = [pair for pair in DEFERRED_ALLOWED if pair not in deferred]
    assert stale == [], "no longer imported in a function: remove from DEFERRED_ALLOWED"
