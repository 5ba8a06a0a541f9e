"""Schemathesis against the admin API (``/_mock/``), driven by the document the mock serves.

The same two checks as the per-provider run (`tests/test_schemathesis_mock.py`):
``not_a_server_error`` and ``response_schema_conformance``, plus
``status_code_conformance`` (every status the admin API answers is one the
document lists). Every operation is fuzzed in process, positive and negative,
on a server with an admin token configured: each generated request is sent
once with the token (the handler's answer) and once with a wrong one (the
401). The server holds tasks in every state first, and operations on
``{id}`` draw the id from those tasks as well as at random, so the task,
delivery and journal views are checked, not only the 404s. Bounded by the
Hypothesis profile (``ci`` by default, ``HYPOTHESIS_PROFILE=thorough``).

The document cannot go stale: every admin route mounted at ``/_mock`` must
be described, and every described path and method must be mounted. A mock
bug found here is pinned at the end of this file by the request that showed it.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Mount, Route

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.admin.openapi import PREFIX, admin_document
from vidukit.mock_server.state import MockState

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
TOKEN = "admin-secret"
WITH_TOKEN = {"Authorization": f"Bearer {TOKEN}", "X-Mock-Admin-Token": TOKEN}
WRONG_TOKEN = {"Authorization": "Bearer not-it", "X-Mock-Admin-Token": "not-it"}
RELAXED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
#: Mounted under /_mock but not part of the admin API: the dashboard, the Swagger UI page
#: (and its OAuth2 redirect), the catch-all 404.
NOT_DESCRIBED = {"/ui", "/docs", "/docs/oauth2-redirect", "/{path:path}"}

SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
VTRIX_SUBMIT = "/vtrix/model/v1/generation"
PROMPT = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}
VTRIX_BODY = {"model": "viduq2_pro_reference", "input": [{"params": {**PROMPT, "duration": 5}}]}
PROVIDER_AUTH = {"Authorization": "Bearer schemathesis-key"}


def _client(app: Any) -> ASGIClient:
    """Schemathesis' own in-process client: the same event loop its calls run the app on."""
    return ASGIClient(app, base_url="http://mock")


def _config(**overrides: Any) -> MockConfig:
    # Loopback-only callbacks: the seeded tasks' example webhook URLs are never called.
    options: dict[str, Any] = {"clock": "virtual", "jitter": 0.0, "webhook_targets": "loopback",
                               "admin_token": TOKEN}
    return MockConfig(**{**options, **overrides})


def _seeded() -> tuple[Any, list[str]]:
    """A server holding tasks succeeded, failed, processing and queued, with callbacks."""
    app = create_app(_config())
    client = _client(app)

    def submit(path: str = SUBMIT, body: Any = PROMPT, progression: str = "time=5,20",
               **query: str) -> str:
        headers = {**PROVIDER_AUTH, "X-Mock-Progression": progression}
        answer = client.post(path, json=body, headers=headers, params=query)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        return str(data["data"]["id"] if "data" in data else data["id"])

    def admin(method: str, path: str, body: Any) -> None:
        answer = client.request(method, PREFIX + path, json=body, headers=WITH_TOKEN)
        assert answer.status_code == 200, answer.text

    done = [submit(webhook="https://hooks.example/done"), submit(VTRIX_SUBMIT, VTRIX_BODY)]
    failed = submit(webhook="https://hooks.example/failed")
    admin("POST", f"/tasks/{failed}/outcome", {"outcome": "fail"})
    admin("POST", "/clock/advance", {"seconds": 3600})
    waiting = [submit(webhook="https://hooks.example/later"), submit(progression="polls=5")]
    polled = client.get(f"/wavespeed/api/v3/predictions/{waiting[1]}/result",
                        headers=PROVIDER_AUTH)
    assert polled.json()["data"]["status"] == "processing", polled.text
    admin("POST", "/scenarios", {"scenario": "http-503", "count": 2})
    admin("PUT", "/quotas", {"profile": "documented"})
    return app, [*done, failed, *waiting]


def _document() -> dict[str, Any]:
    return admin_document(create_app(_config()).state.mock)


