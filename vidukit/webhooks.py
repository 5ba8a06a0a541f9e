"""Check that a webhook really comes from its provider (or from the vidukit mock posing as it).

Each provider that signs its callbacks says how in its spec (``ProviderSpec.signing``);
this module is the one door to all of them. In a team's receiver (any framework: it
needs the headers and the raw bytes)::

    from vidukit.webhooks import WebhookVerificationError, verify

    try:
        verify("<provider id>", secret, request.headers, raw_body)
    except WebhookVerificationError as exc:
        return 400, str(exc)  # exc.reason says which check failed

Verify the bytes as received: parsing and re-serialising the JSON changes
them and breaks the signature. Against a mock on the virtual clock the
timestamps are virtual: pass ``now=`` (the mock's clock, ``GET /_mock/clock``)
or ``tolerance=None``. `signed_providers` lists the providers that sign; for the
others a receiver should carry its own token in the URL. A provider that publishes
public keys instead of handing out a secret: `keys_url` says where to fetch them, and
the document as fetched is the *secret* to pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from vidukit.errors import ToolkitError
from vidukit.providers import spec, specs

Reason = Literal["missing-header", "bad-timestamp", "expired", "bad-signature"]
#: ``tolerance`` left out: the provider's own maximum age.
DEFAULT = object()


class WebhookVerificationError(ValueError):
    """The request is not a genuine, fresh webhook of its provider; ``reason`` says why."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def header(headers: Mapping[str, str], name: str) -> str | None:
    """*name* from any mapping of headers, whatever its capitalisation."""
    value = headers.get(name)
    if value is not None:
        return value
    for key, found in headers.items():  # a plain dict may carry any capitalisation
        if key.lower() == name:
            return found
    return None


def signed_providers() -> tuple[str, ...]:
    """The providers whose callbacks carry a signature."""
    return tuple(pid for pid, s in specs().items() if s.signing is not None)


def keys_url(provider: str, base_url: str) -> str | None:
    """Where a receiver of *provider*'s callbacks fetches the keys that verify them, for a
    client whose API is at *base_url*; None where the provider publishes no keys.

    The provider's own key set (``signing.keys_url``) verifies only what the provider
    signed; the mock signs with keys of its own and serves them under its provider routes
    (``signing.keys_path``). So a client talking to the provider's origin gets the
    provider's URL, and any other base URL (the mock) gets the path under it.
    """
    provider_spec = spec(provider)
    signing = provider_spec.signing
    if signing is None or signing.keys_url is None or signing.keys_path is None:
        return None
    if _origin(base_url) == _origin(provider_spec.origin):
        return signing.keys_url
    return base_url.rstrip("/") + signing.keys_path


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def verify(
    provider: str,
    secret: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    now: float | None = None,
    tolerance: float | object | None = DEFAULT,
    url: str | None = None,
) -> None:
    """Return quietly for a genuine, fresh webhook of *provider*; raise
    `WebhookVerificationError` otherwise (`ToolkitError` for a provider that signs nothing).

    *headers* is any mapping (Starlette's, httpx's, a dict); *raw_body* the bytes
    exactly as received. *now* defaults to the machine's clock; ``tolerance=None``
    skips the age check. *url* is the URL the callback was POSTed to (the receiver's
    own, with its query), which a provider whose signature covers it needs.
    """
    signing = spec(provider).signing
    if signing is None:
        raise ToolkitError(f"{provider} does not sign its callbacks; nothing to verify")
    limit = signing.max_age if tolerance is DEFAULT else tolerance
    assert limit is None or isinstance(limit, int | float)
    if signing.verify_target is not None:
        if url is None:
            raise ToolkitError(
                f"{provider} signs the callback's URL too: pass url= (the URL it was sent to)"
            )
        signing.verify_target(secret, url, headers, raw_body, now=now, tolerance=limit)
    elif signing.verify is not None:
        signing.verify(secret, headers, raw_body, now=now, tolerance=limit)


__all__ = ["Reason", "WebhookVerificationError", "header", "keys_url", "signed_providers",
           "verify"]
