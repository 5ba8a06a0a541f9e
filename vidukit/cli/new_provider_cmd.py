"""``vidukit new-provider ID``: write a new provider's folders, a skeleton that passes the suite.

The skeleton is a small generic async API (``POST /v1/videos``, ``GET /v1/videos/{id}``)
with every fact marked SCAFFOLD or TODO, so a newcomer starts from green tests and
changes one documented fact at a time (docs/adding-a-provider.md walks through it).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

#: The parametrized tests a new provider joins, then its own end-to-end test.
FIRST_TESTS = (
    "tests/test_provider_layout.py",
    "tests/test_schemas_meta.py",
    "tests/test_fixtures.py",
    "tests/mock_server/test_provider_contract.py",
    "tests/test_openapi_export.py",
    "tests/contract/test_canonical.py",
    "tests/drift/test_drift_parts.py",
)
#: Regenerates the README's capability matrix, which a new provider changes.
MATRIX_COMMAND = "python -m vidukit.capabilities --write-readme"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new-provider", help="write a new provider's folders from the scaffold",
        description="Write schemas/ID/, fixtures/ID/, vidukit/providers/ID/, "
                    "mock_server/providers/ID/ and its end-to-end test: a working skeleton "
                    "of a generic async API, to be filled from the provider's documents.",
    )
    parser.add_argument("id", metavar="ID",
                        help="the provider id: a lowercase Python identifier, e.g. newvideo")
    parser.add_argument("--title", help="human name (default: the id, capitalised)")
    parser.add_argument("--origin", metavar="URL",
                        help="the provider's real base URL (default: https://api.ID.example)")
    parser.add_argument("--root", metavar="DIR", type=Path, default=Path("."),
                        help="the vidukit checkout to write into (default: the current folder)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidukit.scaffold import make, write

    provider = make(args.id, args.title, args.origin)
    root: Path = args.root
    written = write(root, provider)
    print(f"wrote provider {provider.id!r} ({provider.title}) under {root}:")
    print("\n".join(f"  {line}" for line in summary(written)))
    print(next_steps(provider.id, root))
    return 0


def summary(written: list[Path]) -> list[str]:
    """One line per file, except fixtures: one line per folder, with its count."""
    lines: list[str] = []
    folders: dict[str, int] = {}
    for path in written:
        if path.parts[0] == "fixtures":
            folder = path.parent.as_posix() + "/"
            folders[folder] = folders.get(folder, 0) + 1
        else:
            lines.append(path.as_posix())
    lines += [f"{folder} ({count} fixtures)" for folder, count in folders.items()]
    return sorted(lines)


def next_steps(provider_id: str, root: Path) -> str:
    inside = "" if root == Path(".") else f"cd {shlex.quote(str(root))} && "
    tests = " ".join([*FIRST_TESTS, f"tests/mock_server/test_{provider_id}.py"])
    return f"""
next steps (docs/adding-a-provider.md):
  1. {inside}{MATRIX_COMMAND} && python docs/_generate.py
     (the README's capability matrix and the command reference now name {provider_id})
  2. fill schemas/{provider_id}/*.json from the provider's documents: every rule with an
     x-source citing the document it comes from, every choice where documents disagree
     in the description; drop the SCAFFOLD notes as you go
  3. for each example in the documents add fixtures/{provider_id}/<message>/valid/doc-*.json;
     for each rule id (vidukit schemas rules {provider_id} submit-request) an invalid fixture
  4. record the same facts in vidukit/providers/{provider_id}/ (wire, surface, translation,
     policies, failure codes, drift edits) and mock_server/providers/{provider_id}/
  5. {inside}pytest -q {tests}
     then the whole suite: ruff check . && pytest"""
