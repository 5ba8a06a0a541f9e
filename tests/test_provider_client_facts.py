"""The spec facts a client needs to send and read (`ProviderSpec.webhook`, `.credentials`,
`Wire.error_code`, `Wire.task_ids`), checked against the schemas and documented examples.

Where a callback URL goes is also declared, independently, by each submit-request
schema's ``x-capabilities.webhook`` (a schema pointer, or ``query:<name>``): placing a
URL must put it there and nowhere else, and the body must still validate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vidukit import validate
from vidukit.providers import provider_ids, spec

ROOT = Path(__file__).resolve().parents[1]
HOOK = "http://127.0.0.1:9/hook/test"
#: Schema keywords between property names in a pointer (not names themselves).
_STEPS = {"properties", "items", "else", "then", "if", "prefixItems"}


def _valid_bodies(provider: str) -> list[tuple[str, Any]]:
    folder = ROOT / "fixtures" / provider / "submit-request" / "valid"
    paths = sorted(folder.glob("*.json"))
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in paths]


def _capability(provider: str) -> str:
    schema = json.loads((ROOT / "schemas" / provider / "submit-request.json").read_text())
    pointer = schema["x-capabilities"]["webhook"]
    assert isinstance(pointer, str), f"{provider}: no webhook capability"
    return pointer


def _names(pointer: str) -> list[str]:
    """The property names a schema pointer walks through."""
    return [p for p in pointer.strip("/").split("/") if p not in _STEPS and not p.isdigit()]


def _leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(property names down to it, value) of every scalar in *node* (array indices skipped)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value, path)
    else:
        yield path, node


def _errors(provider: str, body: Any) -> list[str]:
    return [str(v) for v in validate(provider, "submit-request", body) if v.severity == "error"]


@pytest.mark.parametrize("provider", provider_ids())
def test_a_placed_callback_sits_where_the_schema_declares_it(provider: str) -> None:
    place = spec(provider).webhook
    assert place is not None, f"{provider} documents callbacks: its spec must place them"
    capability = _capability(provider)
    for name, body in _valid_bodies(provider):
        before = json.dumps(body)
        placed, params = place(body, HOOK)
        assert json.dumps(body) == before, f"{provider}/{name}: webhook() changed its argument"
        assert not _errors(provider, placed), f"{provider}/{name}: {_errors(provider, placed)}"
        found = [path for path, value in _leaves(placed) if value == HOOK]
        if capability.startswith("query:"):
            assert params == {capability.removeprefix("query:"): HOOK}
            assert not found, f"{provider}/{name}: a query callback also in the body at {found}"
        else:
            expected = _names(capability)
            assert params is None
            assert found, f"{provider}/{name}: the URL is nowhere in {placed}"
            for path in found:
                assert list(path[: len(expected)]) == expected, (
                    f"{provider}/{name}: URL at {path}, the schema declares {capability}")


@pytest.mark.parametrize("provider", provider_ids())
def test_no_callback_removes_every_callback_field(provider: str) -> None:
    place = spec(provider).webhook
    assert place is not None
    capability = _capability(provider)
    expected = _names(capability)
    for name, body in _valid_bodies(provider):
        stripped, params = place(place(body, HOOK)[0], None)
        assert params is None
        assert not _errors(provider, stripped), f"{provider}/{name}: {_errors(provider, stripped)}"
        if not capability.startswith("query:"):
            left = [path for path, _ in _leaves(stripped)
                    if list(path[: len(expected)]) == expected]
            assert not left, f"{provider}/{name}: callback fields left at {left}"


#: A failed task's code in each provider's documented (or doc-shaped) failed poll answer.
DOCUMENTED_FAILURES = {
    "wavespeed": ("failed-with-task-code.json", "1402"),
    "vtrix": ("failed-both-messages.json", "002014001"),
    "runware": ("error.json", "timeoutProvider"),
}


@pytest.mark.parametrize(("provider", "fixture", "code"),
                         [(p, f, c) for p, (f, c) in DOCUMENTED_FAILURES.items()])
def test_the_failure_code_is_read_from_a_documented_failed_answer(
    provider: str, fixture: str, code: str
) -> None:
    path = ROOT / "fixtures" / provider / "result-response" / "valid" / fixture
    body = json.loads(path.read_text(encoding="utf-8"))
    wire = spec(provider).wire
    task = wire.task_id(None, body) or next(
        (v for keys, v in _leaves(body) if keys[-1:] == ("taskUUID",)), None)
    assert wire.ranks[wire.status("result-response", body, task) or ""] == 3
    assert wire.error_code(body, task) == code


@pytest.mark.parametrize("provider", provider_ids())
def test_no_failure_code_in_a_successful_answer(provider: str) -> None:
    wire = spec(provider).wire
    folder = ROOT / "fixtures" / provider / "result-response" / "valid"
    successes = 0
    for path in sorted(folder.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if wire.ranks.get(wire.status("result-response", body, None) or "") == 2:
            successes += 1
            assert wire.error_code(body, None) is None, path.name
    assert successes, f"{provider}: no successful result fixture to check"


def test_the_v3_async_reason_code_is_the_text_before_its_colon() -> None:
    """Novita documents ``task.reason`` as free text; the mock writes ``<code>: <message>``."""
    body = {"task": {"status": "TASK_STATUS_FAILED",
                     "reason": "CreationPolicyViolation: the prompt was rejected"}}
    for provider in ("novita", "myrouter"):
        assert spec(provider).wire.error_code(body, None) == "CreationPolicyViolation"


def test_client_chosen_ids_are_acknowledged_one_by_one() -> None:
    """Runware's taskUUIDs are the client's: an answer acknowledges some or all of them."""
    two = json.loads((ROOT / "fixtures/runware/submit-request/valid/two-tasks.json").read_text())
    sent = [t["taskUUID"] for t in two]
    wire = spec("runware").wire
    assert wire.task_ids(two, None) == sent
    answer = {"data": [{"taskType": "videoInference", "taskUUID": sent[1]}]}
    assert wire.task_ids(two, answer) == [sent[1]]
    # A provider that chooses ids tells none from the request alone.
    assert spec("wavespeed").wire.task_ids({"prompt": "x"}, None) == []


def test_credentials_put_the_key_in_runware_bodies_only() -> None:
    path = ROOT / "fixtures/runware/submit-request/valid/with-authentication-session-resume.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    keyed = spec("runware").credentials(body, "soak-key")
    auth = [t for t in keyed if t.get("taskType") == "authentication"]
    assert auth and all(t["apiKey"] == "soak-key" for t in auth)
    assert not any("connectionSessionUUID" in t for t in auth)
    assert "soak-key" not in json.dumps(body), "credentials() changed its argument"
    plain = {"prompt": "x"}
    assert spec("wavespeed").credentials(plain, "soak-key") is plain
