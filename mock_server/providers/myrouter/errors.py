"""MyRouter's error answers: Novita's ``{code, reason, message, metadata}``.

MyRouter documents no error body; the Novita template is assumed (schema
schemas/myrouter/error-response.json), so the renderer and its status table
are Novita's, unchanged.
"""

from vidukit.mock_server.providers.novita.errors import TaskNotFound, render

__all__ = ["TaskNotFound", "render"]
