"""The request-body size limit, where a provider documents one (its spec's ``body_limit``).

The body as sent is not available (whitespace and escaping are the client's
choice), so the check measures the most compact JSON rendering of the parsed
payload in UTF-8 bytes: a lower bound of any body carrying it, hence no false
alarms. Rendering costs microseconds, more than the hot path can spend on
every small request, so a body that already passed the schema is first bounded
from above cheaply, and rendered only when that bound reaches the limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vidukit.providers import spec
from vidukit.providers.spec import ProviderSpec
from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

MB = 1024 * 1024  # "20MB" read as MiB, the larger reading
#: A JSON string spends at most 6 bytes on one character (\\uXXXX).
_ESCAPE_FACTOR = 6
#: Everything but the strings of a schema-valid body: the envelope, declared
#: keys, numbers and booleans. A strict schema admits a fixed set of short keys.
_STRUCTURE_MARGIN = 64 * 1024
_UNBOUNDED = 1 << 62
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


def body_bytes(instance: Any) -> int:
    """UTF-8 length of the most compact JSON rendering of *instance*."""
    return len(_COMPACT.encode(instance).encode("utf-8"))


def _schema_valid_bound(payload: Payload) -> int:
    """An upper bound on `body_bytes` for a body that passed the schema.

    The schema fixes the envelope and admits only declared fields whose
    values are scalars or lists of strings, so the strings are all that can
    grow. Anything else (a nested object) gives up the bound.
    """
    chars = 0
    for _, fields in payload.fields:
        for value in fields.values():
            if isinstance(value, str):
                chars += len(value)
            elif isinstance(value, list):
                for item in value:
                    if not isinstance(item, str):
                        return _UNBOUNDED
                    chars += len(item)
            elif isinstance(value, dict):
                return _UNBOUNDED
    return _ESCAPE_FACTOR * chars + _STRUCTURE_MARGIN


def _limited(s: ProviderSpec) -> str | None:
    return s.body_limit[1] if s.body_limit is not None else None


@rule("body-size", severity="error", applies=_limited)
def body_size(payload: Payload) -> Iterator[Finding]:
    """The JSON request body must not exceed the provider's size limit."""
    limit = (spec(payload.provider).body_limit or (_UNBOUNDED, ""))[0]
    if payload.schema_valid and _schema_valid_bound(payload) <= limit:
        return
    size = body_bytes(payload.instance)
    if size > limit:
        yield "", f"request body is at least {size} bytes, over the {limit // MB} MB limit"
