"""``vidukit serve --workers N``: several uvicorn worker processes on one socket.

uvicorn starts each worker as a fresh (spawned) process that imports the app
itself, so it needs an import string, not an app object. The parent puts the
parsed ``serve`` options in the environment (`ENV`) and every worker rebuilds
the same `MockConfig` from them in `app_from_env`, the factory named by that
import string. Workers share state only through the store, so more than one
needs a persistent one (``sqlite:PATH`` or ``redis://...``): with ``memory``
each worker would hold its own tasks and a poll could land on a worker that
never saw the submit.

The parent binds the socket (so ``--port 0`` is reported before serving) and
hands it to the workers; on SIGTERM or SIGINT it asks each worker to shut
down gracefully (in-flight requests finish) and waits for them.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
from typing import TYPE_CHECKING, Any

from vidukit.cli.serve_config import build_config
from vidukit.errors import ToolkitError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from vidukit.mock_server.config import MockConfig

#: Where the parent leaves the ``serve`` options for its workers (JSON).
ENV = "VIDUKIT_SERVE_ARGS"
FACTORY = "vidukit.cli.serve_workers:app_from_env"
MAX_WORKERS = 64


def check_workers(workers: int, config: MockConfig) -> None:
    """Refuse a worker count the configuration cannot serve correctly."""
    from vidukit.mock_server.storage import parse_store_url

    if not 1 <= workers <= MAX_WORKERS:
        raise ToolkitError(f"--workers: expected 1 to {MAX_WORKERS}, got {workers}")
    if workers > 1 and not parse_store_url(config.store).persistent:
        raise ToolkitError(
            f"--workers {workers} needs a store the workers share: add --store sqlite:PATH "
            "or --store redis://HOST:PORT/DB (with memory each worker has its own tasks)"
        )


def encode_args(args: argparse.Namespace) -> str:
    """The options as JSON (the subcommand's function is not an option)."""
    options = {k: v for k, v in vars(args).items() if not callable(v)}
    try:
        return json.dumps(options)
    except TypeError as exc:
        raise ToolkitError(f"cannot hand the serve options to the workers: {exc}") from None


def app_from_env() -> Starlette:
    """The uvicorn factory each worker calls: the app the parent's options describe."""
    from vidukit.mock_server import create_app

    raw = os.environ.get(ENV)
    if raw is None:
        raise RuntimeError(f"{FACTORY} runs inside `vidukit serve --workers N` only ({ENV} unset)")
    options: dict[str, Any] = json.loads(raw)
    return create_app(build_config(argparse.Namespace(**options)))


def run_workers(args: argparse.Namespace, sock: socket.socket) -> None:
    """Serve on *sock* with ``args.workers`` processes until told to stop."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from vidukit.mock_server.net import KEEP_ALIVE_SECONDS

    os.environ[ENV] = encode_args(args)  # inherited by the spawned workers
    config = uvicorn.Config(
        FACTORY,
        factory=True,
        workers=args.workers,
        log_level=args.log_level,
        access_log=args.log_level == "debug",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    Multiprocess(config, sockets=[sock]).run()


__all__ = ["ENV", "FACTORY", "app_from_env", "check_workers", "encode_args", "run_workers"]
