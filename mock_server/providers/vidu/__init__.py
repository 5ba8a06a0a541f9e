"""Vidu's own API: reference-to-video at /ent/v2/reference2video, creations, the task list."""

from vidukit.mock_server.providers import Provider

from . import errors, status
from .routes import routes

PROVIDER = Provider.assemble(
    "vidu", "Vidu", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
