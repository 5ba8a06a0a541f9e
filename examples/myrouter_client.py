"""A MyRouter client for Vidu Q2 reference-to-video: Novita's client at MyRouter's address.

MyRouter clones Novita's v3 async API (same paths, body, statuses and
``high`` for ``large``); its submit answer adds ``provider_request_id``, which
this client does not need and ignores. So the only difference is the origin.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .common import ClientError, PollPolicy, failed_adapter_result, poll_policy_for
from .novita_client import NovitaClient, read_task_result, to_wire

DEFAULT_BASE_URL = "https://api.myrouter.ai"


class MyRouterClient(NovitaClient):
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    poll = poll_policy_for(endpoint, PollPolicy())
    with MyRouterClient(endpoint["api_key"], base_url=endpoint["base_url"], poll=poll) as client:
        try:
            return client.generate(request).to_adapter()
        except ClientError as exc:
            return failed_adapter_result(exc)


__all__ = ["DEFAULT_BASE_URL", "MyRouterClient", "adapter", "read_task_result", "to_wire"]
