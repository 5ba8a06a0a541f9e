"""Task recordings from observed traffic: what ``proxy --record`` and ``drift --record`` write.

The exchanges are the ones an `vidukit.drift.observer.Observer` kept, each with the
time it was seen on the observer's clock. A task starts at the submit that
acknowledged it (its ids read through the provider's `Wire`); each poll about it
adds its status word when the word changes, with the offset from the submit; the
first terminal answer gives the outcome, the error code, the output URL and the
final body (with the rules it broke); each progress value the provider's wire
reads (its ``progress`` pointer, as a fraction) is kept when it changes; the first
poll answer of each status is kept
with it, for a verbatim replay; an HTTP error on a poll is kept in
``errors``. A status word the provider's wire does not rank (a drifted provider's
new word) keeps the rank of the word before it. A task never polled is not
written: it has no timeline. Everything is scrubbed with the observer's scrubber,
which has learnt every key the traffic carried.

The callbacks a probe received for a task (``drift --webhook-url``, built by
`vidukit.drift.callbacks.recorded` with offsets from the task's end as the
polls saw it) are placed on the same timeline: ``at`` is the recorded end plus
that offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from vidukit.drift.scrub import Scrubber
from vidukit.providers import spec
from vidukit.providers.wire import TERMINAL, Wire
from vidukit.recordings.document import FORMAT, VERSION, request_shape, safe_name
from vidukit.validation import validate


class Observed(Protocol):
    """What a recording reads from one exchange (`vidukit.drift.observer.Exchange`)."""

    method: str
    path: str
    status: int
    query: Any
    at: float
    seq: int

    @property
    def request_json(self) -> Any: ...

    @property
    def response_json(self) -> Any: ...


@dataclass
class _Task:
    task_id: str
    start: float
    submit: dict[str, Any]
    statuses: list[dict[str, Any]] = field(default_factory=list)
    outcome: dict[str, Any] = field(default_factory=lambda: {"kind": "unfinished", "at": None,
                                                              "error_code": None})
    final: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, float]] = field(default_factory=list)
    seq: int = 0


def _json(value: Any) -> Any:
    return value if isinstance(value, dict | list | str | int | float | bool) else None


def recordings_from(exchanges: Iterable[Observed], provider: str, *, source: str, tool: str,
                    scrubber: Scrubber, when: datetime,
                    callbacks: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                    ) -> list[dict[str, Any]]:
    """One recording per task the exchanges submitted and polled, in submit order.

    *callbacks*: task id -> the callback entries received for it (``after_end`` offsets).
    """
    wire = spec(provider).wire
    tasks: dict[str, _Task] = {}
    #: (method, path) of each task's result fetch (`Wire.result`), which need not name its
    #: task the way a status poll does.
    results: dict[tuple[str, str], _Task] = {}
    for exchange in exchanges:
        request = _json(exchange.request_json)
        answer = _json(exchange.response_json)
        action = wire.operation(exchange.method, request)
        if action == "submit" and 200 <= exchange.status < 300:
            body = scrubber.value(request)
            for task_id in wire.task_ids(request, answer):
                task = _Task(task_id, exchange.at, {
                    "method": exchange.method, "path": scrubber.text(exchange.path),
                    "query": scrubber.value(dict(exchange.query)), "body": body,
                    "http_status": exchange.status, "response": scrubber.value(answer)},
                    seq=exchange.seq)
                tasks[task_id] = task
                if wire.result is not None:
                    call = wire.result(task_id)
                    results[(call.method.upper(), call.path)] = task
                word = wire.status("submit-response", answer, task_id)
                if word is not None:
                    _seen(task, wire.ranks, word, 0.0, None)
        elif action == "poll":
            polled = wire.polled_task(exchange.path, dict(exchange.query), request)
            found = tasks.get(polled) if polled is not None else None
            if found is None:
                found = results.get((exchange.method.upper(), exchange.path))
            if found is None:
                continue
            if _is_result(wire, exchange, found.task_id):
                _result(found, wire, exchange, answer, scrubber)
                continue
            if found.outcome["kind"] != "unfinished":
                continue
            at = round(exchange.at - found.start, 3)
            if not 200 <= exchange.status < 300:
                found.errors.append({"at": at, "http_status": exchange.status,
                                     "body": scrubber.value(answer)})
                continue
            word = wire.status("result-response", answer, found.task_id)
            if word is None:
                continue
            done = wire.progress.fraction(answer) if wire.progress is not None else None
            if done is not None and (not found.progress or found.progress[-1]["value"] != done):
                found.progress.append({"at": max(0.0, at), "value": done})
            rank = _seen(found, wire.ranks, word, at, (exchange.status, scrubber.value(answer)),
                         done)
            if rank in TERMINAL:
                _ended(found, provider, rank, at, exchange.status, answer, scrubber)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    recorded_at = when.isoformat(timespec="seconds").replace("+00:00", "Z")
    return [_document(t, provider, source, tool, scrubber, recorded_at,
                      safe_name(f"{provider}-{stamp}-{t.seq:03d}-{t.task_id}"),
                      _placed((callbacks or {}).get(t.task_id, ()), t.outcome["at"]))
            for t in tasks.values() if t.statuses]


def _is_result(wire: Wire, exchange: Observed, task_id: str) -> bool:
    """Whether *exchange* fetched the task's result (`Wire.result`), not its status."""
    if wire.result is None:
        return False
    call = wire.result(task_id)
    return exchange.method.upper() == call.method.upper() and exchange.path == call.path


