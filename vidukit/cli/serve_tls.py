"""``vidukit serve --tls``: the options, the certificates and the banner lines of the TLS listener.

With ``--tls`` the mock keeps its plain listener on ``--port`` and also answers HTTPS
on ``--tls-port``: one process, one app, one state, so a task submitted over one is
polled over the other. The certificate comes from a local CA kept in the user's cache
folder (`vidukit.mock_server.tls`); the banner prints the environment that makes
clients trust it. Every mistake (a TLS option without ``--tls``, the two ports equal,
an unwritable folder, a port in use) is one line and exit status 2, like every other
``serve`` error.
"""

from __future__ import annotations

import argparse
import shlex
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidukit.cli import _options as opt
from vidukit.errors import ToolkitError

if TYPE_CHECKING:
    import uvicorn

    from vidukit.mock_server.tls import TlsFiles

#: ``--tls-port``'s default: the usual alternative HTTPS port.
DEFAULT_TLS_PORT = 8443
#: Addresses that mean "every interface": no certificate names them.
_ANY_ADDRESS = ("0.0.0.0", "::")


def add_tls_options(parser: Any) -> None:
    group = parser.add_argument_group(
        "TLS", "also answer https:// with a certificate from a local CA (see docs/guide/tls.md)"
    )
    group.add_argument("--tls", action="store_true",
                       help="also listen with TLS on --tls-port (same server, same tasks)")
    group.add_argument("--tls-port", type=opt.port, default=None, metavar="PORT",
                       help=f"HTTPS port ({DEFAULT_TLS_PORT}; 0 = any free port)")
    group.add_argument("--tls-dir", type=_folder, default=None, metavar="DIR",
                       help="where the CA and the certificate are kept "
                       "(default: the user cache folder, ~/.cache/vidukit/tls)")
    group.add_argument("--tls-name", type=_name, action="append", default=[], metavar="NAME",
                       help="another DNS name or IP address for the certificate (repeatable; "
                       "always: localhost, 127.0.0.1, ::1)")


def _name(value: str) -> str:
    from vidukit.mock_server.tls import check_name

    try:
        return check_name(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _folder(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("cannot be empty")
    return value


@dataclass(frozen=True)
class TlsListener:
    """The certificates and the bound socket of the HTTPS listener."""

    files: TlsFiles
    names: tuple[str, ...]
    sock: socket.socket

    def origin(self, host: str) -> str:
        shown = f"[{host}]" if ":" in host else host
        return f"https://{shown}:{self.sock.getsockname()[1]}"

    def server(self, config: uvicorn.Config) -> uvicorn.Server:
        from vidukit.mock_server.tls_server import TlsServer, server_context

        return TlsServer(config, tls_sockets=[self.sock], context=server_context(self.files))


@dataclass(frozen=True)
class TlsPlan:
    """What ``--tls`` asks for, with its certificates ready: the files, the names they
    carry and the port to bind."""

    files: TlsFiles
    names: tuple[str, ...]
    port: int


def prepare_tls(args: argparse.Namespace) -> TlsPlan | None:
    """The certificates ``--tls`` needs (made or reused now, before anything listens);
    None without ``--tls``."""
    if not args.tls:
        given = [flag for flag, value in (("--tls-port", args.tls_port),
                                          ("--tls-dir", args.tls_dir)) if value is not None]
        given += ["--tls-name"] if args.tls_name else []
        if given:
            raise ToolkitError(f"{', '.join(given)}: only with --tls")
        return None
    if args.workers != 1:
        raise ToolkitError("--tls: serves from one process; leave out --workers")
    port = DEFAULT_TLS_PORT if args.tls_port is None else args.tls_port
    if port == args.port and port != 0:
        raise ToolkitError(f"--tls-port: {port} is also --port; choose another port")
    from vidukit.mock_server.tls import default_directory, ensure_certificates, server_names

    extra = list(args.tls_name)
    if args.host not in _ANY_ADDRESS:
        extra.append(args.host)  # what a client dials when the mock is bound to one address
    # Absolute: the banner's export lines must work from any folder they are pasted in.
    folder = (Path(args.tls_dir).expanduser() if args.tls_dir else default_directory()).absolute()
    return TlsPlan(ensure_certificates(folder, extra), server_names(extra), port)


def tls_banner(listener: TlsListener, origin: str, provider_lines: list[str]) -> list[str]:
    """The start-up lines of the HTTPS listener: its URLs, the CA and the environment that
    makes clients trust it, ready to paste."""
    from vidukit.mock_server.tls import environment

    ca = listener.files.ca_cert
    lines = [f"  TLS on {origin} (the same server: same tasks, same admin API)"]
    lines.extend(provider_lines)
    lines.append(f"  CA: {ca} (certificate for {', '.join(listener.names)})")
    lines.append("  trust it in a client's environment:")
    lines.extend(f"    export {name}={shlex.quote(value)}"
                 for name, value in environment(ca).items())
    return lines


__all__ = [
    "DEFAULT_TLS_PORT",
    "TlsListener",
    "TlsPlan",
    "add_tls_options",
    "prepare_tls",
    "tls_banner",
]
