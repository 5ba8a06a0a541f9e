"""``vidukit drift --html``: findings by severity, every exchange, timings, the task's timeline.

The `Report` alone has the findings and timings; the exchanges and the task
lifecycle come from the `Observer` that judged them (the probe's, after its
run). Every body and path is passed through the observer's scrubber before it
is shown, so the key (and any signed URL or personal field) never reaches the
page, like every other drift output.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from vidukit.drift.observer import Exchange, Observer, parse_json
from vidukit.drift.report import KINDS, SEVERITIES, Finding, Report
from vidukit.reports._html import Html, join, tag
from vidukit.reports._page import facts, http_status, json_block, page, panel, table
from vidukit.reports._page import timeline_region as region
from vidukit.reports._timeline import from_probe

_TIMELINE_ID = "drift-timeline"
_SEVERITY_TITLE = {"breaking": "Breaking: a client written to the schemas could fail",
                   "notable": "Notable: something the schemas do not know",
                   "info": "Informational"}


def _sev(severity: str) -> Html:
    return tag("span", {"class": f"sev sev-{severity}"},
               "BREAKING" if severity == "breaking" else severity)


def _findings(report: Report) -> Html:
    findings = report.sorted_findings()
    if not findings:
        return tag("p", {"class": "result-held"}, "✓ No drift: every answer matched the schemas.")
    parts = []
    for severity in SEVERITIES:
        mine = [f for f in findings if f.severity == severity]
        if not mine:
            continue
        parts.append(tag("h3", {"id": f"findings-{severity}"}, _sev(severity), " ",
                         f"{_SEVERITY_TITLE[severity]} ({len(mine)})"))
        parts.append(table(
            f"{len(mine)} {severity} finding(s)",
            ("Message", "Path", "Kind", "Seen", "Detail", "Rule", "Exchanges"),
            [_finding_row(f) for f in mine]))
    return join(*parts)


def _finding_row(finding: Finding) -> tuple[Any, ...]:
    kind = tag("span", {"title": KINDS.get(finding.kind, ("", ""))[1]}, finding.kind)
    return (finding.message, tag("code", {}, finding.path or "—"), kind, finding.count,
            finding.detail, tag("code", {}, finding.rule) if finding.rule else "—",
            ", ".join(f"#{s}" for s in finding.exchanges) or "—")


def _body(raw: bytes, observer: Observer) -> Any:
    if not raw:
        return None
    value = parse_json(raw)
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return observer.scrubber.value(value)
    return observer.scrubber.text(raw[:4000].decode("utf-8", "replace"))


def _exchange(exchange: Exchange, observer: Observer, origin: float) -> Html:
    scrub = observer.scrubber.text
    query = "&".join(f"{k}={v}" for k, v in exchange.query.items())
    path = scrub(exchange.path + (f"?{query}" if query else ""))
    kinds = sorted({f.kind for f in exchange.findings})
    messages = " → ".join(m for m in (exchange.request_message, exchange.response_message) if m)
    cls = "entry " + ("verdict-invalid" if kinds else "verdict-valid")
    summary = tag("summary", {},
                  tag("span", {"class": "seq"}, f"#{exchange.seq} "),
                  tag("span", {"class": "kind"}, exchange.purpose or "request"), " ",
                  tag("code", {}, f"{exchange.method} {path}"), " ", http_status(exchange.status),
                  " ", tag("span", {"class": "muted"}, f"+{exchange.at - origin:.3f} s"),
                  (" ", tag("span", {"class": "badge bad"}, f"findings: {', '.join(kinds)}"))
                  if kinds else None)
    response = (tag("p", {"class": "muted"}, "(answer relayed unread: too large to judge)")
                if exchange.response_skipped
                else json_block(_body(exchange.response_body, observer),
                                f"response #{exchange.seq} body"))
    return tag("li", {"class": cls, "id": f"exchange-{exchange.seq}"},
               tag("details", {"open": bool(kinds)}, summary,
                   tag("p", {"class": "muted"}, f"messages: {messages or '—'}"),
                   tag("div", {"class": "bodies"},
                       tag("div", {}, tag("h5", {}, "Request body"),
                           json_block(_body(exchange.request_body, observer),
                                      f"request #{exchange.seq} body")),
                       tag("div", {}, tag("h5", {}, f"Response (HTTP {exchange.status})"),
                           response))))


def _timings(report: Report) -> Html:
    if not report.timings:
        return tag("p", {"class": "empty"}, "No task was followed from its submit.")
    rows = [(t.phase, "n/a" if t.observed_seconds is None else f"{t.observed_seconds:g} s",
             f"{t.mock_seconds:g} s") for t in report.timings]
    return table("Phases of the probed task (as precise as the polling)",
                 ("Phase", "Observed", "Mock default"), rows)


def drift_html(report: Report, observer: Observer, *, fail_on: str = "breaking",
               clock_offset: float | None = None, generated_at: datetime | None = None) -> str:
    """The report as one self-contained HTML page.

    *clock_offset* turns the observer's clock readings into epoch seconds for
    the timeline's axis (default: measured now, for `time.monotonic`-like clocks).
    """
    offset = time.time() - observer.clock() if clock_offset is None else clock_offset
    counts = report.counts()
    failed = report.fails(fail_on)
    verdict = (tag("span", {"class": "verdict fail"}, "✗ FAIL") if failed
               else tag("span", {"class": "verdict pass"}, "✓ ok"))
    summary = (f"{counts['breaking']} breaking, {counts['notable']} notable, "
               f"{counts['info']} informational (--fail-on {fail_on})")
    head = tag("header", {"class": "report-head"},
               tag("h1", {}, f"vidukit drift: {report.provider} ({report.mode})"),
               tag("p", {}, verdict, " ", summary))
    cost = (f"${report.estimated_cost_usd:.4f}" if report.estimated_cost_usd is not None
            else "unknown (no published price)")
    run = panel("Run", "run", facts([
        ("provider", report.provider), ("mode", report.mode),
        ("against", tag("code", {}, report.source)),
        ("started", report.started_at), ("finished", report.finished_at or "—"),
        ("exchanges", report.exchanges),
        ("messages", ", ".join(report.messages) or "—"),
        ("estimated cost", cost),
    ]))
    timeline = from_probe(observer, offset, label=f"Timeline of the probed {report.provider} task")
    exchanges: Sequence[Exchange] = observer.exchanges
    origin = exchanges[0].at if exchanges else 0.0
    untasked = (tag("p", {"class": "muted"},
                    f"{len(timeline.untasked)} request(s) named no followed task (invalid "
                    "requests, the request without a key, the unknown task); they are listed "
                    "under Exchanges.") if timeline.untasked else None)
    body = join(
        head,
        tag("main", {"id": "main"},
            run,
            panel("Findings", "findings", _findings(report)),
            panel("Timeline", "timeline",
                  tag("p", {"class": "muted"}, "Bars start at the submit and change where an "
                      "answer first showed the next state; ✕ marks a poll whose answer drew a "
                      "finding (hover or read the text table for which)."),
                  region(_TIMELINE_ID, timeline, "this check"), untasked),
            panel("Timings", "timings", _timings(report)),
            panel(f"Exchanges ({len(exchanges)})", "exchanges",
                  tag("ol", {"class": "exchanges"},
                      [_exchange(e, observer, origin) for e in exchanges])),
            panel("Notes", "notes", tag("ul", {}, [tag("li", {}, n) for n in report.notes]))
            if report.notes else None),
        tag("footer", {"class": "report-foot"},
            f"Written by vidukit drift at "
            f"{(generated_at or datetime.now(UTC)).isoformat(timespec='seconds')}. One "
            "self-contained file: it fetches nothing. Keys, signed URL parameters and personal "
            "fields are scrubbed."),
    )
    document = page(f"vidukit drift: {report.provider} — {'FAIL' if failed else 'ok'}",
                    body, {_TIMELINE_ID: timeline})
    for secret in observer.scrubber.secrets:  # the last line of defence: never write a key
        document = document.replace(secret, "REDACTED")
    return document


__all__ = ["drift_html"]
