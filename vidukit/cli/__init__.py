"""The ``vidukit`` command: one entry point, one module per subcommand.

Each subcommand module exposes ``register(subparsers)`` and sets ``func`` on its
parser; ``func(args)`` returns the exit status, and so does `main` (also for
``--help`` and for options argparse refuses: it never raises SystemExit). Exit
statuses mean the same everywhere: 0 success, 1 the thing checked is wrong
(invalid payload, failed check), 2 the command was used wrongly: one line on
stderr, no traceback, always ``vidukit COMMAND: error: ...``, naming the flag
when one option is at fault.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from vidukit.errors import ToolkitError
from vidukit.providers import specs

#: Subcommand modules under vidukit.cli, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate", "schemas", "serve", "export", "verify", "proxy", "drift", "recordings",
    "new_provider",
)


def description() -> str:
    """What ``vidukit --help`` opens with: what the tool is for, in a user's words, naming
    the providers from their specs (so a new provider's folders reach it too)."""
    titles = [s.title for s in specs().values()]
    sold = ", ".join(titles[:-1]) + f" and {titles[-1]}" if len(titles) > 1 else "".join(titles)
    return ("Schemas, a validator, a mock server and contract tests for the Vidu Q2 "
            f"reference-to-video API as sold by {sold}. "
            "Run `vidukit COMMAND --help` for one command's options.")

#: argparse's ``argument --port: ...``; the flag alone reads better and is what users type.
_ARGUMENT = re.compile(r"^argument ([^:]+): ")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        line = _ARGUMENT.sub(r"\1: ", " ".join(message.split()))
        self.exit(2, f"{self.prog}: error: {line}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vidukit", description=description())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"vidukit.cli.{name}_cmd").register(subparsers)
    _name_programs(parser)
    return parser


def _name_programs(parser: argparse.ArgumentParser) -> None:
    """Give every (sub)command's namespace its program name, for run-time errors.

    A subcommand's defaults are applied after its parent's, so the innermost
    one (``vidukit export openapi``) is what `main` prints, as argparse does.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.set_defaults(prog_name=sub.prog)
                _name_programs(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a refused option (2): a status like any other
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    try:
        status = int(args.func(args))
    except ToolkitError as exc:
        line = " ".join(str(exc).split())
        print(f"{getattr(args, 'prog_name', 'vidukit')}: error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
