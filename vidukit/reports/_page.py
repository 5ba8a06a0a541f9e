"""The page every report is: one HTML file with its style, data and script inline.

Nothing is fetched: the styles and the timeline's script are inline, and a
Content-Security-Policy in the page itself allows exactly those two (by
hash) and nothing else: no network, no other script. So even if a payload
slipped past the escaping it could neither run nor call home, and a reader
can open the file from disk, offline, or print it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vidukit.errors import InputError, ToolkitError
from vidukit.reports._assets import AssetError, report_script, report_style
from vidukit.reports._html import Html, join, pretty, script_json, tag, text
from vidukit.reports._timeline import Timeline, epoch

_CLOSERS = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page(title: str, body: Html, timelines: Mapping[str, Timeline]) -> str:
    """The whole document; *timelines* maps each timeline region's data id to its data."""
    style, script = report_style(), report_script()
    for name, source in (("style", style), ("script", script)):
        if _CLOSERS.search(source):
            raise AssetError(f"the report's inline {name} contains a closing tag or comment")
    policy = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    data = join(*(Html(f'<script type="application/json" id="{text(key)}">'
                       f"{script_json(t.to_data())}</script>\n")
                  for key, t in timelines.items()))
    return (
        "<!doctype html>\n"
        + tag("html", {"lang": "en"},
              tag("head", {},
                  Html('<meta charset="utf-8">'),
                  tag("meta", {"http-equiv": "Content-Security-Policy", "content": policy}),
                  tag("meta", {"name": "referrer", "content": "no-referrer"}),
                  tag("meta", {"name": "viewport",
                               "content": "width=device-width, initial-scale=1"}),
                  tag("title", {}, title),
                  Html(f"<style>{style}</style>")),
              tag("body", {"class": "report"}, body, data, Html(f"<script>{script}</script>")))
        + "\n"
    )


# --------------------------------------------------------------------------- pieces


def facts(rows: Iterable[tuple[str, Any]]) -> Html:
    return tag("dl", {"class": "facts"},
               [(tag("dt", {}, name), tag("dd", {}, value)) for name, value in rows])


def panel(heading: str, anchor: str, *children: Any) -> Html:
    return tag("section", {"class": "panel", "id": anchor, "aria-labelledby": f"{anchor}-h"},
               tag("h2", {"id": f"{anchor}-h"}, heading), *children)


def json_block(value: Any, label: str) -> Html:
    return tag("pre", {"class": "json", "aria-label": label}, pretty(value))


def table(caption: str, head: Sequence[str], rows: Iterable[Sequence[Any]],
          row_class: Sequence[str | None] | None = None) -> Html:
    classes = list(row_class or [])
    body = []
    for i, row in enumerate(rows):
        cls = classes[i] if i < len(classes) else None
        body.append(tag("tr", {"class": cls}, [tag("td", {}, cell) for cell in row]))
    return tag("table", {"class": "data"}, tag("caption", {}, caption),
               tag("thead", {}, tag("tr", {}, [tag("th", {"scope": "col"}, h) for h in head])),
               tag("tbody", {}, body))


def http_status(status: Any) -> Html:
    family = f"s{str(status)[:1]}xx" if isinstance(status, int) else "s0xx"
    return tag("span", {"class": f"http {family}"}, f"HTTP {status}")


def timeline_region(key: str, timeline: Timeline, what: str) -> Html:
    """Where the script draws *timeline*; until then (or without JavaScript) a plain table."""
    if not timeline.tasks:
        fallback: Html = tag("p", {"class": "empty"}, f"No task was created in {what}.")
    else:
        t0 = min(t["created"] for t in timeline.tasks)
        rows = []
        for task in timeline.tasks:
            states = ", ".join(f"{st} at +{at - t0:.3f} s"
                               for st, at in sorted(task["entered"].items(), key=lambda i: i[1]))
            polls = [e for e in task["exchanges"] if e["kind"] == "poll"]
            rows.append((f"{task['provider']} {task['id']}", task["state"], states,
                         ", ".join(f"+{e['time'] - t0:.3f} s (HTTP {e['status']})"
                                   for e in polls) or "none"))
        fallback = table("Tasks (times from the first task's creation)",
                         ("Task", "State", "States entered", "Polls"), rows)
    return tag("div", {"class": "timeline-region", "data-timeline": key}, fallback)


def iso_or_dash(value: Any) -> str:
    return str(value) if value else "—"


def relative(at: str | None, origin: float | None) -> str:
    """``+0.125 s`` from *origin* for an ISO time, or the ISO time when there is no origin."""
    moment = epoch(at)
    if moment is None or origin is None:
        return iso_or_dash(at)
    return f"{at} (+{moment - origin:.3f} s)"


# --------------------------------------------------------------------------- writing


def check_writable(path: str, option: str = "--html") -> None:
    """Fail before the run (exit 2) rather than after it when *path* cannot be written."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise InputError(f"{option} {path}: no such folder {folder}")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option} {path}: cannot write into {folder}")


def write_html(path: str | Path, document: str) -> None:
    try:
        Path(path).write_text(document, encoding="utf-8")
    except OSError as exc:
        raise ToolkitError(f"cannot write {path}: {exc.strerror or exc}") from None


__all__ = ["check_writable", "facts", "http_status", "json_block", "page", "panel", "relative",
           "table", "timeline_region", "write_html"]
