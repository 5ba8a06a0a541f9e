"""Checks on how the client polls: never after the end, never hammering."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import (
    Entry,
    describe,
    is_poll,
    polled_task,
    shows_terminal,
    timestamp,
)
from vidukit.contract_tests.checks._registry import check


def polls_after_terminal(
    provider: str, exchange: Iterable[Entry]
) -> dict[str, tuple[str, list[str]]]:
    """Task id -> (the poll that showed it finished, the polls of it after that).

    Shared by the check and by the harness, which stops a client that keeps
    polling a finished task instead of waiting out its whole time budget.
    """
    finished: dict[str, str] = {}
    late: dict[str, list[str]] = {}
    for entry in exchange:
        if not is_poll(provider, entry):
            continue
        task_id = polled_task(provider, entry)
        if task_id is None:
            continue
        if task_id in finished:
            late.setdefault(task_id, []).append(describe(entry))
        elif shows_terminal(provider, entry):
            finished[task_id] = describe(entry)
    return {task_id: (finished[task_id], polls) for task_id, polls in late.items()}


@check("no-poll-after-terminal",
       "once an answer showing the task finished reached the client, it never polls that "
       "task again")
def no_poll_after_terminal(ctx: CheckContext) -> Iterator[str]:
    for task_id, (finished, polls) in polls_after_terminal(ctx.provider, ctx.exchange).items():
        yield (f"polled task {task_id} {len(polls)} more time(s) after {finished} "
               f"showed it finished; first: {polls[0]}")


@check("poll-rate",
       "no sustained polling faster than the bound (default 10 polls/s over 5 consecutive "
       "polls; --poll-rate-limit)")
def poll_rate(ctx: CheckContext) -> Iterator[str]:
    window = max(2, ctx.poll_rate_window)
    polls = [e for e in ctx.exchange if is_poll(ctx.provider, e)]
    if len(polls) < window:
        return
    times = [timestamp(e) for e in polls]
    worst: tuple[float, int] | None = None
    for start in range(len(polls) - window + 1):
        span = times[start + window - 1] - times[start]
        rate = float("inf") if span <= 0 else (window - 1) / span
        if rate > ctx.poll_rate_limit and (worst is None or rate > worst[0]):
            worst = (rate, start)
    if worst is not None:
        rate, start = worst
        shown = "inf" if rate == float("inf") else f"{rate:.1f}"
        yield (f"{window} consecutive polls at {shown}/s (bound {ctx.poll_rate_limit:g}/s): "
               f"{describe(polls[start])} .. {describe(polls[start + window - 1])}")


__all__ = ["no_poll_after_terminal", "poll_rate", "polls_after_terminal"]
