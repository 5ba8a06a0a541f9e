"""MyRouter where it differs from Novita; the shared v3 async surface is tested in test_novita.py.

MyRouter's submit answer adds ``provider_request_id``; its tasks are its own
(a Novita task id is unknown on MyRouter and the other way round); its
package is its own, with Novita's code behind it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mock_support import state_of

import vidukit
from vidukit.mock_server.providers import load_providers

pytestmark = pytest.mark.anyio

SUBMIT = "/v3/async/vidu-q2-reference2video"
RESULT = "/v3/async/task-result"
AUTH = {"Authorization": "Bearer router-key"}
VALID: dict[str, Any] = {
    "prompt": "@7 waves from a red boat",
    "duration": 4,
    "subjects": [{"id": "7", "images": ["https://example.com/boat.png"]}],
}


def conforming(provider: str, message: str, response: httpx.Response) -> Any:
    body = response.json()
    errors = [v for v in vidukit.validate(provider, message, body) if v.severity == "error"]
    assert not errors, f"{provider} {message} breaks its schema: {errors}\n{body}"
    return body


async def test_the_submit_answer_carries_a_provider_request_id(client: httpx.AsyncClient) -> None:
    answers = []
    for _ in range(2):
        response = await client.post(f"/myrouter{SUBMIT}", json=VALID, headers=AUTH)
        assert response.status_code == 200
        answers.append(conforming("myrouter", "submit-response", response))
    for answer in answers:
        assert set(answer) == {"task_id", "provider_request_id"}
        assert re.fullmatch(r"[0-9a-f]{32}", answer["provider_request_id"])
        task = state_of(client).store.get(answer["task_id"])
        assert task is not None and task.provider == "myrouter"
        assert task.meta["provider_request_id"] == answer["provider_request_id"]
    assert answers[0]["provider_request_id"] != answers[1]["provider_request_id"]
    listed = (await client.get("/_mock/tasks", params={"provider": "myrouter"})).json()
    assert [t["meta"]["provider_request_id"] for t in listed["tasks"]] == [
        a["provider_request_id"] for a in answers
    ]


async def test_novita_answers_the_task_id_alone(client: httpx.AsyncClient) -> None:
    response = await client.post(f"/novita{SUBMIT}", json=VALID, headers=AUTH)
    assert set(conforming("novita", "submit-response", response)) == {"task_id"}


async def test_the_provider_request_id_replays_with_the_seed(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    answers = []
    for _ in range(2):
        async with make_client(seed=11) as client:
            answers.append(
                (await client.post(f"/myrouter{SUBMIT}", json=VALID, headers=AUTH)).json()
            )
    assert answers[0] == answers[1]


@pytest.mark.parametrize(("owner", "asker"), [("novita", "myrouter"), ("myrouter", "novita")])
async def test_a_task_is_not_found_on_the_other_providers_paths(
    client: httpx.AsyncClient, owner: str, asker: str
) -> None:
    task_id = (await client.post(f"/{owner}{SUBMIT}", json=VALID, headers=AUTH)).json()["task_id"]
    elsewhere = await client.get(f"/{asker}{RESULT}", params={"task_id": task_id}, headers=AUTH)
    assert elsewhere.status_code == 404
    assert conforming(asker, "error-response", elsewhere)["reason"] == "MODEL_NOT_FOUND"
    home = await client.get(f"/{owner}{RESULT}", params={"task_id": task_id}, headers=AUTH)
    assert conforming(owner, "result-response", home)["task"]["task_id"] == task_id


async def test_the_journal_names_the_provider_that_answered(client: httpx.AsyncClient) -> None:
    await client.post(f"/myrouter{SUBMIT}", json=VALID, headers=AUTH)
    await client.post(f"/novita{SUBMIT}", json=VALID, headers=AUTH)
    entries = [e.to_dict() for e in state_of(client).journal.entries()]
    assert [e["provider"] for e in entries] == ["myrouter", "novita"]


def test_myrouter_is_its_own_package_with_novitas_vocabulary() -> None:
    providers = load_providers()
    novita, myrouter = providers["novita"], providers["myrouter"]
    assert (myrouter.id, myrouter.title) == ("myrouter", "MyRouter")
    assert myrouter.status == novita.status
    assert myrouter.failure_codes == novita.failure_codes
    assert myrouter.routes is not novita.routes
