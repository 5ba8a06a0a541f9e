"""The named checks alone, on hand-built examples (no mock, no adapter).

Journal entries are written the way ``GET /_mock/journal`` shows them; each
test builds the smallest exchange that should pass or break one check.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from vidukit.contract_tests.canonical import CanonicalRequest, to_wire
from vidukit.contract_tests.checks import (
    REGISTRY,
    AdapterRun,
    CheckContext,
    UnknownCheck,
    check,
    readme_table,
)
from vidukit.contract_tests.checks._registry import Registry
from vidukit.errors import ToolkitError

REQUEST = CanonicalRequest(prompt="a cat", images=["https://img.example/cat.png"], duration=5,
                           resolution="720p", aspect_ratio="16:9", movement_amplitude="large",
                           seed=11)
ORIGIN = "http://127.0.0.1:9"
TASK = "t1"
URL = f"{ORIGIN}/_mock/media/{TASK}.mp4"
SUBMIT_PATH = "/wavespeed/api/v3/vidu/reference-to-video-q2"
POLL_PATH = f"/wavespeed/api/v3/predictions/{TASK}/result"
OK = AdapterRun(result={"status": "succeeded", "video_url": URL}, elapsed=0.1, budget=5)
FAILED = AdapterRun(result={"status": "failed", "error": "1200"}, elapsed=0.1, budget=5)


def at(seconds: float) -> str:
    return datetime.fromtimestamp(1_800_000_000 + seconds, UTC).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def entry(seq: int, method: str, path: str, *, body: Any = None, status: int = 200,
          response: Any = None, when: float = 0.0, verdict: Any = "valid",
          fault: str | None = None, query: str = "") -> dict[str, Any]:
    validation = {"valid": True, "violations": []} if verdict == "valid" else verdict
    return {"seq": seq, "at": at(when), "provider": "wavespeed",
            "request": {"method": method, "path": path, "query": query, "headers": [],
                        "body": body},
            "validation": validation, "response": {"status": status, "body": response},
            "fault": fault}


def prediction(status: str, outputs: list[str] | None = None) -> dict[str, Any]:
    return {"code": 200, "message": "success",
            "data": {"id": TASK, "status": status, "outputs": outputs or []}}


def submit(seq: int = 1, body: Any = None, when: float = 0.0) -> dict[str, Any]:
    return entry(seq, "POST", SUBMIT_PATH, body=body or to_wire("wavespeed", REQUEST),
                 response=prediction("created"), when=when)


def poll(seq: int, status: str, when: float = 0.0, fault: str | None = None) -> dict[str, Any]:
    outputs = [URL] if status == "completed" else []
    return entry(seq, "GET", POLL_PATH, response=prediction(status, outputs), when=when,
                 verdict=None, fault=fault)


def ctx(*exchange: dict[str, Any], run: AdapterRun = OK, state: str = "succeeded",
        fired: tuple[str, ...] = (), **extra: Any) -> CheckContext:
    return CheckContext(provider="wavespeed", request=REQUEST, run=run, exchange=exchange,
                        tasks=({"id": TASK, "state": state},), fired=fired, origin=ORIGIN,
                        **extra)


def broken(name: str, context: CheckContext) -> list[str]:
    return REGISTRY[name](context)


HAPPY = (submit(), poll(2, "processing", 0.2), poll(3, "completed", 0.5))


# --------------------------------------------------------------------------- the registry


def test_every_check_has_a_unique_name_and_a_one_line_description() -> None:
    names = REGISTRY.names()
    assert len(set(names)) == len(names) >= 9
    for registered in REGISTRY:
        assert registered.description and "\n" not in registered.description
        assert f"`{registered.name}` | {registered.description}" in readme_table()


def test_a_correct_example_passes_every_check() -> None:
    context = ctx(*HAPPY)
    assert {c.name: c(context) for c in REGISTRY} == {n: [] for n in REGISTRY.names()}


def test_select_defaults_skip_enable_and_order() -> None:
    default = [c.name for c in REGISTRY.select()]
    assert "strict-retries" not in default and "no-hang" in default
    assert "strict-retries" in [c.name for c in REGISTRY.select(enable=["strict-retries"])]
    chosen = REGISTRY.select(["poll-rate", "requests-valid"], ["poll-rate"])
    assert [c.name for c in chosen] == ["requests-valid"]
    assert [c.name for c in REGISTRY.select(["poll-rate", "no-crash"])] == [
        n for n in REGISTRY.names() if n in ("poll-rate", "no-crash")]


@pytest.mark.parametrize("where", ["checks", "skip", "enable"])
def test_an_unknown_name_is_a_usage_error_naming_it(where: str) -> None:
    with pytest.raises(UnknownCheck, match="'nope'") as raised:
        REGISTRY.select(**{where: ["nope", "no-crash"]})
    assert isinstance(raised.value, ToolkitError) and "no-crash" in str(raised.value)


def test_a_registry_refuses_a_second_check_of_the_same_name() -> None:
    registry = Registry()
    registry.register("x", "one")(lambda c: iter(()))
    with pytest.raises(ValueError, match="already registered"):
        registry.register("x", "two")(lambda c: iter(()))


def test_checks_are_added_by_registering() -> None:
    registry = Registry()

    @registry.register("always-one", "finds one problem")
    def always(context: CheckContext) -> Iterator[str]:
        yield f"problem in {context.provider}"

    assert registry.get_by_names(["always-one"])[0](ctx()) == ["problem in wavespeed"]
    assert check == REGISTRY.register  # the decorator the built-in checks use


# --------------------------------------------------------------------------- the wire


def test_requests_valid_reports_every_violation_and_refusals() -> None:
    invalid = {"valid": False, "violations": [
        {"path": "/resolution", "rule": "resolution.enum", "message": "'720P' is not one of"}]}
    bad = entry(1, "POST", SUBMIT_PATH, body={"x": 1}, status=400, verdict=invalid)
    refused = entry(2, "POST", SUBMIT_PATH, status=415, verdict=None, response={"code": 415})
    throttled = entry(3, "POST", SUBMIT_PATH, status=429, verdict=None)
    found = broken("requests-valid", ctx(bad, refused, throttled))
    assert len(found) == 2
    assert "[resolution.enum]" in found[0] and "#1" in found[0]
    assert "#2" in found[1] and "refused" in found[1]


def test_request_faithful_holds_for_the_reference_translation_and_names_a_changed_field(
) -> None:
    assert broken("request-faithful", ctx(submit())) == []
    dropped = {k: v for k, v in to_wire("wavespeed", REQUEST).items() if k != "seed"}
    found = broken("request-faithful", ctx(submit(body=dropped)))
    assert found == [f"#1 POST {SUBMIT_PATH} -> 200: seed: sent None, asked 11"]


#: Two images: Novita's and MyRouter's translation makes them subjects "1" and "2".
TWO = CanonicalRequest(prompt="a cat meets a dog", images=["https://img.example/cat.png",
                       "https://img.example/dog.png"], duration=5, resolution="720p",
                       aspect_ratio="16:9", movement_amplitude="large", seed=None)


def _subjects_ctx(provider: str, prompt: str) -> CheckContext:
    body = {**to_wire(provider, TWO), "prompt": prompt}
    path = f"/{provider}/v3/async/vidu-q2-reference2video"
    return CheckContext(provider=provider, request=TWO, run=FAILED,
                        exchange=(entry(1, "POST", path, body=body, response={"task_id": "t"}),))


@pytest.mark.parametrize("provider", ["novita", "myrouter"])
@pytest.mark.parametrize("prompt", [
    "@1 @2 a cat meets a dog",      # prepended, the form the documents show
    "@1, @2: a cat meets a dog",    # prepended as a list
    "a cat @1 meets a dog @2",      # each after the word it names
    "a cat meets a dog @1 @2",      # appended
    "@2 a cat meets a dog",         # naming only some subjects
])
def test_request_faithful_allows_placeholders_naming_the_subjects_sent(
        provider: str, prompt: str) -> None:
    assert broken("request-faithful", _subjects_ctx(provider, prompt)) == []


@pytest.mark.parametrize(("prompt", "why"), [
    ("@1 @2 a cat meets a bird", "another word"),
    ("@1 @2 a cat meets a dog!", "added punctuation"),
    ("@3 a cat meets a dog", "a placeholder naming no subject sent (subjects 1 and 2)"),
    ("a cat (@1) meets a dog", "a placeholder that is not a word of its own"),
    ("@1 @2 a Cat meets a dog", "a changed case"),
    ("@1 @2", "the prompt itself dropped"),
])
def test_request_faithful_still_refuses_a_prompt_changed_beyond_placeholders(
        prompt: str, why: str) -> None:
    found = broken("request-faithful", _subjects_ctx("novita", prompt))
    assert found == [f"#1 POST /novita/v3/async/vidu-q2-reference2video -> 200: prompt: sent "
                     f"{prompt!r}, asked 'a cat meets a dog'"], why


def test_request_faithful_allows_no_placeholder_where_the_provider_has_no_subjects() -> None:
    body = {**to_wire("wavespeed", REQUEST), "prompt": "@1 a cat"}
    found = broken("request-faithful", ctx(submit(body=body)))
    assert found == [f"#1 POST {SUBMIT_PATH} -> 200: prompt: sent '@1 a cat', asked 'a cat'"]


def test_request_faithful_reports_an_unreadable_body_and_a_silent_client() -> None:
    unreadable = broken("request-faithful", ctx(submit(body={"prompt": "a cat"})))
    assert len(unreadable) == 1 and "cannot recover images" in unreadable[0]
    assert broken("request-faithful", ctx(run=FAILED)) == [
        "the client sent no request at all for a request its provider can carry"]


# --------------------------------------------------------------------------- outcomes


def test_outcome_matches_wants_the_exact_output_url() -> None:
    other = AdapterRun(result={"status": "succeeded", "video_url": URL + "?x=1"})
    found = broken("outcome-matches", ctx(*HAPPY, run=other))
    assert len(found) == 1 and URL in found[0]


def test_a_failed_task_reported_as_success_is_caught() -> None:
    failed_exchange = (submit(), poll(2, "failed", 0.3))
    found = broken("outcome-matches", ctx(*failed_exchange, state="failed"))
    assert len(found) == 1 and "no task succeeded" in found[0]
    assert broken("outcome-matches", ctx(*failed_exchange, run=FAILED, state="failed")) == []


def test_reporting_failure_for_a_succeeded_task_is_caught() -> None:
    found = broken("outcome-matches", ctx(*HAPPY, run=FAILED))
    assert len(found) == 1 and "every task succeeded" in found[0]


def test_no_crash_reports_an_escaped_exception_and_a_malformed_outcome() -> None:
    crashed = AdapterRun(error="Traceback ...\nKeyError: 'x_mock_extra'")
    assert "KeyError" in broken("no-crash", ctx(*HAPPY, run=crashed))[0]
    for result in (None, {"status": "done"}, {"status": "succeeded"}):
        assert len(broken("no-crash", ctx(*HAPPY, run=AdapterRun(result=result)))) == 1


@pytest.mark.parametrize("result", [
    {"status": "succeeded", "video_url": ""},
    {"status": "succeeded"},
    {"status": "succeeded", "video_url": None},
])
def test_a_success_claimed_for_a_failed_task_is_a_wrong_outcome_not_a_crash(
        result: dict[str, Any]) -> None:
    failed_exchange = (submit(), poll(2, "failed", 0.3))
    context = ctx(*failed_exchange, run=AdapterRun(result=result), state="failed")
    [found] = broken("outcome-matches", context)
    assert "no task succeeded" in found and f"({result.get('video_url')!r})" in found
    assert broken("no-crash", context) == []


def test_an_empty_video_url_for_a_succeeded_task_is_a_wrong_url() -> None:
    context = ctx(*HAPPY, run=AdapterRun(result={"status": "succeeded", "video_url": ""}))
    [found] = broken("outcome-matches", context)
    assert found.startswith("the adapter reported success with ''") and URL in found
    assert broken("no-crash", context) == []


def test_no_hang_reports_the_budget_and_the_last_request() -> None:
    hung = AdapterRun(hung=True, budget=2.0, elapsed=2.0)
    found = broken("no-hang", ctx(*HAPPY, run=hung))
    assert found == [f"the adapter had not returned after 2 s (3 request(s) sent; its last "
                     f"request: GET {POLL_PATH})"]
    assert broken("no-crash", ctx(*HAPPY, run=hung)) == []
    assert broken("outcome-matches", ctx(*HAPPY, run=hung)) == []


STILL_PROCESSING = (submit(), poll(2, "processing", 0.2), poll(3, "processing", 0.5))


def test_gives_up_breaks_when_a_stuck_task_outlasted_the_client() -> None:
    stopped = AdapterRun(stopped="stopped by the harness: ...", elapsed=20.0, budget=30.0)
    found = broken("gives-up", ctx(*STILL_PROCESSING, run=stopped, state="processing",
                                   planned_outcome="stuck", poll_timeout=10.0))
    assert found == ["the client never gave up on a task that never finishes: still waiting "
                     "after 20.0 s and 2 poll(s), though it was given a deadline of 10 s "
                     "(endpoint poll_timeout); a client needs a deadline of its own and must "
                     "return failed when it passes"]
    hung = AdapterRun(hung=True, elapsed=30.0, budget=30.0)
    assert len(broken("gives-up", ctx(*STILL_PROCESSING, run=hung, state="processing",
                                      planned_outcome="stuck"))) == 1


def test_gives_up_holds_for_a_client_that_returned_and_judges_only_stuck_tasks() -> None:
    gave_up = AdapterRun(result={"status": "failed", "error": "PollTimeout"}, elapsed=9.8)
    stuck = ctx(*STILL_PROCESSING, run=gave_up, state="processing", planned_outcome="stuck")
    assert broken("gives-up", stuck) == []
    assert broken("outcome-matches", stuck) == []
    # a hang on a task that was to finish is no-hang's, not gives-up's
    hung = AdapterRun(hung=True, elapsed=30.0, budget=30.0)
    assert broken("gives-up", ctx(*STILL_PROCESSING, run=hung, state="processing")) == []


def test_under_transient_faults_failing_is_allowed_but_a_crash_is_not() -> None:
    fired = ("http-503;on=poll",)
    assert broken("outcome-matches", ctx(*HAPPY, run=FAILED, fired=fired)) == []
    assert broken("survives-transient-faults", ctx(*HAPPY, run=FAILED, fired=fired)) == []
    crashed = AdapterRun(error="RemoteProtocolError")
    assert broken("no-crash", ctx(*HAPPY, run=crashed, fired=fired)) == []
    assert len(broken("survives-transient-faults", ctx(*HAPPY, run=crashed, fired=fired))) == 1
    wrong = AdapterRun(result={"status": "succeeded", "video_url": "https://elsewhere/v.mp4"})
    assert len(broken("survives-transient-faults", ctx(*HAPPY, run=wrong, fired=fired))) == 1


def test_strict_retries_demands_the_outcome_only_after_retryable_faults() -> None:
    retryable = ("http-429;retry_after=1", "http-503")
    found = broken("strict-retries", ctx(*HAPPY, run=FAILED, fired=retryable))
    assert len(found) == 1 and "after retryable faults" in found[0]
    assert broken("strict-retries", ctx(*HAPPY, run=OK, fired=retryable)) == []
    mixed = ("http-503", "connection-closed;phase=after")
    assert broken("strict-retries", ctx(*HAPPY, run=FAILED, fired=mixed)) == []
    assert broken("strict-retries", ctx(*HAPPY, run=FAILED)) == []
    assert broken("strict-retries", ctx(*HAPPY, fired=("extra-fields",))) == []


def test_strict_retries_catches_a_client_that_gave_up_before_any_task_existed() -> None:
    """A 503 on the submit, never retried: the mock holds no task, the plan was success."""
    refused = entry(1, "POST", SUBMIT_PATH, body=to_wire("wavespeed", REQUEST),
                    response={"code": 503, "message": "busy", "data": None}, status=503)
    gave_up = CheckContext(provider="wavespeed", request=REQUEST, run=FAILED,
                           exchange=(refused,), tasks=(), fired=("http-503",), origin=ORIGIN,
                           planned_outcome="succeed")
    found = broken("strict-retries", gave_up)
    assert len(found) == 1 and "set to succeed" in found[0]
    planned_failure = CheckContext(provider="wavespeed", request=REQUEST, run=FAILED,
                                   exchange=(refused,), tasks=(), fired=("http-503",),
                                   origin=ORIGIN, planned_outcome="fail-timeout")
    assert broken("strict-retries", planned_failure) == []


# --------------------------------------------------------------------------- discipline


def test_a_poll_after_the_terminal_answer_is_caught_once_per_task() -> None:
    late = (*HAPPY, poll(4, "completed", 0.9), poll(5, "completed", 1.2))
    found = broken("no-poll-after-terminal", ctx(*late))
    assert len(found) == 1 and "2 more time(s)" in found[0] and "#3" in found[0]


def test_a_terminal_answer_the_client_never_got_whole_does_not_count() -> None:
    cut = (submit(), poll(2, "completed", 0.3, fault="truncated-body"),
           poll(3, "completed", 1.3))
    assert broken("no-poll-after-terminal", ctx(*cut)) == []


@pytest.mark.parametrize(("gap", "limit", "caught"), [
    (0.01, 10.0, True), (0.2, 10.0, False), (0.2, 4.0, True), (0.0, 10.0, True)])
def test_poll_rate_judges_sustained_polling_against_the_bound(
    gap: float, limit: float, caught: bool
) -> None:
    polls = [poll(n + 2, "processing", 0.1 + n * gap) for n in range(6)]
    found = broken("poll-rate", ctx(submit(), *polls, poll_rate_limit=limit))
    assert bool(found) is caught
    if caught:
        assert f"bound {limit:g}/s" in found[0]


def test_a_short_burst_is_not_sustained_polling() -> None:
    burst = [poll(n + 2, "processing", 0.1 + n * 0.001) for n in range(4)]
    assert broken("poll-rate", ctx(submit(), *burst)) == []


@pytest.mark.parametrize("word", ["cancelled", "timeout"])
def test_a_poll_after_an_sdk_terminal_status_is_a_poll_after_terminal(word: str) -> None:
    """WaveSpeed's official SDKs stop on cancelled and timeout (provider-docs §8): those end
    the task as surely as failed, and one more poll is the finding."""
    late = (submit(), poll(2, "processing"), poll(3, word), poll(4, word))
    found = broken("no-poll-after-terminal", ctx(*late, run=FAILED, state="failed"))
    assert len(found) == 1 and f"after #3 GET {POLL_PATH}" in found[0]
    assert broken("no-poll-after-terminal", ctx(*late[:3], run=FAILED, state="failed")) == []
