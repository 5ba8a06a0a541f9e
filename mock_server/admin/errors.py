"""The admin API's one error: a status and a message, rendered as ``{"error", "status"}``.

Its own module, below `vidukit.mock_server.admin.routes`, so the route modules the admin API
mounts (webhooks, scenarios) raise it without importing the module that mounts them.
"""

from __future__ import annotations


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


__all__ = ["AdminError"]
