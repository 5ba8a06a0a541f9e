"""MyRouter: Vidu Q2 reference-to-video on a clone of Novita's v3 async API.

Same paths, request fields, task-result body and (assumed) error body as
Novita (README §4); the code is Novita's (`vidukit.mock_server.providers.novita`),
and this package holds only what differs: the provider id, the title, and
the ``provider_request_id`` in the submit answer.
"""

from vidukit.mock_server.providers import Provider
from vidukit.mock_server.providers.myrouter import errors, status
from vidukit.mock_server.providers.myrouter.routes import routes

PROVIDER = Provider.assemble(
    "myrouter", "MyRouter", routes=routes, errors=errors, status=status
)

__all__ = ["PROVIDER"]
