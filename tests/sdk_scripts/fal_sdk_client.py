"""fal.ai's official Python client (PyPI ``fal-client``), unchanged, against the mock.

    FAL_KEY=<key> FAL_QUEUE_RUN_HOST=<host[:port]> SSL_CERT_FILE=<CA> \\
        python fal_sdk_client.py <flow> <output file> [<size>] [<webhook URL>]

The client reads its host from ``FAL_QUEUE_RUN_HOST`` when it is imported and builds
``https://<host>/...`` from it: the host and the CA (``SSL_CERT_FILE``, which httpx reads)
are the only settings. Flows:

``queue``
    ``submit``, ``status`` (with logs) until COMPLETED, ``result``, the MP4 downloaded;
    then ``subscribe`` with its own polling and ``on_queue_update``; then ``cancel`` of a
    third request and its status; then a ``submit`` with ``webhook_url``.
``subscribe``
    ``subscribe`` alone (the failure case: what the client raises).

Prints one JSON line of what the client reported.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import fal_client
import httpx

MODEL = "fal-ai/vidu/q2/reference-to-video/pro"
IMAGE = "https://example.com/subject-1.png"


def arguments(size: str) -> dict[str, Any]:
    resolution, _, aspect_ratio = (size or "540p 16:9").partition(" ")
    return {"prompt": "a cat turns its head", "reference_image_urls": [IMAGE],
            "resolution": resolution, "aspect_ratio": aspect_ratio or "16:9", "duration": 1}


def download(url: str, out: str) -> dict[str, Any]:
    answer = httpx.get(url, timeout=30)
    with open(out, "wb") as handle:
        handle.write(answer.content)
    return {"http_status": answer.status_code, "bytes": len(answer.content),
            "ftyp": answer.content[4:8] == b"ftyp"}


def queue(out: str, size: str, webhook: str) -> dict[str, Any]:
    handle = fal_client.submit(MODEL, arguments=arguments(size))
    seen: list[str] = []
    positions: list[int] = []
    while True:
        state = fal_client.status(MODEL, handle.request_id, with_logs=True)
        seen.append(type(state).__name__)
        if isinstance(state, fal_client.Queued):
            positions.append(state.position)
        if isinstance(state, fal_client.Completed):
            break
    result = fal_client.result(MODEL, handle.request_id)
    url = result["video"]["url"]
    updates: list[str] = []
    subscribed = fal_client.subscribe(
        MODEL, arguments=arguments(size), with_logs=True, interval=0.05,
        on_queue_update=lambda update: updates.append(type(update).__name__))
    third = fal_client.submit(MODEL, arguments=arguments(size))
    fal_client.cancel(MODEL, third.request_id)
    cancelled = third.status()
    hooked = fal_client.submit(MODEL, arguments=arguments(size), webhook_url=webhook)
    return {
        "request_id": handle.request_id, "statuses": seen, "positions": positions,
        "url": url, "download": download(url, out),
        "subscribed": {"url": subscribed["video"]["url"], "updates": updates},
        "cancelled": {"request_id": third.request_id, "status": type(cancelled).__name__,
                      "error": getattr(cancelled, "error", None),
                      "error_type": getattr(cancelled, "error_type", None)},
        "webhook_request_id": hooked.request_id,
    }


def subscribe(size: str) -> dict[str, Any]:
    result = fal_client.subscribe(MODEL, arguments=arguments(size), interval=0.05)
    return {"url": result["video"]["url"]}


def main() -> None:
    flow, out = sys.argv[1], sys.argv[2]
    size = sys.argv[3] if len(sys.argv) > 3 else ""
    webhook = sys.argv[4] if len(sys.argv) > 4 else ""
    try:
        found = queue(out, size, webhook) if flow == "queue" else subscribe(size)
        print(json.dumps({"ok": True, **found}))
    except fal_client.client.FalClientHTTPError as exc:
        print(json.dumps({"ok": False, "error": {
            "name": type(exc).__name__, "status": exc.status_code, "message": exc.message,
            "request_id": exc.response_headers.get("x-fal-request-id")}}))


if __name__ == "__main__":
    main()
