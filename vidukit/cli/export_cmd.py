"""``vidukit export openapi``: a provider's API as an OpenAPI 3.1 document.

The document is generated from the schemas each time (never kept by hand),
so Prism, Schemathesis, Postman or a client generator see exactly the rules
the validator and the mock enforce. ``--provider all`` writes one file per
provider into a directory, ``<provider>.openapi.json`` (or ``.yaml``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vidukit.catalogue import PROVIDERS
from vidukit.cli import _options as opt
from vidukit.errors import ToolkitError

ALL = "all"


class UsageError(ToolkitError):
    """The options cannot be honoured together."""


class OutputError(ToolkitError):
    """The document could not be written where asked."""


def register(subparsers: Any) -> None:
    from vidukit.openapi import DEFAULT_MOCK_URL, FORMATS

    parser = subparsers.add_parser(
        "export", help="export the catalogue in another format (OpenAPI 3.1)",
        description="Export the schema catalogue in a format other tools load.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    openapi = kinds.add_parser(
        "openapi", help="one OpenAPI 3.1 document per provider",
        description="Write PROVIDER's OpenAPI 3.1 document (paths, auth, bodies, errors, "
                    "webhooks) generated from the schemas.",
    )
    openapi.add_argument("--provider", required=True, type=opt.provider(ALL),
                         help="a provider id (" + ", ".join(PROVIDERS) + ") or all")
    openapi.add_argument("--server", metavar="URL", default=DEFAULT_MOCK_URL, type=opt.http_url,
                         help="the mock's base URL, listed as the second server; "
                              "'{provider}' is replaced by the provider id "
                              f"(default {DEFAULT_MOCK_URL})")
    openapi.add_argument("--format", choices=FORMATS, default="json", help="output format")
    openapi.add_argument("-o", "--output", metavar="PATH", type=opt.output_path,
                         help="file to write (default stdout); with --provider all, a directory")
    openapi.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidukit.catalogue import catalogue
    from vidukit.errors import UnknownProvider
    from vidukit.openapi import build_document, render, surfaces

    known = tuple(p for p in catalogue().providers() if p in surfaces())
    if args.provider == ALL:
        if not args.output:
            raise UsageError("--provider all needs -o DIRECTORY (one file per provider)")
        if "{provider}" not in args.server:
            raise UsageError("--provider all needs '{provider}' in --server, so each "
                             "document points at its own mock base URL")
        directory = Path(args.output)
        _make_directory(directory)
        for provider in known:
            text = render(build_document(provider, mock_url=args.server), args.format)
            _write(directory / f"{provider}.openapi.{args.format}", text)
        return 0
    if args.provider not in known:
        raise UnknownProvider(args.provider, (*known, ALL))
    text = render(build_document(args.provider, mock_url=args.server), args.format)
    if args.output:
        _write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0


def _make_directory(directory: Path) -> None:
    """Create the named directory only: a missing parent is refused (as ``mkdir`` does)."""
    try:
        directory.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {directory}: {exc.strerror or exc}") from exc


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
