"""Checks on what the adapter reported, against what the mock did.

Which of them judges an example depends on what struck it: ``outcome-matches``
and ``no-crash`` judge examples without transient faults; under transient
faults a failed report is allowed, and ``survives-transient-faults`` asks only
for no crash and no wrong success; ``strict-retries`` (opt-in) asks for the
right outcome when the faults were the documented retryable ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vidukit.contract_tests.checks._context import RETRYABLE_FAULTS, STUCK, CheckContext
from vidukit.contract_tests.checks._exchange import is_poll, is_submit, output_urls
from vidukit.contract_tests.checks._registry import check
from vidukit.mock_server.engine import SUCCEEDED
from vidukit.providers import spec

_SHAPE = "{'status': 'succeeded', 'video_url': <str>} or {'status': 'failed', 'error': ...}"


def shape_problem(result: Any) -> str | None:
    """Why *result* is not an adapter outcome; None when it is one.

    Only the shape: a success whose ``video_url`` is a string, even an empty
    one, is an outcome, and whether it is the right one (the mock's output
    URL, of a task that succeeded) is ``outcome-matches``' to judge.
    """
    if not isinstance(result, Mapping):
        return f"the adapter returned {result!r:.200}, not {_SHAPE}"
    status = result.get("status")
    if status == "succeeded":
        if not isinstance(result.get("video_url"), str):
            return f"the adapter reported success without a video_url string: {result!r:.200}"
        return None
    if status == "failed":
        return None
    return f"the adapter returned status {status!r}: expected {_SHAPE}"


def _crash(ctx: CheckContext) -> Iterator[str]:
    if ctx.run.cut_short:
        return
    if ctx.run.error is not None:
        yield f"an exception escaped the adapter:\n{ctx.run.error}"
        return
    problem = shape_problem(ctx.run.result)
    if problem and not (_reports_success(ctx.run.result) and not output_urls(ctx)):
        yield problem  # a success claimed when no task succeeded is a wrong outcome instead


def _states(ctx: CheckContext) -> str:
    return ", ".join(f"{t['id']}: {t['state']}" for t in ctx.tasks) or "no task was created"


def _reports_success(result: Any) -> bool:
    return isinstance(result, Mapping) and result.get("status") == "succeeded"


def _no_wrong_success(ctx: CheckContext) -> Iterator[str]:
    """A reported success must be the exact output URL of a task that succeeded.

    A success reported when no task succeeded is a wrong outcome whatever its
    ``video_url`` holds (empty, missing, not a string); an empty URL for a task
    that did succeed is a wrong URL. Both are this check's, not ``no-crash``'s.
    """
    result = ctx.run.result
    if not ctx.run.returned or not _reports_success(result):
        return
    urls = output_urls(ctx)
    url = result.get("video_url")
    if not urls:
        yield f"the adapter reported success ({url!r}) but no task succeeded ({_states(ctx)})"
        return
    if not isinstance(url, str):
        return  # the task did succeed: a success without a URL string is no-crash's finding
    if not any(url in known for known in urls.values()):
        expected = sorted(u for known in urls.values() for u in known)
        yield f"the adapter reported success with {url!r}; the mock's output URL is {expected}"


def _right_outcome(ctx: CheckContext) -> Iterator[str]:
    """No wrong success, and no failure reported when every task succeeded."""
    yield from _no_wrong_success(ctx)
    result = ctx.run.result
    if not ctx.run.returned or shape_problem(result) or result["status"] != "failed":
        return
    states = {t["state"] for t in ctx.tasks}
    if states == {SUCCEEDED}:
        yield (f"every task succeeded ({_states(ctx)}) but the adapter reported failed: "
               f"{result.get('error')!r:.300}")


@check("outcome-matches",
       "the reported outcome is what the mock did: success carries the mock's output URL "
       "exactly; a failed task is reported failed, never succeeded")
def outcome_matches(ctx: CheckContext) -> Iterator[str]:
    if ctx.transient_faults:
        return
    yield from _right_outcome(ctx)


@check("no-crash",
       "no exception escapes the adapter and it returns a succeeded/failed outcome, on every "
       "valid response (unknown fields, optional fields, every task error)")
def no_crash(ctx: CheckContext) -> Iterator[str]:
    if ctx.transient_faults:
        return
    yield from _crash(ctx)


@check("no-hang", "the adapter returns within the time budget")
def no_hang(ctx: CheckContext) -> Iterator[str]:
    if ctx.run.hung:
        last = ctx.exchange[-1]["request"] if ctx.exchange else None
        where = f"; its last request: {last['method']} {last['path']}" if last else ""
        yield (f"the adapter had not returned after {ctx.run.budget:g} s "
               f"({len(ctx.exchange)} request(s) sent{where})")


@check("gives-up",
       "on a task that never finishes, the client gives up by the deadline it was given "
       "(endpoint poll_timeout) and returns, instead of polling forever")
def gives_up(ctx: CheckContext) -> Iterator[str]:
    """A stuck task's example cut short (hung, or stopped by the harness) is this finding.

    The task never ends, so nothing but the client's own deadline can end the
    call: when the harness had to, the client has none (or ignores the one it
    was given), and in production it would wait on that task forever.
    """
    if ctx.planned_outcome != STUCK or not ctx.run.cut_short:
        return
    polls = sum(1 for entry in ctx.exchange if is_poll(ctx.provider, entry))
    yield (f"the client never gave up on a task that never finishes: still waiting after "
           f"{ctx.run.elapsed:.1f} s and {polls} poll(s), though it was given a deadline of "
           f"{ctx.poll_timeout:g} s (endpoint poll_timeout); a client needs a deadline of its "
           "own and must return failed when it passes")


@check("survives-transient-faults",
       "under 429, 5xx, cut bodies, HTML pages and dropped connections the client neither "
       "crashes nor reports a wrong success")
def survives_transient_faults(ctx: CheckContext) -> Iterator[str]:
    if not ctx.transient_faults:
        return
    for problem in _crash(ctx):
        yield f"{problem} (faults: {', '.join(ctx.transient_faults)})"
    yield from _no_wrong_success(ctx)


def _submit_left_in_doubt(ctx: CheckContext) -> bool:
    """A 5xx struck a submit on a provider that documents no way to find out what it did."""
    if spec(ctx.provider).recovery is not None:
        return False
    return any(is_submit(ctx.provider, e) and e["response"]["status"] >= 500
               for e in ctx.exchange)


@check("strict-retries",
       "(opt-in, --strict-retries) when the documented retryable faults (429, 5xx) strike a "
       "few times, the client still reports the task's real outcome; a 5xx on a submit "
       "excuses a failed report where the provider documents no way to find out what the "
       "submit did (no-double-charge)",
       default=False)
def strict_retries(ctx: CheckContext) -> Iterator[str]:
    faults = ctx.transient_faults
    if not faults or any(f.split(";", 1)[0] not in RETRYABLE_FAULTS for f in faults):
        return
    for problem in _crash(ctx):
        yield f"{problem} (faults: {', '.join(faults)})"
    if _submit_left_in_doubt(ctx):
        # Reconciled with no-double-charge: a 5xx may come after the task was created, and
        # where the provider documents no way to find out, the only retry that could
        # succeed may also pay twice. Giving up is then right; a wrong success is not.
        for problem in _no_wrong_success(ctx):
            yield f"{problem} (after retryable faults: {', '.join(faults)})"
        return
    problems = list(_right_outcome(ctx))
    result = ctx.run.result
    gave_up = (ctx.run.returned and not shape_problem(result)
               and result["status"] == "failed" and ctx.planned_outcome == "succeed")
    if gave_up and not problems:
        # Judged against the plan, not the mock's tasks: a client that gives up on a 503 at
        # submit never creates a task, and one that gives up while polling leaves it queued.
        problems.append(f"the task was set to succeed but the adapter reported failed: "
                        f"{result.get('error')!r:.300}")
    for problem in problems:
        yield f"{problem} (after retryable faults: {', '.join(faults)})"


__all__ = [
    "gives_up",
    "no_crash",
    "no_hang",
    "outcome_matches",
    "shape_problem",
    "strict_retries",
    "survives_transient_faults",
]
