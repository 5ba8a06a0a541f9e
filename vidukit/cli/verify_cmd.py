"""``vidukit verify``: property-based verification of a team's client against the mock.

Starts the mock on a real socket in this process (real clock: clients sleep
in real time), lets Hypothesis draw canonical requests and provider
behaviours, calls the adapter for each and runs the named checks. Exit 0 when
every check held, 1 when one broke (the verdict, one line per broken check, then
the minimal failing example, short unless ``--verbose``),
2 for usage errors (unknown provider or check, unimportable adapter), as one
line from the dispatcher.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from vidukit.catalogue import PROVIDERS
from vidukit.cli import _options as opt
from vidukit.errors import InputError


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value

    return parse


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify a client (through its adapter) against every provider behaviour",
        description="Explore canonical requests and provider behaviours against ADAPTER on "
                    "the mock of PROVIDER. Exit 0 every check held, 1 a check broke, "
                    "2 usage error.",
    )
    parser.add_argument("--provider", required=True, type=opt.provider(),
                        help=", ".join(PROVIDERS))
    parser.add_argument("--adapter", required=True, metavar="MODULE:FUNCTION",
                        help="the adapter(request, endpoint) to verify, e.g. "
                             "myapp.video:adapter (the current directory is "
                             "importable)")
    parser.add_argument("--examples", type=_positive(int), default=None,
                        help="examples to run (default 25)")
    parser.add_argument("--seed", type=opt.integer, default=None,
                        help="seed of the search, to repeat a run (default: drawn and printed)")
    parser.add_argument("--checks", type=_names, default=None, metavar="A,B",
                        help="run only these checks (default: every default check)")
    parser.add_argument("--skip", type=_names, default=[], metavar="C,D",
                        help="skip these checks")
    parser.add_argument("--strict-retries", action="store_true",
                        help="also demand success when documented retryable faults (429, 5xx) "
                             "strike a few times")
    parser.add_argument("--strict-charges", action="store_true",
                        help="fail no-double-charge on a blind resubmit after a lost submit "
                             "answer even where the provider documents no way to find out "
                             "what the submit did (default: reported as a risk)")
    parser.add_argument("--mode", choices=("poll", "webhook"), default="poll",
                        help="webhook: the client registers a callback on the harness's "
                             "loopback receiver (adds the webhook-outcome and webhook-fallback "
                             "checks)")
    parser.add_argument("--poll-rate-limit", type=_positive(float), default=None, metavar="R",
                        help="highest sustained polls per second (default 10)")
    parser.add_argument("--budget", type=_positive(float), default=None, metavar="SECONDS",
                        help="time one adapter call may take before it counts as a hang "
                             "(default 30)")
    parser.add_argument("--poll-timeout", type=_positive(float), default=None,
                        metavar="SECONDS",
                        help="the deadline the client is given for one task "
                             "(endpoint poll_timeout; default: a third of the budget, 2 s "
                             "for a task that never finishes)")
    parser.add_argument("--verbose", action="store_true",
                        help="print every request of the failing example with its bodies "
                             "whole (default: the verdict and a short example)")
    parser.add_argument("--junit-xml", default=None, metavar="FILE", type=opt.output_path,
                        help="also write the result as JUnit XML, one test case per check")
    parser.add_argument("--html", default=None, metavar="FILE", type=opt.output_path,
                        help="also write a self-contained HTML report (checks, the minimal "
                             "failing example and its timeline)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidukit.contract_tests.harness import (
        DEFAULT_BUDGET,
        DEFAULT_EXAMPLES,
        DEFAULT_POLL_RATE,
        load_adapter,
        select_checks,
        verify_client,
    )
    from vidukit.errors import UnknownProvider

    if args.provider not in PROVIDERS:
        raise UnknownProvider(args.provider, PROVIDERS)
    select_checks(args.checks, args.skip, strict_retries=args.strict_retries,  # names first
                  mode=args.mode)
    if os.getcwd() not in sys.path:  # MODULE is looked up from where the command runs
        sys.path.insert(0, os.getcwd())
    adapter = load_adapter(args.adapter)
    if args.junit_xml is not None:
        _check_writable(args.junit_xml)
    if args.html is not None:
        from vidukit.reports import check_writable

        check_writable(args.html)
    report = verify_client(
        args.provider,
        adapter,
        examples=args.examples or DEFAULT_EXAMPLES,
        seed=args.seed,
        checks=args.checks,
        skip=args.skip,
        strict_retries=args.strict_retries,
        strict_charges=args.strict_charges,
        mode=args.mode,
        poll_rate_limit=args.poll_rate_limit or DEFAULT_POLL_RATE,
        budget=args.budget or DEFAULT_BUDGET,
        poll_timeout=args.poll_timeout,
    )
    print(report.to_text(verbose=args.verbose))
    if args.junit_xml is not None:
        report.write_junit_xml(args.junit_xml)
    if args.html is not None:
        _write_html(args.html, report)
    return 0 if report.passed else 1


def _write_html(path: str, report: Any) -> None:
    from vidukit.contract_tests.checks import REGISTRY
    from vidukit.reports import verify_html, write_html

    write_html(path, verify_html(report, {c.name: c.description for c in REGISTRY}))


def _check_writable(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise InputError(f"--junit-xml {path}: cannot write into {folder}")
