"""Novita: Vidu Q2 reference-to-video on the v3 async API.

This package also holds the v3 async implementation that MyRouter, an
API-compatible clone, reuses (``mock_server.providers.myrouter``).
"""

from mock_server.providers import Provider
from mock_server.providers.novita import errors, status
from mock_server.providers.novita.routes import routes

PROVIDER = Provider(
    id="novita",
    title="Novita",
    routes=routes,
    render_error=errors.render,
    status=status.STATUS,
    failure_codes=status.FAILURE_CODES,
    default_failure_code=status.DEFAULT_FAILURE_CODE,
    render_webhook=status.webhook,
)

__all__ = ["PROVIDER"]
