"""A journal entry as a curl command the reader can paste to replay it.

The journal never holds a key (authorization headers and Runware's body
``apiKey`` are stored as ``REDACTED``), so the command names a shell variable
where the key went: ``"${VIDUKIT_API_KEY}"``, expanded when pasted, with a
first line saying to set it. Everything else is quoted literally.
"""

from __future__ import annotations

import re
import shlex

from vidukit.mock_server.journal import REDACTED, Entry
from vidukit.providers import provider_ids, spec

KEY_VARIABLE = "VIDUKIT_API_KEY"
_EXPANDED = f'"${{{KEY_VARIABLE}}}"'
#: Headers curl sets itself, or that only describe the original connection.
_SKIPPED = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "accept",
        "accept-encoding",
        "user-agent",
        "transfer-encoding",
        "expect",
        "cookie",
        "x-mock-admin-token",
    }
)
_BODY_KEY = re.compile(r'("apiKey"\s*:\s*)"' + REDACTED + '"')
_MARK = "\x00key\x00"  # a stand-in no JSON text or header can contain


def _word(text: str) -> str:
    """One shell word for *text*, where each key mark becomes the expanded variable."""
    parts = text.split(_MARK)
    return _EXPANDED.join(shlex.quote(part) if part else "" for part in parts) or "''"


def _scheme(provider: str) -> str:
    """``Bearer `` or the provider's own word (``Token ``), for a redacted Authorization."""
    return f"{spec(provider).surface.auth_scheme} " if provider in provider_ids() else "Bearer "


def as_curl(entry: Entry, origin: str, *, body_limit: int | None = None) -> str:
    """The command that sends *entry*'s request again to the mock at *origin*."""
    url = origin + entry.path + (f"?{entry.query}" if entry.query else "")
    head = ["curl", "-sS"]
    if entry.method != ("POST" if entry.body else "GET"):
        head += ["-X", entry.method]
    head.append(shlex.quote(url))
    options: list[str] = []
    uses_key = False
    for raw_name, raw_value in entry.headers:
        name = raw_name.decode("latin-1").title()  # ASGI lower-cases names; curl users don't
        if name.lower() in _SKIPPED:
            continue
        value = raw_value.decode("latin-1")
        if name.lower() == "authorization" and value.endswith(REDACTED):
            # The journal drops the whole value: the scheme is the provider's own.
            scheme = value[: -len(REDACTED)] or _scheme(entry.provider)
            value = scheme + _MARK
            uses_key = True
        options.append("-H " + _word(f"{name}: {value}"))
    notes = []
    if entry.body:
        text = entry.body.decode("utf-8", "replace")
        marked = _BODY_KEY.sub(lambda m: m.group(1) + '"' + _MARK + '"', text)
        uses_key = uses_key or marked != text
        options.append("--data-raw " + _word(marked))
        if body_limit is not None and len(entry.body) >= body_limit:
            notes.append("# the journal kept only the first part of this body")
    if uses_key:
        notes.insert(0, f"# export {KEY_VARIABLE}=<your API key>  (the journal never keeps keys)")
    return "\n".join([*notes, " \\\n  ".join([" ".join(head), *options])])


__all__ = ["KEY_VARIABLE", "as_curl"]
