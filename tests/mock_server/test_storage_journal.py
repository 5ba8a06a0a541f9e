"""The task store interface and its in-memory implementation; the bounded journal."""

from __future__ import annotations

import json

import pytest

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.journal import REDACTED, Journal
from vidukit.mock_server.storage import MemoryTaskStore, TaskStore, make_store
from vidukit.mock_server.tasks import Outcome, Progression, Task


def _task(task_id: str, provider: str = "wavespeed") -> Task:
    return Task(
        id=task_id,
        provider=provider,
        owner="owner-digest",
        created_at=10.0,
        progression=Progression.parse("time=1,4"),
        outcome=Outcome.parse("fail:1401"),
        seed=7,
        request={"prompt": "p", "images": ["https://x/y.png"]},
        meta={"duration_seconds": 5},
        entered={"queued": 10.0},
    )


def test_memory_store_keeps_tasks_in_creation_order_and_filters_by_provider() -> None:
    store = make_store("memory")
    assert isinstance(store, TaskStore)
    for task_id, provider in [("a", "wavespeed"), ("b", "novita"), ("c", "wavespeed")]:
        store.put(_task(task_id, provider))
    assert [t.id for t in store.list()] == ["a", "b", "c"]
    assert [t.id for t in store.list(provider="wavespeed")] == ["a", "c"]
    assert store.count() == 3
    assert store.get("b") is not None and store.get("b").provider == "novita"  # type: ignore[union-attr]
    assert store.get("zzz") is None
    store.clear()
    assert store.count() == 0 and store.list() == []


def test_put_replaces_a_task_with_the_same_id() -> None:
    store = MemoryTaskStore()
    store.put(_task("a"))
    changed = _task("a")
    changed.state = "processing"
    store.put(changed)
    assert store.count() == 1
    assert store.get("a").state == "processing"  # type: ignore[union-attr]


def test_unknown_store_names_what_exists() -> None:
    with pytest.raises(ConfigError, match="memory"):
        make_store("postgres://x")


def test_task_survives_a_round_trip_through_plain_json() -> None:
    task = _task("a")
    task.entered["processing"] = 11.0
    task.polls = 3
    again = Task.from_dict(json.loads(json.dumps(task.to_dict())))
    assert again == task


def _record(journal: Journal, n: int, provider: str = "wavespeed") -> None:
    journal.record(
        at=1.0,
        provider=provider,
        method="POST",
        path="/wavespeed/x",
        query=b"webhook=https://h",
        raw_headers=[(b"authorization", b"Bearer secret-key"), (b"content-type", b"text/plain")],
        body=json.dumps({"n": n}).encode(),
        violations=[],
        status=200,
        response=b"not json",
    )


def test_journal_is_bounded_and_keeps_the_newest() -> None:
    journal = Journal(max_entries=3)
    for n in range(5):
        _record(journal, n)
    entries = journal.entries()
    assert len(journal) == 3
    assert [e.seq for e in entries] == [3, 4, 5]
    assert [e.to_dict()["request"]["body"] for e in entries] == [{"n": 2}, {"n": 3}, {"n": 4}]
    assert [e.seq for e in journal.entries(since=4)] == [5]


def test_journal_redacts_the_key_when_recording() -> None:
    journal = Journal(max_entries=10)
    _record(journal, 1)
    entry = journal.entries()[0]
    assert ["authorization", REDACTED] in entry.to_dict()["request"]["headers"]
    assert "secret-key" not in json.dumps(entry.to_dict())
    shown = entry.to_dict()
    assert shown["response"] == {"status": 200, "body": "not json"}
    assert shown["validation"] == {"valid": True, "violations": []}
    assert shown["request"]["query"] == "webhook=https://h"


def test_journal_filters_by_provider_and_clears() -> None:
    journal = Journal(max_entries=10)
    _record(journal, 1, "wavespeed")
    _record(journal, 2, "novita")
    assert [e.provider for e in journal.entries(provider="novita")] == ["novita"]
    journal.clear()
    assert journal.entries() == []


def test_a_zero_sized_journal_records_nothing() -> None:
    journal = Journal(max_entries=0)
    _record(journal, 1)
    assert len(journal) == 0


def test_journal_drops_the_oldest_past_its_byte_bound() -> None:
    one = Journal(max_entries=100)
    _record(one, 1)
    size = one.bytes_held
    journal = Journal(max_entries=100, max_bytes=3 * size)
    for n in range(10):
        _record(journal, n)
    assert [e.to_dict()["request"]["body"] for e in journal.entries()] == [
        {"n": 7},
        {"n": 8},
        {"n": 9},
    ]
    assert journal.bytes_held <= 3 * size


