"""The dashboard at ``/_mock/ui``: tasks, a timeline, the journal and controls, in a browser.

Plain HTML, CSS, SVG and JavaScript shipped in ``static/`` (no build step,
nothing fetched from the internet), reading this package's JSON views and
steering the mock through the admin API. Mounted by `vidukit.mock_server.admin`.
"""

from vidukit.mock_server.dashboard.routes import dashboard_routes

__all__ = ["dashboard_routes"]
