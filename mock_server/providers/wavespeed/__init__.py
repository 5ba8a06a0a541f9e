"""WaveSpeedAI: Vidu Q2 reference-to-video at /api/v3/vidu/reference-to-video-q2."""

from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.wavespeed import errors, status
from vidukit.mock_server.providers.wavespeed.routes import routes

PROVIDER = Provider.assemble(
    "wavespeed", "WaveSpeedAI", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
