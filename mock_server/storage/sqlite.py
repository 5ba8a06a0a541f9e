"""The sqlite store: one file that outlives the process and is shared by one machine's workers.

Durability: the database runs in WAL mode and every write is its own
committed transaction (autocommit), made before the request that caused it
is answered; so whatever the mock acknowledged survives a restart and a
``kill -9`` of the process. ``synchronous=NORMAL`` is what makes that cheap:
a commit reaches the operating system at once and the disk at the next
checkpoint, so a process crash loses nothing and only a power cut can
lose the last commits.

Sharing: several processes (``vidukit serve --workers N``) open the same
file. Reads never block (WAL); writes queue behind sqlite's one write lock
(``busy_timeout``), and the operations that must be atomic across processes
(the id sequence, the quota windows, the claim of a due webhook) run in one
``BEGIN IMMEDIATE`` transaction or one conditional statement each.

One connection per store, used under a lock: the app calls it from its event
loop, tests also from their own thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage.base import Keys, Records
from vidukit.mock_server.tasks import Task

#: Bumped when the tables change shape; an older file is refused with a clear message.
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_provider ON tasks (provider, seq);
CREATE TABLE IF NOT EXISTS numbers (name TEXT PRIMARY KEY, value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS window_events (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS window_events_by_key ON window_events (key, at);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    space TEXT NOT NULL,
    key TEXT NOT NULL,
    due REAL,
    body TEXT NOT NULL,
    UNIQUE (space, key)
);
CREATE INDEX IF NOT EXISTS records_by_due ON records (space, due) WHERE due IS NOT NULL;
"""
_TABLES = ("tasks", "numbers", "window_events", "records")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class SqliteTaskStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._connect()  # fail at start-up, not at the first request

    # -- connection --------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        if not self.path.parent.is_dir():  # as sqlite3 itself: never create folders unasked
            raise ConfigError(f"store sqlite:{self.path}: folder {self.path.parent} does not "
                              "exist (create it first)")
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._prepare(conn)
        except (sqlite3.Error, OSError) as exc:
            where = f"store sqlite:{self.path}"
            raise ConfigError(f"{where}: cannot open the database: {exc}") from None
        self._conn = conn
        return conn

    @staticmethod
    def _prepare(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")  # several workers may create the tables at once
        try:
            for statement in filter(str.strip, _SCHEMA.split(";")):
                conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif row[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(
                    f"schema version {row[0]}, this vidukit reads version {SCHEMA_VERSION}; "
                    "use a new file"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._connect()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic step across every process sharing the file (the write lock at once)."""
        with self._lock:
            conn = self._connect()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- tasks -------------------------------------------------------------------------

    def put(self, task: Task) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO tasks (id, provider, body) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, body = excluded.body",
                (task.id, task.provider, _dumps(task.to_dict())),
            )

    def get(self, task_id: str) -> Task | None:
        with self._db() as db:
            row = db.execute("SELECT body FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return Task.from_dict(json.loads(row[0])) if row is not None else None

    def list(self, *, provider: str | None = None) -> list[Task]:
        with self._db() as db:
            if provider is None:
                rows = db.execute("SELECT body FROM tasks ORDER BY seq").fetchall()
            else:
                rows = db.execute(
                    "SELECT body FROM tasks WHERE provider = ? ORDER BY seq", (provider,)
                ).fetchall()
        return [Task.from_dict(json.loads(body)) for (body,) in rows]

    def count(self) -> int:
        with self._db() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM tasks").fetchone()
        return int(count)

    def clear(self) -> None:
        with self._transaction() as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")

    # -- numbers -----------------------------------------------------------------------

    def add_number(self, name: str, delta: float) -> float:
        with self._db() as db:
            (value,) = db.execute(
                "INSERT INTO numbers (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value",
                (name, float(delta)),
            ).fetchone()
        return float(value)

    def read_number(self, name: str) -> float:
        with self._db() as db:
            row = db.execute("SELECT value FROM numbers WHERE name = ?", (name,)).fetchone()
        return float(row[0]) if row is not None else 0.0

    # -- sliding windows ---------------------------------------------------------------

    def admit(self, key: str, at: float, window: float, limit: int | None) -> float | None:
        with self._transaction() as db:
            db.execute("DELETE FROM window_events WHERE key = ? AND at <= ?", (key, at - window))
            if limit is not None:
                (count,) = db.execute(
                    "SELECT COUNT(*) FROM window_events WHERE key = ?", (key,)
                ).fetchone()
                if count >= limit:
                    (oldest,) = db.execute(
                        "SELECT at FROM window_events WHERE key = ? ORDER BY at LIMIT 1 OFFSET ?",
                        (key, count - limit),
                    ).fetchone()
                    return float(oldest) + window
            db.execute("INSERT INTO window_events (key, at) VALUES (?, ?)", (key, at))
        return None

    # -- records -----------------------------------------------------------------------

    def put_record(
        self,
        space: str,
        key: str,
        record: dict[str, Any],
        *,
        due: float | None = None,
        only_new: bool = False,
    ) -> bool:
        body = _dumps(record)
        with self._db() as db:
            if only_new:
                cursor = db.execute(
                    "INSERT INTO records (space, key, due, body) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (space, key) DO NOTHING",
                    (space, key, due, body),
                )
                return cursor.rowcount == 1
            db.execute(
                "INSERT INTO records (space, key, due, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (space, key) DO UPDATE SET due = excluded.due, body = excluded.body",
                (space, key, due, body),
            )
        return True

    def get_record(self, space: str, key: str) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute(
                "SELECT body FROM records WHERE space = ? AND key = ?", (space, key)
            ).fetchone()
        return json.loads(row[0]) if row is not None else None

    def pop_record(self, space: str, key: str) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute(
                "DELETE FROM records WHERE space = ? AND key = ? RETURNING body", (space, key)
            ).fetchone()
        return json.loads(row[0]) if row is not None else None

    def records(self, space: str) -> Records:
        with self._db() as db:
            rows = db.execute(
                "SELECT key, body FROM records WHERE space = ? ORDER BY seq", (space,)
            ).fetchall()
        return [(key, json.loads(body)) for key, body in rows]

    def due_records(self, space: str, until: float) -> Records:
        with self._db() as db:
            rows = db.execute(
                "SELECT key, body FROM records WHERE space = ? AND due IS NOT NULL AND due <= ? "
                "ORDER BY due, seq",
                (space, until),
            ).fetchall()
        return [(key, json.loads(body)) for key, body in rows]

    def next_due(self, space: str, after: float | None = None) -> float | None:
        with self._db() as db:
            (due,) = db.execute(
                "SELECT MIN(due) FROM records WHERE space = ? AND due IS NOT NULL AND due > ?",
                (space, after if after is not None else float("-inf")),
            ).fetchone()
        return float(due) if due is not None else None

    def claim(self, space: str, key: str, due: float) -> bool:
        with self._db() as db:
            cursor = db.execute(
                "UPDATE records SET due = NULL WHERE space = ? AND key = ? AND due = ?",
                (space, key, due),
            )
        return cursor.rowcount == 1

    def drop_records(self, space: str, keys: Keys) -> None:
        with self._db() as db:
            db.executemany(
                "DELETE FROM records WHERE space = ? AND key = ?", [(space, k) for k in keys]
            )


__all__ = ["SCHEMA_VERSION", "SqliteTaskStore"]
