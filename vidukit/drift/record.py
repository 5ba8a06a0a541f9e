"""Recorded exchanges: what a live provider really answered, kept as fixtures.

``vidukit drift --record DIR`` writes each exchange to
``DIR/<provider>/recorded/<UTC stamp>-<seq>-<purpose>.json`` (``DIR`` is a
fixtures root, normally ``fixtures``)::

    {"request": {"method", "path", "query", "body"}, "response": {"status", "body"}}

with a sidecar ``<same name>.meta.json``::

    {"date", "source", "provider", "tool", "purpose", "request_message",
     "response_message", "scrubbing": [...], "errors": {"request": [...], "response": [...]}}

Bodies are scrubbed (`vidukit.drift.scrub`) before they are written and no
header is kept. ``errors`` lists the rule ids each body broke when it was
recorded: a recording of a drifted provider is evidence, not a valid fixture,
and `check_recorded` (run by the fixture tests) fails when the schemas now
judge a recording differently, so a schema change and the recordings that
motivated it are reviewed together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vidukit.drift.observer import Exchange, parse_json
from vidukit.drift.scrub import Scrubber
from vidukit.validation import validate

RECORDED = "recorded"
#: A bearer token that is not a placeholder ("Bearer <api key>") or already redacted.
_BEARER = re.compile(r"(?i)bearer\s+(?!<|REDACTED)[A-Za-z0-9._~+/=-]{8,}")
META_SUFFIX = ".meta.json"
TOOL = "vidukit drift"


def _body(raw: bytes, scrubber: Scrubber) -> Any:
    if not raw:
        return None
    value = parse_json(raw)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return scrubber.value(value)
    return scrubber.text(raw.decode("utf-8", "replace"))


def _errors(provider: str, message: str | None, body: Any) -> list[str]:
    if message is None or body is None:
        return []
    return sorted({v.rule for v in validate(provider, message, body, notes=False)
                   if v.severity == "error"})


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower() or "exchange"


def record(exchanges: Iterable[Exchange], root: Path, *, provider: str, source: str,
           secrets: tuple[str, ...] = (), when: datetime | None = None) -> list[Path]:
    """Write every exchange under ``root/<provider>/recorded/``; the data files written."""
    when = when or datetime.now(UTC)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    folder = root / provider / RECORDED
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exchange in exchanges:
        scrubber = Scrubber(secrets)
        request = _body(exchange.request_body, scrubber)
        response = _body(exchange.response_body, scrubber)
        data = {
            "request": {"method": exchange.method, "path": scrubber.text(exchange.path),
                        "query": scrubber.value(dict(exchange.query)), "body": request},
            "response": {"status": exchange.status, "body": response},
        }
        meta = {
            "date": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "source": scrubber.text(source),
            "provider": provider,
            "tool": TOOL,
            "purpose": exchange.purpose or "proxied",
            "request_message": exchange.request_message,
            "response_message": exchange.response_message,
            "scrubbing": sorted({"Authorization header not recorded", *scrubber.applied}),
            "errors": {
                "request": _errors(provider, exchange.request_message, request),
                "response": _errors(provider, exchange.response_message, response),
            },
        }
        name = f"{stamp}-{exchange.seq:03d}-{_slug(exchange.purpose or 'proxied')}"
        target = folder / f"{name}.json"
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        (folder / f"{name}{META_SUFFIX}").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(target)
    return written


def recorded_files(root: Path) -> list[Path]:
    """Every recorded exchange under a fixtures root (the data files, not the metas)."""
    return sorted(p for p in root.glob(f"*/{RECORDED}/*.json")
                  if not p.name.endswith(META_SUFFIX))


def check_recorded(path: Path) -> list[str]:
    """What is wrong with one recorded exchange; empty when it keeps its promise."""
    meta_path = path.with_name(path.name.removesuffix(".json") + META_SUFFIX)
    if not meta_path.is_file():
        return [f"{path.name}: no {meta_path.name}"]
    try:
        data = json.loads(path.read_text("utf-8"))
        meta = json.loads(meta_path.read_text("utf-8"))
    except ValueError as exc:
        return [f"{path.name}: not JSON: {exc}"]
    problems = [f"{meta_path.name}: missing {key!r}"
                for key in ("date", "source", "provider", "scrubbing", "errors") if key not in meta]
    if problems:
        return problems
    provider = meta["provider"]
    if path.parent.parent.name != provider:
        problems.append(f"{path.name}: provider {provider!r} but stored under "
                        f"{path.parent.parent.name}/")
    for side, message_key in (("request", "request_message"), ("response", "response_message")):
        now = _errors(provider, meta.get(message_key), data.get(side, {}).get("body"))
        then = sorted(meta["errors"].get(side, []))
        if now != then:
            problems.append(f"{path.name}: {side} breaks {now} now, {then} when recorded")
    if "headers" in data.get("request", {}) or _BEARER.search(path.read_text("utf-8")):
        problems.append(f"{path.name}: holds request headers or a bearer token")
    return problems


__all__ = ["META_SUFFIX", "RECORDED", "check_recorded", "record", "recorded_files"]
