"""The dashboard's own timeline code and styles, made into one inline script and stylesheet.

A report draws its timeline with the very modules the dashboard serves
(``mock_server/dashboard/static/timeline.js`` and what it imports), so the
two pictures can never disagree. A report must be one file that opens from
disk, and ES modules cannot import each other there, so `bundle` turns each
module into a function scope that returns its exports, and each
``import {a, b} from './x.js'`` into a lookup of those exports. Only the two
forms the dashboard uses are accepted (``import { ... } from './x.js';`` on
one line, ``export function``/``export const``); anything else is an error
here, never a silently broken report.

The files are read as package data of ``vidukit.mock_server`` (located without
importing it: the core layer does not import the mock).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from vidukit.errors import ToolkitError

#: The dashboard's modules a report needs (the timeline and its two helpers).
DASHBOARD_MODULES = ("dom.js", "format.js", "timeline.js")
_IMPORT = re.compile(r"^import \{([^}]*)\} from '\./([\w-]+\.js)';\s*$")
_EXPORT = re.compile(r"^export (?:async )?(?:function\*? |const |let |class )([A-Za-z_$][\w$]*)")
_ANY_MODULE_SYNTAX = re.compile(r"^\s*(import|export)\b")
_HERE = Path(__file__).resolve().parent / "static"


class AssetError(ToolkitError):
    """The dashboard's files are missing or use a form the report bundler does not know."""


def dashboard_static() -> Path:
    spec = importlib.util.find_spec("vidukit.mock_server")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        static = Path(folder) / "dashboard" / "static"
        if static.is_dir():
            return static
    raise AssetError("cannot find mock_server/dashboard/static (is vidukit installed whole?)")


def _scope_name(module: str) -> str:
    return "__mod_" + re.sub(r"\W", "_", module.removesuffix(".js"))


def _convert(module: str, source: str) -> tuple[str, list[str], list[str]]:
    """*source* as the body of a function; its imports (module names) and exports."""
    lines: list[str] = []
    imports: list[str] = []
    exports: list[str] = []
    for number, line in enumerate(source.splitlines(), 1):
        found = _IMPORT.match(line)
        if found:
            names = [n.strip() for n in found.group(1).split(",") if n.strip()]
            if any(" as " in n for n in names):
                raise AssetError(f"{module}:{number}: 'import {{ a as b }}' is not supported")
            imports.append(found.group(2))
            lines.append(f"const {{ {', '.join(names)} }} = {_scope_name(found.group(2))};")
            continue
        exported = _EXPORT.match(line)
        if exported:
            exports.append(exported.group(1))
            lines.append(line.removeprefix("export "))
            continue
        if _ANY_MODULE_SYNTAX.match(line):
            raise AssetError(f"{module}:{number}: module syntax the report bundler does not "
                             f"know: {line.strip()!r}")
        lines.append(line)
    return "\n".join(lines), imports, exports


def bundle(sources: Mapping[str, str], entry: str) -> str:
    """One classic script running *entry* with every module it imports, each in its own scope.

    *sources* maps a module's file name (``timeline.js``) to its text.
    """
    converted = {name: _convert(name, text) for name, text in sources.items()}
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise AssetError(f"import cycle: {' -> '.join((*path, name))}")
        if name not in converted:
            raise AssetError(f"{path[-1] if path else entry} imports {name}, which is not given")
        for dependency in converted[name][1]:
            visit(dependency, (*path, name))
        order.append(name)

    visit(entry, ())
    parts = ["(() => {", "'use strict';"]
    for name in order:
        body, _, exports = converted[name]
        parts.append(f"// ---- {name}")
        parts.append(f"const {_scope_name(name)} = (() => {{\n{body}\n"
                     f"return {{ {', '.join(exports)} }};\n}})();")
    parts.append("})();")
    return "\n".join(parts) + "\n"


@cache
def report_script() -> str:
    """The report's script: its own ``report.js`` with the dashboard's timeline modules."""
    static = dashboard_static()
    sources = {name: (static / name).read_text(encoding="utf-8") for name in DASHBOARD_MODULES}
    sources["report.js"] = (_HERE / "report.js").read_text(encoding="utf-8")
    return bundle(sources, "report.js")


@cache
def report_style() -> str:
    """The dashboard's stylesheet (timeline, badges, tables) followed by the report's own."""
    dashboard = (dashboard_static() / "app.css").read_text(encoding="utf-8")
    own = (_HERE / "report.css").read_text(encoding="utf-8")
    return f"{dashboard}\n/* ---- vidukit report */\n{own}"


__all__ = ["DASHBOARD_MODULES", "AssetError", "bundle", "dashboard_static", "report_script",
           "report_style"]
