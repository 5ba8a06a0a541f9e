"""What the drift tests share: the differences each built-in profile injects, written out
by hand per provider (not read from the profile code), and small helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.drift import builtin

PROVIDERS = ("wavespeed", "vtrix", "novita", "myrouter", "runware")
KEY = "sk-drift-test-SECRET-4711"
ENV = {
    "wavespeed": "WAVESPEED_API_KEY",
    "vtrix": "VTRIX_API_KEY",
    "novita": "NOVITA_API_KEY",
    "myrouter": "MYROUTER_API_KEY",
    "runware": "RUNWARE_API_KEY",
}
RESULT = "result-response"
ERROR = "error-response"

Expected = set[tuple[str, str, str]]

#: profile -> provider -> every (message, kind, path) the report must name, and nothing else.
EXPECTED: Mapping[str, Mapping[str, Expected]] = {
    "rename-field": {
        "wavespeed": {(RESULT, "renamed-field", "/data/created_at")},
        "vtrix": {(RESULT, "renamed-field", "/created_at")},
        "novita": {(RESULT, "renamed-field", "/task/task_id")},
        "myrouter": {(RESULT, "renamed-field", "/task/task_id")},
        "runware": {(RESULT, "renamed-field", "/data/*/videoUUID")},
    },
    "new-enum-value": {
        "wavespeed": {(RESULT, "enum-value", "/data/model")},
        "vtrix": {(RESULT, "enum-value", "/model")},
        "novita": {(RESULT, "enum-value", "/videos/*/video_type")},
        "myrouter": {(RESULT, "enum-value", "/videos/*/video_type")},
        "runware": {(RESULT, "enum-value", "/data/*/taskType")},
    },
    "new-status": {
        "wavespeed": {(RESULT, "status-value", "/data/status")},
        "vtrix": {(RESULT, "status-value", "/status")},
        "novita": {(RESULT, "status-value", "/task/status")},
        "myrouter": {(RESULT, "status-value", "/task/status")},
        "runware": {(RESULT, "status-value", "/data/*/status")},
    },
    "error-shape": {
        # The body nested under "error": the envelope's fields are gone, "error" is new
        # (Vtrix already has an untyped "error" field; Runware's one field looks renamed).
        "wavespeed": {(ERROR, "error-shape", "/code"), (ERROR, "error-shape", "/message"),
                      (ERROR, "error-shape", "/data"), (ERROR, "unknown-field", "/error")},
        "vtrix": {(ERROR, "error-shape", "/code"), (ERROR, "error-shape", "/message")},
        "novita": {(ERROR, "error-shape", "/code"), (ERROR, "error-shape", "/message"),
                   (ERROR, "error-shape", "/reason"), (ERROR, "unknown-field", "/error")},
        "myrouter": {(ERROR, "error-shape", "/code"), (ERROR, "error-shape", "/message"),
                     (ERROR, "error-shape", "/reason"), (ERROR, "unknown-field", "/error")},
        "runware": {(ERROR, "error-shape", "/errors")},
    },
    "reorder-states": {p: {(RESULT, "lifecycle-order", "")} for p in PROVIDERS},
}
PROFILES = tuple(EXPECTED)


def expected_all(provider: str) -> Expected:
    return set().union(*(EXPECTED[name][provider] for name in PROFILES))


def mock_app(profile: str | None = None, **options: Any) -> Any:
    """A mock where every task needs three polls (the first two see it unfinished)."""
    drift = builtin(profile) if profile else None
    return create_app(MockConfig(progression="polls=3", drift=drift, **options))


def named(report: Mapping[str, Any]) -> Expected:
    return {(f["message"], f["kind"], f["path"]) for f in report["findings"]}


def texts(*paths: Path) -> Iterable[str]:
    for root in paths:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file():
                yield path.read_text(encoding="utf-8", errors="replace")


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
