"""``vidukit serve``: run the mock server under uvicorn.

Binds the socket itself before printing anything, so the printed URLs are the
ones really listening (``--port 0`` picks a free port) and a port in use is a
one-line error. Refuses a non-loopback host without ``--admin-token``.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import TYPE_CHECKING, Any

from vidukit.cli.serve_config import build_config
from vidukit.cli.serve_workers import check_workers, run_workers
from vidukit.errors import ToolkitError

if TYPE_CHECKING:
    from vidukit.mock_server.state import MockState


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the mock server (every provider under /<provider>)",
        description=(
            "Serve every provider's API under http://HOST:PORT/<provider>, or one provider "
            "at the root with --provider, plus the admin API at /_mock/."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (8000; 0 = any)")
    parser.add_argument("--provider", help="serve only this provider, at the root")
    parser.add_argument(
        "--clock",
        choices=("real", "virtual"),
        default="real",
        help="virtual: time moves only via POST /_mock/clock/advance",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accept only this key (repeatable); default: any non-empty key",
    )
    parser.add_argument("--admin-token", help="require this token on /_mock/ (Bearer)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids and outcomes (0)")
    parser.add_argument(
        "--progression",
        default=None,
        metavar="SPEC",
        help="default task progression: 'time=Q,P' seconds (time=1,4), 'polls=N', 'immediate'",
    )
    parser.add_argument(
        "--outcome",
        default="succeed",
        metavar="SPEC",
        help="default outcome: succeed, fail, fail:<code>, stay-processing",
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=None,
        help="spread default durations by up to this fraction, per request (0.25)",
    )
    parser.add_argument("--journal-size", type=int, default=1000, help="journal entries kept")
    parser.add_argument(
        "--journal-max-bytes",
        type=int,
        default=None,
        metavar="BYTES",
        help="bytes the journal may hold, oldest entries dropped first (32 MiB; 0 = no bound)",
    )
    parser.add_argument(
        "--journal-max-age",
        type=float,
        default=None,
        metavar="SECONDS",
        help="drop journal entries older than this (3600; 0 = keep them)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        metavar="BYTES",
        help="refuse request bodies over this size (20 MiB: Vtrix's documented limit)",
    )
    parser.add_argument(
        "--max-tasks",
        type=int,
        default=None,
        metavar="N",
        help="the memory store keeps the N newest tasks; older ones answer not-found "
        "(1000000; 0 = no bound)",
    )
    parser.add_argument("--public-url", help="origin clients use, if not the bound address")
    parser.add_argument(
        "--webhook-secret",
        help="WaveSpeed webhook signing secret (default: the documented test secret)",
    )
    parser.add_argument(
        "--webhook-targets",
        choices=("any", "loopback"),
        default="any",
        help="where callbacks may go: any URL a client registers, or loopback only",
    )
    parser.add_argument(
        "--scenarios",
        metavar="FILE",
        help="fault rules, YAML or JSON: scenarios with probabilities, a seed, quotas",
    )
    parser.add_argument(
        "--quotas",
        metavar="SPEC",
        help="provider limits: off (default), documented, or overrides like "
        "'documented,wavespeed.concurrency=5'",
    )
    parser.add_argument(
        "--drift",
        metavar="PROFILE|FILE",
        help="answer as a drifted provider: rename-field, new-enum-value, new-status, "
        "error-shape, reorder-states, all (comma list) or a YAML/JSON profile file",
    )
    parser.add_argument(
        "--store",
        default="memory",
        metavar="URL",
        help="where state lives: memory (default), sqlite:PATH (a file: survives restarts, "
        "shared by --workers) or redis://HOST:PORT/DB (shared by several instances)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="uvicorn worker processes (1); more than one needs --store sqlite:... or redis://...",
    )
    parser.add_argument("--log-level", default="info", help="uvicorn log level (info)")
    parser.set_defaults(func=run)


def origin_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def banner(state: MockState, origin: str) -> list[str]:
    """The start-up lines: every provider's base URL and the admin URL."""
    engine = state.engine
    lines = [
        f"vidukit mock server on {origin} (clock: {state.clock.kind}, "
        f"progression: {engine.progression.spec()}, outcome: {engine.outcome.spec()})"
    ]
    for pid, provider in state.providers.items():
        lines.append(f"  {pid:<10} {provider.title:<14} {origin}{state.prefixes[pid]}")
    lines.append(f"  {'dashboard':<10} {'':<14} {origin}/_mock/ui/")
    lines.append(f"  {'admin':<10} {'':<14} {origin}/_mock/")
    if state.config.store != "memory":
        from vidukit.mock_server.storage import parse_store_url

        lines.append(f"  store: {parse_store_url(state.config.store).display()}")
    if state.scenarios.rules or state.quotas.settings.active:
        lines.append(
            f"  faults: {len(state.scenarios.rules)} scenario rule(s), seed "
            f"{state.scenarios.seed}; quotas: {state.quotas.settings.profile}"
        )
    return lines


def _bind(host: str, port: int) -> socket.socket:
    from vidukit.mock_server.net import listening_socket

    try:
        return listening_socket(host, port)
    except OSError as exc:
        raise ToolkitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from vidukit.mock_server import create_app
    from vidukit.mock_server.net import KEEP_ALIVE_SECONDS

    config = build_config(args)
    if args.workers != 1:
        check_workers(args.workers, config)
    app = create_app(config)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    for line in banner(app.state.mock, config.public_url or origin_of(args.host, port)):
        print(line)
    sys.stdout.flush()
    if args.workers > 1:
        app.state.mock.store.close()  # the workers open their own
        run_workers(args, sock)
        return 0
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level=args.log_level,
            access_log=args.log_level == "debug",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    )
    server.run(sockets=[sock])
    return 0
