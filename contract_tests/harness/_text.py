"""How a failing example reads in a terminal: short by default, everything with ``verbose``.

A client that polls a finished task sends the same request and gets the same
answer dozens of times; printed whole, that buries the verdict under hundreds
of lines of identical 700-character bodies. So the default text keeps one line
per exchange (the answer's start), folds a run of identical exchanges into one
line (``#3-#196: 194 more polls, same answer``), shows the first and the last
few exchanges when there are still too many, and keeps a traceback's last
lines. ``verbose`` (``vidukit verify --verbose``) prints every exchange with
its bodies whole; the HTML report always does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from vidukit.contract_tests.checks import AdapterRun, is_poll

Entry = Mapping[str, Any]

#: Characters of a body kept in the short text (the answer, and a submit's request).
ANSWER_CHARS: Final = 100
REQUEST_CHARS: Final = 240
#: Characters of a body kept with ``verbose`` (None: all of it).
VERBOSE_CHARS: Final = None
#: Lines the exchange may take in the short text: the first ones, then the last ones.
HEAD_LINES: Final = 8
TAIL_LINES: Final = 3
#: Lines of a multi-line message (a traceback) kept in the short text: its last ones.
MESSAGE_TAIL: Final = 4
#: Messages shown per broken check in the short text.
MESSAGES_SHOWN: Final = 3


def clip(value: Any, limit: int | None) -> str:
    """*value* on one line (JSON unless a string), cut to *limit* characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if limit is None or len(text) <= limit:
        return text
    return text[:limit] + f"... ({len(text)} chars)"


def _seconds(entry: Entry) -> float | None:
    try:
        return datetime.fromisoformat(str(entry["at"]).replace("Z", "+00:00")).timestamp()
    except (KeyError, ValueError):
        return None


def _same(one: Entry, other: Entry) -> bool:
    """The same request met the same answer (times and sequence numbers aside)."""
    def key(entry: Entry) -> tuple[Any, ...]:
        request, response = entry["request"], entry["response"]
        verdict = entry.get("validation")
        return (request["method"], request["path"], request.get("query"), request.get("body"),
                None if verdict is None else verdict["valid"], response["status"],
                response.get("body"), entry.get("fault"))

    return key(one) == key(other)


def _head(entry: Entry, start: float | None, verbose: bool) -> str:
    request = entry["request"]
    query = f"?{request['query']}" if request.get("query") else ""
    verdict = entry.get("validation")
    judged = "" if verdict is None else (" [valid]" if verdict["valid"] else " [INVALID]")
    at = entry["at"]
    if not verbose:
        now = _seconds(entry)
        at = f"+{now - start:.2f}s" if now is not None and start is not None else at
    return f"#{entry['seq']} {at} {request['method']} {request['path']}{query}{judged}"


def _status_word(body: Any) -> str | None:
    """The first ``status`` string in *body*, breadth first: where every provider's task
    status sits (``data.status``, ``task.status``, ``status``), which a cut body may hide."""
    level = [body]
    while level:
        deeper: list[Any] = []
        for value in level:
            if isinstance(value, Mapping):
                if isinstance(value.get("status"), str):
                    return str(value["status"])
                deeper += value.values()
            elif isinstance(value, list):
                deeper += value
        level = deeper
    return None


def _answer(entry: Entry, limit: int | None) -> str:
    response = entry["response"]
    fault = (f" [fault: {entry['fault']}: the client did not get this answer whole]"
             if entry.get("fault") else "")
    word = None if limit is None else _status_word(response.get("body"))
    said = f" (status {word!r})" if word else ""
    return f"{response['status']}{fault}{said} {clip(response.get('body'), limit)}"


def entry_lines(entry: Entry, start: float | None = None, *, verbose: bool = True) -> list[str]:
    """One exchange: a line for the request (and its body), one for the answer (verbose)."""
    request = entry["request"]
    limit = VERBOSE_CHARS if verbose else REQUEST_CHARS
    body = [f"   > {clip(request['body'], limit)}"] if request.get("body") is not None else []
    if verbose:
        return [_head(entry, start, verbose), *body, f"   < {_answer(entry, VERBOSE_CHARS)}"]
    return [f"{_head(entry, start, verbose)} -> {_answer(entry, ANSWER_CHARS)}", *body]


