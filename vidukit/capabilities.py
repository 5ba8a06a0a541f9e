"""The capability matrix: what each provider offers, read from the schemas themselves.

Each ``submit-request`` root names, under ``x-capabilities``, the subschema
that defines a capability (a JSON pointer in that file; ``null`` where the
provider lacks it; ``query:<name>`` for a mechanism outside the body). This
module reads enums, ranges, item counts and defaults from those subschemas,
following ``$ref`` through the catalogue, so the README's table cannot drift
from the rules the validator enforces.

``python -m vidukit.capabilities`` prints the table; ``--write-readme``
rewrites the README block between the markers; ``--check`` exits 1 when that
block is stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidukit.catalogue import Catalogue, catalogue
from vidukit.errors import SchemaError
from vidukit.providers import specs

START = "<!-- capabilities:start -->"
END = "<!-- capabilities:end -->"
MESSAGE = "submit-request"
NOT_OFFERED = "—"


Renderer = Callable[[Catalogue, str, str, Mapping[str, Any]], str]


@dataclass(frozen=True)
class Row:
    capability: str
    label: str
    render: Renderer


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _tokens(pointer: str) -> list[str]:
    return [_unescape(t) for t in pointer.split("/")[1:]]


def resolve(cat: Catalogue, provider: str, pointer: str) -> dict[str, Any]:
    """The subschema at *pointer* in *provider*'s submit-request, ``$ref``s merged in.

    A ``$ref`` met on the way is followed when the next token is not local, and
    at the end the referenced schema's keywords are merged under the local
    ones (so a local ``default`` beside a ``$ref`` wins).
    """
    resolver = cat.registry.resolver(base_uri=cat.uri(provider, MESSAGE))
    node: Any = cat.schema(provider, MESSAGE)
    for token in _tokens(pointer):
        while isinstance(node, Mapping) and token not in node and "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise SchemaError(
                f"{provider}: x-capabilities pointer {pointer!r} does not resolve") from exc
    layers = []
    while isinstance(node, Mapping):
        layers.append(node)
        if "$ref" not in node:
            break
        resolved = resolver.lookup(node["$ref"])
        node, resolver = resolved.contents, resolved.resolver
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged.update({k: v for k, v in layer.items() if k != "$ref"})
    return merged


def field_path(pointer: str) -> str:
    """The payload path a pointer describes: ``subjects[].images``, ``extra.webhook``."""
    parts: list[str] = []
    tokens = _tokens(pointer)
    for i, token in enumerate(tokens):
        if i and tokens[i - 1] == "properties":
            parts.append(token)
        elif token == "items" and parts:
            parts[-1] += "[]"
    return ".".join(parts)


def _scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _default(schema: Mapping[str, Any]) -> str:
    return f" (default {_scalar(schema['default'])})" if "default" in schema else ""


def _values(schema: Mapping[str, Any]) -> list[Any]:
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return []


def render_choices(cat: Catalogue, provider: str, capability: str,
                   schema: Mapping[str, Any]) -> str:
    """Enumerated values; for a table of allowed combinations, the rows' ``x-`` annotations.

    Runware encodes resolution and aspect ratio only through width x height
    pairs, each branch of ``oneOf`` annotated with ``x-resolution`` and
    ``x-aspect-ratio``.
    """
    values = _values(schema)
    if not values:
        annotation = "x-" + capability.replace("_", "-")
        for branch in [*schema.get("oneOf", ()), *schema.get("anyOf", ())]:
            if annotation in branch and branch[annotation] not in values:
                values.append(branch[annotation])
    if not values:
        return "any"
    return ", ".join(_scalar(v) for v in values) + _default(schema)


def _range(low: Any, high: Any) -> str:
    if low is None and high is None:
        return "any integer"
    if high is None:
        return f"≥ {low}"
    if low is None:
        return f"≤ {high}"
    return f"{low}..{high}" if low != high else f"{low}"


def render_range(cat: Catalogue, provider: str, capability: str,
                 schema: Mapping[str, Any]) -> str:
    numbers = [v for v in _values(schema) if isinstance(v, int | float)]
    low, high = (min(numbers), max(numbers)) if numbers else (
        schema.get("minimum"), schema.get("maximum"))
    if low is None and "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if high is None and "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - 1
    return _range(low, high) + _default(schema)


def render_count(cat: Catalogue, provider: str, capability: str,
                 schema: Mapping[str, Any]) -> str:
    """Item counts; a list nested in a repeatable list says what it is counted per."""
    pointer = cat.schema(provider, MESSAGE)["x-capabilities"][capability]
    text = _range(schema.get("minItems", 0), schema.get("maxItems"))
    tokens = pointer.split("/")
    if "items" in tokens[:-1]:
        cut = len(tokens) - 1 - tokens[:-1][::-1].index("items")
        owner_pointer = "/".join(tokens[: cut - 1])
        owner = field_path(owner_pointer).rsplit(".", 1)[-1].removesuffix("[]")
        if owner and resolve(cat, provider, owner_pointer).get("maxItems") != 1:
            text += f" per {owner.removesuffix('s')}"
    return text


def render_flag(cat: Catalogue, provider: str, capability: str,
                schema: Mapping[str, Any]) -> str:
    return f"yes{_default(schema)}"


def render_webhook(cat: Catalogue, provider: str, capability: str,
                   schema: Mapping[str, Any]) -> str:
    pointer = cat.schema(provider, MESSAGE)["x-capabilities"][capability]
    return f"body `{field_path(pointer)}`"


ROWS: tuple[Row, ...] = (
    Row("resolution", "Resolutions", render_choices),
    Row("aspect_ratio", "Aspect ratios", render_choices),
    Row("duration", "Duration (s)", render_range),
    Row("images", "Reference images", render_count),
    Row("videos", "Reference videos", render_count),
    Row("movement_amplitude", "Movement amplitude", render_choices),
    Row("seed", "Seed", render_range),
    Row("audio", "Audio", render_flag),
    Row("bgm", "Background music", render_flag),
    Row("watermark", "Watermark", render_flag),
    Row("webhook", "Webhook", render_webhook),
)


def cell(cat: Catalogue, provider: str, row: Row) -> str:
    """One provider's value for one capability, as table text."""
    declared = cat.schema(provider, MESSAGE).get("x-capabilities", {})
    if row.capability not in declared:
        raise SchemaError(f"{provider}: x-capabilities lacks {row.capability!r}")
    pointer = declared[row.capability]
    if pointer is None:
        return NOT_OFFERED
    if not pointer.startswith("/"):
        kind, _, name = pointer.partition(":")
        return f"{kind} `{name}`" if name else kind
    return row.render(cat, provider, row.capability, resolve(cat, provider, pointer))


