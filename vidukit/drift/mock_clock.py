"""Why a task never finished, when the target is a vidukit mock on a virtual clock.

Against ``vidukit serve --clock virtual`` tasks move only when someone moves the mock's
clock, so a probe polls until it gives up and reports ``no-terminal-status``: true, but
it reads like provider drift. The mock says what its clock is at ``<origin>/_mock/clock``
(``{"kind": "virtual", "now": ..., "iso": ...}``); any other answer (a live provider's
404, an admin API behind a token, a refused connection) means no hint. The request
carries no API key: the admin API is not the provider's, and the key goes nowhere else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

CLOCK_PATH = "/_mock/clock"


def clock_origin(base_url: str) -> str:
    """``scheme://host[:port]`` of *base_url*: the mock serves its admin API at its root."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def virtual_clock_hint(http: httpx.Client, base_url: str) -> str | None:
    """The sentence to add to ``no-terminal-status`` when the target's clock is virtual."""
    origin = clock_origin(base_url)
    try:
        answer = http.get(origin + CLOCK_PATH, headers={"Accept": "application/json"},
                          timeout=5.0)
        body = answer.json() if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("kind") != "virtual":
        return None
    at = body.get("iso") or body.get("now")
    return (f"the target is a vidukit mock whose clock is virtual (stopped at {at}): "
            "its tasks move only when the clock does; advance it while the probe polls "
            f"(POST {origin}/_mock/clock/advance with {{\"seconds\": N}}) or start the "
            "mock with --clock real")


__all__ = ["CLOCK_PATH", "clock_origin", "virtual_clock_hint"]
