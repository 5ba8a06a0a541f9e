"""MyRouter's backend: Novita's v3 async backend, keeping tasks under its own id.

Each task also gets a ``provider_request_id`` (what MyRouter's submit answer
adds), drawn from the engine's seeded ids so a replayed run repeats it. Its
form is undocumented ("Provider request ID (optional)"): 32 hex characters.
"""

from __future__ import annotations

from typing import Any

from vidukit.mock_server.providers.novita.models import V3AsyncBackend


class MyRouterBackend(V3AsyncBackend):
    provider_id = "myrouter"

    def extra_meta(self) -> dict[str, Any]:
        return {"provider_request_id": self.engine.ids.hex()}
