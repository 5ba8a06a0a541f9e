"""WaveSpeed's prediction list on the mock (in process, virtual clock): paging, filters, keys,
both methods, and the list's schemas against their fixtures and the mock's answers.

Expected figures come from the Common API page (https://wavespeed.ai/docs/docs-common-api/
predictions): newest first, ``page``/``page_size`` (1..100, default 100), ``total``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from mock_support import AUTH, SUBMIT, VALID

from vidukit.catalogue import catalogue, data_root

pytestmark = pytest.mark.anyio

LIST = "/wavespeed/api/v3/predictions"
SCHEMAS = ("prediction-list-request", "prediction-list", "upload-ticket")


def _validator(name: str) -> jsonschema.Draft202012Validator:
    cat = catalogue()
    schema = cat.resources[f"https://vidukit.dev/schemas/wavespeed/{name}.json"]
    return jsonschema.Draft202012Validator(
        schema, registry=cat.registry, format_checker=jsonschema.FormatChecker())


def _fixtures(name: str, kind: str) -> list[Any]:
    folder = data_root("fixtures") / "wavespeed" / name / kind
    return [pytest.param(name, p, id=f"{name}-{p.stem}") for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize(("name", "path"), [f for n in SCHEMAS for f in _fixtures(n, "valid")])
def test_valid_fixtures_validate(name: str, path: Path) -> None:
    errors = list(_validator(name).iter_errors(json.loads(path.read_text())))
    assert errors == []


@pytest.mark.parametrize(("name", "path"), [f for n in SCHEMAS for f in _fixtures(n, "invalid")])
def test_invalid_fixtures_break_the_rule_they_are_named_after(name: str, path: Path) -> None:
    errors = list(_validator(name).iter_errors(json.loads(path.read_text())))
    assert len(errors) == 1
    error = errors[0]
    where = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
    keyword = "unknown-field" if error.validator == "additionalProperties" else error.validator
    if error.validator == "required":  # name the missing field, as vidukit's rule ids do
        where = ".".join(filter(None, [where, error.message.split("'")[1]]))
    assert (f"{where}.{keyword}" if keyword != "unknown-field" else keyword) == path.stem


async def _submit(client: httpx.AsyncClient, auth: dict[str, str] = AUTH) -> str:
    answer = await client.post(SUBMIT, json=VALID, headers=auth)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["id"])


async def _advance(client: httpx.AsyncClient, seconds: float) -> None:
    assert (await client.post("/_mock/clock/advance", json={"seconds": seconds})).is_success


async def test_pages_newest_first_with_total_on_get_and_post(client: httpx.AsyncClient) -> None:
    ids = []
    for _ in range(5):
        ids.append(await _submit(client))
        await _advance(client, 1.0)
    await _submit(client, {"Authorization": "Bearer someone-else"})  # not this key's
    newest_first = ids[::-1]
    first = await client.get(LIST, params={"page": 1, "page_size": 2}, headers=AUTH)
    third = await client.post(LIST, json={"page": 3, "page_size": 2}, headers=AUTH)
    past = await client.get(LIST, params={"page": 4, "page_size": 2}, headers=AUTH)
    everything = await client.get(LIST, headers=AUTH)  # documented defaults: page 1, 100
    check = _validator("prediction-list")
    for answer in (first, third, past, everything):
        assert answer.status_code == 200, answer.text
        assert list(check.iter_errors(answer.json())) == []
    assert [i["id"] for i in first.json()["data"]["items"]] == newest_first[:2]
    assert [i["id"] for i in third.json()["data"]["items"]] == newest_first[4:]
    assert past.json()["data"] == {"page": 4, "total": 5, "items": []}
    assert [i["id"] for i in everything.json()["data"]["items"]] == newest_first
    assert {first.json()["data"]["total"], everything.json()["data"]["total"]} == {5}


async def test_filters_by_creation_time_and_status(client: httpx.AsyncClient) -> None:
    old = await _submit(client)
    await _advance(client, 10.0)  # time=1,4 by default: the first one has completed
    new = await _submit(client)
    after = (await client.get(LIST, headers=AUTH, params={
        "created_after": "2026-01-01T00:00:05Z"})).json()["data"]
    done = (await client.post(LIST, headers=AUTH, json={"status": "completed"})).json()["data"]
    assert [i["id"] for i in after["items"]] == [new]
    assert [(i["id"], i["status"]) for i in done["items"]] == [(old, "completed")]


@pytest.mark.parametrize("params", [{"page": "0"}, {"page_size": "101"}, {"status": "created"},
                                    {"created_after": "yesterday"}, {"limit": "1"}])
async def test_out_of_range_parameters_are_one_400(client: httpx.AsyncClient,
                                                   params: dict[str, str]) -> None:
    answer = await client.get(LIST, params=params, headers=AUTH)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["data"]) == (400, None)
    assert next(iter(params)) in body["message"] or "limit" in body["message"]


async def test_listing_needs_the_key(client: httpx.AsyncClient) -> None:
    assert (await client.get(LIST)).status_code == 401
