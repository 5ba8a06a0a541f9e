"""``vidukit validate``: judge one payload file as one provider message.

Exit 0 when the provider would accept it (warnings and notes are still
printed), 1 when it breaks a rule (every violation is listed, not only the
first), 2 for usage errors, raised as `ToolkitError` and printed by the
dispatcher as one line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from typing import Any

from vidukit.catalogue import PROVIDERS
from vidukit.cli import _options as opt
from vidukit.errors import InputError, UnknownMessage
from vidukit.violations import Violation

FORMATS = ("text", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a payload against a provider's schema and named rules",
        description="Check FILE (or - for stdin) as PROVIDER's MESSAGE. Exit 0 valid, "
                    "1 invalid, 2 usage error.",
    )
    parser.add_argument("--provider", required=True, type=opt.provider(),
                        help=", ".join(PROVIDERS))
    parser.add_argument("--message", required=True, help="e.g. submit-request; see "
                        "`vidukit schemas`")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--no-notes", action="store_true",
                        help="omit notes (undeclared fields in response payloads)")
    parser.add_argument("file", metavar="FILE", help="JSON payload; - reads stdin; "
                        "a .gz file is decompressed")
    parser.set_defaults(func=run)


def read_payload(name: str) -> Any:
    """The JSON value in file *name* (``-`` for stdin); InputError when unreadable."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                raw = handle.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot read {'<stdin>' if name == '-' else name}: {reason}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        shown = "<stdin>" if name == "-" else name
        raise InputError(f"{shown}: not valid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno}") from exc


def report(violations: list[Violation], provider: str, message: str) -> dict[str, Any]:
    """The JSON report: a stable shape that CI scripts can parse."""
    return {
        "valid": not any(v.severity == "error" for v in violations),
        "provider": provider,
        "message": message,
        "violations": [v.to_dict() for v in violations],
    }


def render_text(violations: list[Violation], provider: str, message: str, name: str) -> str:
    counts = {s: sum(v.severity == s for v in violations) for s in ("error", "warning", "note")}
    verdict = "invalid" if counts["error"] else "valid"
    summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    lines = [f"{name}: {verdict} {provider} {message}" + (f" ({summary})" if summary else "")]
    for v in violations:
        lines.append(f"  {v.severity}: {v.path or '/'}: [{v.rule}] {v.message}")
        lines.append(f"      source: {v.source}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from vidukit.catalogue import catalogue
    from vidukit.validation import validate

    try:
        catalogue().schema(args.provider, args.message)  # usage errors before reading input
    except UnknownMessage as exc:
        raise InputError(f"--message: {exc}") from None
    instance = read_payload(args.file)
    violations = validate(args.provider, args.message, instance, notes=not args.no_notes)
    result = report(violations, args.provider, args.message)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        print(render_text(violations, args.provider, args.message, name))
    return 0 if result["valid"] else 1
