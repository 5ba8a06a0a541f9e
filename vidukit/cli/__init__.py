"""The ``vidukit`` command: one entry point, one module per subcommand.

Each subcommand module exposes ``register(subparsers)`` and sets ``func`` on its
parser; ``func(args)`` returns the exit status. Exit statuses mean the same
everywhere: 0 success, 1 the thing checked is wrong (invalid payload, failed
check), 2 the command was used wrongly (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from vidukit.errors import ToolkitError

#: Subcommand modules under vidukit.cli, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("validate", "schemas", "serve", "export", "verify", "proxy", "drift")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vidukit", description=__doc__.splitlines()[0] if __doc__ else None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"vidukit.cli.{name}_cmd").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args))
    except ToolkitError as exc:
        print(f"vidukit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
