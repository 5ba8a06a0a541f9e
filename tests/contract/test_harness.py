"""`verify_client` end to end: correct clients pass, small broken ones are caught by name.

The broken adapters here speak WaveSpeed's API with bare httpx, each with one
flaw; `tests/contract/test_harness_parts.py` tests the harness's parts alone.
Examples are few and seeds fixed, so the set stays fast and repeatable.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from hypothesis import strategies as st

from examples.wavespeed_client import adapter_async
from vidukit.contract_tests.canonical import to_wire
from vidukit.contract_tests.harness import (
    OUTCOMES,
    STUCK_OUTCOME,
    Behaviour,
    Fault,
    Report,
    behaviours,
    task_forms,
    verify_client,
)

PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")
SUBMIT = "/api/v3/vidu/reference-to-video-q2"
#: Every status that ends a WaveSpeed task: the official SDKs stop on cancelled and timeout too.
FINAL = ("completed", "failed", "cancelled", "timeout")


def _http(endpoint: dict[str, Any]) -> httpx.Client:
    return httpx.Client(base_url=endpoint["base_url"], timeout=10,
                        headers={"Authorization": f"Bearer {endpoint['api_key']}"})


def _outcome(data: dict[str, Any]) -> dict[str, Any]:
    if data["status"] == "completed":
        return {"status": "succeeded", "video_url": data["outputs"][0]}
    return {"status": "failed", "error": data["error"]}


def _generate(request: dict[str, Any], endpoint: dict[str, Any], *, body: Any = None,
              interval: float | None = None, extra_polls: int = 0,
              inspect: Any = None) -> dict[str, Any]:
    """A minimal WaveSpeed client with no retries; the keywords add one flaw each."""
    wait = endpoint["poll_interval"] if interval is None else interval
    with _http(endpoint) as http:
        data = http.post(SUBMIT, json=body or to_wire("wavespeed", request)).json()["data"]
        path = f"/api/v3/predictions/{data['id']}/result"
        while data["status"] not in FINAL:
            time.sleep(wait)
            data = http.get(path).json()["data"]
            if inspect is not None:
                inspect(data)
        for _ in range(extra_polls):
            http.get(path)
        return _outcome(data)


def wrong_enum(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    body = {**to_wire("wavespeed", request), "resolution": request["resolution"].upper()}
    return _generate(request, endpoint, body=body)


def drops_seed(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in to_wire("wavespeed", request).items() if k != "seed"}
    return _generate(request, endpoint, body=body)


def ignores_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    answer = _generate(request, endpoint)
    return {"status": "succeeded", "video_url": answer.get("video_url") or "https://cdn.x/v.mp4"}


KNOWN = {"id", "model", "outputs", "urls", "has_nsfw_contents", "status", "created_at",
         "error", "timings", "code"}


def _strict(data: dict[str, Any]) -> None:
    unknown = set(data) - KNOWN
    if unknown:
        raise KeyError(f"unexpected fields {sorted(unknown)}")


def crashes_on_unknown_field(request: dict[str, Any], endpoint: dict[str, Any]
                             ) -> dict[str, Any]:
    return _generate(request, endpoint, inspect=_strict)


def polls_after_terminal(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return _generate(request, endpoint, extra_polls=1)


def hammers(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return _generate(request, endpoint, interval=0.0)


def hangs_on_failure(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    def never_ends_on_failure(data: dict[str, Any]) -> None:
        while data["status"] == "failed":
            time.sleep(0.2)

    return _generate(request, endpoint, inspect=never_ends_on_failure)


async def async_hangs(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=endpoint["base_url"], timeout=10) as http:
        await http.post(SUBMIT, json=to_wire("wavespeed", request),
                        headers={"Authorization": "Bearer k"})
        await asyncio.Event().wait()
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- correct clients


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_example_client_passes(provider: str) -> None:
    report = verify_client(provider, f"examples.{provider}_client:adapter", examples=4, seed=7)

    assert report.passed, report.to_text()
    assert report.runs == 4 and "no-hang" in report.checks
    assert "all checks held" in report.to_text()


ALWAYS_STUCK = st.just(Behaviour(progression="polls=1", outcome=STUCK_OUTCOME))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_example_client_gives_up_on_a_stuck_task_by_its_deadline(provider: str) -> None:
    report = verify_client(provider, f"examples.{provider}_client:adapter", examples=1, seed=2,
                           behaviour_strategy=ALWAYS_STUCK)
    assert report.passed, report.to_text()
    assert "gives-up" in report.checks and report.elapsed < 10  # the 2 s deadline, not 30 s


def never_gives_up(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """Polls at the hint until the task ends, however long that takes."""
    return _generate(request, endpoint)


def test_a_client_without_a_deadline_is_stopped_at_twice_its_deadline_and_named() -> None:
    started = time.perf_counter()
    report = verify_client("wavespeed", never_gives_up, examples=1, seed=2, poll_timeout=1.0,
                           behaviour_strategy=ALWAYS_STUCK)
    assert report.failed_checks == ("gives-up",), report.to_text()
    assert "never gave up on a task that never finishes" in report.to_text()
    assert "it was given a deadline of 1 s" in report.to_text()
    # stopped at twice the 1 s deadline, not at the 30 s budget (a loaded machine adds seconds)
    assert 2.0 <= time.perf_counter() - started < 20.0


def test_an_async_adapter_is_awaited() -> None:
    report = verify_client("wavespeed", adapter_async, examples=3, seed=3,
                           transient_faults=False)
    assert report.passed, report.to_text()
    assert report.adapter.endswith("adapter_async")


#: Every example meets a 503 twice on its polls: what --strict-retries is about.
RETRYABLE_ON_POLL = st.builds(
    Behaviour, outcome=st.sampled_from(OUTCOMES),
    faults=st.just((Fault("http-503;retry_after=1", "poll", 2),)))


def gives_up(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """Reports failed at the first non-200 answer: safe, but it never retries."""
    with _http(endpoint) as http:
        data = http.post(SUBMIT, json=to_wire("wavespeed", request)).json()["data"]
        while data["status"] not in FINAL:
            time.sleep(endpoint["poll_interval"])
            answer = http.get(f"/api/v3/predictions/{data['id']}/result")
            if answer.status_code != 200:
                return {"status": "failed", "error": f"HTTP {answer.status_code}"}
            data = answer.json()["data"]
        return _outcome(data)


def test_strict_retries_holds_for_a_client_that_retries() -> None:
    report = verify_client("wavespeed", "examples.wavespeed_client:adapter", examples=2,
                           seed=11, strict_retries=True, behaviour_strategy=RETRYABLE_ON_POLL)
    assert report.passed, report.to_text()
    assert "strict-retries" in report.checks


def test_a_client_that_never_retries_survives_faults_but_fails_strict_retries() -> None:
    """Giving up on a poll fault is no crash and no wrong success (the lenient fault checks
    hold), but the task it knew of succeeded unseen: collects-what-it-paid-for says so by
    default (a poll is safe to retry), and strict-retries too when asked for."""
    lenient = verify_client("wavespeed", gives_up, examples=3, seed=11,
                            behaviour_strategy=RETRYABLE_ON_POLL)
    assert lenient.failed_checks == ("collects-what-it-paid-for",), lenient.to_text()
    assert "a paid video nobody received" in lenient.to_text()
    strict = verify_client("wavespeed", gives_up, examples=3, seed=11, strict_retries=True,
                           behaviour_strategy=RETRYABLE_ON_POLL)
    assert strict.failed_checks == ("strict-retries", "collects-what-it-paid-for"), (
        strict.to_text())
    assert "after retryable faults: http-503" in strict.to_text()


# --------------------------------------------------------------------------- broken clients


def _caught(adapter: Any, expected: str, *, transient_faults: bool = True,
            **options: Any) -> Report:
    # These clients poll with no deadline of their own (`_generate`): a stuck task would be
    # caught by gives-up ahead of the bug each one is here for, so none is drawn.
    strategy = behaviours(transient_faults=transient_faults, stuck=False,
                          forms=task_forms("wavespeed"))
    report = verify_client("wavespeed", adapter, examples=25, seed=5,
                           behaviour_strategy=strategy, **options)
    assert not report.passed, f"{adapter.__name__} was not caught"
    assert expected in report.failed_checks, report.to_text()
    return report


@pytest.mark.parametrize(("adapter", "expected"), [
    (wrong_enum, "requests-valid"),
    (drops_seed, "request-faithful"),
    (ignores_failure, "outcome-matches"),
    (crashes_on_unknown_field, "no-crash"),
    (polls_after_terminal, "no-poll-after-terminal"),
])
def test_a_broken_client_is_caught_by_the_named_check(adapter: Any, expected: str) -> None:
    _caught(adapter, expected)


def test_a_client_that_ignores_failure_shrinks_to_the_plainest_failed_task() -> None:
    report = _caught(ignores_failure, "outcome-matches", transient_faults=False)
    example = report.example
    assert example is not None and report.shrunk
    assert example.behaviour.progression == "immediate" and not example.behaviour.extra_fields
    assert example.behaviour.outcome.startswith("fail-")
    assert example.request["prompt"] == "" and len(example.request["images"]) == 1
    text = report.to_text()
    for part in ("canonical request:", "provider behaviour:", "exchange (2 request(s))",
                 f"POST /wavespeed{SUBMIT} [valid]", "check outcome-matches broke",
                 "no task succeeded", f"--seed {report.seed}"):
        assert part in text, part


def test_polling_too_fast_is_caught_by_poll_rate_alone() -> None:
    report = _caught(hammers, "poll-rate", checks=["poll-rate"], transient_faults=False)
    assert report.failed_checks == ("poll-rate",) and report.checks == ("poll-rate",)


def test_a_hanging_client_is_caught_and_the_run_stays_bounded() -> None:
    started = time.monotonic()
    report = _caught(hangs_on_failure, "no-hang", budget=1.0, shrink_seconds=4.0,
                     transient_faults=False)
    assert time.monotonic() - started < 30
    assert report.example is not None and report.example.run.hung


def test_a_hanging_async_client_is_cancelled_at_the_budget() -> None:
    report = _caught(async_hangs, "no-hang", budget=0.5, shrink_seconds=2.0,
                     transient_faults=False)
    assert report.example is not None and report.example.run.elapsed < 2.0


def test_skipping_the_check_that_catches_a_client_lets_it_pass() -> None:
    report = verify_client("wavespeed", polls_after_terminal, examples=5, seed=5,
                           skip=["no-poll-after-terminal"], transient_faults=False)
    assert report.passed, report.to_text()
    assert "no-poll-after-terminal" not in report.checks
