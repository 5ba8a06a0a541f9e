"""Checks on money: one request never leaves two paid tasks, and a paid video is collected.

Every task the mock created in an example is a paid one (the provider bills per task),
and one example is one request, so two tasks are two charges for one video.

A submit's answer is *ambiguous* when it does not tell the client whether a task was
created: it never arrived whole (a closed connection, a cut body, a gateway's HTML page)
or it was a 5xx, which a provider may send after it handled the request (the mock's
``phase=after``). A client that submits again after one may pay twice. Where the
provider documents a way to find out what the lost submit did (`ProviderSpec.recovery`:
a client-chosen task id, a task list), a second task is the client's bug. Where it
documents none, a client cannot be both safe and complete: the resubmit is reported as a
risk, and is a failure only under ``--strict-charges`` (``ctx.options["strict_charges"]``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import (
    Entry,
    delivered,
    describe,
    is_submit,
    output_urls,
)
from vidukit.contract_tests.checks._outcome import shape_problem
from vidukit.contract_tests.checks._registry import check
from vidukit.contract_tests.checks._risks import risk
from vidukit.mock_server.engine import SUCCEEDED
from vidukit.mock_server.ledger import LEDGER
from vidukit.providers import spec

NO_DOUBLE_CHARGE = "no-double-charge"
COLLECTS = "collects-what-it-paid-for"


def ambiguous(entry: Entry) -> bool:
    """A submit answer that does not say whether a task was created (module docstring)."""
    return not delivered(entry) or entry["response"]["status"] >= 500


def strict_charges(ctx: CheckContext) -> bool:
    return bool(ctx.options.get("strict_charges"))


def _duplicate(ctx: CheckContext) -> tuple[list[str], Entry | None, int] | None:
    """(paid task ids, the first ambiguous submit answer or None, submits) when one request
    left more than one paid task; None when it left at most one."""
    if len(ctx.tasks) < 2:
        return None
    submits = [e for e in ctx.exchange if is_submit(ctx.provider, e)]
    lost = next((e for e in submits if ambiguous(e)), None)
    return [str(t["id"]) for t in ctx.tasks], lost, len(submits)


def _paid(ids: list[str], submits: int) -> str:
    return f"{len(ids)} paid tasks ({', '.join(ids)}) for one request, from {submits} submit(s)"


@check(NO_DOUBLE_CHARGE,
       "one request leaves at most one paid task: after a submit whose answer was lost (closed "
       "connection, cut body, 5xx) the client finds out what happened where the provider "
       "documents a way (a client-chosen task id, a task list) instead of submitting again; "
       "where it documents none, the blind resubmit is a reported risk (a failure under "
       "--strict-charges)")
def no_double_charge(ctx: CheckContext) -> Iterator[str]:
    found = _duplicate(ctx)
    if found is None:
        return
    ids, lost, submits = found
    if lost is None:
        yield (f"{_paid(ids, submits)}, though every submit answer reached the client "
               "whole: the client started the same generation again")
        return
    recovery = spec(ctx.provider).recovery
    if recovery is not None:
        yield (f"{_paid(ids, submits)}: after {describe(lost)} the client submitted again "
               f"without finding out what the first submit did; this provider documents a "
               f"way: {recovery.how} ({recovery.source})")
    elif strict_charges(ctx):
        yield (f"{_paid(ids, submits)}: after {describe(lost)} the client submitted again "
               "(--strict-charges: this provider documents no way to find out what a lost "
               "submit did, so a client that must never pay twice reports the request "
               "failed instead of resubmitting)")


@risk(NO_DOUBLE_CHARGE)
def blind_resubmit(ctx: CheckContext) -> Iterator[str]:
    """The duplicate `no_double_charge` lets pass: no documented way to find out, not strict."""
    found = _duplicate(ctx)
    if found is None or strict_charges(ctx) or spec(ctx.provider).recovery is not None:
        return
    ids, lost, submits = found
    if lost is not None:
        yield (f"blind resubmit: {_paid(ids, submits)} after {describe(lost)}; this provider "
               "documents no way to find out what a lost submit did, so the retry that saved "
               "the request paid twice (--strict-charges makes this a failure)")


def _mentions(value: Any, task_id: str) -> bool:
    if isinstance(value, str):
        return task_id in value
    if isinstance(value, Mapping):
        return any(_mentions(v, task_id) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, task_id) for v in value)
    return False


def _accepted(delivery: Mapping[str, Any]) -> bool:
    """The receiver answered 2xx to a genuine attempt (one whose signature did not fail)."""
    return any(a.get("ok") and a.get("signature") != "bad" for a in delivery.get("attempts", ()))


def reached(ctx: CheckContext, task_id: str) -> str | None:
    """How *task_id* reached the client (an answer it read whole, or a callback its
    receiver accepted); None when it never did."""
    for entry in ctx.exchange:
        if delivered(entry) and _mentions(entry["response"]["body"], task_id):
            return describe(entry)
    for delivery in ctx.options.get("webhooks", ()):
        if str(delivery.get("task_id")) == task_id and _accepted(delivery):
            return f"a callback its receiver accepted ({delivery.get('url')})"
    return None


def fetched(task: Mapping[str, Any]) -> bool:
    """The mock served *task*'s output (its ledger entry says so): the client collected it,
    whatever URL it reports."""
    meta = task.get("meta")
    charge = meta.get(LEDGER) if isinstance(meta, Mapping) else None
    return isinstance(charge, Mapping) and charge.get("fetched") is True


@check(COLLECTS,
       "every task that succeeded and whose id reached the client (an answer it read, a "
       "callback it accepted) has its output fetched or its URL returned: no paid video is "
       "left behind; a task whose submit answer never arrived is no-double-charge's business")
def collects_what_it_paid_for(ctx: CheckContext) -> Iterator[str]:
    result = ctx.run.result
    if not ctx.run.returned or shape_problem(result):
        return  # no-crash and no-hang say what went wrong
    returned = result.get("video_url") if result["status"] == "succeeded" else None
    urls = output_urls(ctx)
    for task in ctx.tasks:
        task_id = str(task["id"])
        if task.get("state") != SUCCEEDED or returned in urls.get(task_id, ()) or fetched(task):
            continue
        how = reached(ctx, task_id)
        if how is None:
            continue
        told = (f"returned {returned!r}" if returned is not None
                else f"reported failed: {result.get('error')!r:.200}")
        yield (f"task {task_id} succeeded and its id reached the client ({how}), but the "
               f"adapter {told} and never fetched the output: a paid video nobody received")


__all__ = ["COLLECTS", "NO_DOUBLE_CHARGE", "ambiguous", "blind_resubmit",
           "collects_what_it_paid_for", "fetched", "no_double_charge", "reached",
           "strict_charges"]
