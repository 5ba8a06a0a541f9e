"""``Authorization: Token <key>``: Vidu's scheme. A Bearer header is a 401, as the live API
answers one (§6: "Token <key>, not Bearer")."""

from __future__ import annotations

from starlette.requests import Request

from vidukit.mock_server.errors import Unauthorized

SCHEME = "token"


def token_key(request: Request) -> str:
    """The key of ``Authorization: Token <key>``; 401 when missing, empty or another scheme."""
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("missing Authorization header (expected 'Token <api key>')")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != SCHEME or not key:
        raise Unauthorized(
            f"invalid authentication scheme {scheme!r}: "
            "Vidu expects 'Authorization: Token <api key>'"
        )
    return key


__all__ = ["SCHEME", "token_key"]
