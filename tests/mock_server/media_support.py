"""Helpers for the media tests: one finished task per provider over a real socket, and a probe.

Imported by name (tests/mock_server has no package). Each provider is driven
through its own documented paths exactly as a client would, with
``X-Mock-Progression: immediate`` so the first poll sees the task finished.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import httpx

from vidukit.mock_server.testing import LiveServer

KEY = "media-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
IMMEDIATE = {"X-Mock-Progression": "immediate"}
PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")
IMAGE = "https://example.com/cat.png"


@dataclass(frozen=True)
class Finished:
    """A succeeded task as its provider answered the poll, and its output URL."""

    provider: str
    task_id: str
    result: Any
    url: str


def _submit(client: httpx.Client, provider: str, fields: dict[str, Any]) -> str:
    if provider == "wavespeed":
        body = {"prompt": "a cat turns its head", "images": [IMAGE], **fields}
        response = client.post("/api/v3/vidu/reference-to-video-q2", json=body)
        answer = _ok(response)
        return str(answer["data"]["id"])
    if provider == "vtrix":
        params = {"prompt": "a cat turns its head", "images": [IMAGE], **fields}
        body = {"model": "viduq2_pro_reference", "input": [{"params": params}]}
        return str(_ok(client.post("/model/v1/generation", json=body))["id"])
    if provider in ("novita", "myrouter"):
        body = {
            "prompt": "@1 walks along the beach",
            "duration": 5,
            "subjects": [{"id": "1", "images": [IMAGE]}],
            **fields,
        }
        return str(_ok(client.post("/v3/async/vidu-q2-reference2video", json=body))["task_id"])
    if provider == "runware":
        task_uuid = str(uuid.uuid4())
        task = {
            "taskType": "videoInference",
            "taskUUID": task_uuid,
            "model": "vidu:3@1",
            "positivePrompt": "a paper boat drifting down a street",
            **fields,
        }
        _ok(client.post("/v1", json=[task]))
        return task_uuid
    raise ValueError(provider)


def _poll(client: httpx.Client, provider: str, task_id: str) -> tuple[Any, str]:
    """The provider's poll answer for a succeeded task, and its output URL."""
    if provider == "wavespeed":
        data = _ok(client.get(f"/api/v3/predictions/{task_id}/result"))["data"]
        assert data["status"] == "completed", data
        return data, data["outputs"][0]
    if provider == "vtrix":
        body = _ok(client.get(f"/model/v1/generation/task/{task_id}"))
        assert body["status"] == "completed", body
        return body, body["output"][0]["content"][0]["url"]
    if provider in ("novita", "myrouter"):
        body = _ok(client.get("/v3/async/task-result", params={"task_id": task_id}))
        assert body["task"]["status"] == "TASK_STATUS_SUCCEED", body
        return body, body["videos"][0]["video_url"]
    poll = [{"taskType": "getResponse", "taskUUID": task_id}]
    items = _ok(client.post("/v1", json=poll))["data"]
    assert items[0]["status"] == "success", items
    return items, items[0]["videoURL"]


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def finish(live: LiveServer, provider: str, **fields: Any) -> Finished:
    """Submit a task with *fields* to *provider* and poll it once (it finishes at once)."""
    headers = {**AUTH, **IMMEDIATE}
    with httpx.Client(base_url=live.base_url(provider), headers=headers, timeout=10) as client:
        task_id = _submit(client, provider, fields)
        result, url = _poll(client, provider, task_id)
    return Finished(provider, task_id, result, url)


def admin_task(live: LiveServer, task_id: str) -> dict[str, Any]:
    response = httpx.get(f"{live.url}/_mock/tasks/{task_id}", timeout=5)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def advance(live: LiveServer, seconds: float) -> None:
    response = httpx.post(f"{live.url}/_mock/clock/advance", json={"seconds": seconds}, timeout=5)
    assert response.status_code == 200, response.text


@dataclass(frozen=True)
class Probe:
    """What a client reading the file learns: codec, size, rate, length, frames decoded."""

    codec: str
    width: int
    height: int
    fps: Fraction
    seconds: float
    frames: int


def probe(content: bytes) -> Probe:
    """Read an MP4 from its bytes with PyAV and decode every frame."""
    with av.open(io.BytesIO(content)) as container:
        stream = container.streams.video[0]
        decoded = sum(1 for _ in container.decode(stream))
        assert container.duration is not None
        return Probe(
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=Fraction(stream.average_rate),
            seconds=container.duration / 1_000_000,
            frames=decoded,
        )
