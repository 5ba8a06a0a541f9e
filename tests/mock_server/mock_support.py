"""Shared constants and helpers for the mock server's tests (imported by name: no package)."""

from __future__ import annotations

from typing import Any

import httpx

from vidukit.mock_server import MockConfig
from vidukit.mock_server.state import MockState
from vidukit.validation import validator

SUBMIT = "/wavespeed/api/v3/vidu/reference-to-video-q2"
KEY = "test-key-1"
AUTH = {"Authorization": f"Bearer {KEY}"}
VALID = {"prompt": "a cat turns its head", "images": ["https://example.com/cat.png"]}


def mock_config(**overrides: Any) -> MockConfig:
    """Virtual clock, no jitter, responses checked against the schemas, callbacks kept local.

    ``webhook_targets="loopback"``: tests register example URLs such as
    ``https://hooks.example/...``; a live server must never try to reach them.
    """
    options: dict[str, Any] = {
        "clock": "virtual",
        "jitter": 0.0,
        "check_responses": True,
        "webhook_targets": "loopback",
    }
    options.update(overrides)
    return MockConfig(**options)


def state_of(client: httpx.AsyncClient) -> MockState:
    state: MockState = client.app_state  # type: ignore[attr-defined]
    return state


def assert_valid(provider: str, message: str, body: Any) -> None:
    """Fail with every violation listed when *body* is not a valid *message*."""
    found = [v for v in validator(provider, message).violations(body, notes=False)]
    errors = [f"{v.path or '/'}: {v.message} [{v.rule}]" for v in found if v.severity == "error"]
    assert not errors, f"{provider} {message} breaks its schema: {errors}\n{body}"
