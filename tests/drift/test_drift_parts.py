"""The drift report's parts on hand-made payloads: kinds, severities, renderers, scrubbing,
patches, the wire table and the message naming."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from drift_support import KEY, PROVIDERS, load

from vidukit.catalogue import catalogue, data_root
from vidukit.drift.analyse import Analyser
from vidukit.drift.lifecycle import Lifecycle, MockTimings, slow_phases
from vidukit.drift.messages import match, request_message, response_message
from vidukit.drift.observer import Exchange, Observer
from vidukit.drift.patch import propose
from vidukit.drift.render import render_json, render_junit, render_table
from vidukit.drift.report import KINDS, Finding, Report, at_or_above, merge
from vidukit.drift.scrub import REDACTED, Scrubber
from vidukit.drift.wire import FAILED, SUCCEEDED, wire
from vidukit.mock_server.providers import load_providers
from vidukit.validation import validate

FIXTURES = data_root("fixtures")


def fixture(provider: str, message: str, name: str) -> Any:
    return load(FIXTURES / provider / message / "valid" / name)


def kinds(provider: str, message: str, body: Any) -> set[tuple[str, str]]:
    return {(f.kind, f.path) for f in Analyser(provider).findings(message, body)}


# --------------------------------------------------------------------------- analysis


def test_every_valid_response_fixture_has_no_finding() -> None:
    for provider in PROVIDERS:
        for message in ("submit-response", "result-response", "error-response"):
            for path in sorted((FIXTURES / provider / message / "valid").glob("*.json")):
                found = [f for f in Analyser(provider).findings(message, load(path))
                         if f.kind != "unknown-field"]
                assert found == [], (path, found)


def test_a_renamed_field_is_one_finding_not_two() -> None:
    body = copy.deepcopy(fixture("vtrix", "result-response", "completed.json"))
    body["createdAt"] = body.pop("created_at")
    assert kinds("vtrix", "result-response", body) == {("renamed-field", "/created_at")}


def test_two_missing_fields_and_one_new_are_not_a_rename() -> None:
    body = copy.deepcopy(fixture("vtrix", "result-response", "completed.json"))
    body["createdAt"] = body.pop("created_at")
    del body["model"]
    assert kinds("vtrix", "result-response", body) == {
        ("missing-field", "/created_at"), ("missing-field", "/model"),
        ("unknown-field", "/createdAt")}


def test_type_changes_and_unknown_fields_beside_errors() -> None:
    """Unknown fields are named even when the payload also breaks a rule."""
    body = copy.deepcopy(fixture("wavespeed", "result-response", "completed.json"))
    body["data"]["timings"]["inference"] = "4969"
    body["data"]["executionTime"] = 4.2
    assert kinds("wavespeed", "result-response", body) == {
        ("type-changed", "/data/timings/inference"), ("unknown-field", "/data/executionTime")}


def test_status_words_and_other_enum_values_differ_in_severity() -> None:
    body = copy.deepcopy(fixture("novita", "result-response", "succeed.json"))
    body["task"]["status"] = "TASK_STATUS_CANCELED"
    found = {f.kind: f.severity for f in Analyser("novita").findings("result-response", body)}
    assert found == {"status-value": "breaking"}
    body = copy.deepcopy(fixture("novita", "result-response", "succeed.json"))
    body["videos"][0]["video_type"] = "webm"
    found = {f.kind: f.severity for f in Analyser("novita").findings("result-response", body)}
    assert found == {"enum-value": "notable"}


def test_error_bodies_report_their_shape() -> None:
    body = {"error": {"message": "bad", "code": 400}}
    found = Analyser("wavespeed").findings("error-response", body)
    assert {f.kind for f in found} == {"error-shape", "unknown-field"}
    assert all(f.severity == "breaking" for f in found if f.kind == "error-shape")


# --------------------------------------------------------------------------- patches


def _patched(relative: str, ops: list[dict[str, Any]]) -> Any:
    return jsonpatch.apply_patch(catalogue().resources[
        "https://vidukit.dev/schemas/" + relative], ops)


def test_patch_declares_new_fields_and_values_for_review() -> None:
    body = copy.deepcopy(fixture("wavespeed", "result-response", "completed.json"))
    body["data"]["status"] = "running"
    body["data"]["createdAt"] = body["data"].pop("created_at")
    body["data"]["outputs"] = []
    body["data"]["has_nsfw_contents"] = []
    analyser = Analyser("wavespeed")
    proposal = propose(analyser.differences("result-response", body), date="2030-01-02")
    assert set(proposal.patches) == {"wavespeed/prediction.json"}
    patched = _patched("wavespeed/prediction.json", proposal.patches["wavespeed/prediction.json"])
    assert "running" in patched["properties"]["status"]["enum"]
    assert "created_at" not in patched["required"]
    declared = patched["properties"]["createdAt"]
    assert declared["type"] == "string" and "UNCONFIRMED" in declared["description"]
    assert "2030-01-02" in declared["description"]


def test_patches_are_refused_when_the_schema_moved_on() -> None:
    """The ``test`` op guards ``required``: a patch for an older schema fails loudly."""
    body = copy.deepcopy(fixture("vtrix", "result-response", "completed.json"))
    del body["model"]
    ops = propose(Analyser("vtrix").differences("result-response", body),
                  date="2030-01-02").patches["vtrix/result-response.json"]
    moved = copy.deepcopy(dict(catalogue().schema("vtrix", "result-response")))
    moved["required"] = [*moved["required"], "usage"]
    with pytest.raises(jsonpatch.JsonPatchTestFailed):
        jsonpatch.apply_patch(moved, ops)


def test_constraints_are_left_to_a_person() -> None:
    body = copy.deepcopy(fixture("wavespeed", "result-response", "completed.json"))
    body["data"]["created_at"] = "2026-01-01T00:00:00Z"  # no milliseconds: a pattern
    proposal = propose(Analyser("wavespeed").differences("result-response", body),
                       date="2030-01-02")
    assert proposal.patches == {}
    assert len(proposal.skipped) == 1 and "/data/created_at" in proposal.skipped[0]


def test_proposal_files_are_one_per_schema(tmp_path: Path) -> None:
    body = {"task": {"id": "x", "status": "TASK_STATUS_RUNNING"}}
    proposal = propose(Analyser("novita").differences("result-response", body), date="d")
    written = proposal.write(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "_shared/v3-async/task-result.patch.json", "_shared/v3-async/task-status.patch.json"]
    assert all(isinstance(json.loads(p.read_text()), list) for p in written)


# --------------------------------------------------------------------------- report and renderers


def _report() -> Report:
    findings = [
        Finding("status-value", "wavespeed", "result-response", "/data/status", "'x' outside",
                rule="data.status.enum", exchanges=[3]),
        Finding("status-value", "wavespeed", "result-response", "/data/status", "'x' outside",
                rule="data.status.enum", exchanges=[4]),
        Finding("unknown-field", "wavespeed", "submit-response", "/data/eta", "undeclared"),
        Finding("timing", "wavespeed", "result-response", "", "processing took 90 s"),
    ]
    return Report("wavespeed", "probe", "https://api.wavespeed.ai", "2030-01-01T00:00:00Z",
                  exchanges=9, findings=merge(findings),
                  messages=["result-response", "submit-response"])


def test_findings_fold_by_place_and_count() -> None:
    report = _report()
    assert report.counts() == {"breaking": 1, "notable": 1, "info": 1}
    status = next(f for f in report.findings if f.kind == "status-value")
    assert (status.count, status.exchanges) == (2, [3, 4])


@pytest.mark.parametrize(("threshold", "fails"),
                         [("breaking", True), ("notable", True), ("info", True),
                          ("never", False)])
def test_fail_on_thresholds(threshold: str, fails: bool) -> None:
    assert _report().fails(threshold) is fails
    assert at_or_above("notable", "breaking") is False
    assert at_or_above("breaking", "notable") is True


def test_every_kind_has_a_known_severity() -> None:
    assert {severity for severity, _ in KINDS.values()} == {"breaking", "notable", "info"}


def test_junit_marks_only_findings_at_the_threshold_as_failures() -> None:
    root = ET.fromstring(render_junit(_report(), "breaking").split("\n", 1)[1])
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"result-response", "submit-response", "lifecycle", "timings"}
    assert root.get("failures") == "1"
    assert cases["result-response"].find("failure") is not None
    assert cases["submit-response"].find("failure") is None
    assert "unknown-field" in (cases["submit-response"].findtext("system-out") or "")
    notable = ET.fromstring(render_junit(_report(), "notable").split("\n", 1)[1])
    assert notable.get("failures") == "2"


def test_table_and_json_say_the_same() -> None:
    table = render_table(_report(), "notable")
    data = json.loads(render_json(_report(), "notable"))
    assert "FAIL: 1 breaking, 1 notable, 1 informational" in table
    assert data["failed"] is True and data["counts"] == {"breaking": 1, "notable": 1, "info": 1}
    assert [f["kind"] for f in data["findings"]] == ["status-value", "unknown-field", "timing"]


# --------------------------------------------------------------------------- scrubbing


def test_scrubber_removes_keys_personal_data_and_signatures() -> None:
    scrubber = Scrubber([KEY])
    body = {
        "apiKey": "anything", "note": f"key {KEY} echoed", "user": {"email": "a@b.io"},
        "text": "write to jane.doe@example.com",
        "url": "https://cdn.example.com/v.mp4?X-Amz-Signature=abc&X-Amz-Expires=60&part=1",
    }
    clean = json.dumps(scrubber.value(body))
    for secret in (KEY, "anything", "a@b.io", "jane.doe@example.com", "abc"):
        assert secret not in clean
    assert "part=1" in clean and REDACTED in clean
    assert {"API key occurrences", "e-mail addresses", "signed URL query parameters"} <= \
        scrubber.applied


# --------------------------------------------------------------------------- wire and messages


@pytest.mark.parametrize("provider", PROVIDERS)
def test_status_words_match_the_fixtures_and_the_mock(provider: str) -> None:
    """The rank table knows exactly the words the valid result fixtures use, and the mock's."""
    facts = wire(provider)
    mock = load_providers()[provider]
    assert set(mock.status.values()) <= set(facts.ranks)
    assert facts.ranks[mock.status["succeeded"]] == SUCCEEDED
    assert facts.ranks[mock.status["failed"]] == FAILED
    seen: set[str] = set()
    for message in ("submit-response", "result-response"):
        for path in (FIXTURES / provider / message / "valid").glob("*.json"):
            seen |= set(facts.statuses(message, load(path), None))
    assert seen == set(facts.ranks)


