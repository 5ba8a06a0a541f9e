"""Vtrix: Vidu Q2 Pro reference-to-video (model viduq2_pro_reference) at /model/v1/generation."""

from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.vtrix import errors, status
from vidukit.mock_server.providers.vtrix.routes import routes

PROVIDER = Provider.assemble(
    "vtrix", "Vtrix", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
