"""Runware: videoInference with model vidu:3@1 (Vidu Q2 Pro) at POST /v1, REST transport."""

from mock_server.providers import Provider
from mock_server.providers.runware import errors, status
from mock_server.providers.runware.routes import routes

PROVIDER = Provider(
    id="runware",
    title="Runware",
    routes=routes,
    render_error=errors.render,
    status=status.STATUS,
    failure_codes=status.FAILURE_CODES,
    default_failure_code=status.DEFAULT_FAILURE_CODE,
    render_webhook=status.webhook,
)

__all__ = ["PROVIDER"]
