"""fal.ai: the queue API for fal-ai/vidu/q2/reference-to-video/pro, and its webhook keys."""

from vidukit.mock_server.providers import Provider

from . import errors, status
from .routes import routes

PROVIDER = Provider.assemble(
    "fal", "fal.ai", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
