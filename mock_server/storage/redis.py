"""The Redis store: state shared by several mock instances, on several machines.

Every key starts with the configured prefix (``vidukit:`` by default). Each
operation that must be atomic across instances is one Redis command or one
Lua script (Redis runs a script without interleaving any other command):

- a task: ``tasks`` (hash id -> JSON), its creation order in ``task-order``
  and ``task-order:<provider>`` (sorted sets scored by ``task-seq``, a
  counter bumped only when the id is new);
- numbers: ``num:<name>`` (INCRBYFLOAT);
- quota windows: ``win:<key>``, a sorted set of event times pruned and
  counted in one script, so two instances never both take the last slot;
- records: ``rec:<space>`` (hash key -> JSON), ``rec-order:<space>`` (first-put
  order) and ``rec-due:<space>`` (sorted set of due times). A claim removes the
  key from ``rec-due`` only if its score is the due time the caller saw, so of
  two instances racing for one scheduled webhook attempt exactly one wins.

Window keys carry no expiry: on a virtual clock "a minute" is a minute of the
mock's time, not Redis's; each admit drops the events that left the window.
The keys of one prefix live in one Redis (not Redis Cluster: the scripts
touch several keys).
"""

from __future__ import annotations

import json
from typing import Any

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage.base import Keys, Records
from vidukit.mock_server.storage.url import DEFAULT_PREFIX
from vidukit.mock_server.tasks import Task

try:
    import redis as _redis
except ImportError:  # pragma: no cover - depends on the environment
    _redis = None  # type: ignore[assignment]

_PUT_TASK = """
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  local n = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[3], n, ARGV[1])
  redis.call('ZADD', KEYS[4], n, ARGV[1])
end
return 1
"""

_ADMIT = """
-- ARGV: at, the window's excluded lower end (at - window, computed by the caller: Lua
-- would print it with 14 digits only), limit ('' for none: count, never refuse)
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local n = redis.call('ZCARD', KEYS[1])
if limit == nil or n < limit then
  redis.call('ZADD', KEYS[1], ARGV[1], redis.call('INCR', KEYS[2]))
  return false
end
local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return oldest[2]
"""

# KEYS: rec, rec-order, rec-seq, rec-due; ARGV: key, body, due ('' = none), only_new ('1'/'0')
_PUT_RECORD = """
local exists = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if exists and ARGV[4] == '1' then  -- only_new
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not exists then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[4], ARGV[1])
else
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
end
return 1
"""

# KEYS: rec, rec-order, rec-due; ARGV: key
_POP_RECORD = """
local body = redis.call('HGET', KEYS[1], ARGV[1])
if body then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
return body
"""

