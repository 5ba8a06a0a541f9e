"""What a verification run found, as text for a terminal and as JUnit XML for CI.

A failing run carries one minimal example (Hypothesis shrank it): the canonical
request, the provider behaviour, the exchange as the mock's journal recorded
it (each request with its validation verdict and the answer), what the adapter
returned, and every check that broke on it with its messages. The text puts
the verdict first and stays short (`vidukit.contract_tests.harness._text`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.checks import AdapterRun
from vidukit.contract_tests.harness._behaviour import Behaviour
from vidukit.contract_tests.harness._text import (
    REQUEST_CHARS,
    VERBOSE_CHARS,
    clip,
    exchange_lines,
    message_lines,
    run_text,
    verdict_line,
)

#: Characters XML 1.0 cannot carry at all (ElementTree writes them as they are).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class CheckFailure:
    """One check that broke on the minimal example, with what it found."""

    check: str
    description: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """One example as the harness ran it: the input, the exchange, the adapter's answer."""

    request: CanonicalRequest
    behaviour: Behaviour
    run: AdapterRun
    exchange: tuple[Mapping[str, Any], ...] = ()
    tasks: tuple[Mapping[str, Any], ...] = ()
    fired: tuple[str, ...] = ()
    failures: tuple[CheckFailure, ...] = ()
    #: Webhook mode: the mock's callback deliveries, each with its attempts.
    webhooks: tuple[Mapping[str, Any], ...] = ()

    def to_text(self, *, verbose: bool = False, provider: str = "") -> str:
        """The example for a terminal: short (see `_text`), or every byte with *verbose*.

        *provider* lets a run of identical polls be called polls.
        """
        limit = VERBOSE_CHARS if verbose else REQUEST_CHARS
        lines = ["canonical request:", f"  {clip(self.request, limit)}",
                 "provider behaviour:", f"  {self.behaviour.describe()}"]
        if self.fired:
            lines.append(f"  scenarios that struck: {', '.join(self.fired)}")
        lines.append(f"exchange ({len(self.exchange)} request(s)):")
        lines += [f"  {line}" for line in exchange_lines(self.exchange, provider,
                                                         verbose=verbose)]
        lines.append("tasks: " + (", ".join(f"{t['id']} {t['state']}" for t in self.tasks)
                                  or "none"))
        if self.webhooks:
            lines.append(f"callbacks ({len(self.webhooks)}):")
            lines += [f"  {line}" for delivery in self.webhooks
                      for line in _delivery_lines(delivery, limit)]
        lines.append("adapter: " + run_text(self.run, verbose=verbose))
        for failure in self.failures:
            lines.append(f"check {failure.check} broke: {failure.description}")
            lines += message_lines(failure.messages, verbose=verbose)
        return "\n".join(lines)


def _delivery_lines(delivery: Mapping[str, Any], limit: int | None) -> list[str]:
    lines = [f"task {delivery['task_id']} -> {delivery['url']} ({delivery['state']})",
             f"   > {clip(delivery.get('body'), limit)}"]
    for attempt in delivery.get("attempts", ()):
        signed = f" signature {attempt['signature']}" if attempt.get("signature") else ""
        answer = attempt.get("status") if attempt.get("status") is not None else attempt.get(
            "error")
        lines.append(f"   < attempt {attempt['attempt']} ({attempt['kind']}){signed}: {answer}")
    return lines


@dataclass(frozen=True)
class Report:
    """The outcome of `verify_client`.

    ``passed`` when every selected check held on every example. Otherwise
    ``example`` is the minimal failing example and ``failures`` the checks
    that broke on it. ``shrunk`` is False when shrinking stopped at its time
    limit (the example is then the smallest found, not necessarily minimal).
    """

    provider: str
    adapter: str
    checks: tuple[str, ...]
    seed: int
    runs: int
    elapsed: float
    example: Example | None = None
    shrunk: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: What checks saw and reported without failing (one line per check: how many examples,
    #: the first message); ``--strict-charges`` turns the charge risks into failures.
    risks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return self.example is None

    @property
    def failures(self) -> tuple[CheckFailure, ...]:
        return self.example.failures if self.example is not None else ()

    @property
    def failed_checks(self) -> tuple[str, ...]:
        return tuple(f.check for f in self.failures)

    def to_text(self, *, verbose: bool = False) -> str:
        """The verdict first (one line per broken check), then the minimal example.

        Short by default (about 40 lines whatever the client did); *verbose*
        prints every exchange with its bodies whole.
        """
        head = (f"vidukit verify: {self.provider} with {self.adapter}: "
                f"{len(self.checks)} check(s), {self.runs} run(s), seed {self.seed}, "
                f"{self.elapsed:.1f} s")
        risks = ([f"risks (reported, not failed): {len(self.risks)}"]
                 + [f"  risk {line}" for line in self.risks]) if self.risks else []
        if self.example is None:
            return "\n".join([head, f"all checks held: {', '.join(self.checks)}", *risks])
        state = "minimal" if self.shrunk else "smallest found (shrinking hit its time limit)"
        lines = [head, f"FAILED: {len(self.failures)} of {len(self.checks)} check(s) broke"]
        lines += [verdict_line(f.check, f.messages) for f in self.failures]
        lines += [f"{state} failing example:",
                  self.example.to_text(verbose=verbose, provider=self.provider)]
        hint = "" if verbose else " (--verbose: every request with its full bodies)"
        lines.append(f"reproduce: --seed {self.seed}{hint}")
        lines += self.notes
        lines += risks
        return "\n".join(lines)

    def to_junit_xml(self) -> str:
        """One ``<testcase>`` per selected check; a broken one holds the minimal example."""
        broken = {f.check: f for f in self.failures}
        suite = ET.Element("testsuite", {
            "name": f"vidukit verify {self.provider}",
            "tests": str(len(self.checks)),
            "failures": str(len(broken)),
            "errors": "0",
            "skipped": "0",
            "time": f"{self.elapsed:.3f}",
        })
        props = ET.SubElement(suite, "properties")
        for name, value in (("provider", self.provider), ("adapter", self.adapter),
                            ("seed", str(self.seed)), ("runs", str(self.runs)),
                            *(("risk", line) for line in self.risks)):
            ET.SubElement(props, "property", {"name": name, "value": _xml_safe(value)})
        for name in self.checks:
            case = ET.SubElement(suite, "testcase", {
                "classname": f"vidukit.verify.{self.provider}", "name": name, "time": "0"})
            failure = broken.get(name)
            if failure is not None and self.example is not None:
                first = failure.messages[0].splitlines()[0][:300] if failure.messages else ""
                node = ET.SubElement(case, "failure", {
                    "message": _xml_safe(f"{name}: {first}"), "type": name})
                node.text = _xml_safe(self.example.to_text(provider=self.provider))
        suites = ET.Element("testsuites")
        suites.append(suite)
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"

    def write_junit_xml(self, path: str | Path) -> None:
        Path(path).write_text(self.to_junit_xml(), encoding="utf-8")


__all__ = ["CheckFailure", "Example", "Report"]
