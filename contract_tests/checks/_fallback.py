"""``webhook-fallback``: a callback that never reaches the client must not strand a paid video.

Providers accept a callback URL and sometimes never call it (a video-generation
webhook "accepted but never delivered" is a public bug report), call it after
the client stopped waiting, or call it with a signature the client rightly
refuses. In each case the only way to the task's outcome is the API: a correct
webhook client treats the callback as a hint, waits for it a bounded time
(``endpoint["callback_timeout"]``), then polls, and still answers within the
deadline it was given (``endpoint["poll_timeout"]``).

The check reads the mock's webhook journal (``ctx.options["webhooks"]``).
"The callback" is one that shows the task's end: a provider that calls back on
each state change also sends interim ones (``processing``), which wake a client
but cannot tell it the outcome. "No callback reached the client" means no
attempt of such a callback was answered 2xx: the
delivery was ``lost`` (never sent), is still waiting to be sent (late), or
every attempt was refused (a bad signature, rightly). A callback the receiver
accepted, forged or not, is ``webhook-outcome``'s to judge. A receiver that answers 200 and
then drops the body is the client's own bug and reads the other way: the
journal shows the callback delivered, so the provider stops retrying, and
``webhook-outcome`` judges what the adapter then reported (a success it never
passed on is a failed report against an accepted success; waiting for the body
forever is ``no-hang``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import (
    delivered,
    interim,
    is_submit,
    output_urls,
    shows_terminal,
)
from vidukit.contract_tests.checks._outcome import shape_problem
from vidukit.contract_tests.checks._registry import check
from vidukit.mock_server.engine import FAILED, SUCCEEDED
from vidukit.providers import spec
from vidukit.providers.wire import TERMINAL

#: Seconds past its deadline a client may take to return: a poll in flight when it passes.
DEADLINE_ALLOWANCE = 2.0


def reached_client(delivery: Mapping[str, Any]) -> bool:
    """True when the receiver accepted (2xx) some attempt of *delivery*."""
    return any(a.get("ok") for a in delivery.get("attempts", ()))


def why_missing(deliveries: list[Mapping[str, Any]]) -> str:
    """What became of the callbacks no attempt of which reached the client, in words."""
    if not deliveries:
        return "none was scheduled"
    reasons = []
    for delivery in deliveries:
        state = delivery.get("state")
        if state == "lost":
            reasons.append("lost: the provider never sent it")
        elif state in ("scheduled", "held") and not delivery.get("attempts"):
            due = delivery.get("next_attempt_at")
            reasons.append(f"late: not sent yet (first attempt due {due})")
        else:
            answers = ", ".join(f"{a.get('status')}" + (" (bad signature)"
                                                         if a.get("signature") == "bad" else "")
                                for a in delivery.get("attempts", ()))
            reasons.append(f"{state}: the receiver answered {answers or 'nothing'}")
    return "; ".join(dict.fromkeys(reasons))


def _wrong_outcome(ctx: CheckContext, result: Mapping[str, Any],
                   states: Mapping[str, str]) -> str | None:
    if SUCCEEDED in states.values():
        urls = {u for known in output_urls(ctx).values() for u in known}
        if result["status"] != "succeeded":
            return (f"the task succeeded but the adapter reported failed: "
                    f"{result.get('error')!r:.200}")
        if result["video_url"] not in urls:
            return (f"the adapter reported success with {result['video_url']!r}; the mock's "
                    f"output URL is {sorted(urls)}")
    elif FAILED in states.values() and result["status"] == "succeeded":
        return f"the task failed but the adapter reported success: {result['video_url']!r}"
    return None


def _learnt_from_api(ctx: CheckContext) -> bool:
    """Some answer of the API that reached the client whole showed the task finished."""
    for entry in ctx.exchange:
        if shows_terminal(ctx.provider, entry):
            return True
        if is_submit(ctx.provider, entry) and delivered(entry) \
                and entry["response"]["status"] == 200:
            word = spec(ctx.provider).wire.status("submit-response",
                                                  entry["response"]["body"], "")
            if spec(ctx.provider).wire.ranks.get(word or "") in TERMINAL:
                return True
    return False


@check("webhook-fallback",
       "(webhook mode only) when the callback never reaches the client (lost, too late, or "
       "refused), the client still reports the task's real outcome within its deadline "
       "(endpoint poll_timeout), by polling",
       default=False)
def webhook_fallback(ctx: CheckContext) -> Iterator[str]:
    if ctx.options.get("mode") != "webhook":
        return
    deliveries: list[Mapping[str, Any]] = [d for d in ctx.options.get("webhooks", ())
                                            if not interim(ctx.provider, d)]
    if any(reached_client(d) for d in deliveries):
        return  # the callback came: webhook-outcome judges what the client made of it
    states = {str(t["id"]): str(t["state"]) for t in ctx.tasks}
    if not {SUCCEEDED, FAILED} & set(states.values()):
        return  # no task ended (a submit that failed): there was nothing to learn
    missing = why_missing(deliveries)
    if ctx.run.cut_short:
        yield (f"no callback reached the client ({missing}) and it never found the outcome "
               f"another way: still waiting after {ctx.run.elapsed:.1f} s; a callback is a "
               "hint, and after a bounded wait the API must be asked")
        return
    late = ctx.run.elapsed - ctx.poll_timeout
    if late > DEADLINE_ALLOWANCE:
        yield (f"no callback reached the client ({missing}); it answered only after "
               f"{ctx.run.elapsed:.1f} s, past its deadline of {ctx.poll_timeout:g} s "
               "(endpoint poll_timeout): the wait for a callback must fit within the deadline")
    result = ctx.run.result
    if ctx.transient_faults or not ctx.run.returned or shape_problem(result):
        return  # a failure under faults is allowed; a crash is no-crash's finding
    wrong = _wrong_outcome(ctx, result, states)
    if wrong is not None:
        yield f"no callback reached the client ({missing}): {wrong}"
    elif not _learnt_from_api(ctx):
        yield (f"no callback reached the client ({missing}) and no answer of the API showed "
               f"the task finished, yet the adapter reported {result['status']}: a guess, "
               "not the outcome (right here by chance); after a bounded wait for the "
               "callback, poll")


__all__ = ["DEADLINE_ALLOWANCE", "reached_client", "webhook_fallback", "why_missing"]
