"""A WaveSpeed client for Vidu Q2 reference-to-video, sync and async (httpx).

    POST {base}/api/v3/vidu/reference-to-video-q2   -> {"code": 200, "data": {"id", "status", ...}}
    GET  {base}/api/v3/predictions/{id}/result      -> data.status: created | processing
                                                       | completed (data.outputs[0]) | failed
                                                       | cancelled | timeout
    GET  {base}/api/v3/predictions?model=&created_after=  -> data.items, newest first

A submit whose answer is lost (a 5xx, a dropped connection, a cut body) may have
started a paid prediction. Instead of submitting again blindly, the client lists
the key's predictions of this model created since the submit began and takes the
one it finds; it submits again only when there is none (the Common API page's
prediction list). A key shared by clients that submit at the same moment would
make that match ambiguous: give each such client its own key.

Every answer, a failed task's included, is HTTP 200 with the prediction in
``data``; the failure shows only in ``data.status``, ``data.error`` and
(placement UNCONFIRMED) ``data.code``. ``cancelled`` and ``timeout`` end a
task too: the official Python SDK stops on them (its wait loop once "polled
forever" on them), so this client reports them failed. WaveSpeed asks for at least 5 s between
checks of a video task, with back-off: `PollPolicy`'s defaults.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from .common import (
    AmbiguousSubmit,
    AsyncJsonApi,
    ClientError,
    PollingClient,
    PollPolicy,
    Result,
    RetryPolicy,
    UnexpectedResponse,
    failed_adapter_result,
    poll_policy_for,
    run_adapter,
    wait_async,
)

DEFAULT_BASE_URL = "https://api.wavespeed.ai"
SUBMIT_PATH = "/api/v3/vidu/reference-to-video-q2"
RESULT_PATH = "/api/v3/predictions/{id}/result"
LIST_PATH = "/api/v3/predictions"
#: The model id: the submit path after /api/v3/ (how the list names it).
MODEL = SUBMIT_PATH.removeprefix("/api/v3/")
#: Submits after a lost answer that the list showed started nothing (each is safe).
RESUBMITS = 2
#: How far the client's clock may be ahead of WaveSpeed's when it asks for "since".
CLOCK_SKEW = timedelta(seconds=5)


def since(moment: datetime) -> dict[str, str]:
    """The list query for predictions of this model created at or after *moment*."""
    stamp = (moment - CLOCK_SKEW).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"model": MODEL, "created_after": stamp, "page": "1", "page_size": "100"}


def started(body: Any) -> dict[str, Any] | None:
    """The prediction a lost submit started: the oldest the list shows since it began."""
    data = body.get("data") if isinstance(body, Mapping) else None
    items = data.get("items") if isinstance(data, Mapping) else None
    found = [i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)] \
        if isinstance(items, list) else []
    return found[-1] if found else None  # newest first: the last is the first started
#: Statuses that end a task without an output: WaveSpeedAI/wavespeed-python,
#: src/wavespeed/api/client.py ``_wait`` stops on all three.
FAILED_STATUSES = frozenset({"failed", "cancelled", "timeout"})


def to_wire(request: Mapping[str, Any]) -> dict[str, Any]:
    """The submit body: WaveSpeed uses the canonical names; no seed means a random one."""
    body: dict[str, Any] = {
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": request["movement_amplitude"],
    }
    if request.get("seed") is not None:
        body["seed"] = request["seed"]
    return body


def prediction(body: Any) -> dict[str, Any]:
    """The ``data`` object of a 200 answer."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise UnexpectedResponse(f"WaveSpeed answer without a prediction: {body!r:.300}")
    return data


