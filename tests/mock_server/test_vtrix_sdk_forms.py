"""Vtrix's official-CLI forms (provider-docs §8), sent by the mock on request over a real socket.

VtrixAI/vtrix-cli (Go, internal/generation/client.go) polls
``/model/v1/generation/task/{id}``, parses ``error`` as a plain string or an object,
types the content's ``duration`` as a string and reads ``usage.quantity``,
``unit_price`` and ``extra_info``. Vtrix has no Python SDK, and the CLI needs a Go
toolchain, so these tests hold the mock's rendering of each form to the result schema
and to the CLI's declared types (string, string, int/string/object).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

import vidukit
from vidukit.mock_server.testing import LiveServer

SUBMIT = "/model/v1/generation"
TASK = "/model/v1/generation/task/{id}"
AUTH = {"Authorization": "Bearer cli-key"}
SECONDS = 8
VALID = {
    "model": "viduq2_pro_reference",
    "input": [{"params": {"prompt": "a kite over dunes", "images": ["https://example.com/k.png"],
                          "duration": SECONDS}}],
}


def finished(live: LiveServer, scenario: str) -> dict[str, Any]:
    """Submit with *scenario* and an immediate finish; the one poll's body, schema-checked."""
    headers = {**AUTH, "X-Mock-Scenario": scenario, "X-Mock-Progression": "immediate"}
    with httpx.Client(base_url=live.base_url("vtrix"), timeout=5) as http:
        submitted = http.post(SUBMIT, json=VALID, headers=headers)
        assert submitted.status_code == 200, submitted.text
        polled = http.get(TASK.format(id=submitted.json()["id"]), headers=AUTH)
    assert polled.status_code == 200, polled.text
    body: dict[str, Any] = polled.json()
    found = [v for v in vidukit.validate("vtrix", "result-response", body) if v.severity == "error"]
    assert found == [], body
    return body


def test_error_as_a_plain_string(live_server: LiveServer) -> None:
    body = finished(live_server, "error-string")
    assert body["status"] == "failed"
    assert isinstance(body["error"], str) and body["error"]


def test_duration_as_a_string(live_server: LiveServer) -> None:
    body = finished(live_server, "duration-string")
    [content] = body["output"][0]["content"]
    assert content["duration"] == str(SECONDS)


def test_usage_with_quantity_unit_price_and_extra_info(live_server: LiveServer) -> None:
    usage = finished(live_server, "usage-detail")["usage"]
    assert usage["quantity"] == SECONDS
    assert isinstance(usage["unit_price"], str) and isinstance(usage["extra_info"], dict)
    total = Decimal(usage["unit_price"]) * usage["quantity"]
    assert abs(total - Decimal(usage["cost"])) < Decimal("0.00001") * SECONDS


@pytest.mark.parametrize("scenario", ["error-string", "duration-string", "usage-detail"])
def test_without_the_scenario_the_documented_forms_stay(
    live_server: LiveServer, scenario: str
) -> None:
    """The forms are opt-in: the default answer keeps seed 001's object error and integer."""
    outcome = "fail" if scenario == "error-string" else "succeed"
    headers = {**AUTH, "X-Mock-Progression": "immediate", "X-Mock-Outcome": outcome}
    with httpx.Client(base_url=live_server.base_url("vtrix"), timeout=5) as http:
        task_id = http.post(SUBMIT, json=VALID, headers=headers).json()["id"]
        body = http.get(TASK.format(id=task_id), headers=AUTH).json()
    if scenario == "error-string":
        assert isinstance(body["error"], dict)
    elif scenario == "duration-string":
        assert body["output"][0]["content"][0]["duration"] == SECONDS
    else:
        assert set(body["usage"]) == {"cost", "discount"}
