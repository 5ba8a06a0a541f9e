"""What the journal keeps of a Runware body: every ``apiKey`` value replaced.

Shared by the HTTP route and the WebSocket, which both journal raw task arrays; its own
module so neither imports the other for it.
"""

from __future__ import annotations

import re

from vidukit.mock_server.journal import REDACTED

_API_KEY = re.compile(rb'("apiKey"\s*:\s*)"(?:[^"\\]|\\.)*"')


def redact(raw: bytes) -> bytes:
    """The body as the journal may keep it: every apiKey string value replaced."""
    if b'"apiKey"' not in raw:
        return raw
    return _API_KEY.sub(rb'\1"' + REDACTED.encode() + rb'"', raw)


__all__ = ["redact"]
