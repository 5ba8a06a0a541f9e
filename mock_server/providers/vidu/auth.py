"""``Authorization: Token <key>``: Vidu's scheme. A Bearer header is a 401, as the live API
answers one (§6: "Token <key>, not Bearer")."""

from __future__ import annotations

from starlette.requests import Request

from vidukit.mock_server.http import scheme_key

SCHEME = "token"


def token_key(request: Request) -> str:
    """The key of ``Authorization: Token <key>``; 401 when missing, empty or another scheme."""
    return scheme_key(
        request, (SCHEME,),
        missing="missing Authorization header (expected 'Token <api key>')",
        wrong=lambda scheme: (f"invalid authentication scheme {scheme!r}: "
                              "Vidu expects 'Authorization: Token <api key>'"),
    )


__all__ = ["SCHEME", "token_key"]
