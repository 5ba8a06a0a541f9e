"""A `Report` as a terminal table, JSON, or JUnit XML for CI.

JUnit maps the report onto what CI systems show: one test suite per check,
one test case per message observed (plus ``lifecycle`` and ``timings``); a
finding at or above the ``--fail-on`` level is a ``<failure>`` of its
message's case, and lower findings are listed in the case's ``<system-out>``,
so a run that passes still shows what was noticed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from vidukit.drift.report import Finding, Report, at_or_above

FORMATS: tuple[str, ...] = ("table", "json", "junit")
_LABEL = {"breaking": "BREAKING", "notable": "notable", "info": "info"}


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def heading(report: Report) -> str:
    """The report's first line, named after the command that produced it."""
    if report.mode == "proxy":
        return f"vidukit proxy: {report.provider} traffic relayed to {report.source}"
    return f"vidukit drift: {report.provider} ({report.mode}) against {report.source}"


def render_table(report: Report, fail_on: str = "breaking") -> str:
    counts = report.counts()
    lines = [
        heading(report),
        f"{report.exchanges} exchange(s), messages: {', '.join(report.messages) or '-'}",
    ]
    if report.estimated_cost_usd is not None:
        lines.append(f"estimated cost: ${report.estimated_cost_usd:.4f}")
    findings = report.sorted_findings()
    if findings:
        rows = [("severity", "message", "path", "kind", "seen", "detail")]
        rows += [(_LABEL[f.severity], f.message, f.path or "-", f.kind, str(f.count), f.detail)
                 for f in findings]
        widths = [min(34, max(len(r[i]) for r in rows)) for i in range(5)]
        for row in rows:
            cells = [_cell(c, w).ljust(w) for c, w in zip(row[:5], widths, strict=True)]
            lines.append("  ".join([*cells, row[5]]).rstrip())
    else:
        lines.append("no drift: every answer matched the schemas")
    for timing in report.timings:
        observed = "n/a" if timing.observed_seconds is None else f"{timing.observed_seconds:g} s"
        lines.append(f"timing: {timing.phase} {observed} (mock default {timing.mock_seconds:g} s)")
    verdict = "FAIL" if report.fails(fail_on) else "ok"
    lines.append(
        f"{verdict}: {counts['breaking']} breaking, {counts['notable']} notable, "
        f"{counts['info']} informational (--fail-on {fail_on})")
    return "\n".join(lines) + "\n"


def render_json(report: Report, fail_on: str = "breaking") -> str:
    data = report.to_dict()
    data["fail_on"] = fail_on
    data["failed"] = report.fails(fail_on)
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _case_of(finding: Finding) -> str:
    if finding.kind == "lifecycle-order":
        return "lifecycle"
    if finding.kind == "timing":
        return "timings"
    return finding.message


def render_junit(report: Report, fail_on: str = "breaking") -> str:
    by_case: dict[str, list[Finding]] = {m: [] for m in report.messages}
    by_case.setdefault("lifecycle", [])
    for finding in report.sorted_findings():
        by_case.setdefault(_case_of(finding), []).append(finding)
    failing = sum(
        1 for found in by_case.values() if any(at_or_above(f.severity, fail_on) for f in found))
    suite = ET.Element("testsuite", {
        "name": f"vidukit-drift.{report.provider}",
        "tests": str(len(by_case)),
        "failures": str(failing),
        "errors": "0",
        "timestamp": report.started_at,
    })
    props = ET.SubElement(suite, "properties")
    for name, value in (("source", report.source), ("mode", report.mode),
                        ("fail_on", fail_on), ("exchanges", str(report.exchanges))):
        ET.SubElement(props, "property", {"name": name, "value": value})
    for case_name, found in by_case.items():
        case = ET.SubElement(suite, "testcase", {
            "classname": f"drift.{report.provider}", "name": case_name})
        failures = [f for f in found if at_or_above(f.severity, fail_on)]
        if failures:
            failure = ET.SubElement(case, "failure", {
                "message": f"{len(failures)} finding(s) at or above {fail_on}",
                "type": failures[0].kind})
            failure.text = "\n".join(_line(f) for f in failures)
        rest = [f for f in found if f not in failures]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in rest)
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _line(finding: Finding) -> str:
    where = finding.path or "(message)"
    return (f"[{finding.severity}] {finding.kind} at {where}: {finding.detail} "
            f"(seen {finding.count}x; rule {finding.rule or '-'})")


RENDERERS: dict[str, Callable[[Report, str], str]] = {
    "table": render_table,
    "json": render_json,
    "junit": render_junit,
}


def render(report: Report, fmt: str, fail_on: str = "breaking") -> str:
    return RENDERERS[fmt](report, fail_on)


__all__ = ["FORMATS", "RENDERERS", "heading", "render", "render_json", "render_junit",
           "render_table"]