def matrix(cat: Catalogue) -> dict[str, dict[str, str]]:
    """capability label -> provider -> text, for every provider with a submit-request."""
    providers = [p for p in cat.providers() if MESSAGE in cat.messages(p)]
    return {row.label: {p: cell(cat, p, row) for p in providers} for row in ROWS}


def _identity(providers: Sequence[str]) -> list[str]:
    """The rows that name each column: its page and the mock's base path.

    The README lists the providers only here, so a new provider reaches the front door by
    the same regeneration that adds its column, with no edit by hand.
    """
    known = specs()
    names = [f"[{known[p].title}](docs/providers/{p}.md)" if p in known else p
             for p in providers]
    origins = [f"`{known[p].origin}`" if p in known else NOT_OFFERED for p in providers]
    mounts = [f"`/{p}`" for p in providers]
    return [f"| Provider | {' | '.join(names)} |",
            f"| Sold at | {' | '.join(origins)} |",
            f"| Mock base path | {' | '.join(mounts)} |"]


def render_markdown(cat: Catalogue) -> str:
    table = matrix(cat)
    providers = list(next(iter(table.values())).keys()) if table else []
    lines = [
        "| | " + " | ".join(providers) + " |",
        "|---|" + "---|" * len(providers),
        *_identity(providers),
    ]
    for label, values in table.items():
        lines.append(f"| {label} | " + " | ".join(values[p].replace("|", "\\|")
                                                   for p in providers) + " |")
    return "\n".join(lines) + "\n"


def block(cat: Catalogue) -> str:
    """The README block, markers included."""
    note = ("<!-- generated from the schemas' x-capabilities by "
            "`python -m vidukit.capabilities --write-readme`; do not edit by hand -->")
    return f"{START}\n{note}\n\n{render_markdown(cat)}{END}"


def replace_block(text: str, new_block: str) -> str:
    """*text* with its capabilities block replaced; SchemaError when the markers are missing."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SchemaError(f"README has no {START} ... {END} block")
    return text[:start] + new_block + text[end + len(END):]


def default_readme() -> Path:
    return Path(__file__).resolve().parent.parent / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vidukit.capabilities",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write-readme", action="store_true",
                        help="rewrite the README block between the capabilities markers")
    action.add_argument("--check", action="store_true",
                        help="exit 1 when the README block is stale")
    parser.add_argument("--readme", type=Path, default=None, help="README path (default: repo's)")
    args = parser.parse_args(argv)
    cat = catalogue()
    if not (args.write_readme or args.check):
        sys.stdout.write(render_markdown(cat))
        return 0
    readme: Path = args.readme or default_readme()
    try:
        text = readme.read_text(encoding="utf-8")
        updated = replace_block(text, block(cat))
    except (OSError, SchemaError) as exc:
        print(f"capabilities: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != text:
            print(f"{readme}: capabilities table is stale; run "
                  "python -m vidukit.capabilities --write-readme", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
