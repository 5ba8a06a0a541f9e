"""The request-body size limit (Vtrix: 'HTTP request post body must not exceed 20MB').

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

from vidukit.rules import _sources as src
from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

MB = 1024 * 1024  # "20MB" read as MiB, the larger reading
_LIMITS: dict[str, int] = {"vtrix": 20 * MB}
#: A JSON string spends at most 6 bytes on one character (\\uXXXX).
_ESCAPE_FACTOR = 6
#: Everything but the strings of a schema-valid body: the envelope, declared
#: keys, numbers and booleans. Vtrix's schema admits a fixed set of short keys.
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


@rule("body-size", severity="error",
      source={"vtrix": f"{src.VTRIX} (images Note 5: 'HTTP request post body must not "
                       "exceed 20MB')"},
      targets=[(p, "submit-request") for p in _LIMITS])
def body_size(payload: Payload) -> Iterator[Finding]:
    """The JSON request body must not exceed the provider's size limit."""
    limit = _LIMITS[payload.provider]
    if payload.schema_valid and _schema_valid_bound(payload) <= limit:
        return
    size = body_bytes(payload.instance)
    if size > limit:
        yield "", f"request body is at least {size} bytes, over the {limit // MB} MB limit"
