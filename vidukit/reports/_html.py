"""A tiny HTML builder where every value is text unless it is already `Html`.

Reports show payloads a provider or a client sent: untrusted by definition. So
nothing is concatenated into markup by hand; `tag` escapes every child and
attribute value that is not `Html` (the builder's own output), and attribute
and tag names must be plain words written in this package.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
#: Elements that never have content or an end tag.
_VOID = frozenset({"meta", "br", "hr", "col", "img", "input", "link"})
#: A body shown in a report is cut here: the report stays readable and small.
MAX_BODY_CHARS = 20_000


class Html(str):
    """Markup this package built (escaped already); any other ``str`` is text."""

    __slots__ = ()


Child = Any  # str, Html, number, None (skipped) or an iterable of those


def text(value: Any) -> Html:
    """*value* as text, escaped for element content and quoted attributes alike."""
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def _children(children: Iterable[Child]) -> Iterable[Html]:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, str | int | float):
            yield text(child)
        else:
            yield from _children(child)


def join(*children: Child) -> Html:
    return Html("".join(_children(children)))


def tag(name: str, attrs: Mapping[str, Any] | None = None, *children: Child) -> Html:
    """``<name attrs>children</name>``; an attribute whose value is None or False is left out,
    True writes it bare."""
    if not _NAME.match(name):
        raise ValueError(f"not a tag name: {name!r}")
    parts = [name]
    for key, value in (attrs or {}).items():
        if not _NAME.match(key):
            raise ValueError(f"not an attribute name: {key!r}")
        if value is None or value is False:
            continue
        parts.append(key if value is True else f'{key}="{text(value)}"')
    opening = f"<{' '.join(parts)}>"
    if name in _VOID:
        return Html(opening)
    return Html(f"{opening}{join(*children)}</{name}>")


def pretty(value: Any, limit: int = MAX_BODY_CHARS) -> str:
    """A JSON value (or text) as indented text for a ``<pre>``, cut at *limit* characters."""
    if value is None:
        return "(no body)"
    shown = value if isinstance(value, str) else json.dumps(
        value, indent=2, ensure_ascii=False, default=str)
    if len(shown) > limit:
        return shown[:limit] + f"\n… ({len(shown)} characters in all; cut for the report)"
    return shown


def script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no comment
    or CDATA openers, and no line separators a parser could trip on."""
    raw = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        raw = raw.replace(char, escape)
    return raw


__all__ = ["MAX_BODY_CHARS", "Html", "join", "pretty", "script_json", "tag", "text"]
