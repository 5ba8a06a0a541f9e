"""The sqlite store keeps tasks, scheduled webhooks and the virtual clock across restarts.

In process (close the store, open the file again), then for real: ``vidukit
serve --store sqlite:PATH`` killed with SIGKILL and started again, and
``--workers 2`` sharing one file.
"""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from store_support import AUTH, RESULT, Serve, poll_status, receiving, serve, submit

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.storage.sqlite import SqliteTaskStore
from vidukit.mock_server.tasks import Outcome, Progression, Task
from vidukit.mock_server.testing import serving


def _task(task_id: str) -> Task:
    return Task(
        id=task_id,
        provider="novita",
        owner="o",
        created_at=5.0,
        progression=Progression.parse("polls=3"),
        outcome=Outcome(),
        seed=1,
        request={"prompt": "p"},
    )


def test_everything_survives_closing_and_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mock.db"  # a missing folder is refused: tests/test_cli_options.py
    first = SqliteTaskStore(path)
    first.put(_task("a"))
    first.add_number("clock-offset", 42.5)
    first.put_record("webhook", "event-1", {"attempt": 1}, due=99.0)
    first.admit("submits:novita:o", 10.0, 60.0, None)
    first.close()
    again = SqliteTaskStore(path)
    assert again.get("a") == _task("a")
    assert again.read_number("clock-offset") == 42.5
    assert again.due_records("webhook", 100.0) == [("event-1", {"attempt": 1})]
    assert again.admit("submits:novita:o", 11.0, 60.0, 1) == 70.0
    again.close()
    again.put(_task("b"))  # a closed store opens the file again when used
    assert again.count() == 2


def test_a_file_that_is_not_a_database_is_a_one_line_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "not.db"
    bad.write_text("hello, I am a text file" * 100)
    with pytest.raises(Exception, match=r"store sqlite:.*cannot open"):
        create_app(MockConfig(store=f"sqlite:{bad}"))


def test_an_app_restarted_on_the_file_resumes_clock_tasks_and_callbacks(tmp_path: Path) -> None:
    """A callback scheduled before the restart is sent after it, once, at its due time."""
    url = f"sqlite:{tmp_path / 'mock.db'}"
    config = MockConfig(store=url, clock="virtual", progression="time=0,10", jitter=0.0)
    with receiving() as receiver:
        with serving(create_app(config)) as live, httpx.Client(base_url=live.url) as client:
            delayed = {"X-Mock-Webhook": "delay=30"}
            answer = submit(client, 1, headers=delayed, webhook=receiver.url)
            task_id = answer.json()["data"]["id"]
            client.post("/_mock/clock/advance", json={"seconds": 15})
            assert poll_status(client, task_id) == "completed"  # ended at +10; callback at +40
            before = client.get("/_mock/clock").json()["now"]
        assert receiver.count() == 0
        with serving(create_app(config)) as live, httpx.Client(base_url=live.url) as client:
            assert client.get("/_mock/clock").json()["now"] == before  # the clock came back
            assert poll_status(client, task_id) == "completed"
            client.post("/_mock/clock/advance", json={"seconds": 24})
            assert receiver.count() == 0  # due at +40: one second to go
            client.post("/_mock/clock/advance", json={"seconds": 1})
            assert receiver.wait_for(1) == 1 and receiver.calls[0][0] == task_id
            delivery = client.get("/_mock/webhooks", params={"task": task_id}).json()
            assert [d["state"] for d in delivery["deliveries"]] == ["delivered"]


def _killed(server: Serve) -> None:
    server.signal(signal.SIGKILL)
    assert server.wait() == -signal.SIGKILL


def test_tasks_clock_and_scheduled_callbacks_survive_kill_9(tmp_path: Path) -> None:
    """Three lives, each ended by SIGKILL: the task polls to completion in the second, its
    callback (delayed 30 s) is scheduled then, and sent once in the third."""
    store = f"sqlite:{tmp_path / 'mock.db'}"
    options = ("--store", store, "--clock", "virtual", "--progression", "time=2,8", "--jitter", "0")
    delayed = {"X-Mock-Webhook": "delay=30"}
    with receiving() as receiver:
        first = Serve(*options)
        try:
            with httpx.Client(base_url=first.url) as client:
                task_id = submit(client, 1, headers=delayed, webhook=receiver.url).json()
                task_id = task_id["data"]["id"]
                client.post("/_mock/clock/advance", json={"seconds": 5})
                assert poll_status(client, task_id) == "processing"
        finally:
            _killed(first)
        second = Serve(*options)
        try:
            with httpx.Client(base_url=second.url) as client:
                assert client.get("/_mock/clock").json()["now"] == 1767225605.0
                assert poll_status(client, task_id) == "processing"
                client.post("/_mock/clock/advance", json={"seconds": 5})
                result = client.get(RESULT.format(id=task_id), headers=AUTH).json()["data"]
                assert result["status"] == "completed" and result["outputs"]
                assert submit(client, 2).json()["data"]["id"] != task_id  # ids went on
                scheduled = client.get("/_mock/webhooks", params={"task": task_id}).json()
                assert [d["state"] for d in scheduled["deliveries"]] == ["scheduled"]
        finally:
            _killed(second)
        assert receiver.count() == 0
        with serve(*options) as third, httpx.Client(base_url=third.url) as client:
            client.post("/_mock/clock/advance", json={"seconds": 30})
            assert receiver.wait_for(1) == 1 and receiver.calls == [(task_id, "1")]
            assert poll_status(client, task_id) == "completed"


def test_two_workers_share_one_file(tmp_path: Path) -> None:
    """Submits and polls on fresh connections land on either worker; all see every task,
    and each callback is sent by exactly one of them."""
    store = f"sqlite:{tmp_path / 'mock.db'}"
    options = ("--store", store, "--workers", "2", "--progression", "time=0,0.3")
    with receiving() as receiver, serve(*options) as server:
        assert len(server.children()) == 2
        ids = []
        for n in range(12):
            with httpx.Client(base_url=server.url) as client:
                ids.append(submit(client, n, webhook=receiver.url).json()["data"]["id"])
        assert len(set(ids)) == 12
        assert receiver.wait_for(12) == 12
        for task_id in ids:
            with httpx.Client(base_url=server.url) as client:
                assert poll_status(client, task_id) == "completed"
        for _ in range(4):
            with httpx.Client(base_url=server.url) as client:
                assert client.get("/_mock/tasks").json()["count"] == 12
        assert sorted(task for task, _ in receiver.calls) == sorted(ids)
