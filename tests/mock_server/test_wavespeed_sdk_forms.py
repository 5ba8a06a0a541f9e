"""WaveSpeed's SDK forms (provider-docs §8): the mock sends them on request, they validate,
and the official ``wavespeed`` Python SDK, unchanged but for its base URL, handles them.

The SDK cannot send the mock's control headers, so the admin API steers each run: the
default progression (``PUT /_mock/progression``) and a task scenario for the next task
(``POST /_mock/scenarios``). The same scenarios are reachable by ``X-Mock-Scenario``,
which the plain-HTTP tests here use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
import wavespeed  # type: ignore[import-untyped]
from mock_support import mock_config
from webhooks_support import Receiver, receiving

import vidukit
from vidukit.catalogue import catalogue
from vidukit.mock_server import create_app
from vidukit.mock_server.testing import LiveServer, serving

KEY = "sdk-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
MODEL = "vidu/reference-to-video-q2"
SUBMIT = f"/api/v3/{MODEL}"
INPUT: dict[str, Any] = {
    "prompt": "a paper boat drifts down a rain gutter",
    "images": ["https://images.example.com/boat.jpg"],
}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    config = mock_config(api_keys=(KEY,), progression="immediate", webhook_targets="loopback")
    with serving(create_app(config)) as live:
        yield live


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    server.state.reset()
    return server


def admin(live: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{live.url}/_mock{path}", timeout=5, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def errors(message: str, body: Any) -> list[vidukit.Violation]:
    """Schema errors (notes, such as the undeclared ``code`` of a callback, aside)."""
    return [v for v in vidukit.validate("wavespeed", message, body) if v.severity == "error"]


def next_task(live: LiveServer, scenario: str) -> None:
    admin(live, "POST", "/scenarios", json={"scenario": scenario, "for": "tasks"})


def client(live: LiveServer) -> wavespeed.Client:
    return wavespeed.Client(api_key=KEY, base_url=live.base_url("wavespeed"), max_retries=0)


def polled_results(live: LiveServer) -> list[dict[str, Any]]:
    """Every result answer the SDK got, checked against the result-response schema."""
    entries = admin(live, "GET", "/journal?provider=wavespeed")["entries"]
    bodies = [e["response"]["body"] for e in entries if e["request"]["method"] == "GET"]
    for body in bodies:
        assert errors("result-response", body) == [], body
    return bodies


@pytest.mark.parametrize(
    ("scenario", "status", "code"),
    [("cancelled", "cancelled", None), ("timeout-status", "timeout", 5004)],
)
def test_the_sdk_stops_polling_on_a_cancelled_or_timed_out_task(
    live: LiveServer, scenario: str, status: str, code: int | None
) -> None:
    """src/wavespeed/api/client.py ``_wait``: both words are terminal, raised as errors."""
    next_task(live, scenario)
    with pytest.raises(RuntimeError) as raised:
        client(live).run(MODEL, INPUT, poll_interval=0.05, timeout=10)
    [task] = admin(live, "GET", "/tasks?provider=wavespeed")["tasks"]
    assert str(raised.value).startswith(f"Prediction {status} (task_id: {task['id']}): ")
    [result] = polled_results(live)
    assert result["data"]["status"] == status, "one poll: the SDK stopped at once"
    assert result["data"].get("code") == code
    assert result["data"]["outputs"] == [] and result["data"]["error"] in str(raised.value)


@pytest.mark.parametrize("scenario", ["cancelled", "timeout-status"])
def test_the_header_chooses_the_same_form(live: LiveServer, scenario: str) -> None:
    base = live.base_url("wavespeed")
    with httpx.Client(base_url=base, headers=AUTH, timeout=5) as http:
        submitted = http.post(SUBMIT, json=INPUT, headers={"X-Mock-Scenario": scenario})
        task_id = submitted.json()["data"]["id"]
        body = http.get(f"/api/v3/predictions/{task_id}/result").json()
    assert errors("result-response", body) == []
    expected = {"cancelled": "cancelled", "timeout-status": "timeout"}[scenario]
    assert body["data"]["status"] == expected


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def test_a_failed_callback_may_omit_outputs(live: LiveServer, receiver: Receiver) -> None:
    """how-to-use-webhooks: outputs is "Only present when status is completed"."""
    base = live.base_url("wavespeed")
    headers = {**AUTH, "X-Mock-Scenario": "webhook-without-outputs"}
    with httpx.Client(base_url=base, headers=headers, timeout=5) as http:
        submitted = http.post(SUBMIT, json=INPUT, params={"webhook": receiver.url()})
    assert submitted.status_code == 200, submitted.text
    (call,) = receiver.wait_for(1)
    body = call.json()
    assert (body["status"], "outputs" in body) == ("failed", False)
    assert errors("webhook", body) == []
    without = {k: v for k, v in body.items() if k != "outputs"}
    completed = {**without, "status": "completed", "error": "", "has_nsfw_contents": [False]}
    rules = [v.rule for v in errors("webhook", completed)]
    assert rules == ["outputs.required"], "a completed callback still needs its outputs"


# -- media upload: upload() then run(), offline ---------------------------------------------------

#: A 1x1 PNG: the smallest real image a client might upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_upload_then_run_works_offline(live: LiveServer, tmp_path: Any) -> None:
    """client.py ``upload``: a ticket from /api/v3/media/uploads, a PUT of the bytes, and
    the download URL back; that URL then serves as a reference image for ``run``."""
    path = tmp_path / "reference.png"
    path.write_bytes(PNG)
    sdk = client(live)
    url = sdk.upload(str(path))
    assert url.startswith(f"{live.url}/_mock/media/uploads/") and url.endswith("/reference.png")
    fetched = httpx.get(url, timeout=5)
    assert (fetched.status_code, fetched.content) == (200, PNG)
    assert fetched.headers["content-type"] == "image/png"
    output = sdk.run(MODEL, {**INPUT, "images": [url]}, poll_interval=0.05, timeout=10)
    [task] = admin(live, "GET", "/tasks?provider=wavespeed")["tasks"]
    assert output == {"outputs": [f"{live.url}/_mock/media/{task['id']}.mp4"]}
    submitted = [e for e in admin(live, "GET", "/journal?provider=wavespeed")["entries"]
                 if e["request"]["path"].endswith(SUBMIT)]
    assert [e["request"]["body"]["images"] for e in submitted] == [[url]]


def test_the_upload_ticket_is_what_the_sdk_reads(live: LiveServer) -> None:
    """The mock's ticket answer against schemas/wavespeed/upload-ticket.json (the fields
    client.py ``upload`` reads), and one the schema refuses when a field the SDK needs goes."""
    cat = catalogue()
    check = jsonschema.Draft202012Validator(
        cat.resources["https://vidukit.dev/schemas/wavespeed/upload-ticket.json"],
        registry=cat.registry)
    with httpx.Client(base_url=live.base_url("wavespeed"), headers=AUTH, timeout=5) as http:
        answer = http.post("/api/v3/media/uploads",
                           json={"filename": "ref.png", "size": len(PNG),
                                 "content_type": "image/png"})
    assert answer.status_code == 200, answer.text
    assert list(check.iter_errors(answer.json())) == []
    broken = answer.json()
    del broken["data"]["download_url"]
    assert [e.validator for e in check.iter_errors(broken)] == ["required"]


def test_the_one_request_binary_upload(live: LiveServer) -> None:
    """The JS SDK 0.2.x's route: the file as the multipart part ``file``."""
    with httpx.Client(base_url=live.base_url("wavespeed"), headers=AUTH, timeout=5) as http:
        answer = http.post("/api/v3/media/upload/binary",
                           files={"file": ("ref.png", PNG, "image/png")})
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert (answer.json()["code"], data["filename"], data["size"]) == (200, "ref.png", len(PNG))
    assert httpx.get(data["download_url"], timeout=5).content == PNG


def test_uploads_refuse_what_they_cannot_store(live: LiveServer) -> None:
    with httpx.Client(base_url=live.base_url("wavespeed"), timeout=5) as http:
        assert http.post("/api/v3/media/uploads", json={"filename": "a.png", "size": 3}
                         ).status_code == 401
        refused = http.post("/api/v3/media/uploads", json={"filename": "a.png"}, headers=AUTH)
        assert refused.status_code == 400 and "size" in refused.text
        ticket = http.post("/api/v3/media/uploads", json={"filename": "a.png", "size": 3},
                           headers=AUTH).json()["data"]
    wrong = httpx.put(ticket["upload"]["url"], content=b"four", timeout=5)
    assert wrong.status_code == 400 and "declared 3 bytes" in wrong.text
    assert httpx.get(ticket["download_url"], timeout=5).status_code == 404, "nothing stored yet"
