"""Option value types shared by the subcommands, checked while the command line is parsed.

A bad value must stop the command before anything is opened, bound or spent, and
say so in one line that names the flag: argparse reports an
`argparse.ArgumentTypeError` as ``argument --port: <message>``, which the
dispatcher's parser shortens to ``vidukit serve: error: --port: <message>``.
So every function here raises `ArgumentTypeError` (never a bare `ValueError`,
which argparse would turn into the uninformative ``invalid port value``), and
its message says what the value is not and what is accepted.

Output paths follow sqlite3 and ``curl -o`` (without ``--create-dirs``): the
folder that is to hold the file (or the directory named) must already exist;
nothing creates missing parents behind the user's back.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from argparse import ArgumentTypeError
from collections.abc import Callable
from pathlib import Path

#: The highest TCP port; 0 asks the system for a free one (``serve`` and ``proxy`` print it).
MAX_PORT = 65535
#: How long a host name may take to resolve before the option is refused.
RESOLVE_SECONDS = 3.0
#: One RFC 1123 host name label: letters, digits and inner hyphens, at most 63.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def port(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a port (0-{MAX_PORT})") from None
    if not 0 <= value <= MAX_PORT:
        raise ArgumentTypeError(f"{value} is not a port (0-{MAX_PORT})")
    return value


def whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number in ``[minimum, maximum]`` (no upper bound when *maximum* is None)."""
    accepted = f"{minimum} or more" if maximum is None else f"{minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise ArgumentTypeError(f"expected a whole number {accepted}, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise ArgumentTypeError(f"expected {accepted}, got {value}")
        return value

    return parse


def integer(text: str) -> int:
    """Any whole number (seeds)."""
    try:
        return int(text, 10)
    except ValueError:
        raise ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def number(minimum: float, *, below: float | None = None) -> Callable[[str], float]:
    """A finite number ``>= minimum`` and, when *below* is given, ``< below``."""
    accepted = f"{minimum:g} or more" if below is None else f"from {minimum:g} to below {below:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ArgumentTypeError(f"expected a number {accepted}, got {text!r}") from None
        if not minimum <= value < (float("inf") if below is None else below):
            raise ArgumentTypeError(f"expected a number {accepted}, got {text!r}")
        return value

    return parse


def text(value: str) -> str:
    """A non-empty value (keys, tokens, secrets: an empty one would match nothing)."""
    if not value.strip():
        raise ArgumentTypeError("cannot be empty")
    return value


def balance(value: str) -> str:
    """``KEY=AMOUNT`` (``vidukit serve --balance``), kept as typed: workers re-read it."""
    from vidukit.mock_server.ledger.balances import parse_balance

    try:
        parse_balance(value)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from None
    return value


def http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
        raise ArgumentTypeError(f"expected an http(s) URL, got {value!r}")
    return value


def host(value: str) -> str:
    """An IPv4 or IPv6 literal (brackets allowed), or a host name the resolver knows.

    Checked before any rule about the address (such as ``serve``'s admin token
    off loopback), so a typo is named as a typo. Only the system resolver is
    asked, and for at most `RESOLVE_SECONDS`.
    """
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    labels = bare.removesuffix(".").split(".")
    # All-numeric labels ("127.0.0.300", "10") are broken addresses, never names.
    numeric = all(label.isdigit() for label in labels)
    if numeric or len(bare) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ArgumentTypeError(f"{value!r} is not an IP address or a resolvable host name")
    answered = _resolves(bare)
    if answered is None:
        raise ArgumentTypeError(f"{value!r}: the resolver gave no answer within "
                                f"{RESOLVE_SECONDS:g} s")
    if not answered:
        raise ArgumentTypeError(f"{value!r} is not an IP address or a resolvable host name")
    return bare


def _resolves(name: str) -> bool | None:
    """Whether *name* resolves; None when the resolver did not answer in time."""
    answer: list[bool] = []

    def look_up() -> None:
        try:
            socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            answer.append(False)
        else:
            answer.append(True)

    worker = threading.Thread(target=look_up, name="vidukit-resolve", daemon=True)
    worker.start()
    worker.join(RESOLVE_SECONDS)
    return answer[0] if answer else None


def provider(*extra: str) -> Callable[[str], str]:
    """A provider id (or one of *extra*, such as ``all``), listing the known ones when not."""

    def parse(value: str) -> str:
        from vidukit.catalogue import PROVIDERS

        known = (*PROVIDERS, *extra)
        if value not in known:
            raise ArgumentTypeError(f"unknown provider {value!r}; expected one of "
                                    f"{', '.join(known)}")
        return value

    return parse


def missing_folder(path: str | Path) -> Path | None:
    """The folder that should hold *path* when it does not exist, else None."""
    folder = Path(path).parent
    return None if folder.is_dir() else folder


def output_path(value: str) -> str:
    """A file (or directory) to write: its parent folder must exist."""
    if not value:
        raise ArgumentTypeError("cannot be empty")
    folder = missing_folder(value)
    if folder is not None:
        raise ArgumentTypeError(f"{value}: folder {folder} does not exist (create it first)")
    return value


def input_file(value: str) -> str:
    path = Path(value)
    if not path.is_file():
        raise ArgumentTypeError(f"{value}: no such file" if not path.exists()
                                else f"{value}: not a file")
    return value


__all__ = ["MAX_PORT", "RESOLVE_SECONDS", "host", "http_url", "input_file", "integer",
           "missing_folder", "number", "output_path", "port", "provider", "text", "whole"]
