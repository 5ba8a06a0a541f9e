"""``vidukit drift``: a budgeted live probe of one provider, reported as drift from the schemas.

The command composes the layers (the CLI may import every one, lazily): the
cheapest documented request comes from the capability matrix
(`vidukit.contract_tests.canonical`: lowest resolution, shortest duration, one
image), its price from `vidukit.mock_server.media.pricing`, the invalid requests from
``fixtures/<provider>/submit-request/invalid/`` (only rules that leave nothing
to generate from: a missing prompt or images, an empty image list, so a
lenient provider cannot start a paid task), and the timings it compares with
from the mock's default progression. The probe itself is `vidukit.drift.probe`.

Output: the estimate and progress on stderr, the report on stdout (or
``--output``). Exit 0 when no finding reaches ``--fail-on``, 1 when one does,
2 for usage errors (no key, over budget, provider unreachable), one line each.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidukit.catalogue import PROVIDERS
from vidukit.cli import _options as opt
from vidukit.errors import ToolkitError

if TYPE_CHECKING:
    from vidukit.drift.lifecycle import MockTimings
    from vidukit.drift.probe import Plan

DEFAULT_MAX_COST = 0.05
#: A reference image from Runware's own documentation (seed 003), public and small.
#: UNCONFIRMED: that every provider can fetch it; pass --image to use your own.
DEFAULT_IMAGE = "https://assets.runware.ai/assets/inputs/e5281829-f3cb-4a87-813a-036f6f2ed025.jpg"
PROMPT = "a red ball rolls slowly across a wooden table"
#: Invalid requests worth sending: nothing to generate from, so never a paid task.
_SAFE_INVALID = (("prompt", "required"), ("positivePrompt", "required"),
                 ("images", "minItems"), ("subjects", "minItems"),
                 ("referenceImages", "minItems"), ("images", "required"))
MAX_INVALID = 3


def _money(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of USD, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("expected a non-negative amount")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("expected a positive number of seconds")
    return value


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options both ``drift`` and ``proxy`` take for their report."""
    from vidukit.drift.render import FORMATS
    from vidukit.drift.report import FAIL_ON_CHOICES

    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="report format: terminal table (default), json or junit")
    parser.add_argument("--output", metavar="FILE", type=opt.output_path,
                        help="write the report here (default stdout)")
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default="breaking",
                        help="exit 1 when a finding at or above this severity exists (breaking)")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "drift",
        help="probe a live provider cheaply and report where it drifted from the schemas",
        description="Submit the cheapest documented request, poll it to the end, fetch the "
                    "output, send a few documented-invalid requests, and report every "
                    "difference from the schemas. The key comes from the provider's "
                    "environment variable (its spec's key_env, e.g. <PROVIDER>_API_KEY); "
                    "it is never printed.",
    )
    parser.add_argument("--provider", required=True, choices=PROVIDERS)
    parser.add_argument("--base-url", type=opt.http_url,
                        help="the provider's base URL (default: its real origin)")
    parser.add_argument("--max-cost", type=_money, default=DEFAULT_MAX_COST, metavar="USD",
                        help=f"refuse to run above this estimate (default {DEFAULT_MAX_COST})")
    parser.add_argument("--allow-unpriced", action="store_true",
                        help="run even when the provider publishes no price")
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would be sent (key redacted) and stop")
    parser.add_argument("--record", metavar="DIR", type=opt.output_path,
                        help="save scrubbed exchanges under DIR/<provider>/recorded/ "
                             "(DIR is a fixtures root) and each task's timeline under "
                             "DIR/<provider>/tasks/ (docs/guide/replay.md)")
    parser.add_argument("--propose-patch", metavar="DIR", type=opt.output_path,
                        help="write one JSON Patch per schema file that would accept what "
                             "was observed (for review; never applied)")
    parser.add_argument("--image", default=DEFAULT_IMAGE, help="reference image URL to send")
    parser.add_argument("--poll-interval", type=_seconds, default=5.0, metavar="S",
                        help="first wait between polls, growing 1.5x up to 30 s (5)")
    parser.add_argument("--timeout", type=_seconds, default=900.0, metavar="S",
                        help="give up polling after this long (900)")
    parser.add_argument("--expected-duration", type=_seconds, default=300.0, metavar="S",
                        help="how long a task is expected to take: a status vidukit does not "
                             "know, still repeating after this long, ends the polls (300)")
    parser.add_argument("--webhook-url", metavar="PUBLIC_URL", type=opt.http_url,
                        help="also register this callback URL on the probe task and report a "
                             "callback that never came, came late, unsigned, badly signed or "
                             "off-schema (PUBLIC_URL must reach --webhook-port, e.g. a tunnel)")
    parser.add_argument("--webhook-port", type=opt.port, default=8787, metavar="PORT",
                        help="the local port (127.0.0.1) the callback receiver listens on, "
                             "where PUBLIC_URL is forwarded (8787)")
    parser.add_argument("--webhook-wait", type=_seconds, default=120.0, metavar="S",
                        help="how long after the task's end to wait for the callback (120)")
    parser.add_argument("--webhook-late", type=_seconds, default=30.0, metavar="S",
                        help="a callback later than this after the task's end is late (30)")
    parser.add_argument("--webhook-secret-env", metavar="VAR",
                        help="environment variable holding the secret that verifies callbacks "
                             "(default: fetched with the key where the provider serves it)")
    add_report_options(parser)
    parser.add_argument("--html", metavar="FILE", type=opt.output_path,
                        help="also write a self-contained HTML report (findings, exchanges, "
                             "timings and the probed task's timeline)")
    parser.set_defaults(func=run)


