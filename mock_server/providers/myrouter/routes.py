"""MyRouter's HTTP surface: Novita's v3 async routes on MyRouter's backend.

    POST /v3/async/vidu-q2-reference2video     -> {task_id, provider_request_id}
    GET  /v3/async/task-result?task_id=<id>

Auth, validation and error bodies are Novita's (see ``novita.routes``).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from vidukit.mock_server.providers.context import ProviderContext
from vidukit.mock_server.providers.myrouter.models import MyRouterBackend
from vidukit.mock_server.providers.myrouter.status import submit_response
from vidukit.mock_server.providers.novita.routes import v3_async_routes


def routes(ctx: ProviderContext) -> list[BaseRoute]:
    return v3_async_routes(ctx, MyRouterBackend(ctx.engine), submit_response)
