"""Keep keys and personal data out of reports, journals and recordings.

What is scrubbed, and why each:

- **the API key** wherever it appears (a provider may echo it, a body may
  carry it, as Runware's ``authentication`` task does): every occurrence of
  each secret the caller registers becomes ``REDACTED``;
- **``apiKey``, ``api_key``, ``token``, ``password``, ``secret`` fields** and
  personal fields (``email``, ``phone``, ``user_id``, ``account_id``,
  ``username``...): their values become ``REDACTED``;
- **e-mail addresses** inside any string;
- **signed URL query parameters** (``X-Amz-Signature``, ``Signature``,
  ``token``, ``Expires``, ``Key-Pair-Id``, ``sig``...): outputs are usually
  signed links that grant access to someone's video;
- **the Authorization header** is never kept at all (callers drop it).

Each `Scrubber` remembers which of these it applied, so a recording can say
so in its ``.meta.json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vidukit.jsontypes import json_type

REDACTED = "REDACTED"

_SECRET_FIELDS = frozenset({
    "apikey", "api_key", "authorization", "token", "access_token", "password", "secret",
    "client_secret", "webhook_secret",
})
_PERSONAL_FIELDS = frozenset({
    "email", "e_mail", "phone", "phone_number", "user_id", "userid", "account_id", "accountid",
    "username", "user_name", "owner", "customer_id", "ip", "ip_address", "client_ip",
})
_SIGNED_PARAMS = frozenset({
    "x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "sig",
    "token", "expires", "key-pair-id", "policy", "x-goog-signature", "x-goog-credential",
    "se", "sp", "sv", "sr", "skoid", "sktid", "api_key", "apikey", "key", "auth",
})
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_URL = re.compile(r"https?://[^\s\"'<>]+")


class Scrubber:
    """Scrub values and text; ``applied`` lists what was actually found and replaced."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a key that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.applied: set[str] = set()

    def add_secret(self, secret: str) -> None:
        """Scrub *secret* too from now on (the proxy learns keys from the traffic)."""
        if secret and secret not in self.secrets:
            self.secrets = sorted({*self.secrets, secret}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
                self.applied.add("API key occurrences")
        if "@" in value and _EMAIL.search(value):
            value = _EMAIL.sub(REDACTED, value)
            self.applied.add("e-mail addresses")
        if "://" in value:
            value = _URL.sub(lambda m: self.url(m.group(0)), value)
        return value

    def url(self, url: str) -> str:
        """*url* with signing and credential query parameters redacted."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if not parts.query:
            return url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        cleaned = [(k, REDACTED if k.lower() in _SIGNED_PARAMS else v) for k, v in pairs]
        if cleaned == pairs:
            return url
        self.applied.add("signed URL query parameters")
        return urlunsplit(parts._replace(query=urlencode(cleaned, safe=REDACTED)))

    def value(self, value: Any) -> Any:
        """A deep copy of a JSON value with everything sensitive replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                lowered = str(key).lower()
                if lowered in _SECRET_FIELDS and item not in (None, ""):
                    out[key] = REDACTED
                    self.applied.add(f"field {key!r} (credential)")
                elif lowered in _PERSONAL_FIELDS and item not in (None, ""):
                    out[key] = REDACTED
                    self.applied.add(f"field {key!r} (personal data)")
                else:
                    out[key] = self.value(item)
            return out
        return value


def sample(value: Any, scrubber: Scrubber, limit: int = 120) -> Any:
    """A short, scrubbed example of *value* for a report: scalars as they are, else the type."""
    if isinstance(value, str):
        text = scrubber.text(value)
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if isinstance(value, dict | list):
        return f"<{json_type(value)}>"
    return value


__all__ = ["REDACTED", "Scrubber", "json_type", "sample"]
