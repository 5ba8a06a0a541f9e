"""The admin API under /_mock/: inspect, steer, reset; clear errors, never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from mock_support import AUTH, SUBMIT, VALID, assert_valid, state_of

from vidukit.mock_server.clock import VIRTUAL_EPOCH
from vidukit.mock_server.config import MockConfig, check_exposure, is_loopback
from vidukit.mock_server.errors import ConfigError

pytestmark = pytest.mark.anyio


async def new_task(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.post(SUBMIT, json=VALID, headers={**AUTH, **headers})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["id"])


async def poll(client: httpx.AsyncClient, task_id: str) -> dict[str, object]:
    response = await client.get(f"/wavespeed/api/v3/predictions/{task_id}/result", headers=AUTH)
    data: dict[str, object] = response.json()["data"]
    return data


async def test_index_lists_providers_and_routes(client: httpx.AsyncClient) -> None:
    body = (await client.get("/_mock/")).json()
    from vidukit.mock_server.providers import provider_modules

    mounted = {m.rsplit(".", 1)[1] for m in provider_modules()}
    assert body["providers"] == {p: f"/{p}" for p in mounted}
    assert body["clock"] == "virtual"
    assert any("/_mock/clock/advance" in e for e in body["endpoints"])


async def test_tasks_list_filter_and_show(client: httpx.AsyncClient) -> None:
    first = await new_task(client)
    second = await new_task(client, **{"X-Mock-Progression": "immediate"})
    listed = (await client.get("/_mock/tasks")).json()
    assert [t["id"] for t in listed["tasks"]] == [first, second]
    assert listed["tasks"][1]["state"] == "succeeded", "listing brings states up to date"
    assert listed["tasks"][1]["provider_status"] == "completed"
    only = (await client.get("/_mock/tasks", params={"state": "queued"})).json()
    assert [t["id"] for t in only["tasks"]] == [first]
    shown = (await client.get(f"/_mock/tasks/{first}")).json()
    assert shown["request"] == VALID and shown["progression"] == "time=1,4"
    assert shown["next_change_at"] == "2026-01-01T00:00:01.000Z"
    assert shown["polls"] == 0, "the admin looking is not a client poll"
    bad = await client.get("/_mock/tasks", params={"provider": "acme"})
    assert bad.status_code == 400 and "wavespeed" in bad.json()["error"]
    missing = await client.get("/_mock/tasks/nope")
    assert missing.status_code == 404 and "/_mock/tasks" in missing.json()["error"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "fail", "error_code": 1402}, "failed", 1402),
        ({"outcome": "fail:5004"}, "failed", 5004),
        ({"outcome": "fail"}, "failed", 1403),
        ({"outcome": "succeed"}, "completed", None),
    ],
)
async def test_forcing_an_outcome_shows_at_the_next_poll(
    client: httpx.AsyncClient, body: dict[str, object], status: str, code: int | None
) -> None:
    task_id = await new_task(client)
    forced = await client.post(f"/_mock/tasks/{task_id}/outcome", json=body)
    assert forced.status_code == 200, forced.text
    assert forced.json()["forced"] is True
    data = await poll(client, task_id)
    assert data["status"] == status
    assert data.get("code") == code


async def test_stay_processing_holds_through_time(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    await client.post(f"/_mock/tasks/{task_id}/outcome", json={"outcome": "stay-processing"})
    await client.post("/_mock/clock/advance", json={"seconds": 86_400})
    assert (await poll(client, task_id))["status"] == "processing"


@pytest.mark.parametrize(
    ("body", "status", "hint"),
    [
        ({}, 400, "outcome"),
        ({"outcome": 3}, 400, "outcome"),
        ({"outcome": "explode"}, 400, "stay-processing"),
        ({"outcome": "fail", "error_code": 7}, 400, "1200"),
        ({"outcome": "succeed", "error_code": 1200}, 400, "fail"),
        ({"outcome": "fail", "error_code": True}, 400, "error_code"),
        ({"outcome": "fail", "error_code": [1]}, 400, "error_code"),
    ],
)
async def test_bad_outcome_requests_are_clear_4xx(
    client: httpx.AsyncClient, body: dict[str, object], status: int, hint: str
) -> None:
    task_id = await new_task(client)
    response = await client.post(f"/_mock/tasks/{task_id}/outcome", json=body)
    assert response.status_code == status
    assert hint in response.json()["error"]


async def test_a_finished_task_refuses_a_new_outcome_with_409(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client, **{"X-Mock-Progression": "immediate"})
    response = await client.post(f"/_mock/tasks/{task_id}/outcome", json={"outcome": "fail"})
    assert response.status_code == 409 and "already succeeded" in response.json()["error"]
    unknown = await client.post("/_mock/tasks/nope/outcome", json={"outcome": "fail"})
    assert unknown.status_code == 404


async def test_journal_shows_request_verdict_and_response_with_the_key_redacted(
    client: httpx.AsyncClient,
) -> None:
    await new_task(client)
    await client.post(SUBMIT, json={"prompt": 1}, headers=AUTH)
    journal = (await client.get("/_mock/journal")).json()
    assert journal["count"] == 2
    good, bad = journal["entries"]
    assert good["request"]["body"] == VALID
    assert good["validation"] == {"valid": True, "violations": []}
    assert good["response"]["status"] == 200
    assert_valid("wavespeed", "submit-response", good["response"]["body"])
    assert ["authorization", "REDACTED"] in good["request"]["headers"]
    assert "test-key-1" not in str(journal)
    assert bad["validation"]["valid"] is False
    assert {v["rule"] for v in bad["validation"]["violations"]} >= {
        "prompt.type",
        "images.required",
    }
    assert bad["response"]["status"] == 400
    last = (await client.get("/_mock/journal", params={"limit": 1})).json()["entries"]
    assert [e["seq"] for e in last] == [bad["seq"]]
    later = (await client.get("/_mock/journal", params={"since": good["seq"]})).json()
    assert [e["seq"] for e in later["entries"]] == [bad["seq"]]
    wrong = await client.get("/_mock/journal", params={"limit": "many"})
    assert wrong.status_code == 400 and "limit" in wrong.json()["error"]


async def test_journal_is_bounded_by_configuration(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(journal_max_entries=2) as client:
        for _ in range(5):
            await new_task(client)
        assert (await client.get("/_mock/journal")).json()["count"] == 2


async def test_reset_brings_back_a_fresh_server(client: httpx.AsyncClient) -> None:
    first = await new_task(client)
    await client.post("/_mock/clock/advance", json={"seconds": 30})
    await client.put("/_mock/progression", json={"progression": "polls=9"})
    response = await client.post("/_mock/reset")
    assert response.status_code == 200
    assert (await client.get("/_mock/tasks")).json()["count"] == 0
    assert (await client.get("/_mock/journal")).json()["count"] == 0
    assert (await client.get("/_mock/clock")).json()["now"] == VIRTUAL_EPOCH
    assert (await client.get("/_mock/progression")).json()["progression"] == "time=1,4"
    assert await new_task(client) == first, "same seed, same id sequence"


async def test_clock_advance_and_its_errors(client: httpx.AsyncClient) -> None:
    assert (await client.get("/_mock/clock")).json()["iso"] == "2026-01-01T00:00:00.000Z"
    moved = await client.post("/_mock/clock/advance", json={"seconds": 90.5})
    assert moved.json()["iso"] == "2026-01-01T00:01:30.500Z"
    for bad in ({"seconds": -1}, {"seconds": "10"}, {}, {"seconds": True}, [1]):
        response = await client.post("/_mock/clock/advance", json=bad)
        assert response.status_code == 400, bad
        assert "seconds" in response.json()["error"] or "object" in response.json()["error"]
    broken = await client.post(
        "/_mock/clock/advance", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400


async def test_the_real_clock_cannot_be_advanced(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(clock="real") as client:
        response = await client.post("/_mock/clock/advance", json={"seconds": 1})
        assert response.status_code == 409
        assert "--clock virtual" in response.json()["error"]
        assert (await client.get("/_mock/clock")).json()["kind"] == "real"


async def test_progression_defaults_can_be_read_and_changed(client: httpx.AsyncClient) -> None:
    assert (await client.get("/_mock/progression")).json() == {
        "progression": "time=1,4",
        "outcome": "succeed",
        "jitter": 0.0,
    }
    changed = await client.put(
        "/_mock/progression", json={"progression": "polls=1", "outcome": "fail:1402"}
    )
    assert changed.json()["progression"] == "polls=1"
    task_id = await new_task(client)
    data = await poll(client, task_id)
    assert (data["status"], data["code"]) == ("failed", 1402)
    for bad in (
        {"progression": "whenever"},
        {"outcome": "fail:77"},
        {"colour": "blue"},
        {},
        {"progression": 3},
    ):
        response = await client.put("/_mock/progression", json=bad)
        assert response.status_code == 400, bad
    assert (await client.get("/_mock/progression")).json()["progression"] == "polls=1"


async def test_admin_token_guards_everything_but_media(
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    async with make_client(admin_token="s3cret") as client:
        task_id = await new_task(client, **{"X-Mock-Progression": "immediate"})
        await poll(client, task_id)
        refused = await client.get("/_mock/tasks")
        assert refused.status_code == 401 and "admin token" in refused.json()["error"]
        wrong = await client.get("/_mock/tasks", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        for headers in ({"Authorization": "Bearer s3cret"}, {"X-Mock-Admin-Token": "s3cret"}):
            assert (await client.get("/_mock/tasks", headers=headers)).status_code == 200
        assert (await client.get(f"/_mock/media/{task_id}.mp4")).status_code == 200


async def test_unknown_admin_routes_list_the_real_ones(client: httpx.AsyncClient) -> None:
    response = await client.delete("/_mock/tasks")
    assert response.status_code in (404, 405)
    other = await client.get("/_mock/teleport")
    assert other.status_code == 404 and "/_mock/reset" in other.json()["error"]


async def test_media_for_unknown_or_unfinished_tasks_is_404(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    for name in (f"{task_id}.mp4", "nope.mp4", f"{task_id}.gif", "noextension"):
        assert (await client.get(f"/_mock/media/{name}")).status_code == 404


def test_exposure_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.com")
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", "token")
    with pytest.raises(ConfigError, match="--admin-token is required"):
        check_exposure("0.0.0.0", None)


@pytest.mark.parametrize(
    ("options", "hint"),
    [
        ({"clock": "sundial"}, "clock"),
        ({"progression": "soon"}, "polls=N"),
        ({"outcome": "maybe"}, "stay-processing"),
        ({"jitter": 2.0}, "jitter"),
        ({"api_keys": ("",)}, "empty"),
        ({"admin_token": ""}, "admin_token"),
        ({"journal_max_entries": -1}, "journal"),
    ],
)
def test_a_bad_configuration_is_refused_with_its_field(
    options: dict[str, object], hint: str
) -> None:
    with pytest.raises(ConfigError, match=hint):
        MockConfig(**options)  # type: ignore[arg-type]


def test_create_app_refuses_unknown_provider_and_foreign_error_codes() -> None:
    from vidukit.mock_server import create_app

    with pytest.raises(ConfigError, match=r"available: .*wavespeed"):
        create_app(MockConfig(provider="acme"))
    with pytest.raises(ConfigError, match="no error code"):
        create_app(MockConfig(outcome="fail:NOT_A_CODE"))


async def test_two_apps_share_nothing(make_client: Callable[..., httpx.AsyncClient]) -> None:
    async with make_client() as one, make_client() as two:
        await new_task(one)
        assert state_of(one).store.count() == 1
        assert state_of(two).store.count() == 0
        await one.post("/_mock/clock/advance", json={"seconds": 5})
        assert (await two.get("/_mock/clock")).json()["now"] == VIRTUAL_EPOCH


async def test_a_task_can_be_given_a_new_progression(client: httpx.AsyncClient) -> None:
    task_id = await new_task(client)
    url = f"/_mock/tasks/{task_id}/progression"
    changed = await client.put(url, json={"progression": "polls=2"})
    assert changed.status_code == 200 and changed.json()["progression"] == "polls=2"
    await client.post("/_mock/clock/advance", json={"seconds": 3600})
    assert (await poll(client, task_id))["status"] == "processing"
    assert (await poll(client, task_id))["status"] == "completed"
    again = await client.put(url, json={"progression": "polls=5"})
    assert again.status_code == 409
    for bad in ({"progression": "never"}, {}, {"progression": 2}):
        other = await new_task(client)
        response = await client.put(f"/_mock/tasks/{other}/progression", json=bad)
        assert response.status_code == 400 and "progression" in response.json()["error"]


async def test_a_server_wide_failure_code_applies_only_where_it_exists(
    client: httpx.AsyncClient,
) -> None:
    """WaveSpeed's 1402 as the default: WaveSpeed fails with it, Runware with its own code."""
    defaults = {"progression": "immediate", "outcome": "fail:1402"}
    assert (await client.put("/_mock/progression", json=defaults)).status_code == 200
    data = await poll(client, await new_task(client))
    assert (data["status"], data["code"]) == ("failed", 1402)
    task = {
        "taskType": "videoInference",
        "taskUUID": "0b6d6f1e-5c1a-4d7e-9a55-3f6f0d2c9b11",
        "model": "vidu:3@1",
        "positivePrompt": "a paper boat on a rainy street",
    }
    submitted = await client.post("/runware/v1", json=[task], headers=AUTH)
    assert submitted.status_code == 200, submitted.text
    polled = await client.post(
        "/runware/v1", json=[{"taskType": "getResponse", "taskUUID": task["taskUUID"]}],
        headers=AUTH,
    )
    errors = polled.json()["errors"]
    assert_valid("runware", "result-response", polled.json())
    from vidukit.mock_server.providers.runware import PROVIDER as RUNWARE

    assert errors[0]["code"] == RUNWARE.default_failure_code
    assert "1402" not in RUNWARE.failure_codes


async def test_a_failure_code_no_provider_has_is_refused_as_default(
    client: httpx.AsyncClient,
) -> None:
    refused = await client.put("/_mock/progression", json={"outcome": "fail:notACode"})
    assert refused.status_code == 400
    assert "notACode" in refused.json()["error"]
