"""Vtrix: Vidu Q2 Pro reference-to-video (model viduq2_pro_reference) at /model/v1/generation."""

from mock_server.providers import Provider
from mock_server.providers.vtrix import errors, status
from mock_server.providers.vtrix.routes import routes

PROVIDER = Provider(
    id="vtrix",
    title="Vtrix",
    routes=routes,
    render_error=errors.render,
    status=status.STATUS,
    failure_codes=status.FAILURE_CODES,
    default_failure_code=status.DEFAULT_FAILURE_CODE,
    render_webhook=status.webhook,
)

__all__ = ["PROVIDER"]