# --------------------------------------------------------------------------- the plan


def build_plan(provider: str, image: str) -> Plan:
    """The cheapest documented request, its price, and the safe invalid requests."""
    from vidukit.canonical import CanonicalRequest, capability, to_wire
    from vidukit.drift.probe import Plan
    from vidukit.providers import spec
    from vidukit.validation import is_valid

    cap = capability(provider)
    resolution = cap.resolutions[0]
    ratios = [a for a in cap.aspect_ratios if (resolution, a) in cap.sizes]
    aspect = "16:9" if "16:9" in ratios else ratios[0]
    duration = cap.durations[0]
    request = CanonicalRequest(prompt=PROMPT, images=[image], duration=duration,
                               resolution=resolution,  # type: ignore[typeddict-item]
                               aspect_ratio=aspect,  # type: ignore[typeddict-item]
                               movement_amplitude="auto", seed=None)
    # A body for a live call: fresh where the provider demands it (a new task id per task).
    body: Any = spec(provider).translation.for_live(to_wire(provider, request))
    if not is_valid(provider, "submit-request", body):
        raise ToolkitError(f"the cheapest {provider} request is not valid: check --image")
    rates = spec(provider).policies.usd_per_second or {}
    rate = rates.get(resolution)
    cost = None if rate is None else rate * duration
    return Plan(
        provider=provider,
        submit_body=body,
        invalid=_invalid_requests(provider),
        estimated_cost_usd=None if cost is None else float(cost),
        summary=f"{resolution}, {aspect}, {duration} s, 1 image",
    )


