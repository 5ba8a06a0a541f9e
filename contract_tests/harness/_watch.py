"""Ending an example early when the client keeps polling a task it was told had finished,
or keeps waiting on a stuck task well past the deadline it was given.

Such a client would otherwise run until its time budget (30 s by default) in
every example that fails its task, and shrinking, which replays failing
examples dozens of times, would run out of time long before it reached a small
one. A correct client polls a finished task zero times; `PollWatch` allows
`POLLS_AFTER_TERMINAL` such polls (so the report shows the repetition) and then
stops the call. ``no-poll-after-terminal`` judges the journal as it stands.

A task that never finishes (the ``stuck`` behaviour) would cost the whole
budget in the same way; the client was given a deadline
(``endpoint["poll_timeout"]``), so once it has had that deadline and as long
again (room for a retry or two in flight), waiting longer shows nothing new:
the watch stops the call and ``gives-up`` reports it.
"""

from __future__ import annotations

import time
from typing import Any, Final

from vidukit.contract_tests.checks import polls_after_terminal
from vidukit.contract_tests.harness._mock import MockHandle

#: Polls of a finished task the harness waits for before it stops the client.
POLLS_AFTER_TERMINAL: Final = 2


class PollWatch:
    """A `call_adapter` watch: reads the mock's new journal entries at each look."""

    def __init__(self, mock: MockHandle, provider: str,
                 allowed: int = POLLS_AFTER_TERMINAL, *,
                 give_up_after: float | None = None) -> None:
        """*give_up_after*: seconds after which a client still waiting is stopped (None:
        never; the harness sets it for a stuck task only)."""
        self._mock = mock
        self._provider = provider
        self._allowed = allowed
        self._give_up_after = give_up_after
        self._started = time.monotonic()
        self._entries: list[dict[str, Any]] = []
        self._last_seq = 0

    def __call__(self) -> str | None:
        waited = time.monotonic() - self._started
        if self._give_up_after is not None and waited > self._give_up_after:
            return (f"stopped by the harness: the task never finishes and the client was "
                    f"still waiting after {waited:.1f} s")
        fresh = self._mock.journal(self._provider, since=self._last_seq)
        if not fresh:
            return None
        self._entries += fresh
        self._last_seq = max(int(e["seq"]) for e in fresh)
        for task_id, (finished, polls) in polls_after_terminal(
                self._provider, self._entries).items():
            if len(polls) >= self._allowed:
                return (f"stopped by the harness: it polled task {task_id} {len(polls)} more "
                        f"time(s) after {finished} showed it finished, and a correct client "
                        "needs none")
        return None


__all__ = ["POLLS_AFTER_TERMINAL", "PollWatch"]
