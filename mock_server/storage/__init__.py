"""Where the mock's state lives: one narrow interface, so stores swap without touching callers.

The engine, the admin API and the providers reach tasks only through
`TaskStore`; `make_store` turns the configured store (``--store``, see
`vidukit.mock_server.storage.url`) into an instance: `MemoryTaskStore` (default),
`SqliteTaskStore` (a file: survives restarts, shared by one machine's
workers) or `RedisTaskStore` (shared by several instances).

What lives in the store, because workers and instances must agree on it:

- tasks (and so every state derived from them: the lifecycle, the
  concurrency quota, which is computed from the stored tasks);
- the task-id sequence (number ``task-ids``): ids are derived from the seed
  and a shared counter, so two workers, or a restarted server, never hand
  out the same id;
- the virtual clock's offset (`StoredClock`): one time for everybody, kept
  across a restart;
- per-minute quota windows (``admit``): counted atomically, so N instances
  together admit exactly the limit;
- webhooks (`vidukit.mock_server.webhooks.book`): the tasks watched for a callback
  and every scheduled delivery with its attempts. A delivery is keyed by its
  event id, so a task seen finishing by two instances is scheduled once,
  and each attempt is sent by the one instance that claims it;
- pending admin scenario choices (``POST /_mock/scenarios``: "the next N
  requests"), taken atomically one use at a time.

What stays per process (set it at start-up, the same on every instance, when
running several): the request journal (``/_mock/journal`` shows the requests
that instance served), the scenario history, the scenario rules' random
streams (the rates hold, the exact replay of one process does not), and the
settings the admin API changes at run time (``PUT /_mock/progression``,
``PUT /_mock/webhooks``, ``PUT /_mock/quotas``).

Tasks are written last-writer-wins: two instances polling one task at the
same moment may each count the poll and store their copy; the lifecycle never
goes back (a state once shown is kept by the next look) and a callback is
still scheduled once, by its event id.
"""

from __future__ import annotations

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage.base import TaskStore
from vidukit.mock_server.storage.clock import StoredClock, store_clock
from vidukit.mock_server.storage.memory import MemoryTaskStore
from vidukit.mock_server.storage.sqlite import SqliteTaskStore
from vidukit.mock_server.storage.url import STORE_HELP, StoreSpec, parse_store_url

#: The store kinds `make_store` accepts (``sqlite:PATH``, ``redis://HOST:PORT/DB``).
STORES: tuple[str, ...] = ("memory", "sqlite:PATH", "redis://HOST:PORT/DB")


def make_store(name: str, *, max_tasks: int = 0) -> TaskStore:
    """Build the store a configuration names; `ConfigError` when it cannot.

    *max_tasks* bounds the memory store (0: no bound); a file or a shared server is the
    place for more tasks than memory holds, so the others keep everything.
    """
    try:
        spec = parse_store_url(name)
    except ValueError as exc:
        available = ", ".join(STORES)
        raise ConfigError(f"unknown store {name!r}: {exc}; available: {available}") from None
    if spec.kind == "sqlite":
        return SqliteTaskStore(spec.path)
    if spec.kind == "redis":
        from vidukit.mock_server.storage.redis import RedisTaskStore

        return RedisTaskStore(spec.host, spec.port, spec.db, prefix=spec.prefix)
    return MemoryTaskStore(max_tasks=max_tasks)


__all__ = [
    "STORES",
    "STORE_HELP",
    "MemoryTaskStore",
    "StoreSpec",
    "StoredClock",
    "TaskStore",
    "make_store",
    "parse_store_url",
    "store_clock",
]
