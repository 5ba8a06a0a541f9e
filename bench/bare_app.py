"""The reference ceiling for `bench/http_compare.py`: the least a Starlette app can do.

GET answers a small JSON object; POST reads the whole body and answers a small JSON
object, without parsing or validating it. Whatever the mock does on top of this (routing,
auth, validation, storage, journaling) shows up as its ratio to these two figures.

Served by the benchmark as ``uvicorn --app-dir bench bare_app:app --http httptools
--loop uvloop``, one worker.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def get(request: Request) -> JSONResponse:
    return JSONResponse({"code": 200, "message": "success", "data": {"status": "processing"}})


async def post(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"code": 200, "message": "success", "data": {"received": len(body)}})


app = Starlette(
    routes=[Route("/get", get, methods=["GET"]), Route("/post", post, methods=["POST"])]
)
