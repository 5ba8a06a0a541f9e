"""Novita's SDK forms (provider-docs §8): the JS SDK's billing reasons and TASK_STATUS_UNKNOWN.

The mock sends each on request (``billing-refused;reason=...``, ``status-unknown``), the
answers validate, and the official Python SDK (novita-client) reports the billing refusal
with its reason. TASK_STATUS_PROCESSING, in the Python SDK's own enum, is the mock's
ordinary running status (test_novita_live.py drives the SDK through it).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import novita_client  # type: ignore[import-untyped]
import pytest

import vidukit
from vidukit.mock_server.testing import LiveServer
from vidukit.providers import spec

SUBMIT = "/v3/async/vidu-q2-reference2video"
RESULT = "/v3/async/task-result"
AUTH = {"Authorization": "Bearer sdk-key"}
VALID: dict[str, Any] = {
    "prompt": "@1 waves from a lighthouse balcony",
    "duration": 5,
    "resolution": "720p",
    "subjects": [{"id": "1", "images": ["https://example.com/keeper.png"]}],
}
#: The official JS SDK's APIErrReason names for billing (src/types.ts, provider-docs §8).
BILLING = (
    "BILLING_BALANCE_NOT_ENOUGH",
    "BILLING_FAILED",
    "BILLING_AUTH_FAILED",
    "ANONYMOUS_ACCESS_QUOTA_EXCEEDS",
)


def errors(message: str, body: Any) -> list[vidukit.Violation]:
    return [v for v in vidukit.validate("novita", message, body) if v.severity == "error"]


@pytest.mark.parametrize("reason", BILLING)
def test_the_sdk_reports_a_billing_refusal_with_its_reason(
    live_server: LiveServer, reason: str
) -> None:
    choice = {"scenario": f"billing-refused;reason={reason}", "provider": "novita"}
    chosen = httpx.post(f"{live_server.url}/_mock/scenarios", json=choice, timeout=5)
    assert chosen.status_code < 300, chosen.text
    client = novita_client.NovitaClient("sdk-key", base_url=live_server.base_url("novita"))
    with pytest.raises(novita_client.NovitaResponseError) as raised:
        client._post(SUBMIT, VALID)
    text = str(raised.value)
    assert text.startswith("Request failed with status 403, ")
    body = json.loads(text.split(", ", 1)[1].removeprefix("b'").removesuffix("'"))
    assert (body["code"], body["reason"]) == (403, reason)
    assert errors("error-response", body) == []
    tasks = httpx.get(f"{live_server.url}/_mock/tasks", timeout=5).json()
    assert tasks["count"] == 0, "refused before the provider saw it: no task"


def test_the_header_chooses_a_billing_refusal(live_server: LiveServer) -> None:
    headers = {**AUTH, "X-Mock-Scenario": "billing-refused;reason=BILLING_AUTH_FAILED"}
    with httpx.Client(base_url=live_server.base_url("novita"), timeout=5) as http:
        refused = http.post(SUBMIT, json=VALID, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["reason"] == "BILLING_AUTH_FAILED"
    assert errors("error-response", refused.json()) == []


def test_an_unfinished_task_can_poll_as_task_status_unknown(live_server: LiveServer) -> None:
    """The JS SDK's TaskStatus has TASK_STATUS_UNKNOWN; the wire ranks it as unfinished."""
    with httpx.Client(base_url=live_server.base_url("novita"), headers=AUTH, timeout=5) as http:
        submitted = http.post(SUBMIT, json=VALID, headers={"X-Mock-Scenario": "status-unknown"})
        assert submitted.status_code == 200, submitted.text
        task_id = submitted.json()["task_id"]
        body = http.get(RESULT, params={"task_id": task_id}).json()
    assert body["task"]["status"] == "TASK_STATUS_UNKNOWN"
    assert errors("result-response", body) == []
    wire = spec("novita").wire
    assert wire.ranks["TASK_STATUS_UNKNOWN"] not in (
        wire.ranks["TASK_STATUS_SUCCEED"],
        wire.ranks["TASK_STATUS_FAILED"],
    )


def test_the_python_sdk_cannot_parse_task_status_unknown(live_server: LiveServer) -> None:
    """novita-client 0.7.1's V3TaskResponseStatus (proto.py) has no TASK_STATUS_UNKNOWN, and
    its task-result call loads the answer into that closed enum: the JS SDK's word is a
    ParseError there. The SDK's limit (docs/sdks.md), not the mock's: the answer validates."""
    with httpx.Client(base_url=live_server.base_url("novita"), headers=AUTH, timeout=5) as http:
        submitted = http.post(SUBMIT, json=VALID, headers={"X-Mock-Scenario": "status-unknown"})
        task_id = submitted.json()["task_id"]
    client = novita_client.NovitaClient("sdk-key", base_url=live_server.base_url("novita"))
    with pytest.raises(Exception) as raised:
        client.async_task_result(task_id)
    assert type(raised.value).__name__ == "ParseError"
    assert "'TASK_STATUS_UNKNOWN' is not a valid V3TaskResponseStatus" in str(raised.value)


def test_the_forms_are_novitas_own(live_server: LiveServer) -> None:
    """MyRouter shares the schemas but not Novita's SDKs: its mock offers neither form."""
    for scenario in ("status-unknown", "billing-refused"):
        choice = {"scenario": scenario, "provider": "myrouter"}
        refused = httpx.post(f"{live_server.url}/_mock/scenarios", json=choice, timeout=5)
        assert refused.status_code == 400
        assert "not available on myrouter" in refused.json()["error"]
