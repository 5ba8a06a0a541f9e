"""The lifecycle engine shared by every provider (see `engine.engine` and `engine.lifecycle`)."""

from vidukit.mock_server.engine.engine import Engine, EngineError, Hook, TaskFinished, UnknownTask
from vidukit.mock_server.engine.ids import Ids, canonical_json, request_digest, request_random, unit
from vidukit.mock_server.engine.lifecycle import (
    ENGINE_STATES,
    FAILED,
    LIFECYCLE,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Lifecycle,
)

__all__ = [
    "ENGINE_STATES",
    "FAILED",
    "LIFECYCLE",
    "PROCESSING",
    "QUEUED",
    "SUCCEEDED",
    "Engine",
    "EngineError",
    "Hook",
    "Ids",
    "Lifecycle",
    "TaskFinished",
    "UnknownTask",
    "canonical_json",
    "request_digest",
    "request_random",
    "unit",
]
