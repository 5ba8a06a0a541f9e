"""``/_mock/docs``: Swagger UI for the admin API, served from this machine.

FastAPI's own docs page loads Swagger UI's script and styles from a CDN (and its icon
from fastapi.tiangolo.com), so on a machine without internet, where a mock is most
needed, the page stayed blank. Swagger UI's built files come from the
``swagger-ui-bundle-v2`` package and are served under ``/_mock/docs/static/``; the page
itself is FastAPI's, pointed at them, with Swagger UI's online validator badge off (it
calls validator.swagger.io).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
    swagger_ui_default_parameters,
)
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # no py.typed

#: Relative to the admin prefix, as `admin_routes` mounts them.
DOCS = "/docs"
STATIC = f"{DOCS}/static"
OAUTH2_REDIRECT = f"{DOCS}/oauth2-redirect"


def docs_routes(prefix: str, openapi_path: str, title: str) -> list[BaseRoute]:
    """The page, its OAuth2 redirect and the static files; *prefix* is the admin mount."""
    static = StaticFiles(directory=Path(str(swagger_ui_path)))

    async def page(request: Request) -> HTMLResponse:
        root = request.scope.get("app_root_path", request.scope.get("root_path", ""))
        root = root.removesuffix(prefix).rstrip("/")  # the mount adds the prefix to it
        base = root + prefix
        return get_swagger_ui_html(
            openapi_url=root + openapi_path,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{base}{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{base}{STATIC}/favicon-32x32.png",
            oauth2_redirect_url=f"{base}{OAUTH2_REDIRECT}",
            swagger_ui_parameters={**swagger_ui_default_parameters, "validatorUrl": None},
        )

    async def redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    return [
        Route(DOCS, page, methods=["GET"]),
        Route(OAUTH2_REDIRECT, redirect, methods=["GET"]),
        Mount(STATIC, app=static),
    ]


__all__ = ["DOCS", "OAUTH2_REDIRECT", "STATIC", "docs_routes"]
