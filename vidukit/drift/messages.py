"""Which catalogue message an HTTP exchange carries, from its method, path, body and status.

The proxy sees raw traffic and the mock's drift profile sees raw responses;
both must name the message to validate or mutate. Paths and methods come from
`vidukit.openapi.surface` (the one table of each provider's HTTP facts, tested
against the mock), so this module adds only the rules a path cannot say:

- a status of 400 or more is answered with ``error-response``;
- an operation that takes several request messages (one endpoint for submits
  and polls) asks the provider's wire which one a body is, and its answer is
  the answer listed at the same place;
- a 2xx answer of an operation is its first listed answer (submit answers
  ``submit-response``, a poll ``result-response``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from vidukit.openapi.surface import Operation, surface
from vidukit.providers import spec

ERROR_MESSAGE = "error-response"


@dataclass(frozen=True)
class Route:
    """One operation with its path compiled to a regular expression."""

    operation: Operation
    pattern: re.Pattern[str]


@cache
def routes(provider: str) -> tuple[Route, ...]:
    """Every documented operation of *provider*, literal paths before templated ones."""
    found = []
    for operation in surface(provider).operations:
        parts = re.split(r"(\{[^}]+\})", operation.path)
        regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        found.append(Route(operation, re.compile(f"^{regex}/?$")))
    return tuple(sorted(found, key=lambda r: "{" in r.operation.path))


def match(provider: str, method: str, path: str) -> Operation | None:
    """The operation serving ``method path`` (path relative to the provider's base URL)."""
    for route in routes(provider):
        if route.operation.method.upper() == method.upper() and route.pattern.match(path):
            return route.operation
    return None


def request_message(provider: str, operation: Operation, body: Any) -> str | None:
    """The request message of a body sent to *operation*; None when it sends no body."""
    if not operation.requests:
        return None
    if len(operation.requests) == 1:
        return operation.requests[0]
    classify = spec(provider).wire.request_message
    return classify(body) if classify is not None else None


def response_message(
    provider: str, operation: Operation, request: str | None, status: int
) -> str | None:
    """The message of an answer with HTTP *status*; None where the catalogue has none."""
    if status >= 400:
        return ERROR_MESSAGE
    if not 200 <= status < 300 or not operation.answers:
        return None
    if len(operation.requests) > 1 and len(operation.answers) == len(operation.requests):
        # One endpoint, several messages: the answer pairs with the request at its place.
        if request not in operation.requests:
            return None
        return operation.answers[operation.requests.index(request)]
    return operation.answers[0]


__all__ = [
    "ERROR_MESSAGE",
    "Route",
    "match",
    "request_message",
    "response_message",
    "routes",
]
