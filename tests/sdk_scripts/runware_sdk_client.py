"""Drive the official `runware-sdk` (PyPI ``runware-sdk``) against a Runware URL.

Run by tests/mock_server/test_runware_ws_sdk.py in a virtual environment that
holds only that SDK (it installs the same top-level package ``runware`` as the
older ``runware`` SDK), so this script imports nothing from the project. It
uses the SDK as its README shows, changing nothing but the base URL of the
chosen transport, and prints one JSON line: what ``run`` returned, or the
error it raised.

    python runware_sdk_client.py --transport websocket --url ws://127.0.0.1:8000/runware/v1 \
        --api-key KEY
    python runware_sdk_client.py --transport rest --url http://127.0.0.1:8000/runware/v1 \
        --api-key KEY
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from runware import Runware, RunwareError

PROMPT = "a lantern caravan crossing salt flats at night"


async def generate(transport: str, url: str, api_key: str, duration: int) -> dict[str, Any]:
    """One Vidu Q2 Pro video: ``run`` submits (deliveryMethod async) and polls getResponse."""
    where = {"ws_base_url": url} if transport == "websocket" else {"http_base_url": url}
    async with Runware(api_key=api_key, transport=transport, max_retries=0, **where) as client:
        results = await client.run(
            {
                "taskType": "videoInference",
                "model": "vidu:3@1",
                "positivePrompt": PROMPT,
                "duration": duration,
                "width": 1280,
                "height": 720,
                "includeCost": True,
            }
        )
        return {"results": results, "connected": client.is_connected}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=("websocket", "rest"), required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    try:
        outcome = asyncio.run(generate(args.transport, args.url, args.api_key, args.duration))
        result: dict[str, Any] = {"ok": True, **outcome}
    except RunwareError as exc:
        result = {
            "ok": False,
            "error": type(exc).__name__,
            "message": exc.message,
            "code": exc.code,
            "parameter": exc.parameter,
            "task_uuid": exc.task_uuid,
            "status_code": exc.status_code,
        }
    except Exception as exc:
        result = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
