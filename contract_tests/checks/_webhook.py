"""The webhook-mode check: what the client's receiver accepted, and what the adapter reported.

It reads the mock's webhook journal, which the harness passes in
``ctx.options["webhooks"]`` (``GET /_mock/webhooks``: each delivery with its
body and attempts, each attempt with the status the receiver answered and,
for WaveSpeed, whether its signature was ``valid`` or ``bad``). A receiver
must refuse a callback whose signature does not verify, and the adapter's
outcome must be the one an accepted callback carried: a success with the
callback's output URL exactly, a failure as failed. Only a callback that shows the
task's end carries an outcome: one whose body shows the task still under way (a
provider that calls back on each state change sends ``processing`` first) said
nothing the adapter could contradict, and may cross the client's own poll.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import interim
from vidukit.contract_tests.checks._outcome import shape_problem
from vidukit.contract_tests.checks._registry import check
from vidukit.mock_server.engine import FAILED, SUCCEEDED

Delivery = Mapping[str, Any]


def _genuine_accepts(delivery: Delivery) -> list[Mapping[str, Any]]:
    return [a for a in delivery.get("attempts", ()) if a.get("ok") and a.get("signature") != "bad"]


def _urls(value: Any, marker: str, into: set[str]) -> set[str]:
    """Every string in a callback body that names the task's output (``/_mock/media/<id>``)."""
    if isinstance(value, str) and marker in value:
        into.add(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _urls(item, marker, into)
    elif isinstance(value, list):
        for item in value:
            _urls(item, marker, into)
    return into


def _said(delivery: Delivery, states: Mapping[str, str]) -> tuple[str, set[str]]:
    """What an accepted callback told the client: the task's end, and its output URLs."""
    task_id = str(delivery["task_id"])
    urls = _urls(delivery.get("body"), f"/_mock/media/{task_id}", set())
    return ("succeeded" if states.get(task_id) == SUCCEEDED else "failed"), urls


@check("webhook-outcome",
       "(webhook mode only) the receiver refuses callbacks whose signature does not "
       "verify, and the adapter reports what an accepted callback said",
       default=False)
def webhook_outcome(ctx: CheckContext) -> Iterator[str]:
    if ctx.options.get("mode") != "webhook":
        return
    deliveries: list[Delivery] = list(ctx.options.get("webhooks", ()))
    for delivery in deliveries:
        for attempt in delivery.get("attempts", ()):
            if attempt.get("signature") == "bad" and attempt.get("ok"):
                yield (f"the receiver accepted (HTTP {attempt.get('status')}) a callback for task "
                       f"{delivery['task_id']} whose signature does not verify (attempt "
                       f"{attempt.get('attempt')}, {attempt.get('kind')})")
    states = {str(t["id"]): str(t["state"]) for t in ctx.tasks}
    if not deliveries and not ctx.transient_faults and any(
            s in (SUCCEEDED, FAILED) for s in states.values()):
        yield "a task ended but no callback was scheduled: the client registered no callback URL"
    result = ctx.run.result
    if not ctx.run.returned or shape_problem(result):
        return  # no-crash and no-hang say what went wrong
    accepted = [_said(d, states) for d in deliveries
                if _genuine_accepts(d) and not interim(ctx.provider, d)]
    if not accepted:
        return  # no end was accepted: the outcome can only come from polling (outcome-matches)
    if result["status"] == "succeeded":
        urls = set().union(*(urls for said, urls in accepted if said == "succeeded"))
        if result["video_url"] not in urls:
            shown = sorted(urls) or "none: every accepted callback said the task failed"
            yield (f"the adapter reported success with {result['video_url']!r}; the accepted "
                   f"callbacks carried {shown}")
    elif all(said == "succeeded" for said, _ in accepted):
        yield (f"the receiver accepted a callback saying the task succeeded, but the adapter "
               f"reported failed: {result.get('error')!r:.300}")


__all__ = ["webhook_outcome"]
