"""A bounded, thread-safe LRU of encoded files, with one encode per key at a time.

The key is (shape, seed) and the value is a pure function of it, so one
cache serves every app in the process (`SHARED`) without leaking anything
between servers: two apps asking for the same file get the same bytes
either way, the second just does not wait for the encoder. Concurrent
requests for a file not yet cached wait for the first one's encode instead
of starting their own (a player opening a URL often sends two or three
Range requests at once).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

#: Defaults of the shared cache: a 1080p 10 s file is about 80 KB, a 720p 5 s one 30 KB.
#: Every task's video differs (its own seed), so the cache is for the two or three Range
#: requests a player sends for one file, not for a library: at 64 MiB it took a 10-minute
#: soak most of the run to fill, which read as a memory creep.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 128


class MediaCache:
    def __init__(
        self, *, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        if max_bytes < 0 or max_entries < 0:
            raise ValueError("cache bounds must be >= 0")
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}
        #: How many values `get_or_make` had to make (the rest were hits): for tests and stats.
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._size

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: bytes) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            if len(value) > self.max_bytes or self.max_entries == 0:
                return  # larger than the whole cache: serve it, do not keep it
            self._items[key] = value
            self._size += len(value)
            while self._size > self.max_bytes or len(self._items) > self.max_entries:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The cached value for *key*, made by *make* once even under concurrent callers."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            value = self.get(key)
            if value is None:
                self.misses += 1
                value = make()
                self.put(key, value)
        with self._lock:
            if self._pending.get(key) is gate:
                del self._pending[key]
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


#: The process-wide cache the media route uses (pure function results; see the docstring).
SHARED = MediaCache()

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRIES", "SHARED", "MediaCache"]
