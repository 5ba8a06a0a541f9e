"""Where tasks live: one narrow interface, so stores can be swapped without touching callers.

The engine, the admin API and the providers reach tasks only through
`TaskStore`; `make_store` turns the configured store name into an instance.
"""

from __future__ import annotations

from mock_server.errors import ConfigError
from mock_server.storage.base import TaskStore
from mock_server.storage.memory import MemoryTaskStore

#: Store names `make_store` accepts; ``sqlite:PATH`` and ``redis://...`` come later.
STORES: tuple[str, ...] = ("memory",)


def make_store(name: str) -> TaskStore:
    """Build the store a configuration names."""
    if name == "memory":
        return MemoryTaskStore()
    raise ConfigError(f"unknown store {name!r}; available: {', '.join(STORES)}")


__all__ = ["STORES", "MemoryTaskStore", "TaskStore", "make_store"]