# KEYS: rec-due; ARGV: key, due
_CLAIM = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
"""

_CHUNK = 500
#: HMGET's answer: the JSON of each field asked for, None where it is missing.
Bodies = list[str | None]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _score(value: float) -> str:
    """A float as Redis and Lua read it back exactly (repr round-trips)."""
    return repr(float(value))


class RedisTaskStore:
    def __init__(
        self, host: str, port: int = 6379, db: int = 0, *, prefix: str = DEFAULT_PREFIX
    ) -> None:
        if _redis is None:
            raise ConfigError(
                "store redis://: the 'redis' Python package is missing (pip install redis)"
            )
        self.where = f"redis://{host}:{port}/{db}"
        self.prefix = prefix + ":"
        # decode_responses: every reply is str, which redis-py's annotations cannot say.
        self._client: Any = _redis.Redis(
            host=host,
            port=port,
            db=db,
            decode_responses=True,
            socket_connect_timeout=5,
            socket_timeout=30,
            health_check_interval=30,
        )
        self._check_reachable(host, port, db)
        self._put_task = self._client.register_script(_PUT_TASK)
        self._admit = self._client.register_script(_ADMIT)
        self._put_record = self._client.register_script(_PUT_RECORD)
        self._pop_record = self._client.register_script(_POP_RECORD)
        self._claim = self._client.register_script(_CLAIM)

    def _check_reachable(self, host: str, port: int, db: int) -> None:
        """Fail at start-up, at once (the serving client retries; a wrong address should not)."""
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        probe = _redis.Redis(
            host=host, port=port, db=db, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0)
        )
        try:
            probe.ping()
        except _redis.RedisError as exc:
            raise ConfigError(f"store {self.where}: cannot reach Redis: {exc}") from None
        finally:
            probe.close()

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def close(self) -> None:
        """Drop the pooled connections; the next call opens new ones."""
        self._client.connection_pool.disconnect()

    # -- tasks -------------------------------------------------------------------------

    def put(self, task: Task) -> None:
        self._put_task(
            keys=[
                self._key("tasks"),
                self._key("task-seq"),
                self._key("task-order"),
                self._key("task-order", task.provider),
            ],
            args=[task.id, _dumps(task.to_dict())],
        )

    def get(self, task_id: str) -> Task | None:
        body = self._client.hget(self._key("tasks"), task_id)
        return Task.from_dict(json.loads(body)) if body is not None else None

    def list(self, *, provider: str | None = None) -> list[Task]:
        order = self._key("task-order") if provider is None else self._key("task-order", provider)
        ids: Keys = self._client.zrange(order, 0, -1)
        bodies = self._bodies(self._key("tasks"), ids)
        return [Task.from_dict(json.loads(b)) for b in bodies if b is not None]

    def count(self) -> int:
        return int(self._client.hlen(self._key("tasks")))

    def clear(self) -> None:
        pattern = _redis_glob_escape(self.prefix) + "*"
        batch: list[str] = []
        for key in self._client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= _CHUNK:
                self._client.unlink(*batch)
                batch.clear()
        if batch:
            self._client.unlink(*batch)

    def _bodies(self, hash_key: str, fields: Keys) -> Bodies:
        found: Bodies = []
        for start in range(0, len(fields), _CHUNK):
            found.extend(self._client.hmget(hash_key, fields[start : start + _CHUNK]))
        return found

    # -- numbers -----------------------------------------------------------------------

    def add_number(self, name: str, delta: float) -> float:
        return float(self._client.incrbyfloat(self._key("num", name), float(delta)))

    def read_number(self, name: str) -> float:
        value = self._client.get(self._key("num", name))
        return float(value) if value is not None else 0.0

    # -- sliding windows ---------------------------------------------------------------

    def admit(self, key: str, at: float, window: float, limit: int | None) -> float | None:
        oldest = self._admit(
            keys=[self._key("win", key), self._key("win-seq", key)],
            args=[_score(at), _score(at - window), "" if limit is None else limit],
        )
        return float(oldest) + window if oldest is not None else None

    # -- records -----------------------------------------------------------------------

    def _record_keys(self, space: str) -> tuple[str, str, str, str]:
        return (
            self._key("rec", space),
            self._key("rec-order", space),
            self._key("rec-seq", space),
            self._key("rec-due", space),
        )

    def put_record(
        self,
        space: str,
        key: str,
        record: dict[str, Any],
        *,
        due: float | None = None,
        only_new: bool = False,
    ) -> bool:
        done = self._put_record(
            keys=list(self._record_keys(space)),
            args=[key, _dumps(record), "" if due is None else _score(due), int(only_new)],
        )
        return bool(done)

    def get_record(self, space: str, key: str) -> dict[str, Any] | None:
        body = self._client.hget(self._key("rec", space), key)
        return json.loads(body) if body is not None else None

    def pop_record(self, space: str, key: str) -> dict[str, Any] | None:
        records, order, _, due = self._record_keys(space)
        body = self._pop_record(keys=[records, order, due], args=[key])
        return json.loads(body) if body is not None else None

    def records(self, space: str) -> Records:
        records, order, _, _ = self._record_keys(space)
        keys: Keys = self._client.zrange(order, 0, -1)
        bodies = self._bodies(records, keys)
        return [(k, json.loads(b)) for k, b in zip(keys, bodies, strict=True) if b is not None]

    def due_records(self, space: str, until: float) -> Records:
        records, order, _, due = self._record_keys(space)
        found = self._client.zrangebyscore(due, "-inf", _score(until), withscores=True)
        keys: Keys = [key for key, _ in found]
        if len(keys) > 1:  # ties on the due time: first-put order, as the other stores
            ranks = self._client.zmscore(order, keys)
            ranked = sorted(zip(found, ranks, strict=True), key=lambda f: (f[0][1], f[1] or 0))
            keys = [key for (key, _), _ in ranked]
        bodies = self._bodies(records, keys)
        return [(k, json.loads(b)) for k, b in zip(keys, bodies, strict=True) if b is not None]

    def next_due(self, space: str, after: float | None = None) -> float | None:
        due = self._key("rec-due", space)
        low = "-inf" if after is None else "(" + _score(after)
        found = self._client.zrangebyscore(due, low, "+inf", start=0, num=1, withscores=True)
        return float(found[0][1]) if found else None

    def claim(self, space: str, key: str, due: float) -> bool:
        return bool(self._claim(keys=[self._key("rec-due", space)], args=[key, _score(due)]))

    def drop_records(self, space: str, keys: Keys) -> None:
        if not keys:
            return
        records, order, _, due = self._record_keys(space)
        pipe = self._client.pipeline(transaction=True)
        pipe.hdel(records, *keys)
        pipe.zrem(order, *keys)
        pipe.zrem(due, *keys)
        pipe.execute()


def _redis_glob_escape(text: str) -> str:
    """*text* matched literally by SCAN's glob (``{`` and ``}`` are literal there already)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


__all__ = ["RedisTaskStore"]