def test_journal_forgets_entries_older_than_its_age_on_its_own_clock() -> None:
    now = [100.0]
    journal = Journal(max_entries=100, max_age=10.0, monotonic=lambda: now[0])
    _record(journal, 1)
    now[0] = 105.0
    _record(journal, 2)
    now[0] = 112.0  # entry 1 is 12 s old, entry 2 is 7 s old
    assert [e.to_dict()["request"]["body"] for e in journal.entries()] == [{"n": 2}]
    now[0] = 200.0
    assert journal.entries() == []
    assert journal.bytes_held == 0


def test_journal_entries_do_not_keep_a_larger_buffer_alive() -> None:
    journal = Journal(max_entries=10, max_body_bytes=4)
    big = bytearray(b"x" * 1000)
    journal.record(
        at=1.0,
        provider="wavespeed",
        method="POST",
        path="/p",
        query=b"",
        raw_headers=[],
        body=memoryview(big)[:10].tobytes(),
        violations=None,
        status=200,
        response=bytes(big),
    )
    entry = journal.entries()[0]
    assert (entry.body, entry.response) == (b"xxxx", b"xxxx")
    assert type(entry.response) is bytes


def test_a_stored_row_reads_back_as_the_entry_it_was_written_as() -> None:
    """Rows are tuples in `Entry`'s field order: the indexes the journal prunes by name
    the fields they claim, and a row read back keeps every field's value."""
    from dataclasses import fields

    from vidukit.mock_server import journal as module

    names = [f.name for f in fields(module.Entry)]
    assert (names[module._PROVIDER], names[module._STAMP], names[module._SIZE]) == (
        "provider", "stamp", "size")
    log = module.Journal(10, monotonic=lambda: 7.0)
    log.record(at=1.5, provider="p", method="POST", path="/x", query=b"a=1",
               raw_headers=[(b"authorization", b"Bearer a-long-secret"), (b"host", b"h")],
               body=b"{}",
               violations=[], status=201, response=b'{"ok":true}', fault="cut", ledger=None)
    [entry] = log.entries()
    assert (entry.seq, entry.at, entry.provider, entry.method, entry.path, entry.query,
            entry.body, entry.status, entry.response, entry.fault, entry.stamp) == (
        1, 1.5, "p", "POST", "/x", "a=1", b"{}", 201, b'{"ok":true}', "cut", 7.0)
    assert entry.headers == [(b"authorization", b"REDACTED"), (b"host", b"h")]
    # the overhead, both bodies and every header name and value (the key as redacted)
    assert entry.size == module._ENTRY_OVERHEAD + 2 + 11 + len(b"authorization") + 8 + 4 + 1


def test_journal_counts_each_header_as_kept_and_a_secret_as_its_redaction() -> None:
    """The byte bound counts what the journal holds: a header's name and value, and for a
    secret header the redaction it keeps, whatever the length of the secret."""

    def held(headers: list[tuple[bytes, bytes]]) -> int:
        journal = Journal(max_entries=10)
        journal.record(at=1.0, provider="wavespeed", method="POST", path="/x", query=b"",
                       raw_headers=headers, body=b"{}", violations=[], status=200,
                       response=b"{}")
        return journal.bytes_held

    plain = held([(b"content-type", b"application/json")])
    extra = held([(b"content-type", b"application/json"), (b"x-trace", b"abcdef")])
    assert extra - plain == len(b"x-trace") + len(b"abcdef")
    short = held([(b"authorization", b"Bearer k")])
    long = held([(b"authorization", b"Bearer " + b"k" * 500)])
    assert short == long == held([]) + len(b"authorization") + len(REDACTED.encode())


def test_journal_gives_back_the_headers_it_was_given_even_odd_ones() -> None:
    """Headers come back as recorded (secrets redacted), in order, repeats and all; an empty
    value, no headers at all, and a header holding a NUL byte (which HTTP forbids, but a
    test client can send) survive the journal's compact storage."""
    cases = [
        [(b"host", b"h"), (b"x-a", b""), (b"x-a", b"2"), (b"authorization", b"Bearer k")],
        [],
        [(b"x-odd", b"a\x00b"), (b"x-b", b"c")],
    ]
    journal = Journal(max_entries=10)
    for headers in cases:
        journal.record(at=1.0, provider="wavespeed", method="GET", path="/x", query=b"",
                       raw_headers=headers, body=b"", violations=None, status=200,
                       response=b"{}")
    expected = [[(k, REDACTED.encode() if k == b"authorization" else v) for k, v in headers]
                for headers in cases]
    assert [e.headers for e in journal.entries()] == expected
