"""``vidukit serve``: run the mock server under uvicorn.

Binds the socket itself before printing anything, so the printed URLs are the
ones really listening (``--port 0`` picks a free port) and a port in use is a
one-line error. Refuses a non-loopback host without ``--admin-token``.
With ``--tls`` it also answers HTTPS on ``--tls-port`` from the same server
(`vidukit.cli.serve_tls`).

Option values are checked while parsing (`vidukit.cli._options`); what only
`MockConfig` can judge (progression, outcome, quotas) comes back as a
`ConfigError` naming a config field, which `build_config` renames to the flag
the user typed (`FLAGS`).
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import TYPE_CHECKING, Any

from vidukit.cli import _options as opt
from vidukit.cli.serve_config import build_config
from vidukit.cli.serve_tls import TlsListener, add_tls_options, prepare_tls, tls_banner
from vidukit.cli.serve_workers import MAX_WORKERS, check_workers, run_workers
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
    parser.add_argument("--host", type=opt.host, default="127.0.0.1",
                        help="address or host name to bind (127.0.0.1)")
    parser.add_argument("--port", type=opt.port, default=8000,
                        help="port to bind (8000; 0 = any free port)")
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
        type=opt.text,
        default=[],
        metavar="KEY",
        help="accept only this key (repeatable); default: any non-empty key",
    )
    parser.add_argument(
        "--balance",
        action="append",
        type=opt.balance,
        default=[],
        metavar="KEY=AMOUNT",
        help="give this key a balance in each provider's unit (repeatable); a submit it "
        "cannot pay gets the provider's insufficient-funds answer; default: unlimited",
    )
    parser.add_argument("--admin-token", type=opt.text,
                        help="require this token on /_mock/ (Bearer)")
    parser.add_argument("--seed", type=opt.integer, default=0,
                        help="seed for ids and outcomes (0)")
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
        type=opt.number(0, below=1),
        default=None,
        help="spread default durations by up to this fraction, per request (0.25)",
    )
    parser.add_argument("--journal-size", type=opt.whole(0), default=1000,
                        help="journal entries kept (1000; 0 = no journal)")
    parser.add_argument(
        "--journal-max-bytes",
        type=opt.whole(0),
        default=None,
        metavar="BYTES",
        help="bytes the journal may hold, oldest entries dropped first (32 MiB; 0 = no bound)",
    )
    parser.add_argument(
        "--journal-max-age",
        type=opt.number(0),
        default=None,
        metavar="SECONDS",
        help="drop journal entries older than this (3600; 0 = keep them)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=opt.whole(1),
        default=None,
        metavar="BYTES",
        help="refuse request bodies over this size (20 MiB: Vtrix's documented limit)",
    )
    parser.add_argument(
        "--max-tasks",
        type=opt.whole(0),
        default=None,
        metavar="N",
        help="the memory store keeps the N newest tasks; older ones answer not-found "
        "(1000000; 0 = no bound)",
    )
    parser.add_argument("--public-url", type=opt.http_url,
                        help="origin clients use, if not the bound address")
    parser.add_argument(
        "--webhook-secret",
        type=opt.text,
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
        "'documented,<provider>.concurrency=5'",
    )
    parser.add_argument(
        "--drift",
        metavar="PROFILE|FILE",
        help="answer as a drifted provider: rename-field, new-enum-value, new-status, "
        "error-shape, reorder-states, rename-terminal, drop-callbacks, bad-callback-signature, "
        "all (comma list; all leaves out rename-terminal and the callback profiles) or a "
        "YAML/JSON profile file",
    )
    parser.add_argument(
        "--record-tasks",
        type=opt.output_path,
        metavar="DIR",
        help="write every finished task as a task recording under DIR/<provider>/tasks/ "
        "(docs/guide/replay.md)",
    )
    parser.add_argument(
        "--replay",
        metavar="DIR",
        help="new tasks follow the task recordings under DIR (their statuses at the "
        "recorded offsets, failure codes and output shapes)",
    )
    parser.add_argument(
        "--replay-match",
        choices=("order", "shape", "named"),
        default="order",
        help="which recording a new task follows: the next in name order (order), the "
        "next with the same request shape (shape), or only the one it names (named); "
        "X-Mock-Replay: NAME picks one",
    )
    parser.add_argument(
        "--replay-speed",
        type=_speed,
        default=1.0,
        metavar="FACTOR",
        help="play recorded durations this many times faster (1; for a real clock)",
    )
    parser.add_argument(
        "--replay-verbatim",
        action="store_true",
        help="answer replayed tasks' polls with the recorded answers themselves (reproduce a "
        "drift), where the recording kept them, instead of the provider's valid rendering",
    )
    parser.add_argument(
        "--store",
        type=_store,
        default="memory",
        metavar="URL",
        help="where state lives: memory (default), sqlite:PATH (a file: survives restarts, "
        "shared by --workers) or redis://HOST:PORT/DB (shared by several instances)",
    )
    parser.add_argument(
        "--workers",
        type=opt.whole(1, MAX_WORKERS),
        default=1,
        metavar="N",
        help="uvicorn worker processes (1); more than one needs --store sqlite:... or redis://...",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info",
                        help="uvicorn log level (info)")
    add_tls_options(parser)
    parser.set_defaults(func=run)


#: uvicorn's log levels (``uvicorn.config.LOG_LEVELS``), named here so parsing imports nothing.
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
def _speed(text: str) -> float:
    value = opt.number(0)(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def _store(text: str) -> str:
    """``--store``: the URL grammar, and for ``sqlite:PATH`` a folder that exists."""
    from vidukit.mock_server.storage.url import parse_store_url

    try:
        spec = parse_store_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    folder = opt.missing_folder(spec.path) if spec.kind == "sqlite" else None
    if folder is not None:
        raise argparse.ArgumentTypeError(
            f"{text}: folder {folder} does not exist (create it first)")
    return text


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
    lines.extend(provider_lines(state, origin))
    lines.append(f"  {'dashboard':<10} {'':<14} {origin}/_mock/ui/")
    lines.append(f"  {'admin':<10} {'':<14} {origin}/_mock/")
    if state.config.store != "memory":
        from vidukit.mock_server.storage import parse_store_url

        lines.append(f"  store: {parse_store_url(state.config.store).display()}")
    if state.replayer is not None:
        replay = state.replayer.settings
        lines.append(f"  replay: {len(state.replayer.plans)} task recording(s), match "
                     f"{replay.match}, speed {replay.speed:g}"
                     + (", verbatim" if replay.verbatim else ""))
    if state.config.record_tasks is not None:
        lines.append(f"  recording finished tasks under {state.config.record_tasks}")
    if state.scenarios.file.progressions:
        lines.append(f"  progressions: {len(state.scenarios.file.progressions)} from "
                     f"{state.scenarios.file.source}")
    if state.scenarios.rules or state.quotas.settings.active:
        lines.append(
            f"  faults: {len(state.scenarios.rules)} scenario rule(s), seed "
            f"{state.scenarios.seed}; quotas: {state.quotas.settings.profile}"
        )
    return lines


def provider_lines(state: MockState, origin: str) -> list[str]:
    """One banner line per provider: its id, title and base URL under *origin*."""
    return [f"  {pid:<10} {provider.title:<14} {origin}{state.prefixes[pid]}"
            for pid, provider in state.providers.items()]


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
    tls = prepare_tls(args)
    app = create_app(config)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    try:
        secure = (None if tls is None
                  else TlsListener(tls.files, tls.names, _bind(args.host, tls.port)))
    except ToolkitError:
        sock.close()
        raise
    for line in banner(app.state.mock, config.public_url or origin_of(args.host, port)):
        print(line)
    if secure is not None:
        origin = secure.origin(args.host)
        for line in tls_banner(secure, origin, provider_lines(app.state.mock, origin)):
            print(line)
    sys.stdout.flush()
    if args.workers > 1:
        app.state.mock.store.close()  # the workers open their own
        run_workers(args, sock)
        return 0
    uvicorn_config = uvicorn.Config(
        app,
        log_level=args.log_level,
        access_log=args.log_level == "debug",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(uvicorn_config) if secure is None else secure.server(uvicorn_config)
    server.run(sockets=[sock])
    return 0
