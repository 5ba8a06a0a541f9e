"""``vidukit proxy``: a local validating proxy in front of a provider.

Listens on 127.0.0.1 only (the proxy relays the team's keys; it is not a
public service), with the provider's own paths, so a client changes nothing
but its base URL. Runs until interrupted (Ctrl-C or SIGTERM), then prints the
report of everything it saw and exits 0, or 1 when a finding reached
``--fail-on``; 2 for usage errors. Runware's WebSocket API is not proxied
(REST only).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from vidukit.catalogue import PROVIDERS
from vidukit.cli import _options as opt
from vidukit.cli.drift_cmd import add_report_options, save_patches, save_recording, write_report
from vidukit.errors import ToolkitError

HOST = "127.0.0.1"


class _Stopped(Exception):
    """SIGTERM, turned into an exception once uvicorn has finished its shutdown."""


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "proxy",
        help="forward traffic to a provider, validating every request and answer",
        description="Listen on 127.0.0.1 with PROVIDER's paths, forward every request to "
                    "UPSTREAM unchanged and validate requests and answers against the "
                    "schemas; on exit print the report. GET /_proxy/report, /_proxy/journal "
                    "and /_proxy/stats show it while running.",
    )
    parser.add_argument("--provider", required=True, choices=PROVIDERS)
    parser.add_argument("--upstream", required=True, metavar="URL", type=opt.http_url,
                        help="the provider's base URL (its real origin, or another proxy)")
    parser.add_argument("--port", type=opt.port, default=8080,
                        help="port on 127.0.0.1 (8080; 0 = any free port)")
    parser.add_argument("--journal", metavar="FILE", type=opt.output_path,
                        help="append one JSON line per exchange (no headers, no keys)")
    parser.add_argument("--record", metavar="DIR", type=opt.output_path,
                        help="on exit, save scrubbed exchanges under DIR/<provider>/recorded/ "
                        "and each task's timeline under DIR/<provider>/tasks/")
    parser.add_argument("--propose-patch", metavar="DIR", type=opt.output_path,
                        help="on exit, write JSON Patches that would accept what was observed")
    add_report_options(parser)
    parser.set_defaults(func=run)


def _say(line: str) -> None:
    print(f"vidukit proxy: {line}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from vidukit.cli.drift_cmd import mock_timings
    from vidukit.drift.observer import Observer
    from vidukit.drift.render import render
    from vidukit.mock_server.net import listening_socket
    from vidukit.proxy import create_proxy_app

    observer = Observer(args.provider, mock_timings=mock_timings())
    journal = Path(args.journal) if args.journal else None
    app = create_proxy_app(args.provider, args.upstream, observer, journal_file=journal)
    try:
        sock = listening_socket(HOST, args.port)
    except OSError as exc:
        raise ToolkitError(f"cannot listen on {HOST}:{args.port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("vidukit proxy: %(message)s"))
    logging.getLogger("vidukit.proxy").addHandler(handler)
    print(f"vidukit proxy: http://{HOST}:{port} -> {args.upstream} ({args.provider}); "
          "Ctrl-C to stop and report", file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal: catch it
    # here, so the report is still printed (SIGTERM would otherwise end the process).
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.run(sockets=[sock])
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()
    report = observer.report(mode="proxy", source=args.upstream)
    write_report(render(report, args.format, args.fail_on), args.output)
    secrets = tuple(observer.scrubber.secrets)
    if args.record:
        save_recording(observer, Path(args.record), args.upstream, secrets, _say, kind="proxy")
    if args.propose_patch:
        save_patches(observer, Path(args.propose_patch), _say)
    return 1 if report.fails(args.fail_on) else 0
