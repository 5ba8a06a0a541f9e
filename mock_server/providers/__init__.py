"""Provider plug-ins: one package per provider, found by its spec, never listed.

The contract
============

A provider is its folders (`vidukit.providers.spec`): ``schemas/<id>/``,
``fixtures/<id>/``, its spec ``vidukit/providers/<id>/`` (every fact the rest of
the toolkit reads: wire, surface, translation, rules, policies, failure codes,
drift edits) and ``mock_server/providers/<id>/``, which holds five modules with
fixed roles:

``__init__.py``
    ``PROVIDER = Provider.assemble(id, title, routes=routes, errors=errors,
    status=status)``: built from the other modules by their fixed roles.

``routes.py`` (thin: parse, authenticate, call the backend, serialise)
    ``def routes(ctx: ProviderContext) -> list[starlette.routing.BaseRoute]``.
    Paths are the provider's real ones, relative to its base URL
    (``/api/v3/predictions/{id}/result``); the core mounts them under
    ``/<id>`` or at the root. Each endpoint is ``ctx.endpoint(handler)``
    where ``async def handler(request, exchange) -> Reply``. Inside:
    ``owner = ctx.authenticate(request)`` (Bearer; ``ctx.owner_of(key)`` for
    other schemes), ``body = await ctx.json_body(request, exchange,
    "submit-request")`` (content type, size cap, strict JSON, schema
    validation: raises `InvalidRequest` listing every violation),
    ``options = ctx.task_options(request)`` (the ``X-Mock-Progression`` /
    ``X-Mock-Outcome`` overrides, outcome resolved to a provider error
    code), ``ctx.base_url(request)`` / ``ctx.media_url(request, task)`` for
    URLs pointing back at the mock. Return ``Reply(status, body,
    message="result-response")``; raise `vidukit.mock_server.errors` classes (or
    the provider's subclasses) for errors. Never parse bodies with pydantic.

``models.py`` (framework-free backend: never imports starlette or fastapi)
    A ``Backend`` class taking the `Engine`, with one method per operation,
    e.g. ``submit(owner, body, options) -> Task`` and
    ``result(owner, task_id) -> Task`` (raises `NotFound` for an unknown id
    *or another owner's task*). It calls ``engine.create`` /
    ``engine.observe(task, poll=True)`` and nothing else stateful.

``errors.py``
    Provider-specific `ProviderError` subclasses (``status``, ``code``,
    ``message`` class attributes) and ``def render(exc: ProviderError) ->
    Reply``: the only place that builds the provider's error envelope; it
    must handle every class in `vidukit.mock_server.errors` (413, 415, 405, 500...)
    and return ``message="error-response"`` bodies that validate.

``status.py``
    ``STATUS: Mapping[str, str]`` (engine state -> provider status word),
    ``FAILURE_CODES: Mapping[str, str]`` (provider error code -> message,
    the codes a forced or planned failure may carry), ``DEFAULT_FAILURE_CODE``,
    and the functions that render a task in the provider's vocabulary and
    fields (WaveSpeed: ``prediction(task, *, base_url, media_url) -> dict``).
    Read the task's ``state``, ``entered`` (state -> epoch entered),
    ``outcome.error_code``, ``seed`` and ``meta``; never the clock.
    Optionally ``webhook(task, *, base_url, media_url) -> list[dict]``: the
    bodies of the callbacks a finished task sends to ``task.meta["webhook"]``
    (one per call: Runware calls once per result), valid as the provider's
    ``webhook`` message; passed as ``Provider(render_webhook=...)`` and sent
    by `vidukit.mock_server.webhooks`.

Conventions: ``task.meta["duration_seconds"]`` and ``["resolution"]`` are the
requested length and resolution (prices use them: `vidukit.mock_server.media.pricing`;
the media route reads the file's shape from the request itself, and
``meta["expired"] = True`` expires a task's output URL); task ids come from
``engine.ids.hex()`` / ``engine.ids.uuid4()`` (or the client's own, as Runware's ``taskUUID``);
every failure code is text, even where the provider's is numeric.
`tests/mock_server/test_provider_contract.py` checks each registered
package: the five modules, a framework-free ``models.py``, a status for
every engine state, and every core error rendering as a valid
``error-response``.

Adding a provider: ``vidukit new-provider ID`` writes the folders; every
provider with a spec must have its package here (the layout test checks it).
Nothing else in the core changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from vidukit.mock_server.errors import ConfigError, ProviderError
from vidukit.mock_server.http import Reply
from vidukit.providers import provider_ids, spec
from vidukit.providers.spec import ProviderSpec

if TYPE_CHECKING:
    from vidukit.mock_server.providers.context import ProviderContext

WebhookRenderer = Callable[..., Sequence[Mapping[str, Any]]]



def provider_modules() -> tuple[str, ...]:
    """The mock package of every provider that has a spec, in id order."""
    return tuple(f"{__name__}.{pid}" for pid in provider_ids())


@dataclass(frozen=True)
class Provider:
    """What the core needs from a provider package (its ``PROVIDER``)."""

    #: The catalogue id; also the URL prefix and the package name.
    id: str
    #: Human name printed at start-up ("WaveSpeedAI").
    title: str
    #: Builds the provider's routes, relative to its base URL.
    routes: Callable[[ProviderContext], Sequence[BaseRoute]]
    #: The one error renderer: any ProviderError -> the provider's native body.
    render_error: Callable[[ProviderError], Reply]
    #: Engine state ("queued", "processing", "succeeded", "failed") -> provider status word.
    status: Mapping[str, str]
    #: Error codes a failed task may carry (provider's own codes, as text) -> message.
    failure_codes: Mapping[str, str]
    #: The code a failure gets when none is asked for.
    default_failure_code: str
    #: ``(task, *, base_url, media_url) -> [body, ...]``: a finished task's callback bodies
    #: (mock_server.webhooks sends them); None for a provider without callbacks.
    render_webhook: WebhookRenderer | None = None

    @classmethod
    def assemble(
        cls,
        id: str,
        title: str,
        *,
        routes: Callable[[ProviderContext], Sequence[BaseRoute]],
        errors: ModuleType,
        status: ModuleType,
    ) -> Provider:
        """Build a provider from its package's modules, read by their fixed roles.

        ``errors.render``; ``status.STATUS``, ``FAILURE_CODES``, ``DEFAULT_FAILURE_CODE``
        and, where the provider calls back, ``status.webhook``.
        """
        return cls(
            id=id,
            title=title,
            routes=routes,
            render_error=errors.render,
            status=status.STATUS,
            failure_codes=status.FAILURE_CODES,
            default_failure_code=status.DEFAULT_FAILURE_CODE,
            render_webhook=getattr(status, "webhook", None),
        )

    @property
    def spec(self) -> ProviderSpec:
        """Everything else about the provider (policies, wire, failure categories...)."""
        return spec(self.id)

    def __post_init__(self) -> None:
        if self.default_failure_code not in self.failure_codes:
            raise ConfigError(
                f"provider {self.id}: default failure code {self.default_failure_code!r} "
                "is not among its failure codes"
            )


def load_providers(modules: Sequence[str] | None = None) -> dict[str, Provider]:
    """Every provider's ``PROVIDER`` by id (the packages of *modules*, else of every spec)."""
    if modules is None:
        return dict(_all_providers())
    found: dict[str, Provider] = {}
    for name in modules:
        provider = importlib.import_module(name).PROVIDER
        if not isinstance(provider, Provider):
            raise ConfigError(f"{name}.PROVIDER is not a mock_server.providers.Provider")
        if name.rsplit(".", 1)[-1] != provider.id:
            raise ConfigError(f"{name}: PROVIDER.id {provider.id!r} must equal the package name")
        found[provider.id] = provider
    return found


@cache
def _all_providers() -> Mapping[str, Provider]:
    return load_providers(provider_modules())


__all__ = ["Provider", "WebhookRenderer", "load_providers", "provider_modules"]