def _result(task: _Task, wire: Wire, exchange: Observed, answer: Any,
            scrubber: Scrubber) -> None:
    """A provider whose status names no output (a queue API) serves it apart: a succeeded
    task's output URL is the first one its fetched result names. A result fetched before
    the end (refused until then) or of a failed task adds nothing: it is not a status."""
    if task.outcome["kind"] != "succeeded" or task.output is not None:
        return
    if not 200 <= exchange.status < 300:
        return
    url = wire.output_url(answer, task.task_id)
    if url is not None:
        task.output = {"url": scrubber.url(url), "width": None, "height": None,
                       "duration": None, "size": None}


def _placed(entries: Iterable[Mapping[str, Any]], end: float | None) -> list[dict[str, Any]]:
    """Callback entries on the task's timeline: ``after_end`` becomes ``at`` from the submit."""
    placed = []
    for entry in entries:
        after = entry.get("after_end")
        at = None if after is None or end is None else round(max(0.0, end + float(after)), 3)
        placed.append({"at": at, **{k: v for k, v in entry.items() if k != "after_end"}})
    return placed


def _seen(task: _Task, ranks: Any, word: str, at: float,
          answer: tuple[int, Any] | None, done: float | None = None) -> int:
    """Add *word* when it changes; a poll answer is kept with it (what a verbatim replay sends)."""
    previous = task.statuses[-1] if task.statuses else None
    if previous is not None and previous["status"] == word:
        if answer is not None and "body" not in previous:
            previous["http_status"], previous["body"] = answer
        return int(previous["rank"])
    rank = ranks.get(word, previous["rank"] if previous is not None else 0)
    entry = {"at": max(0.0, at), "status": word, "rank": rank, "progress": done}
    if answer is not None:
        entry["http_status"], entry["body"] = answer
    task.statuses.append(entry)
    return int(rank)


def _ended(task: _Task, provider: str, rank: int, at: float, status: int, answer: Any,
           scrubber: Scrubber) -> None:
    wire = spec(provider).wire
    failed = rank != 2
    task.outcome = {"kind": "failed" if failed else "succeeded", "at": max(0.0, at),
                    "error_code": wire.error_code(answer, task.task_id) if failed else None}
    breaks = sorted({v.rule for v in validate(provider, "result-response", answer, notes=False)
                     if v.severity == "error"})
    task.final = {"http_status": status, "body": scrubber.value(answer), "breaks": breaks}
    url = None if failed else wire.output_url(answer, task.task_id)
    if url is not None:
        task.output = {"url": scrubber.url(url), "width": None, "height": None,
                       "duration": None, "size": None}


def _document(task: _Task, provider: str, source: str, tool: str, scrubber: Scrubber,
              recorded_at: str, name: str, webhooks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "provider": provider,
        "recorded_at": recorded_at,
        "source": source,
        "tool": tool,
        "task_id": scrubber.text(task.task_id),
        "shape": request_shape(provider, task.submit["body"]),
        "submit": task.submit,
        "statuses": task.statuses,
        "progress": task.progress,
        "outcome": task.outcome,
        "final": task.final,
        "output": task.output,
        "webhooks": webhooks,
        "errors": task.errors,
        "scrubbing": sorted({"Authorization header not recorded", *scrubber.applied}),
    }


__all__ = ["Observed", "recordings_from"]
