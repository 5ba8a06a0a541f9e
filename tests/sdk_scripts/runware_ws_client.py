"""Drive the official `runware` SDK (PyPI ``runware``, WebSocket only) against a Runware URL.

Run by tests/mock_server/test_runware_ws_sdk.py in a virtual environment that
holds only that SDK (it installs the same top-level package as ``runware-sdk``),
so this script imports nothing from the project. It uses the SDK as its README
shows, changing nothing but the URL, and prints one JSON line: what the SDK
returned, or the exception it raised.

    python runware_ws_client.py --url ws://127.0.0.1:8000/runware/v1 --api-key KEY \
        --case generate|connect
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from typing import Any

from runware import IVideoInference, Runware

PROMPT = "a lantern caravan crossing salt flats at night"


async def generate(url: str, api_key: str, duration: int) -> dict[str, Any]:
    """Submit a Vidu Q2 Pro video (deliveryMethod async), then poll it with getResponse."""
    client = Runware(api_key=api_key, url=url)
    await client.connect()
    try:
        request = IVideoInference(
            model="vidu:3@1",
            positivePrompt=PROMPT,
            duration=duration,
            width=1280,
            height=720,
            includeCost=True,
            deliveryMethod="async",
        )
        accepted = await client.videoInference(requestVideo=request)
        videos = await client.getResponse(taskUUID=accepted.taskUUID)
        return {
            "accepted": dataclasses.asdict(accepted),
            "videos": [dataclasses.asdict(v) for v in videos],
        }
    finally:
        await client.disconnect()


async def connect_only(url: str, api_key: str) -> dict[str, Any]:
    """Connect and authenticate (``ensureConnection`` raises on a rejected key)."""
    client = Runware(api_key=api_key, url=url)
    try:
        await client.ensureConnection()
        return {"connected": client.connected()}
    finally:
        await client.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--case", choices=("generate", "connect"), default="generate")
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    try:
        if args.case == "generate":
            outcome = asyncio.run(generate(args.url, args.api_key, args.duration))
        else:
            outcome = asyncio.run(connect_only(args.url, args.api_key))
        result: dict[str, Any] = {"ok": True, **outcome}
    except Exception as exc:
        result = {
            "ok": False,
            "error": type(exc).__name__,
            "message": str(exc),
            "code": getattr(exc, "code", None),
            "error_data": getattr(exc, "error_data", None),
        }
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
