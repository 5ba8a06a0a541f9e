"""The media and cost fields of the admin task view (``GET /_mock/tasks/{id}``)."""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.media.lifetime import expires_at, policy
from vidukit.mock_server.media.pricing import task_cost_usd
from vidukit.mock_server.media.shapes import media_seed, shape_of
from vidukit.mock_server.tasks import Task


def media_view(task: Task) -> dict[str, Any]:
    """The file the task's URL serves, and until when (``url_expires_at`` null before success)."""
    shape = shape_of(task)
    end = expires_at(task)
    return {
        "width": shape.width,
        "height": shape.height,
        "fps": shape.fps,
        "duration_seconds": shape.seconds,
        "seed": media_seed(task),
        "url_ttl_seconds": policy(task.provider).ttl(task.request),
        "url_expires_at": iso_ms(end) if end is not None else None,
        "expired_flag": task.meta.get("expired") is True,
    }


def cost_view(task: Task) -> float | None:
    """``cost_usd``: the task's price from `mock_server.media.pricing`, null where none is known."""
    return task_cost_usd(task)


__all__ = ["cost_view", "media_view"]