def _operations() -> list[Any]:
    return [
        pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
        for path, item in _document()["paths"].items()
        for method in item
    ]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_admin_operation_answers_without_5xx_and_as_documented(method: str, path: str) -> None:
    app, task_ids = _seeded()
    schema = schemathesis.openapi.from_dict(admin_document(app.state.mock))
    schema.app = app
    operation = schema[path][method]
    strategies = [operation.as_strategy(GenerationMode.POSITIVE),
                  operation.as_strategy(GenerationMode.NEGATIVE)]
    if "{id}" in path:  # the seeded tasks too, not only random ids that all answer 404
        strategies += [operation.as_strategy(mode, path_parameters={"id": task_id})
                       for mode in GenerationMode for task_id in task_ids]
    seen: dict[int, int] = {}

    @settings(suppress_health_check=RELAXED, deadline=None)
    @given(st.one_of(strategies))
    def run(case: Any) -> None:
        refused = case.call(headers=WRONG_TOKEN)
        case.validate_response(refused, checks=CHECKS)
        if not path.startswith(f"{PREFIX}/media/"):  # media files and uploads are open,
            # like storage URLs
            assert refused.status_code == 401, refused.text
        response = case.call(headers=WITH_TOKEN)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)

    run()
    assert sum(seen.values()) > 0, "no request was sent"


def test_task_operations_reach_real_tasks_in_every_state() -> None:
    """The views the fuzzing above validates include real tasks, not only 404s."""
    app, task_ids = _seeded()
    schema = schemathesis.openapi.from_dict(admin_document(app.state.mock))
    schema.app = app
    listing = schema[f"{PREFIX}/tasks"]["GET"].Case()
    response = listing.call(headers=WITH_TOKEN)
    listing.validate_response(response, checks=CHECKS)
    states = {task["state"] for task in response.json()["tasks"]}
    assert {"succeeded", "failed", "processing", "queued"} <= states, states
    for task_id in task_ids:
        case = schema[f"{PREFIX}/tasks/{{id}}"]["GET"].Case(path_parameters={"id": task_id})
        shown = case.call(headers=WITH_TOKEN)
        case.validate_response(shown, checks=CHECKS)
        assert shown.json()["id"] == task_id
    unfinished = {"id": task_ids[-1]}
    for path, method, body in (
        ("/tasks/{id}/outcome", "POST", {"outcome": "stay-processing"}),
        ("/tasks/{id}/progression", "PUT", {"progression": "immediate"}),
    ):
        case = schema[PREFIX + path][method].Case(path_parameters=unfinished, body=body)
        changed = case.call(headers=WITH_TOKEN)
        case.validate_response(changed, checks=CHECKS)
        assert changed.status_code == 200, changed.text
    hooks = schema[f"{PREFIX}/webhooks"]["GET"].Case()
    deliveries = hooks.call(headers=WITH_TOKEN)
    hooks.validate_response(deliveries, checks=CHECKS)
    assert deliveries.json()["count"] >= 2, deliveries.text


def test_media_file_and_ranges_answer_as_documented() -> None:
    app, task_ids = _seeded()
    schema = schemathesis.openapi.from_dict(admin_document(app.state.mock))
    schema.app = app
    operation = schema[f"{PREFIX}/media/{{name}}"]["GET"]
    name = {"name": f"{task_ids[0]}.mp4"}
    statuses = []
    for headers in ({}, {"Range": "bytes=0-9"}, {"Range": "bytes=999999999-"}):
        case = operation.Case(path_parameters=name, headers=headers)
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        statuses.append(response.status_code)
    assert statuses == [200, 206, 416]