def test_message_naming_follows_paths_methods_statuses_and_task_types() -> None:
    op = match("wavespeed", "GET", "/api/v3/predictions/abc/result")
    assert op is not None and op.operation_id == "getPredictionResult"
    assert response_message("wavespeed", op, None, 200) == "result-response"
    assert response_message("wavespeed", op, None, 404) == "error-response"
    assert match("wavespeed", "POST", "/api/v3/predictions/abc/result") is None
    runware = match("runware", "POST", "/v1")
    assert runware is not None
    poll = [{"taskType": "authentication", "apiKey": "k"},
            {"taskType": "getResponse", "taskUUID": "u"}]
    assert request_message("runware", runware, poll) == "poll-request"
    assert response_message("runware", runware, "poll-request", 200) == "result-response"
    assert request_message("runware", runware, [{"taskType": "imageInference"}]) is None


# --------------------------------------------------------------------------- lifecycle


def test_lifecycle_flags_regressions_and_changed_endings_once() -> None:
    life = Lifecycle("wavespeed", clock=lambda: 0.0)
    life.submitted("t", 0.0)
    seen = [life.seen("t", w, "result-response", at)
            for w, at in (("created", 0.5), ("processing", 1.0), ("created", 1.5),
                          ("completed", 6.0), ("completed", 7.0), ("failed", 8.0))]
    details = [f.detail for found in seen for f in found]
    assert details == ["status went back from 'processing' to 'created'",
                       "finished task went from 'completed' to 'failed'"]
    timings = {t.phase: t.observed_seconds for t in life.timings(MockTimings(1, 4, 0.25))}
    assert timings == {"queue": 1.0, "processing": 5.0}


