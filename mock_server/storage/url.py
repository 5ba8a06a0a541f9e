"""The ``--store`` text form, read once into a `StoreSpec`.

``memory``
    the default: one process, gone at exit.
``sqlite:PATH``
    a file (created when missing, in a folder that must already exist, as
    sqlite3 itself requires); relative paths are taken from the working
    directory. Shared by the workers of one machine (``--workers N``).
``redis://HOST[:PORT][/DB][?prefix=NAME]``
    a Redis server shared by several mock instances; PORT defaults to 6379,
    DB to 0, and every key starts with NAME (``vidukit``) then ``:``, so one
    Redis database can hold several independent mocks under different prefixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

StoreKind = Literal["memory", "sqlite", "redis"]

STORE_HELP = "expected 'memory', 'sqlite:PATH' or 'redis://HOST[:PORT][/DB][?prefix=NAME]'"
DEFAULT_REDIS_PORT = 6379
DEFAULT_PREFIX = "vidukit"
_PREFIX = re.compile(r"^[A-Za-z0-9_.{}-]{1,64}$")


@dataclass(frozen=True)
class StoreSpec:
    kind: StoreKind
    path: str = ""
    host: str = ""
    port: int = DEFAULT_REDIS_PORT
    db: int = 0
    prefix: str = DEFAULT_PREFIX

    @property
    def persistent(self) -> bool:
        """Whether what a store holds outlives the process (and is seen by other ones)."""
        return self.kind != "memory"

    def display(self) -> str:
        """For banners and logs."""
        if self.kind == "sqlite":
            return f"sqlite:{self.path}"
        if self.kind == "redis":
            return f"redis://{self.host}:{self.port}/{self.db} (prefix {self.prefix}:)"
        return "memory"


def parse_store_url(text: str) -> StoreSpec:
    """Read the text form; `ValueError` naming what was wrong and the grammar otherwise."""
    raw = text.strip()
    if raw == "memory":
        return StoreSpec("memory")
    if raw.startswith("sqlite:"):
        path = raw.removeprefix("sqlite:")
        if path.startswith("//"):
            raise ValueError(f"bad store {text!r}: write sqlite:PATH (no //), e.g. sqlite:mock.db")
        if not path:
            raise ValueError(f"bad store {text!r}: sqlite needs a file path; {STORE_HELP}")
        return StoreSpec("sqlite", path=path)
    if raw.startswith("redis://"):
        return _redis(text, raw)
    raise ValueError(f"bad store {text!r}: {STORE_HELP}")


def _redis(text: str, raw: str) -> StoreSpec:
    parts = urlsplit(raw)
    try:
        port = parts.port or DEFAULT_REDIS_PORT
    except ValueError:
        raise ValueError(f"bad store {text!r}: the port must be a number in 1-65535") from None
    host = parts.hostname or ""
    if not host or parts.username or parts.password or parts.fragment:
        raise ValueError(f"bad store {text!r}: {STORE_HELP} (no user, password or #)")
    db_text = parts.path.strip("/") or "0"
    if not db_text.isdigit() or int(db_text) > 1_000_000:
        raise ValueError(f"bad store {text!r}: the database must be a number, e.g. /0")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(query) - {"prefix"})
    if unknown:
        raise ValueError(f"bad store {text!r}: unknown option(s) {unknown}; only ?prefix=NAME")
    prefix = query.get("prefix", [DEFAULT_PREFIX])[-1]
    if not _PREFIX.match(prefix):
        raise ValueError(f"bad store {text!r}: prefix must be 1-64 of A-Z a-z 0-9 _ . - {{ }}")
    return StoreSpec("redis", host=host, port=port, db=int(db_text), prefix=prefix)


__all__ = ["DEFAULT_PREFIX", "STORE_HELP", "StoreKind", "StoreSpec", "parse_store_url"]
