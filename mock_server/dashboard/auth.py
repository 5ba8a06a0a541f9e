"""The dashboard's door: the admin token, as the admin API checks it, plus a cookie.

A browser cannot add ``Authorization`` to a page load, so with an admin token
configured the page answers a small form instead; posting the right token sets
the cookie ``vidukit_admin_token`` (``SameSite=Strict``, path ``/_mock``), which
the dashboard's own routes accept and which the page's script forwards to the
admin API as ``X-Mock-Admin-Token`` (so the cookie is not ``HttpOnly``; the
page renders every value as text, never as HTML). Without a token configured
(the loopback default) the door is open, as the admin API is.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs, quote, unquote

from starlette.requests import Request

COOKIE = "vidukit_admin_token"
COOKIE_PATH = "/_mock"
_MAX_FORM = 4096


def given_token(request: Request) -> str | None:
    """The token the request carries: admin header, Bearer, then the cookie."""
    header = request.headers.get("x-mock-admin-token")
    if header is not None:
        return header
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = request.cookies.get(COOKIE)
    return unquote(cookie) if cookie is not None else None


def matches(given: str | None, token: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), token.encode())


def allowed(request: Request, token: str | None) -> bool:
    return token is None or matches(given_token(request), token)


async def posted_token(request: Request) -> str:
    """The ``token`` field of a urlencoded form (no multipart parser needed for one field)."""
    raw = await request.body()
    fields = parse_qs(raw[:_MAX_FORM].decode("utf-8", "replace"))
    return (fields.get("token") or [""])[0].strip()


def cookie_header(token: str) -> str:
    return f"{COOKIE}={quote(token, safe='')}; Path={COOKIE_PATH}; SameSite=Strict"


__all__ = ["COOKIE", "allowed", "cookie_header", "given_token", "matches", "posted_token"]