def _invalid_requests(provider: str) -> tuple[tuple[str, Any], ...]:
    from vidukit.catalogue import data_root

    folder = data_root("fixtures") / provider / "submit-request" / "invalid"
    chosen: list[tuple[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        rule = path.name.removesuffix(".json")
        tail = tuple(rule.split(".")[-2:])
        if "--" not in rule and tail in _SAFE_INVALID:
            chosen.append((rule, json.loads(path.read_text(encoding="utf-8"))))
    return tuple(chosen[:MAX_INVALID])


def mock_timings() -> MockTimings:
    """The mock's default progression and jitter: what a team's tests assume by default."""
    from vidukit.drift.lifecycle import MockTimings
    from vidukit.mock_server.config import DEFAULT_PROGRESSION, MockConfig
    from vidukit.mock_server.tasks import Progression

    progression = Progression.parse(DEFAULT_PROGRESSION)
    return MockTimings(progression.queue_seconds, progression.processing_seconds,
                       MockConfig().jitter)


# --------------------------------------------------------------------------- running


def _say(line: str) -> None:
    print(f"vidukit drift: {line}", file=sys.stderr, flush=True)


def _estimate(plan: Plan, args: argparse.Namespace) -> None:
    """Print the estimate first; raise when it is over budget or unknown without consent."""
    cost = plan.estimated_cost_usd
    if cost is None:
        _say(f"estimated cost: unknown ({args.provider} publishes no price; "
             f"{plan.summary})")
        if not args.allow_unpriced and not args.dry_run:
            raise ToolkitError(f"refusing: {args.provider} publishes no price; pass "
                               "--allow-unpriced to run anyway")
        return
    _say(f"estimated cost: ${cost:.4f} ({plan.summary}); limit ${args.max_cost:g}")
    if cost > args.max_cost:
        raise ToolkitError(f"refusing: the estimate ${cost:.4f} is above --max-cost "
                           f"${args.max_cost:g}")


def _dry_run(plan: Plan, base_url: str, webhook_url: str | None = None) -> str:
    from vidukit.drift.callbacks import place
    from vidukit.drift.wire import wire
    from vidukit.providers import spec

    facts = wire(plan.provider)
    # The scheme the provider reads (Bearer, Token, Key): what the probe will send.
    authorization = spec(plan.provider).surface.authorization("<redacted>")
    calls = [(f"invalid:{rule}", facts.submit(body), True) for rule, body in plan.invalid]
    calls.append(("no-key", facts.submit(plan.submit_body), False))
    submit = facts.submit(plan.submit_body)
    if webhook_url:
        body, extra = place(plan.provider, plan.submit_body, webhook_url)
        submit = facts.submit(body)
        submit = replace(submit, params={**(submit.params or {}), **extra} or None)
    calls.append(("submit" + (" (with the callback URL)" if webhook_url else ""), submit, True))
    calls.append(("poll (until finished, then once more)", facts.poll("<task id>"), True))
    if facts.result is not None:  # the status names no output: the result is fetched apart
        calls.append(("result (once finished)", facts.result("<task id>"), True))
    calls.append(("unknown-task", facts.poll("<random uuid>"), True))
    lines = []
    for purpose, call, auth in calls:
        query = "?" + "&".join(f"{k}={v}" for k, v in call.params.items()) if call.params else ""
        lines.append(f"# {purpose}")
        lines.append(f"{call.method} {base_url.rstrip('/')}{call.path}{query}")
        lines.append(f"Authorization: {authorization}" if auth else "(no Authorization header)")
        if call.json is not None:
            lines.append(json.dumps(call.json, ensure_ascii=False))
        lines.append("")
    lines.append("# then: GET <output URL> (no Authorization header)")
    return "\n".join(lines) + "\n"


def write_report(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolkitError(f"cannot write {output}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    from vidukit.providers import spec

    provider = args.provider
    base_url = args.base_url or spec(provider).origin
    variable = spec(provider).key_env
    key = os.environ.get(variable, "")
    if not key and not args.dry_run:
        raise ToolkitError(f"set {variable} to the {provider} API key (it is never printed)")
    if args.html and not args.dry_run:  # before anything is spent
        from vidukit.reports import check_writable

        check_writable(args.html)
    plan = build_plan(provider, args.image)
    if args.webhook_url and spec(provider).webhook is None:
        raise ToolkitError(f"{provider} takes no callback URL: --webhook-url does not apply")
    _estimate(plan, args)
    if args.dry_run:
        sys.stdout.write(_dry_run(plan, base_url, args.webhook_url))
        return 0
    return _probe(args, plan, base_url, key)


def _probe(args: argparse.Namespace, plan: Plan, base_url: str, key: str) -> int:
    from vidukit.drift.observer import Observer
    from vidukit.drift.probe import Polling, Probe
    from vidukit.drift.render import render

    callbacks = _callback_settings(args)
    secrets = (key,) if callbacks is None or callbacks.secret is None else (key, callbacks.secret)
    observer = Observer(args.provider, secrets=secrets, mock_timings=mock_timings())
    polling = replace(Polling(), interval=args.poll_interval,
                      max_interval=max(args.poll_interval, 30.0), timeout=args.timeout,
                      expected=args.expected_duration)
    probe = Probe(plan, base_url, key, observer, polling=polling, progress=_say,
                  callbacks=callbacks)
    probe.run()
    report = observer.report(mode="probe", source=base_url, cost=plan.estimated_cost_usd)
    report.notes.extend(probe.notes)
    write_report(render(report, args.format, args.fail_on), args.output)
    if args.html:
        from vidukit.reports import drift_html, write_html

        write_html(args.html, drift_html(report, observer, fail_on=args.fail_on))
    if args.record:
        # The public callback URL is a door into the user's machine: scrubbed like the key.
        hidden = secrets if callbacks is None else (*secrets, callbacks.url)
        save_recording(observer, Path(args.record), base_url, hidden,
                       callbacks=probe.callback_entries)
    if args.propose_patch:
        save_patches(observer, Path(args.propose_patch))
    return 1 if report.fails(args.fail_on) else 0


def _callback_settings(args: argparse.Namespace) -> Any:
    """``--webhook-*`` as `CallbackSettings`; None without ``--webhook-url``."""
    from vidukit.drift.callbacks import CallbackSettings

    if not args.webhook_url:
        return None
    secret = None
    if args.webhook_secret_env:
        secret = os.environ.get(args.webhook_secret_env, "")
        if not secret:
            raise ToolkitError(f"--webhook-secret-env: {args.webhook_secret_env} is not set")
    return CallbackSettings(url=args.webhook_url, port=args.webhook_port, wait=args.webhook_wait,
                            late=args.webhook_late, secret=secret)


def save_recording(observer: Any, root: Path, source: str, secrets: tuple[str, ...],
                   say: Callable[[str], None] = _say, *, kind: str = "drift",
                   callbacks: Mapping[str, Any] | None = None) -> None:
    """The exchanges as fixtures, and each task they followed as a task recording (with the
    callbacks the probe received for it, ``--webhook-url``)."""
    from vidukit.drift.record import record
    from vidukit.recordings.document import TASKS_DIR, write_recording
    from vidukit.recordings.exchanges import recordings_from

    written = record(observer.exchanges, root, provider=observer.provider, source=source,
                     secrets=secrets)
    say(f"recorded {len(written)} exchange(s) under {root / observer.provider / 'recorded'}")
    for secret in secrets:
        observer.scrubber.add_secret(secret)
    documents = recordings_from(observer.exchanges, observer.provider, source=kind,
                                tool=f"vidukit {kind} --record", scrubber=observer.scrubber,
                                when=datetime.now(UTC), callbacks=callbacks)
    for document in documents:
        write_recording(document, root)
    say(f"recorded {len(documents)} task timeline(s) under "
        f"{root / observer.provider / TASKS_DIR}")


def save_patches(observer: Any, directory: Path, say: Callable[[str], None] = _say) -> None:
    from vidukit.drift.patch import propose

    date = datetime.now(UTC).date().isoformat()
    proposal = propose(observer.differences(), date=date, scrubber=observer.scrubber)
    for path in proposal.write(directory):
        say(f"proposed patch: {path}")
    for note in proposal.skipped:
        say(f"no mechanical patch (review by hand): {note}")
    if not proposal.patches and not proposal.skipped:
        say("no schema change needed")
