"""WaveSpeedAI: Vidu Q2 reference-to-video at /api/v3/vidu/reference-to-video-q2."""

from mock_server.providers import Provider
from mock_server.providers.wavespeed import errors, status
from mock_server.providers.wavespeed.routes import routes

PROVIDER = Provider(
    id="wavespeed",
    title="WaveSpeedAI",
    routes=routes,
    render_error=errors.render,
    status=status.STATUS,
    failure_codes=status.FAILURE_CODES,
    default_failure_code=status.DEFAULT_FAILURE_CODE,
    render_webhook=status.webhook,
)

__all__ = ["PROVIDER"]
