"""Two mock instances sharing one real Redis behave as one mock.

Each instance is a separate app with its own Redis connections, dispatcher
and uvicorn socket (`vidukit.mock_server.testing.serving`), as two machines behind a
load balancer would be; they share only the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from redis_launcher import RedisServer
from store_support import AUTH, RESULT, fresh_store_url, poll_status, receiving, submit

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import serving


@contextmanager
def two_instances(
    redis: RedisServer, tmp_path: Path, **options: Any
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    url = fresh_store_url("redis", tmp_path, redis)
    config = MockConfig(store=url, clock="virtual", jitter=0.0, **options)
    with ExitStack() as stack:
        clients = []
        for _ in range(2):
            live = stack.enter_context(serving(create_app(config)))
            clients.append(stack.enter_context(httpx.Client(base_url=live.url, timeout=10)))
        yield clients[0], clients[1]


def test_a_task_created_on_one_instance_completes_on_the_other(
    redis_live: RedisServer, tmp_path: Path
) -> None:
    with two_instances(redis_live, tmp_path, progression="time=1,4") as (one, two):
        task_id = submit(one, 1).json()["data"]["id"]
        assert poll_status(two, task_id) == "created"
        two.post("/_mock/clock/advance", json={"seconds": 2})  # one clock for both
        assert one.get("/_mock/clock").json() == two.get("/_mock/clock").json()
        assert poll_status(two, task_id) == "processing"
        one.post("/_mock/clock/advance", json={"seconds": 3})
        result = two.get(RESULT.format(id=task_id), headers=AUTH).json()["data"]
        assert result["status"] == "completed" and result["outputs"]
        assert poll_status(one, task_id) == "completed"
        assert one.get("/_mock/tasks").json()["count"] == 1


def test_each_callback_attempt_is_sent_once_by_two_instances(
    redis_live: RedisServer, tmp_path: Path
) -> None:
    """Both instances see every task end (polls on both, an advance on each, both
    dispatchers running); the receiver still gets one call per attempt: one for each
    task, two for the task whose first attempt it refused (the retry)."""
    with (
        receiving() as receiver,
        two_instances(redis_live, tmp_path, progression="time=0,5") as (one, two),
    ):
        answers = [submit((one, two)[n % 2], n, webhook=receiver.url) for n in range(10)]
        ids = [answer.json()["data"]["id"] for answer in answers]
        receiver.fail_first.add(ids[3])
        _everybody_at_once(
            [lambda: one.post("/_mock/clock/advance", json={"seconds": 6})]
            + [lambda c=c, t=t: poll_status(c, t) for t in ids for c in (one, two)]
        )
        assert receiver.wait_for(10) >= 10
        two.post("/_mock/clock/advance", json={"seconds": 10})  # the retry falls due (5 s)
        assert receiver.wait_for(11) == 11
        time.sleep(1.5)  # both dispatchers wake at least once more: a late double would land
        assert receiver.count() == 11
        assert {t: receiver.count(t) for t in ids} == {t: 2 if t == ids[3] else 1 for t in ids}
        journal = two.get("/_mock/webhooks").json()["deliveries"]
        assert sorted(d["task_id"] for d in journal) == sorted(ids)
        assert all(d["state"] == "delivered" for d in journal)


def test_per_minute_quota_is_one_limit_across_instances(
    redis_live: RedisServer, tmp_path: Path
) -> None:
    with two_instances(redis_live, tmp_path, quotas="wavespeed.per_minute=4") as (one, two):
        codes: list[int] = []
        lock = threading.Lock()

        def send(client: httpx.Client, n: int) -> None:
            code = submit(client, n).status_code
            with lock:
                codes.append(code)

        _everybody_at_once([lambda n=n: send((one, two)[n % 2], n) for n in range(10)])
        assert sorted(codes) == [200] * 4 + [429] * 6
        one.post("/_mock/clock/advance", json={"seconds": 61})
        assert submit(two, 99).status_code == 200  # the minute is over for both


def test_an_admin_choice_made_on_one_instance_applies_n_times_across_both(
    redis_live: RedisServer, tmp_path: Path
) -> None:
    with two_instances(redis_live, tmp_path) as (one, two):
        chosen = one.post("/_mock/scenarios", json={"scenario": "http-503", "count": 3})
        assert chosen.status_code == 200, chosen.text
        assert two.get("/_mock/scenarios").json()["pending"][0]["remaining"] == 3
        codes: list[int] = []
        lock = threading.Lock()

        def send(client: httpx.Client, n: int) -> None:
            code = submit(client, n).status_code
            with lock:
                codes.append(code)

        _everybody_at_once([lambda n=n: send((one, two)[n % 2], n) for n in range(8)])
        assert sorted(codes) == [200] * 5 + [503] * 3
        assert one.get("/_mock/scenarios").json()["pending"] == []


def _everybody_at_once(calls: list[Any]) -> None:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Any) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
