"""The vidukit mock server: every provider's API on its own path, with a controllable lifecycle.

``create_app(MockConfig(...))`` returns a fresh Starlette app (no shared state);
``vidukit serve`` runs one under uvicorn. See ARCHITECTURE.md for the layout
and `vidukit.mock_server.providers` for the provider plug-in contract.
"""

from vidukit.mock_server.app import create_app
from vidukit.mock_server.config import MockConfig

__all__ = ["MockConfig", "create_app"]
