"""A MyRouter client for Vidu Q2 reference-to-video: Novita's client at MyRouter's address.

MyRouter clones Novita's v3 async API (same paths, body, statuses and
``high`` for ``large``); its submit answer adds ``provider_request_id``, which
this client does not need and ignores. So the only difference is the origin.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .common import run_adapter
from .novita_client import NovitaClient, read_task_result, to_wire

DEFAULT_BASE_URL = "https://api.myrouter.ai"


class MyRouterClient(NovitaClient):
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(MyRouterClient, request, endpoint)


__all__ = ["DEFAULT_BASE_URL", "MyRouterClient", "adapter", "read_task_result", "to_wire"]
