"""The admin API (``/_mock/``): tasks, journal, reset, clock, defaults, forced outcomes, media."""

from vidukit.mock_server.admin.routes import ENDPOINTS, admin_routes

__all__ = ["ENDPOINTS", "admin_routes"]
