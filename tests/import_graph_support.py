"""The project's import graph, read from the source with `ast` (nothing is imported).

One node per module of the shipped package, named as it is imported: ``vidukit...``, with
the top-level ``mock_server/`` and ``contract_tests/`` folders read as
``vidukit.mock_server`` and ``vidukit.contract_tests`` (the links in ``vidukit/``).

Each import is sorted by where it runs:

- ``runtime``: executed when the module is imported (module body, including ``if``/``try``
  blocks and class bodies). Only these can form an import cycle.
- ``typing``: inside ``if TYPE_CHECKING:``; never executed, so never part of a cycle.
- ``deferred``: inside a function body; runs on the first call.

``from package import name`` points at ``package.name`` when that is a module, at
``package`` otherwise (the convention of import-linter and pydeps); importing a module also
runs the ``__init__`` of each package around it that the importer is not inside.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "vidukit"
#: Source folder -> the dotted name its modules are imported under.
SOURCES: dict[Path, str] = {
    ROOT / "vidukit": "vidukit",
    ROOT / "mock_server": "vidukit.mock_server",
    ROOT / "contract_tests": "vidukit.contract_tests",
}
#: Links inside ``vidukit/`` to folders read under their own entry above.
LINKED = {"mock_server", "contract_tests"}

Kind = Literal["runtime", "typing", "deferred"]


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    kind: Kind
    line: int


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for folder, dotted in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder)
            if rel.parts[0] in LINKED or "__pycache__" in rel.parts:
                continue
            parts = [dotted, *rel.with_suffix("").parts]
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            found[name] = Module(name, path, is_package)
    return found


def imports(mods: dict[str, Module]) -> list[Import]:
    found: list[Import] = []
    for mod in mods.values():
        tree = ast.parse(mod.path.read_text(encoding="utf-8"), filename=str(mod.path))
        for node, kind in _walk(tree.body, "runtime"):
            for target in _targets(node, mod, mods):
                for runs in _executed(target, mod.name):
                    found.append(Import(mod.name, runs, kind, node.lineno))
    return found


def _executed(target: str, source: str) -> list[str]:
    """What importing *target* from *source* runs: the module and each enclosing package's
    ``__init__`` not already under way (a package is always initialised before its modules),
    so ``dashboard.snapshot -> admin.views`` also runs ``admin/__init__``."""
    parts = target.split(".")
    ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
    own = {".".join(source.split(".")[:i]) for i in range(1, source.count(".") + 2)}
    return [target, *sorted(ancestors - own)]


def _walk(body: list[ast.stmt], kind: Kind) -> Iterator[tuple[ast.Import | ast.ImportFrom, Kind]]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, kind
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(node.body, "deferred")
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _walk(node.body, "typing" if kind == "runtime" else kind)
            yield from _walk(node.orelse, kind)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(node, field, ()):
                    nested = isinstance(child, ast.ExceptHandler | ast.match_case)
                    yield from _walk(child.body if nested else [child], kind)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, mod: Module, mods: dict[str, Module]) -> list[str]:
    if isinstance(node, ast.Import):
        return [_owner(alias.name, mods) for alias in node.names if _ours(alias.name)]
    base = node.module or ""
    if node.level:
        package = mod.name if mod.is_package else mod.name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    if not _ours(base):
        return []
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in mods else _owner(base, mods)
        for alias in node.names
    ]


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def _owner(name: str, mods: dict[str, Module]) -> str:
    """The module itself, or (for a name that is not one) its nearest enclosing module."""
    while name not in mods and "." in name:
        name = name.rpartition(".")[0]
    return name


def cycles(edges: list[Import]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module, or with a self-import."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graph is a few hundred nodes deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def path_within(edges: list[Import], component: frozenset[str]) -> list[str]:
    """The shortest cycle through the first module of *component*, as a chain of modules."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.source in component and edge.target in component:
            graph.setdefault(edge.source, set()).add(edge.target)
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return [start, *reversed(chain[:-1]), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]
