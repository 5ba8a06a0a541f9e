"""Schemathesis against the mock, driven by each provider's exported OpenAPI document.

Two checks only, the ones the mock promises: ``not_a_server_error`` (no 5xx,
whatever the input) and ``response_schema_conformance`` (every answer matches
the document, errors included). Requests run in-process (ASGI, the mock
serving one provider at the root, so the document's paths apply unchanged),
positive and negative, per operation; then a stateful run follows the
document's links (submit, then poll the id it returned), which is what
reaches the result bodies. Bounded by the Hypothesis profile: ``ci`` (the
default) keeps the whole file within seconds, ``HYPOTHESIS_PROFILE=thorough``
searches far longer.

A bug found here is fixed in the mock and pinned by a regression test at
the end of this file, with the exact request that showed it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from vidukit.catalogue import catalogue
from vidukit.mock_server import MockConfig, create_app
from vidukit.openapi import build_document, surfaces
from vidukit.providers import spec

PROVIDERS = tuple(p for p in catalogue().providers() if p in surfaces())
CHECKS = [not_a_server_error, response_schema_conformance]
KEY = "schemathesis-key"


def auth(provider: str) -> dict[str, str]:
    """The key in the provider's own Authorization scheme (its surface says which)."""
    return {"Authorization": spec(provider).surface.authorization(KEY)}
#: Schemathesis strategies filter and build large bodies; neither is a problem here.
RELAXED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def _app(provider: str) -> Any:
    return create_app(MockConfig(provider=provider, clock="virtual", jitter=0.0))


@cache
def _document(provider: str) -> dict[str, Any]:
    return build_document(provider)


def _schema(provider: str) -> Any:
    schema = schemathesis.openapi.from_dict(_document(provider))
    schema.app = _app(provider)
    return schema


def _operations() -> list[Any]:
    return [
        pytest.param(p, method.upper(), path, id=f"{p}-{method.upper()} {path}")
        for p in PROVIDERS
        for path, item in _document(p)["paths"].items()
        for method in item
    ]


@pytest.mark.parametrize(("provider", "method", "path"), _operations())
def test_operation_answers_without_5xx_and_as_documented(
    provider: str, method: str, path: str
) -> None:
    schema = _schema(provider)
    operation = schema[path][method]
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )
    seen: dict[int, int] = {}

    @settings(suppress_health_check=RELAXED, deadline=None)
    @given(strategy)
    def run(case: Any) -> None:
        response = case.call(headers=auth(provider))
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)

    run()
    assert sum(seen.values()) > 0, "no request was sent"


def _linked() -> list[Any]:
    return [
        pytest.param(p, id=p)
        for p in PROVIDERS
        if any("links" in op["responses"]["200"] for item in _document(p)["paths"].values()
               for op in item.values())
    ]


@pytest.mark.parametrize("provider", _linked())
def test_stateful_submit_then_poll(provider: str) -> None:
    schema = _schema(provider)
    statuses: dict[str, set[int]] = {}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": auth(provider)}

        def after_call(self, response: Any, case: Any) -> None:
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS)

    base = settings()
    Machine.run(settings=settings(base, max_examples=max(10, base.max_examples // 2),
                                  stateful_step_count=6, suppress_health_check=RELAXED,
                                  deadline=None))
    polled = {label: codes for label, codes in statuses.items() if not label.startswith("POST")}
    assert any(200 in codes for codes in polled.values()), (
        f"no poll ever reached a task through the links: {statuses}")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_vtrix_accepts_an_integral_float_duration() -> None:
    """Found by Schemathesis: ``duration: 5.0`` (a JSON Schema integer) once answered 500."""
    transport = httpx.ASGITransport(app=_app("vtrix"))
    params = {"prompt": "a cat", "images": ["https://example.com/a.png"], "duration": 5.0}
    body = {"model": "viduq2_pro_reference", "input": [{"params": params}]}
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        submitted = await client.post("/model/v1/generation", json=body,
                                      headers={**auth("vtrix"), "X-Mock-Progression": "immediate"})
        assert submitted.status_code == 200, submitted.text
        polled = await client.get(f"/model/v1/generation/task/{submitted.json()['id']}",
                                  headers=auth("vtrix"))
    result = polled.json()
    assert result["status"] == "completed"
    # Seed 000's 720p price, $0.013/s, for 5 s (the placeholder Vtrix pricing).
    assert result["usage"]["cost"] == "0.065"
