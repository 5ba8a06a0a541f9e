"""``vidukit verify --html``: the run, every check, and the minimal failing example as a page.

Reads a `vidukit.contract_tests.harness.Report` through the attributes it documents
(typed here as protocols: the core layer does not import the contract layer).
Check descriptions come from the caller (the CLI reads the check registry), so
a passing check is described too, not only the ones that broke.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from vidukit.reports._html import Html, join, tag
from vidukit.reports._page import (
    facts,
    http_status,
    json_block,
    page,
    panel,
    relative,
    table,
    timeline_region,
)
from vidukit.reports._timeline import epoch, from_journal

_TIMELINE_ID = "verify-timeline"


class _Failure(Protocol):
    @property
    def check(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def messages(self) -> Sequence[str]: ...


class _Example(Protocol):
    @property
    def request(self) -> Mapping[str, Any]: ...
    @property
    def behaviour(self) -> Any: ...
    @property
    def run(self) -> Any: ...
    @property
    def exchange(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def tasks(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def fired(self) -> Sequence[str]: ...
    @property
    def failures(self) -> Sequence[_Failure]: ...


class VerifyReport(Protocol):
    """What the renderer reads of `vidukit.contract_tests.harness.Report`."""

    @property
    def provider(self) -> str: ...
    @property
    def adapter(self) -> str: ...
    @property
    def checks(self) -> Sequence[str]: ...
    @property
    def seed(self) -> int: ...
    @property
    def runs(self) -> int: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def example(self) -> _Example | None: ...
    @property
    def shrunk(self) -> bool: ...
    @property
    def notes(self) -> Sequence[str]: ...
    @property
    def risks(self) -> Sequence[str]: ...


def _checks(report: VerifyReport, descriptions: Mapping[str, str]) -> Html:
    broken = {f.check: f for f in (report.example.failures if report.example else ())}
    rows, classes = [], []
    for name in report.checks:
        failure = broken.get(name)
        if failure is not None:
            result = tag("span", {"class": "result-broke"}, "✗ broke")
        elif report.example is None:
            result = tag("span", {"class": "result-held"}, "✓ held on every example")
        else:
            result = tag("span", {"class": "result-held"}, "✓ held on the minimal example")
        description = descriptions.get(name) or (failure.description if failure else "")
        rows.append((tag("code", {}, name), result, description))
        classes.append("broke" if failure else None)
    return table(f"{len(report.checks)} check(s) run, {len(broken)} broke",
                 ("Check", "Result", "What it demands"), rows, classes)


def _failures(example: _Example) -> Html:
    parts = []
    for failure in example.failures:
        parts.append(tag("h4", {"id": f"broke-{failure.check}"},
                         tag("code", {}, failure.check), f" broke: {failure.description}"))
        parts.append(tag("ul", {"class": "messages"},
                         [tag("li", {}, message) for message in failure.messages]))
    return join(*parts)


def _behaviour(example: _Example) -> Html:
    behaviour = example.behaviour
    described = behaviour.describe() if hasattr(behaviour, "describe") else str(behaviour)
    rows: list[tuple[str, Any]] = [("behaviour", described)]
    if example.fired:
        rows.append(("scenarios that struck", ", ".join(example.fired)))
    return facts(rows)


def _adapter_run(run: Any) -> Html:
    if getattr(run, "hung", False):
        return tag("p", {"class": "result-broke"},
                   f"no answer within the {run.budget:g} s budget")
    if getattr(run, "stopped", ""):
        return tag("p", {"class": "result-broke"}, f"{run.stopped} (after {run.elapsed:.2f} s)")
    if getattr(run, "error", None) is not None:
        return join(tag("p", {}, f"raised after {run.elapsed:.2f} s:"),
                    tag("pre", {"class": "json", "aria-label": "the exception"}, run.error))
    return join(tag("p", {}, f"returned in {getattr(run, 'elapsed', 0.0):.2f} s:"),
                json_block(getattr(run, "result", None), "what the adapter returned"))


def _verdict(entry: Mapping[str, Any]) -> Html | None:
    verdict = entry.get("validation")
    if verdict is None:
        return None
    if verdict.get("valid"):
        return tag("span", {"class": "badge verdict-valid"}, "✓ valid")
    return tag("span", {"class": "badge verdict-invalid"}, "✗ invalid")


def _violations(entry: Mapping[str, Any]) -> Html | None:
    verdict = entry.get("validation") or {}
    found = verdict.get("violations") or []
    if not found:
        return None
    return tag("ul", {"class": "violations"}, [
        tag("li", {}, tag("span", {"class": f"badge sev-{v.get('severity', 'error')}"},
                          v.get("severity", "error")),
            tag("code", {}, v.get("path") or "(root)"), " ", tag("code", {}, v.get("rule", "")),
            ": ", v.get("message", ""))
        for v in found])


def _entry(entry: Mapping[str, Any], origin: float | None) -> Html:
    request, response = entry.get("request") or {}, entry.get("response") or {}
    query = f"?{request['query']}" if request.get("query") else ""
    seq = entry.get("seq")
    fault = entry.get("fault")
    verdict = entry.get("validation")
    cls = "entry" + ("" if verdict is None else
                     (" verdict-valid" if verdict.get("valid") else " verdict-invalid"))
    return tag("li", {"class": cls, "id": f"exchange-{seq}"},
               tag("header", {},
                   tag("h4", {}, tag("span", {"class": "seq"}, f"#{seq} "),
                       tag("span", {"class": "kind"}, request.get("method", "")), " ",
                       tag("code", {}, f"{request.get('path', '')}{query}")),
                   _verdict(entry), http_status(response.get("status")),
                   tag("span", {"class": "badge fault"}, f"fault: {fault}") if fault else None,
                   tag("span", {"class": "muted"}, relative(entry.get("at"), origin))),
               _violations(entry),
               tag("div", {"class": "bodies"},
                   tag("div", {}, tag("h5", {}, "Request body"),
                       json_block(request.get("body"), f"request #{seq} body")),
                   tag("div", {}, tag("h5", {}, f"Response body (HTTP {response.get('status')})"
                                       + (" — the client did not get this answer whole"
                                          if fault else "")),
                       json_block(response.get("body"), f"response #{seq} body"))))


def _callbacks(webhooks: Sequence[Mapping[str, Any]]) -> Html:
    items = []
    for delivery in webhooks:
        attempts = [(a.get("attempt"), a.get("kind"), a.get("at"),
                     a.get("status") if a.get("status") is not None else a.get("error"),
                     "delivered" if a.get("ok") else "failed")
                    for a in delivery.get("attempts") or ()]
        items.append(tag("li", {"class": "delivery"},
                         tag("p", {}, f"task {delivery.get('task_id')} → ",
                             tag("code", {}, delivery.get("url", "")),
                             f" ({delivery.get('state')})"),
                         json_block(delivery.get("body"), "callback body"),
                         table("Attempts", ("#", "kind", "at", "answer", "result"), attempts)))
    return tag("ol", {"class": "exchanges"}, items)


def _example(report: VerifyReport, example: _Example) -> tuple[Html, Any]:
    webhooks = getattr(example, "webhooks", ()) or ()
    timeline = from_journal(example.tasks, example.exchange, webhooks,
                            label="Timeline of the failing example")
    times = [t for t in (epoch(e.get("at")) for e in example.exchange) if t is not None]
    origin = min(times) if times else None
    untasked = (tag("p", {"class": "muted"},
                    f"Request(s) {', '.join(f'#{s}' for s in timeline.untasked)} named no task "
                    "(refused before a task existed, or an unknown id); they are in the exchange "
                    "below, not on the timeline.") if timeline.untasked else None)
    heading = ("Minimal failing example" if report.shrunk
               else "Smallest failing example found (shrinking hit its time limit)")
    body = panel(
        heading, "example",
        tag("h3", {}, "Checks that broke"), _failures(example),
        tag("h3", {}, "Canonical request"), json_block(example.request, "canonical request"),
        tag("h3", {}, "Provider behaviour"), _behaviour(example),
        tag("h3", {}, "What the adapter did"), _adapter_run(example.run),
        tag("h3", {"id": "timeline-h"}, "Timeline"),
        timeline_region(_TIMELINE_ID, timeline, "this example"), untasked,
        tag("h3", {}, f"Exchange ({len(example.exchange)} request(s), as the mock's journal "
                      "recorded them)"),
        tag("ol", {"class": "exchanges"}, [_entry(e, origin) for e in example.exchange])
        if example.exchange else tag("p", {"class": "empty"}, "The adapter sent no request."),
        (tag("h3", {}, f"Callbacks ({len(webhooks)})"), _callbacks(webhooks)) if webhooks
        else None,
    )
    return body, timeline


def verify_html(report: VerifyReport, descriptions: Mapping[str, str] | None = None, *,
                generated_at: datetime | None = None) -> str:
    """The report as one self-contained HTML page."""
    descriptions = descriptions or {}
    example = report.example
    broke = [f.check for f in example.failures] if example else []
    verdict = (tag("span", {"class": "verdict fail"}, "✗ FAILED") if example
               else tag("span", {"class": "verdict pass"}, "✓ PASSED"))
    summary = (f"{len(broke)} check(s) broke: {', '.join(broke)}" if example
               else "every check held on every example")
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    head = tag("header", {"class": "report-head"},
               tag("h1", {}, f"vidukit verify: {report.provider}"),
               tag("p", {}, verdict, " ", summary))
    run = panel("Run", "run", facts([
        ("provider", report.provider),
        ("adapter", tag("code", {}, report.adapter)),
        ("seed", report.seed),
        ("examples run", report.runs),
        ("time", f"{report.elapsed:.1f} s"),
        ("reproduce", tag("code", {}, f"vidukit verify --provider {report.provider} "
                                      f"--adapter {report.adapter} --seed {report.seed}")),
    ]))
    checks = panel("Checks", "checks", _checks(report, descriptions))
    timelines = {}
    failing: Html | None = None
    if example is not None:
        failing, timeline = _example(report, example)
        timelines[_TIMELINE_ID] = timeline
    notes = (panel("Notes", "notes", tag("ul", {}, [tag("li", {}, n) for n in report.notes]))
             if report.notes else None)
    risks = (panel("Risks (reported, not failed)", "risks",
                   tag("ul", {}, [tag("li", {}, r) for r in report.risks]))
             if report.risks else None)
    foot = tag("footer", {"class": "report-foot"},
               f"Written by vidukit verify at {when}. One self-contained file: it fetches "
               "nothing. API keys are never recorded (the mock's journal redacts them).")
    body = join(head, tag("main", {"id": "main"}, run, checks, failing, notes, risks), foot)
    return page(f"vidukit verify: {report.provider} — {'FAILED' if example else 'passed'}",
                body, timelines)


__all__ = ["VerifyReport", "verify_html"]