def exchange_lines(exchange: Sequence[Entry], provider: str = "", *,
                   verbose: bool = False) -> list[str]:
    """The exchange, whole (*verbose*) or folded and trimmed to a few lines."""
    start = _seconds(exchange[0]) if exchange else None
    if verbose:
        return [line for entry in exchange for line in entry_lines(entry, start)]
    groups: list[list[Entry]] = []
    for entry in exchange:
        if groups and _same(groups[-1][0], entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    shown = [_group_lines(group, provider, start) for group in groups]
    if sum(len(lines) for lines in shown) <= HEAD_LINES + TAIL_LINES + 1:
        return [line for lines in shown for line in lines]
    first = _fit(shown, HEAD_LINES, lambda i: i)
    last = _fit(shown[first:], TAIL_LINES, lambda i: -1 - i)
    hidden = [e for group in groups[first:len(groups) - last] for e in group]
    lines = [line for lines in shown[:first] for line in lines]
    if hidden:
        lines.append(f"... #{hidden[0]['seq']}-#{hidden[-1]['seq']}: {len(hidden)} more "
                     "request(s) not shown (--verbose shows every one)")
    return lines + [line for lines in shown[len(shown) - last:] for line in lines]


def _fit(shown: Sequence[list[str]], budget: int, at: Callable[[int], int]) -> int:
    """How many groups, taken in the order *at* gives, fit in *budget* lines (at least one)."""
    used = count = 0
    while count < len(shown) and (count == 0 or used + len(shown[at(count)]) <= budget):
        used += len(shown[at(count)])
        count += 1
    return count


def _group_lines(group: Sequence[Entry], provider: str, start: float | None) -> list[str]:
    lines = entry_lines(group[0], start, verbose=False)
    if len(group) > 1:
        more = len(group) - 1
        span = f"#{group[1]['seq']}" + (f"-#{group[-1]['seq']}" if more > 1 else "")
        kind = "poll" if provider and is_poll(provider, group[0]) else "identical request"
        lines.append(f"{span}: {more} more {kind}{'s' if more > 1 else ''}, same answer")
    return lines


def run_text(run: AdapterRun, *, verbose: bool = False) -> str:
    """What the adapter did, on one line (a traceback whole with *verbose*, else its end)."""
    if run.hung:
        return f"no answer within the {run.budget:g} s budget"
    if run.stopped:
        return f"{run.stopped} (after {run.elapsed:.2f} s)"
    if run.error is not None:
        lines = run.error.splitlines() or [""]
        if not verbose:
            return f"raised after {run.elapsed:.2f} s: {lines[-1]}"
        return f"raised after {run.elapsed:.2f} s:\n" + "\n".join(f"    {line}" for line in lines)
    result = json.dumps(run.result, default=repr)
    return f"returned {clip(result, None if verbose else REQUEST_CHARS)} in {run.elapsed:.2f} s"


def message_lines(messages: Sequence[str], *, verbose: bool = False) -> list[str]:
    """A broken check's messages as ``- first line`` items (short: the last lines of each)."""
    lines: list[str] = []
    shown = messages if verbose else messages[:MESSAGES_SHOWN]
    for message in shown:
        first, *rest = message.splitlines() or [""]
        if not verbose and len(rest) > MESSAGE_TAIL:
            rest = [f"... ({len(rest) - MESSAGE_TAIL} line(s) more with --verbose)",
                    *rest[-MESSAGE_TAIL:]]
        lines.append(f"  - {first}")
        lines += [f"    {line}" for line in rest]
    if len(messages) > len(shown):
        lines.append(f"  ... {len(messages) - len(shown)} more message(s) with --verbose")
    return lines


def verdict_line(check: str, messages: Sequence[str]) -> str:
    """One line per broken check: its name and what it found first."""
    first = (messages[0].splitlines() or [""])[0] if messages else ""
    more = f" (+{len(messages) - 1} more)" if len(messages) > 1 else ""
    return f"  {check}: {clip(first, 200)}{more}"


__all__ = [
    "clip",
    "entry_lines",
    "exchange_lines",
    "message_lines",
    "run_text",
    "verdict_line",
]
