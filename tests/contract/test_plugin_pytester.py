"""The pytest plugin from a separate project: only the installed toolkit, no conftest.

Each test writes a team's test file into a fresh directory and runs pytest on
it in a subprocess, so the plugin can only come from the ``pytest11`` entry
point of the installed distribution (not from this repository's conftest or
an in-process import).
"""

from __future__ import annotations

import importlib.metadata
import textwrap

import pytest

pytest_plugins = ["pytester"]

#: A team's own small WaveSpeed client and adapter, with no help from the toolkit.
CLIENT = textwrap.dedent('''
    import time

    import httpx
    import pytest

    from vidukit.contract_tests.pytest_plugin import verify_client

    SUBMIT = "/api/v3/vidu/reference-to-video-q2"
    REQUEST = {"prompt": "a cat turns its head", "images": ["https://img.example/cat.png"],
               "duration": 5, "resolution": "720p", "aspect_ratio": "16:9",
               "movement_amplitude": "auto", "seed": 7}


    def generate(http, request, endpoint, resolution=None):
        body = {k: request[k] for k in ("prompt", "images", "duration", "resolution",
                                        "aspect_ratio", "movement_amplitude")}
        if resolution is not None:
            body["resolution"] = resolution
        if request["seed"] is not None:
            body["seed"] = request["seed"]
        auth = {"Authorization": "Bearer " + endpoint["api_key"]}
        base = endpoint["base_url"]
        answer = http.post(base + SUBMIT, json=body, headers=auth)
        if answer.status_code != 200:
            return {"status": "failed", "error": answer.text}
        data = answer.json()["data"]
        while data["status"] not in ("completed", "failed", "cancelled", "timeout"):
            time.sleep(endpoint["poll_interval"])
            data = http.get(f"{base}/api/v3/predictions/{data['id']}/result",
                            headers=auth).json()["data"]
        if data["status"] == "completed":
            return {"status": "succeeded", "video_url": data["outputs"][0]}
        return {"status": "failed", "error": data["error"]}


    def adapter(request, endpoint):
        with httpx.Client(timeout=10) as http:
            return generate(http, request, endpoint)


    def optimistic_adapter(request, endpoint):
        """Says every task succeeded."""
        outcome = adapter(request, endpoint)
        return {"status": "succeeded", "video_url": outcome.get("video_url") or "https://x/v.mp4"}
''')

FIXTURE_TESTS = CLIENT + textwrap.dedent('''

    def test_a_generation_succeeds_after_two_polls(vidu_mock):
        vidu_mock.set_defaults(progression="polls=2")
        outcome = adapter(REQUEST, vidu_mock.endpoint("wavespeed"))
        [task] = vidu_mock.tasks("wavespeed")
        assert outcome == {"status": "succeeded",
                           "video_url": f"{vidu_mock.url}/_mock/media/{task['id']}.mp4"}
        assert task["polls"] == 2 and vidu_mock.violations() == []


    @pytest.mark.vidu_mock(in_process=True, outcome="fail", progression="immediate")
    def test_in_process_a_failed_task_is_reported_failed(vidu_mock):
        outcome = generate(vidu_mock.client(), REQUEST, vidu_mock.endpoint("wavespeed"))
        assert vidu_mock.in_process and outcome["status"] == "failed"
        assert vidu_mock.tasks(state="failed")[0]["provider"] == "wavespeed"


    def test_sends_an_uppercase_resolution(vidu_mock):
        with httpx.Client(timeout=10) as http:
            outcome = generate(http, REQUEST, vidu_mock.endpoint("wavespeed"), resolution="720P")
        assert outcome["status"] == "failed"


    @pytest.mark.vidu_mock(allow_invalid_requests=True)
    def test_an_invalid_request_on_purpose(vidu_mock):
        with httpx.Client(timeout=10) as http:
            generate(http, REQUEST, vidu_mock.endpoint("wavespeed"), resolution="720P")
        [found] = vidu_mock.violations("wavespeed")
        assert [v["rule"] for v in found.violations] == ["resolution.enum"]
''')

VERIFY_TESTS = CLIENT + textwrap.dedent('''

    def test_our_client_keeps_the_contract():
        report = verify_client("wavespeed", adapter, examples=3, seed=1, transient_faults=False)
        assert report.passed, report.to_text()


    def test_an_optimistic_client_is_caught():
        report = verify_client("wavespeed", optimistic_adapter, examples=15, seed=2,
                               transient_faults=False, checks=["outcome-matches"])
        assert report.passed, report.to_text()
''')


def test_the_installed_distribution_declares_the_entry_point() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="pytest11")
             if ep.value == "vidukit.contract_tests.pytest_plugin"]
    assert found, "reinstall vidukit: its pytest11 entry point is missing"
    assert found[0].dist is not None and found[0].dist.name == "vidukit"


def test_vidu_mock_from_a_project_with_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_team=FIXTURE_TESTS)

    result = pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_sends_an_uppercase_resolution*",
        "vidu_mock: the client sent 1 request(s) that violate the provider's schema:",
        "*#1 wavespeed: POST /wavespeed/api/v3/vidu/reference-to-video-q2",
        "*- /resolution: ?resolution.enum? *720P*",
        "*allow_invalid_requests=True*",
    ])
    assert "test_an_invalid_request_on_purpose" not in "\n".join(
        line for line in result.stdout.lines if "ERROR" in line)


def test_verify_client_from_a_project_with_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_team=VERIFY_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*FAILED: 1 of 1 check(s) broke*",
        "*  outcome-matches: the adapter reported success*",
        "*check outcome-matches broke*",
        "*FAILED test_team.py::test_an_optimistic_client_is_caught*",
    ])
