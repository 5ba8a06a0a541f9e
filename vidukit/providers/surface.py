"""A provider's HTTP surface: what the schemas cannot say about its API.

The bodies come from ``schemas/``; paths, methods, parameters, auth and the
error statuses are HTTP facts the schema files only mention in prose. Each
provider lists them once, in its folder (``vidukit/providers/<id>/``);
``tests/test_openapi_export.py`` proves every path and method is one the mock
serves, so a surface cannot drift from the mock unnoticed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _id_schema() -> Mapping[str, Any]:
    return {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Param:
    """A path, query or header parameter (the body is never one)."""

    name: str
    location: str
    description: str
    required: bool = True
    schema: Mapping[str, Any] = field(default_factory=_id_schema)


@dataclass(frozen=True)
class Link:
    """An OpenAPI link from an answer to the operation that takes its id further."""

    name: str
    operation_id: str
    parameters: Mapping[str, str]
    description: str


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    #: Request-body messages; several become a ``oneOf`` (Runware's one endpoint).
    requests: tuple[str, ...]
    #: 200-body messages; several become an ``anyOf`` (their shapes may overlap); none
    #: leaves the 200 without a schema (a body the catalogue does not describe).
    answers: tuple[str, ...]
    #: What the 200 means, including how a failed task answers (it is not an HTTP error).
    ok: str
    parameters: tuple[Param, ...] = ()
    links: tuple[Link, ...] = ()
    #: A request body the catalogue has no message for (an SDK-only route such as an
    #: upload): media type -> OpenAPI media object (schema, example).
    body: Mapping[str, Any] | None = None
    #: Where the 200 comes only once the task has finished (a result endpoint apart from the
    #: status poll): the documented error status an unfinished task gets instead.
    before_finish: int | None = None


@dataclass(frozen=True)
class Surface:
    provider: str
    title: str
    #: The provider's real origin; paths are relative to it.
    origin: str
    operations: tuple[Operation, ...]
    #: Documented error statuses -> meaning (each answered with error-response).
    errors: Mapping[int, str]
    #: When the error body admits any status: what a ``default`` response covers.
    other_errors: str | None = None
    #: Extra text for the authentication scheme (Runware's in-body authentication task).
    auth_note: str = ""
    #: The word before the key in ``Authorization: <scheme> <key>``; a provider that refuses
    #: any other word (a ``Token`` API answers ``Bearer`` with its 401) says so here.
    auth_scheme: str = "Bearer"
    #: True when a request may carry its key in the body instead of the header.
    body_auth: bool = False
    #: Headers of the webhook POST (WaveSpeed signs its deliveries).
    webhook_headers: tuple[Param, ...] = field(default=())


    def authorization(self, key: str) -> str:
        """The ``Authorization`` header value that carries *key* the way the provider reads it."""
        return f"{self.auth_scheme} {key}"


def task_param(name: str, location: str, what: str) -> Param:
    """The task id parameter of a poll."""
    return Param(name, location, f"The task id {what}.")


__all__ = ["Link", "Operation", "Param", "Surface", "task_param"]
