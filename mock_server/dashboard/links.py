"""Which tasks each journal entry is about.

The journal records requests, not tasks: a submit answers with the id, a
poll carries it in its path, query or body, and the form differs per
provider (Runware's client-chosen ``taskUUID`` is not even the task's id when
two keys reuse one). Rather than teach the journal every provider's shape,
an entry is linked to a task when one of the task's names appears in it as a
whole token. Tokens are read once per entry (entries never change) and kept
only while the entry is still in the journal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from vidukit.mock_server.journal import Entry
from vidukit.mock_server.tasks import Task

#: Task ids are long runs of letters, digits, ``-`` and ``_`` (hex digests, UUIDs).
_TOKEN = re.compile(rb"[A-Za-z0-9_-]{8,}")


def task_names(task: Task) -> set[str]:
    """Every string a client may use for *task*: its id and, on Runware, its ``taskUUID``."""
    names = {task.id}
    uuid = task.meta.get("taskUUID")
    if isinstance(uuid, str):
        names.add(uuid)
    return names


@dataclass(slots=True)
class Linking:
    """Entries per task (oldest first) and tasks per entry, for one look at the journal."""

    by_task: dict[str, list[Entry]] = field(default_factory=dict)
    by_seq: dict[int, list[str]] = field(default_factory=dict)

    def entries_of(self, task_id: str) -> list[Entry]:
        return self.by_task.get(task_id, [])

    def tasks_of(self, entry: Entry) -> list[str]:
        return self.by_seq.get(entry.seq, [])


class JournalLinks:
    """Links journal entries to tasks; one per app, reused by every look."""

    def __init__(self) -> None:
        # id(entry) -> (entry, tokens): holding the entry keeps its id from being reused.
        self._tokens: dict[int, tuple[Entry, frozenset[bytes]]] = {}

    def tokens(self, entry: Entry) -> frozenset[bytes]:
        cached = self._tokens.get(id(entry))
        if cached is not None and cached[0] is entry:
            return cached[1]
        text = b"\n".join(
            (entry.path.encode(), entry.query.encode("latin-1"), entry.body, entry.response)
        )
        found = frozenset(_TOKEN.findall(text))
        self._tokens[id(entry)] = (entry, found)
        return found

    def link(self, entries: Sequence[Entry], tasks: Iterable[Task]) -> Linking:
        names: dict[bytes, list[Task]] = {}
        for task in tasks:
            for name in task_names(task):
                names.setdefault(name.encode(), []).append(task)
        linking = Linking()
        for entry in entries:
            hits = self.tokens(entry) & names.keys()
            seen: list[str] = []
            for token in sorted(hits):
                for task in names[token]:
                    if task.provider == entry.provider and task.id not in seen:
                        seen.append(task.id)
                        linking.by_task.setdefault(task.id, []).append(entry)
            if seen:
                linking.by_seq[entry.seq] = seen
        self._forget_all_but(entries)
        return linking

    def _forget_all_but(self, entries: Sequence[Entry]) -> None:
        if len(self._tokens) <= len(entries):
            return
        kept = {id(e) for e in entries}
        self._tokens = {k: v for k, v in self._tokens.items() if k in kept}


__all__ = ["JournalLinks", "Linking", "task_names"]
