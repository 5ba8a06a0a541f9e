"""The dashboard's server side without a browser: its door, its JSON views, its curl.

Runs on a live mock (a real socket), so a copied curl command can be replayed with the
real curl and compared with what the journal saw the first time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from importlib.resources import files

import httpx
import pytest
from dashboard_support import CAT, Driver, dashboard_config

from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

TOKEN = "admin-t0ken"


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serving(create_app(dashboard_config())) as server:
        yield server


@pytest.fixture
def driver(live: LiveServer) -> Iterator[Driver]:
    client = Driver(live.url)
    yield client
    client.close()


def snapshot(live: LiveServer, **params: str) -> dict:
    answer = httpx.get(f"{live.url}/_mock/ui/api/snapshot", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


# -- the door ----------------------------------------------------------------------------


def test_the_admin_token_guards_pages_and_data_but_not_the_code() -> None:
    with serving(create_app(dashboard_config(admin_token=TOKEN))) as live:
        ui = f"{live.url}/_mock/ui"
        page = httpx.get(f"{ui}/")
        assert page.status_code == 401 and 'name="token"' in page.text
        assert "api/snapshot" not in page.text
        refused = httpx.get(f"{ui}/api/snapshot")
        assert refused.status_code == 401 and "admin token" in refused.json()["error"]
        assert httpx.get(f"{ui}/api/tasks/x").status_code == 401

        for headers in ({"Authorization": f"Bearer {TOKEN}"}, {"X-Mock-Admin-Token": TOKEN}):
            assert httpx.get(f"{ui}/api/snapshot", headers=headers).status_code == 200
        assert httpx.get(f"{ui}/", headers={"X-Mock-Admin-Token": TOKEN}).status_code == 200

        wrong = httpx.post(f"{ui}/login", data={"token": "nope"})
        assert wrong.status_code == 401 and "not the admin token" in wrong.text
        assert "set-cookie" not in wrong.headers
        signed = httpx.post(f"{ui}/login", data={"token": TOKEN})
        assert signed.status_code == 303 and signed.headers["location"] == "./"
        cookie = signed.headers["set-cookie"]
        assert "Path=/_mock" in cookie and "SameSite=Strict" in cookie
        name, _, value = cookie.split(";")[0].partition("=")
        with httpx.Client(cookies={name: value}) as browser:
            assert browser.get(f"{ui}/api/snapshot").status_code == 200
            assert browser.get(f"{ui}/").status_code == 200
            # The cookie opens the dashboard only: the admin API still wants the header,
            # which the page's script sends from the cookie.
            assert browser.get(f"{live.url}/_mock/tasks").status_code == 401

        # The script and styles hold no data: served without the token, like media files.
        assert httpx.get(f"{ui}/static/app.js").status_code == 200


def test_no_token_configured_means_an_open_door(live: LiveServer) -> None:
    assert httpx.get(f"{live.url}/_mock/ui/").status_code == 200
    moved = httpx.get(f"{live.url}/_mock/ui")
    assert moved.status_code == 307 and moved.headers["location"] == "ui/"
    index = httpx.get(f"{live.url}/_mock/").json()
    assert any("/_mock/ui/" in e for e in index["endpoints"])


def test_pages_and_assets_allow_nothing_from_elsewhere(live: LiveServer) -> None:
    page = httpx.get(f"{live.url}/_mock/ui/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    folder = files("vidukit.mock_server.dashboard") / "static"
    names = [item.name for item in folder.iterdir()]
    assert {"index.html", "app.js", "app.css", "timeline.js"} <= set(names)
    offsite = re.compile(r"""(src|href|from|url\()\s*=?\s*["']?(https?:)?//""", re.I)
    for name in names:
        text = (folder / name).read_text()
        assert not offsite.search(text), f"{name} refers to another host"
        served = httpx.get(f"{live.url}/_mock/ui/static/{name}")
        if name.endswith(".html"):
            assert served.status_code == 404  # pages have their own routes
        else:
            assert served.status_code == 200 and served.content == (folder / name).read_bytes()
    assert httpx.get(f"{live.url}/_mock/ui/static/../routes.py").status_code == 404
    assert httpx.get(f"{live.url}/_mock/ui/nowhere").status_code == 404


# -- the views ---------------------------------------------------------------------------


def test_snapshot_changes_only_when_something_happened(live: LiveServer, driver: Driver) -> None:
    empty = snapshot(live)
    assert empty["changed"] is True and empty["tasks"] == [] and empty["journal"] == []
    assert snapshot(live, since=empty["version"]) == {"version": empty["version"], "changed": False}

    task_id = driver.wavespeed(**{"X-Mock-Progression": "time=1,2"})
    first = snapshot(live, since=empty["version"])
    assert first["changed"] is True and first["version"] != empty["version"]
    [task] = first["tasks"]
    assert (task["id"], task["state"], task["provider_status"]) == (task_id, "queued", "created")
    assert [e["kind"] for e in task["exchanges"]] == ["submit"]

    driver.advance(1.5)
    moved = snapshot(live, since=first["version"])
    assert moved["changed"] is True and moved["tasks"][0]["state"] == "processing"
    assert moved["tasks"][0]["entered"]["processing"] == pytest.approx(task["created"] + 1)


def test_a_real_clock_ticking_alone_is_no_change() -> None:
    with serving(create_app(dashboard_config(clock="real"))) as live:
        first = snapshot(live)
        again = snapshot(live, since=first["version"])
        assert again == {"version": first["version"], "changed": False}
        assert first["clock"]["kind"] == "real"


def test_polls_link_to_their_task_on_every_provider(live: LiveServer, driver: Driver) -> None:
    ids = {
        "wavespeed": driver.wavespeed(),
        "novita": driver.novita(),
        "myrouter": driver.novita("myrouter"),
        "vtrix": driver.vtrix(),
        "runware": driver.runware("9b1f7c1e-8a0d-4c56-9d0e-1f2a3b4c5d6e"),
    }
    for provider, task_id in ids.items():
        assert driver.poll(provider, task_id) == 200
        assert driver.poll(provider, task_id) == 200
    view = snapshot(live)
    by_id = {t["id"]: t for t in view["tasks"]}
    for provider, task_id in ids.items():
        kinds = [e["kind"] for e in by_id[task_id]["exchanges"]]
        assert kinds == ["submit", "poll", "poll"], provider
    for entry in view["journal"]:
        assert len(entry["tasks"]) == 1, entry["request"]["path"]


def test_a_task_page_revalidates_the_submit_and_lists_its_exchanges(
    live: LiveServer, driver: Driver
) -> None:
    task_id = driver.wavespeed({**CAT, "seed": 0}, **{"X-Mock-Progression": "polls=2"})
    driver.poll("wavespeed", task_id)
    driver.poll("wavespeed", task_id)
    page = httpx.get(f"{live.url}/_mock/ui/api/tasks/{task_id}").json()
    assert page["task"]["state"] == "succeeded"
    assert page["request"]["source"] == "journal"
    assert [(v["path"], v["rule"], v["severity"]) for v in page["request"]["violations"]] == [
        ("/seed", "seed-zero-random", "warning")
    ]
    assert [e["kind"] for e in page["exchanges"]] == ["submit", "poll", "poll"]
    statuses = [e["response"]["body"]["data"]["status"] for e in page["exchanges"]]
    assert statuses == ["created", "processing", "completed"]
    assert page["webhooks"] == []
    missing = httpx.get(f"{live.url}/_mock/ui/api/tasks/nope")
    assert missing.status_code == 404 and "/_mock/tasks" in missing.json()["error"]


def test_an_invalid_submit_carries_its_violations(live: LiveServer, driver: Driver) -> None:
    assert driver.wavespeed_raw({"prompt": "x", "images": [], "duration": 9}).status_code == 400
    [entry] = snapshot(live)["journal"]
    assert entry["validation"]["valid"] is False
    rules = sorted(v["rule"] for v in entry["validation"]["violations"])
    assert rules == ["duration.maximum", "images.minItems"]
    assert entry["tasks"] == []


# -- copy as curl ------------------------------------------------------------------------


def _replay(command: str, key: str) -> None:
    curl = shutil.which("curl")
    assert curl, "curl is needed to replay a copied command (Debian package curl)"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VIDUKIT_API_KEY": key}
    done = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0, done.stderr


def test_a_copied_curl_replays_the_request_with_the_key_from_the_shell(
    live: LiveServer, driver: Driver
) -> None:
    driver.wavespeed({**CAT, "prompt": "it's a \"quoted\" $HOME"}, webhook="http://127.0.0.1:9/h")
    [first] = snapshot(live)["journal"]
    command = first["curl"]
    assert "sk-dashboard-test-key" not in command and "REDACTED" not in command
    assert command.startswith("# export VIDUKIT_API_KEY=")
    _replay(command, "sk-dashboard-test-key")
    again = snapshot(live)["journal"][0]
    assert again["seq"] == first["seq"] + 1
    for part in ("method", "path", "query", "body"):
        assert again["request"][part] == first["request"][part], part
    assert again["response"]["status"] == 200
    sent = dict(again["request"]["headers"])
    assert sent["authorization"] == "REDACTED" and sent["content-type"] == "application/json"
    # Same key, same owner: the replay is allowed to poll the first task.
    first_id = first["response"]["body"]["data"]["id"]
    assert driver.poll("wavespeed", first_id) == 200


def test_runware_body_keys_become_the_variable_too(live: LiveServer) -> None:
    body = [
        {"taskType": "authentication", "apiKey": "rw-secret-key"},
        {
            "taskType": "videoInference",
            "taskUUID": "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
            "model": "vidu:3@1",
            "positivePrompt": "a paper boat drifting",
        },
    ]
    assert httpx.post(f"{live.url}/runware/v1", json=body).status_code == 200
    [entry] = snapshot(live)["journal"]
    assert "rw-secret-key" not in entry["curl"]
    assert '"apiKey":"\'"${VIDUKIT_API_KEY}"\'"' in entry["curl"]
    _replay(entry["curl"], "rw-secret-key")
    replayed = snapshot(live)["journal"][0]
    # The replay reached the same owner's task: Runware answers a reused taskUUID so.
    assert replayed["response"]["status"] == 400
    assert replayed["response"]["body"]["errors"][0]["code"] == "conflictTaskUUID"


def test_long_strings_are_cut_for_the_page_and_huge_bodies_get_no_curl(
    live: LiveServer, driver: Driver
) -> None:
    long_prompt = "a cat " * 8_000  # 48,000 characters: invalid, and journalled
    driver.wavespeed_raw({**CAT, "prompt": long_prompt})
    driver.wavespeed_raw({**CAT, "prompt": "a cat " * 100})
    huge, small = snapshot(live)["journal"][::-1]
    shown = huge["request"]["body"]["prompt"]
    assert shown.startswith("a cat a cat") and shown.endswith("(48000 characters in all)")
    assert len(shown) < 500
    assert huge["curl"] is None
    assert small["request"]["body"]["prompt"].endswith("(600 characters in all)")
    assert small["curl"] is not None and "a cat " * 100 in small["curl"]
