"""Drive each provider's submit and poll over HTTP, for the scenario tests (imported by name)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

import vidukit

PROVIDERS = ("wavespeed", "novita", "myrouter", "vtrix", "runware")
AUTH = {"Authorization": "Bearer scenario-key"}

_V3 = {
    "prompt": "@1 walks along the beach at sunset",
    "duration": 5,
    "subjects": [{"id": "1", "images": ["https://example.com/subject-1.png"]}],
}
BODIES: dict[str, Any] = {
    "wavespeed": {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]},
    "novita": _V3,
    "myrouter": _V3,
    "vtrix": {
        "model": "viduq2_pro_reference",
        "input": [{"params": {"prompt": "a cat", "images": ["https://example.com/cat.png"]}}],
    },
}
SUBMIT_PATHS = {
    "wavespeed": "/api/v3/vidu/reference-to-video-q2",
    "novita": "/v3/async/vidu-q2-reference2video",
    "myrouter": "/v3/async/vidu-q2-reference2video",
    "vtrix": "/model/v1/generation",
    "runware": "/v1",
}


def runware_task(task_uuid: str | None = None) -> dict[str, Any]:
    return {
        "taskType": "videoInference",
        "taskUUID": task_uuid or str(uuid.uuid4()),
        "model": "vidu:3@1",
        "positivePrompt": "a lantern caravan crossing salt flats at night",
        "duration": 5,
    }


def valid(provider: str, message: str, body: Any) -> Any:
    errors = [v for v in vidukit.validate(provider, message, body) if v.severity == "error"]
    assert not errors, f"{provider} {message} breaks its schema: {errors}\n{body}"
    return body


@dataclass
class Driver:
    """A plain HTTP client of one provider on a live mock (base URL = the provider's)."""

    provider: str
    client: httpx.Client

    def submit(self, **headers: str) -> httpx.Response:
        if self.provider == "runware":
            body: Any = [runware_task()]
        else:
            body = BODIES[self.provider]
        return self.client.post(SUBMIT_PATHS[self.provider], json=body, headers=headers)

    def task_id(self, response: httpx.Response) -> str:
        body = response.json()
        if self.provider == "wavespeed":
            return str(body["data"]["id"])
        if self.provider in ("novita", "myrouter"):
            return str(body["task_id"])
        if self.provider == "vtrix":
            return str(body["id"])
        return str(body["data"][0]["taskUUID"])

    def poll(self, task_id: str, **headers: str) -> httpx.Response:
        pid = self.provider
        if pid == "wavespeed":
            return self.client.get(f"/api/v3/predictions/{task_id}/result", headers=headers)
        if pid in ("novita", "myrouter"):
            return self.client.get(
                "/v3/async/task-result", params={"task_id": task_id}, headers=headers
            )
        if pid == "vtrix":
            return self.client.get(f"/model/v1/generation/task/{task_id}", headers=headers)
        poll = [{"taskType": "getResponse", "taskUUID": task_id}]
        return self.client.post("/v1", json=poll, headers=headers)

    def outcome(self, response: httpx.Response) -> tuple[str, str | None]:
        """(provider status word, failure code or None) of a valid poll answer."""
        body = valid(self.provider, "result-response", response.json())
        pid = self.provider
        if pid == "wavespeed":
            data = body["data"]
            return data["status"], str(data["code"]) if "code" in data else None
        if pid in ("novita", "myrouter"):
            task = body["task"]
            return task["status"], task["reason"].split(":", 1)[0] or None
        if pid == "vtrix":
            return body["status"], body["error"]["code"] if "error" in body else None
        if "errors" in body:
            return body["errors"][0]["status"], body["errors"][0]["code"]
        return body["data"][0]["status"], None


def driver(base_url: str, provider: str) -> Driver:
    return Driver(provider, httpx.Client(base_url=base_url, headers=AUTH, timeout=5))
