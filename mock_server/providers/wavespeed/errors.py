"""WaveSpeed's error answers: one renderer for every `ProviderError`.

The body shape is UNCONFIRMED (the SDK only prints ``response.text``); the
schema (schemas/wavespeed/error-response.json) chooses the same envelope as
the 200 answers, ``{"code": <HTTP status>, "message": "...", "data": null}``,
and a 400 lists every violation in ``message`` separated by ``'; '``.

    ProviderError (mock_server.errors)
    └── NotFound
        └── PredictionNotFound     404, unknown id or another key's prediction
"""

from __future__ import annotations

from vidukit.mock_server.errors import InvalidRequest, NotFound, ProviderError
from vidukit.mock_server.http import Reply


class PredictionNotFound(NotFound):
    message = "prediction not found"


def _where(path: str) -> str:
    """``/images/0`` -> ``images.0``; the root is called ``body``."""
    return ".".join(path.lstrip("/").split("/")) if path else "body"


def render(exc: ProviderError) -> Reply:
    if isinstance(exc, InvalidRequest) and exc.violations:
        message = "invalid request: " + "; ".join(
            f"{_where(v.path)}: {v.message}" for v in exc.violations
        )
    else:
        message = exc.detail
    return Reply(
        exc.status,
        {"code": exc.status, "message": message, "data": None},
        message="error-response",
    )
