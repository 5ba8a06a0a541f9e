"""The memory store's bound (``--max-tasks``) and its frozen rows, as a client meets them."""

from __future__ import annotations

import httpx
import pytest

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.storage import MemoryTaskStore
from vidukit.mock_server.storage.memory import freeze, thaw
from vidukit.mock_server.tasks import Outcome, Progression, Task

SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
AUTH = {"Authorization": "Bearer bounds-key"}
BODY = {"prompt": "a lighthouse at dusk", "images": ["https://example.com/l.png"]}


def _task(n: int) -> Task:
    return Task(
        id=f"t{n}",
        provider="wavespeed",
        owner="o",
        created_at=float(n),
        progression=Progression("polls", polls=3),
        outcome=Outcome("fail", "1200"),
        seed=n,
        request={"prompt": "ü" * n, "n": [n, {"deep": None}], "big": 10**30 + n, "f": 0.1},
        meta={"polls_entered": {"queued": 0}},
        state="queued",
        entered={"queued": float(n) + 0.125},
        polls=n,
    )


def test_the_oldest_tasks_go_past_the_bound_and_updates_are_not_new_tasks() -> None:
    store = MemoryTaskStore(max_tasks=3, hot_tasks=2)
    for n in range(5):
        store.put(_task(n))
    store.put(_task(2))  # an update: the order and the count stay
    assert [t.id for t in store.list()] == ["t2", "t3", "t4"]
    assert (store.count(), store.get("t0"), store.get("t1")) == (3, None, None)


@pytest.mark.parametrize("n", [0, 1, 7])
def test_a_frozen_row_thaws_to_an_equal_task(n: int) -> None:
    task = _task(n)
    row = freeze(task)
    assert isinstance(row, bytes)
    assert thaw(task.id, row).to_dict() == task.to_dict()


def test_a_bad_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="max_tasks"):
        MemoryTaskStore(max_tasks=-1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_a_task_past_the_bound_answers_the_providers_not_found() -> None:
    app = create_app(MockConfig(clock="virtual", max_tasks=2, check_responses=True))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        ids = []
        for _ in range(3):
            answer = await client.post(SUBMIT, json=BODY, headers=AUTH)
            assert answer.status_code == 200, answer.text
            ids.append(answer.json()["data"]["id"])
        first = await client.get(f"/wavespeed/api/v3/predictions/{ids[0]}/result", headers=AUTH)
        last = await client.get(f"/wavespeed/api/v3/predictions/{ids[2]}/result", headers=AUTH)
    assert (first.status_code, last.status_code) == (404, 200)
    assert last.json()["data"]["id"] == ids[2]
