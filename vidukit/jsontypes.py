"""The JSON Schema type name of a decoded JSON value, shared by the strategies and drift."""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    """``"integer"`` also for an integral float: JSON Schema's integer accepts ``5.0``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