def read_prediction(data: Mapping[str, Any]) -> Result | None:
    """The outcome a prediction shows, or None while it is unfinished.

    A status this client does not know is treated as unfinished: the deadline
    still ends the wait, and nothing but ``completed`` with an output counts
    as a success.
    """
    task_id = str(data["id"])
    status = data.get("status")
    if status == "completed":
        outputs = data.get("outputs")
        url = outputs[0] if isinstance(outputs, list) and outputs else None
        if not isinstance(url, str) or not url:
            return Result.failed(task_id, "completed without an output URL")
        return Result.succeeded(task_id, url)
    if status in FAILED_STATUSES:
        error = str(data.get("error") or f"task {status}")
        code = data.get("code")
        return Result.failed(task_id, f"{error} (code {code})" if code is not None else error)
    return None


def _auth(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


class WaveSpeedClient(PollingClient):
    """Submit a generation, then poll its prediction until it is finished."""

    default_base_url: ClassVar[str] = DEFAULT_BASE_URL
    #: The client's clock, for "created since the submit began" (a test may set it).
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))

    def submit(self, request: Mapping[str, Any], *,
               params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Start a task; its prediction as the submit answered it, or as the list shows it
        when the answer was lost. *params*: the query (``webhook``)."""
        body = to_wire(request)
        for attempt in range(RESUBMITS + 1):
            began = self.now()
            try:
                return prediction(self.api.call("POST", SUBMIT_PATH, json=body, params=params,
                                                ambiguous="raise"))
            except AmbiguousSubmit:
                found = started(self.api.call("GET", LIST_PATH, params=since(began)))
                if found is not None:
                    return found
                if attempt == RESUBMITS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def result(self, task_id: str) -> Result | None:
        """One look at the task: its outcome, or None while it runs."""
        path = RESULT_PATH.format(id=task_id)
        return read_prediction(prediction(self.api.call("GET", path)))

    def start(self, request: Mapping[str, Any]) -> tuple[str, Result | None]:
        submitted = self.submit(request)
        # A sync-mode answer may already be final.
        return str(submitted["id"]), read_prediction(submitted)


class AsyncWaveSpeedClient:
    """`WaveSpeedClient` on ``httpx.AsyncClient``."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        poll: PollPolicy | None = None,
        retry: RetryPolicy | None = None,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.poll = poll or PollPolicy()
        self.sleep = sleep
        self.api = AsyncJsonApi(base_url, _auth(api_key), http=http, retry=retry, sleep=sleep)

    async def submit(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """`WaveSpeedClient.submit`, awaited: the list, not a blind resubmit, after a loss."""
        body = to_wire(request)
        for attempt in range(RESUBMITS + 1):
            began = datetime.now(UTC)
            try:
                return prediction(await self.api.call("POST", SUBMIT_PATH, json=body,
                                                      ambiguous="raise"))
            except AmbiguousSubmit:
                found = started(await self.api.call("GET", LIST_PATH, params=since(began)))
                if found is not None:
                    return found
                if attempt == RESUBMITS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def result(self, task_id: str) -> Result | None:
        path = RESULT_PATH.format(id=task_id)
        return read_prediction(prediction(await self.api.call("GET", path)))

    async def generate(self, request: Mapping[str, Any]) -> Result:
        submitted = await self.submit(request)
        task_id = submitted["id"]
        done = read_prediction(submitted)
        if done is not None:
            return done
        return await wait_async(task_id, lambda: self.result(task_id), self.poll, sleep=self.sleep)

    async def aclose(self) -> None:
        await self.api.aclose()

    async def __aenter__(self) -> AsyncWaveSpeedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The contract harness's entry point: one generation, reported as a plain dict."""
    return run_adapter(WaveSpeedClient, request, endpoint)


async def adapter_async(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """`adapter` for the harness's async path."""
    poll = poll_policy_for(endpoint, PollPolicy())
    async with AsyncWaveSpeedClient(
        endpoint["api_key"], base_url=endpoint["base_url"], poll=poll
    ) as client:
        try:
            return (await client.generate(request)).to_adapter()
        except ClientError as exc:
            return failed_adapter_result(exc)