def test_only_much_slower_phases_are_reported() -> None:
    life = Lifecycle("novita", clock=lambda: 0.0)
    life.submitted("t", 0.0)
    life.seen("t", "TASK_STATUS_PROCESSING", "result-response", 2.0)
    life.seen("t", "TASK_STATUS_SUCCEED", "result-response", 92.0)
    mock = MockTimings(1.0, 4.0, 0.25)
    found = slow_phases(life.timings(mock), mock, "novita")
    assert [f.detail.split(" took")[0] for f in found] == ["processing"]
    assert all(f.severity == "info" for f in found)


def test_an_invalid_request_accepted_or_a_valid_one_refused_is_named() -> None:
    observer = Observer("wavespeed")
    body = json.dumps(fixture("wavespeed", "submit-response", "created.json")).encode()
    accepted = observer.observe(Exchange(
        "POST", "/api/v3/vidu/reference-to-video-q2", 200, request_body=b'{"prompt": "x"}',
        response_body=body, expect="reject", purpose="invalid:images.required"))
    refused = observer.observe(Exchange(
        "POST", "/api/v3/vidu/reference-to-video-q2", 400, request_body=b"{}",
        response_body=b'{"code": 400, "message": "360p is not supported", "data": null}',
        expect="accept", purpose="submit"))
    assert [(f.kind, f.rule) for f in accepted.findings] == [
        ("request-accepted", "images.required")]
    assert [f.kind for f in refused.findings] == ["request-rejected"]
    assert "360p is not supported" in refused.findings[0].detail
    assert validate("wavespeed", "error-response", json.loads(refused.response_body)) == []
