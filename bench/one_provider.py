"""Which provider a single-provider bench measures, and what it sends, read from the specs.

`http_compare.py`, `preloaded.py` and `profile_hot_paths.py` each measure one
provider's mock. They take ``--provider``; its default is the first provider id,
in id order, that a fixed request can replay: a submit that is a POST of one JSON
object whose task ids the provider chooses, and a poll that is a bodiless GET.
wrk's scripts send one prepared request over and over, which an API with
client-chosen ids (a second submit of the same id is refused) or a POST poll
cannot take. Nothing here names a provider: the paths come from each spec's
`Wire`, the bodies from ``fixtures/<id>/submit-request/``.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from vidukit import validate
from vidukit.providers import provider_ids, spec
from vidukit.providers.wire import Call

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
#: A task id that no real one equals: its place in a poll URL splits the URL in two.
PROBE_ID = "vb-probe-task-id"
#: Violations merged into the invalid body (the 400 must list every one).
MAX_VIOLATIONS = 6


def valid_fixtures(provider: str) -> list[Path]:
    """The provider's valid submit bodies, in name order (plain JSON files only)."""
    return sorted((FIXTURES / provider / "submit-request" / "valid").glob("*.json"))


def first_valid(provider: str) -> Path:
    """The body a bench submits: the first valid fixture, so the choice is data, not code."""
    found = valid_fixtures(provider)
    if not found:
        raise SystemExit(f"no valid submit fixture under fixtures/{provider}/submit-request/valid")
    return found[0]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def replayable(provider: str) -> bool:
    """A fixed request replays this provider's submit and poll (see the module docstring)."""
    found = spec(provider)
    paths = valid_fixtures(provider)
    if not paths:
        return False
    body = _load(paths[0])
    submit, poll = found.wire.submit(body), found.wire.poll(PROBE_ID)
    return (submit.method == "POST" and isinstance(submit.json, dict)
            and not found.wire.task_ids(body, None)
            and poll.method == "GET" and poll.json is None)


def replayable_ids() -> list[str]:
    return [p for p in provider_ids() if replayable(p)]


def default_provider() -> str:
    """The first replayable provider id (id order)."""
    found = replayable_ids()
    if not found:
        raise SystemExit("no provider has a replayable submit and poll (see bench/one_provider.py)")
    return found[0]


def add_provider_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--provider", choices=replayable_ids(), default=None,
        help="the provider whose mock is measured (default: the first id whose submit is a "
        "POST of a JSON object with server-chosen task ids and whose poll is a GET)",
    )


def chosen(args: argparse.Namespace) -> str:
    return str(args.provider) if args.provider else default_provider()


def relative_url(call: Call) -> str:
    """Path and query of *call*, as a request line carries them."""
    return call.path + (f"?{urlencode(call.params)}" if call.params else "")


def submit_url(provider: str) -> str:
    return relative_url(spec(provider).wire.submit(_load(first_valid(provider))))


def poll_url(provider: str, task_id: str) -> str:
    return relative_url(spec(provider).wire.poll(task_id))


def poll_split(provider: str) -> tuple[str, str]:
    """(what comes before the task id in a poll URL, what comes after it)."""
    before, _, after = poll_url(provider, PROBE_ID).partition(PROBE_ID)
    return before, after


def task_id(provider: str, request: Any, answer: Any) -> str | None:
    return spec(provider).wire.task_id(request, answer)


def rank(provider: str, answer: Any, task: str | None) -> int | None:
    """The rank (`vidukit.providers.wire`) of the status a poll answer shows, if any."""
    wire = spec(provider).wire
    word = wire.status("result-response", answer, task)
    return wire.ranks.get(word) if word is not None else None


def _errors(provider: str, body: Any) -> int:
    return sum(1 for v in validate(provider, "submit-request", body) if v.severity == "error")


def _one_change(base: Mapping[str, Any], broken: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The one field *broken* adds or changes, when that is all it does."""
    if set(base) - set(broken):
        return None
    changed = [(k, v) for k, v in broken.items() if k not in base or base[k] != v]
    return changed[0] if len(changed) == 1 else None


def _candidates(provider: str, valid: list[Any]) -> list[tuple[str, Any]]:
    """(field, bad value) of each invalid fixture that changes or adds one generation field
    of some valid body, smallest value first (the merged body stays a normal size)."""
    generation = spec(provider).generation_fields
    plains = [found[0][1] for found in map(generation, valid) if found]
    out: list[tuple[str, Any]] = []
    for path in sorted((FIXTURES / provider / "submit-request" / "invalid").glob("*.json")):
        found = generation(_load(path))
        if not found:
            continue
        change = next((c for c in (_one_change(p, found[0][1]) for p in plains) if c), None)
        if change is not None:
            out.append(change)
    return sorted(out, key=lambda c: len(json.dumps(c[1])))


def invalid_body(provider: str) -> tuple[Any, list[str]]:
    """One body breaking up to `MAX_VIOLATIONS` rules at once, and the fields it breaks.

    Built from the provider's invalid fixtures (one violation each, by the fixture
    convention): each that changes or adds one generation field of a valid body has that
    field merged into the smallest valid body, kept when it adds exactly one error.
    """
    valid = [_load(p) for p in valid_fixtures(provider)]
    body = copy.deepcopy(min(valid, key=lambda b: len(json.dumps(b))))
    target = spec(provider).generation_fields(body)[0][1]
    fields: list[str] = []
    errors = _errors(provider, body)
    for name, value in _candidates(provider, valid):
        if name in fields:
            continue
        before = copy.deepcopy(target)
        target[name] = value
        now = _errors(provider, body)
        if now == errors + 1:
            fields.append(name)
            errors = now
        else:
            target.clear()
            target.update(before)
        if len(fields) == MAX_VIOLATIONS:
            break
    return body, fields


__all__ = [
    "MAX_VIOLATIONS",
    "PROBE_ID",
    "add_provider_option",
    "chosen",
    "default_provider",
    "first_valid",
    "invalid_body",
    "poll_split",
    "poll_url",
    "rank",
    "relative_url",
    "replayable",
    "replayable_ids",
    "submit_url",
    "task_id",
    "valid_fixtures",
]