def test_document_is_valid_openapi_3_1() -> None:
    document = _document()
    errors = [error.message for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert not errors, errors


def _mounted_admin_routes(app: Any) -> set[tuple[str, str]]:
    mounts = [r for r in app.router.routes if isinstance(r, Mount) and r.path == PREFIX]
    assert len(mounts) == 1, f"expected one Mount at {PREFIX}"
    return {
        (PREFIX + route.path, method)
        for route in mounts[0].routes
        if isinstance(route, Route) and route.path not in NOT_DESCRIBED
        for method in (route.methods or set()) - {"HEAD"}
    }


def test_every_admin_route_is_described_and_every_description_is_mounted() -> None:
    app = create_app(_config())
    described = {
        (path, method.upper())
        for path, item in admin_document(app.state.mock)["paths"].items()
        for method in item
    }
    mounted = _mounted_admin_routes(app)
    assert mounted - described == set(), "mounted but not described"
    assert described - mounted == set(), "described but not mounted"


@pytest.mark.parametrize("token", [None, TOKEN])
def test_document_says_when_the_token_is_needed(token: str | None) -> None:
    app = create_app(_config(admin_token=token))
    document = admin_document(app.state.mock)
    anonymous = _client(app).get(f"{PREFIX}/")
    assert ({} in document["security"]) == (anonymous.status_code == 200), anonymous.text


@pytest.mark.parametrize("token", [None, TOKEN])
def test_the_document_and_swagger_ui_are_served_without_the_token(token: str | None) -> None:
    app = create_app(_config(provider="vtrix", admin_token=token))
    state: MockState = app.state.mock
    client = _client(app)
    served = client.get(f"{PREFIX}/openapi.json")
    assert served.status_code == 200
    assert served.json() == admin_document(state)
    assert served.json()["paths"][f"{PREFIX}/"]["get"]["responses"]["200"]
    page = client.get(f"{PREFIX}/docs")
    assert page.status_code == 200
    assert f"{PREFIX}/openapi.json" in page.text
    assert "swagger-ui-bundle.js" in page.text
    guarded = client.get(f"{PREFIX}/tasks")
    assert guarded.status_code == (401 if token else 200), guarded.text


def test_advancing_the_virtual_clock_out_of_range_is_refused_not_a_500() -> None:
    """Found by Schemathesis: ``{"seconds": 1.5e308}`` (any move past 9999-12-31) answered 500,
    after moving the clock: every later clock view and submit answered 500 until a reset."""
    app = create_app(_config())
    client = _client(app)
    moved = client.post(f"{PREFIX}/clock/advance", json={"seconds": 3e11}, headers=WITH_TOKEN)
    assert 400 <= moved.status_code < 500, moved.text
    shown = client.get(f"{PREFIX}/clock", headers=WITH_TOKEN)
    assert shown.status_code == 200, shown.text


def test_a_line_feed_in_an_admin_path_gets_the_admin_error_shape() -> None:
    """Found by Schemathesis: ``POST /_mock/tasks/a%0Ab/outcome`` answered
    ``{"detail": "Not Found"}``, outside the admin API's ``{"error", "status"}`` shape."""
    client = _client(create_app(_config()))
    answer = client.post(f"{PREFIX}/tasks/a%0Ab/outcome", json={"outcome": "succeed"},
                         headers=WITH_TOKEN)
    assert answer.status_code == 404
    assert set(answer.json()) == {"error", "status"}, answer.text


def test_a_line_feed_in_a_media_name_is_routed_to_the_open_media_route() -> None:
    """Found by the thorough run: ``GET /_mock/media/a%0Ab.mp4`` slipped past the mount and
    reached the guarded catch-all (401 without the token); media files never need it."""
    client = _client(create_app(_config()))
    answer = client.get(f"{PREFIX}/media/a%0Ab.mp4", headers=WRONG_TOKEN)
    assert answer.status_code == 404, answer.text
    assert set(answer.json()) == {"error", "status"}, answer.text


def test_a_final_line_feed_does_not_cut_the_path_short() -> None:
    """Found by the thorough run: ``/_mock/media/x%0A`` (a line feed at the very end) was
    matched by the mount one character short (``$`` matches before a final line feed) and
    reached the guarded catch-all."""
    client = _client(create_app(_config()))
    answer = client.get(f"{PREFIX}/media/x%0A", headers=WRONG_TOKEN)
    assert answer.status_code == 404, answer.text
    assert set(answer.json()) == {"error", "status"}, answer.text
    listed = client.get(f"{PREFIX}/tasks%0A", headers=WITH_TOKEN)
    assert (listed.status_code, set(listed.json())) == (404, {"error", "status"}), listed.text
