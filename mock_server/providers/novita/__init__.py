"""Novita: Vidu Q2 reference-to-video on the v3 async API.

This package also holds the v3 async implementation that MyRouter, an
API-compatible clone, reuses (``vidukit.mock_server.providers.myrouter``).
"""

from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.novita import errors, status
from vidukit.mock_server.providers.novita.routes import routes

PROVIDER = Provider.assemble(
    "novita", "Novita", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
