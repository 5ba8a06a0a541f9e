"""Runware: videoInference with model vidu:3@1 (Vidu Q2 Pro) at POST /v1, REST transport."""

from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.runware import errors, status
from vidukit.mock_server.providers.runware.routes import routes

PROVIDER = Provider.assemble(
    "runware", "Runware", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
