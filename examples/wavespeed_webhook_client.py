"""A webhook-driven WaveSpeed client: submit with ``?webhook=``, learn the outcome by callback.

    GET  {base}/api/v3/webhook/secret                         -> data.secret ("whsec_...")
    POST {base}/api/v3/vidu/reference-to-video-q2?webhook=<url>
    POST <url>  (from WaveSpeed) the finished prediction, signed with webhook-id,
                webhook-timestamp and webhook-signature headers

`WebhookInbox.receive` is what a team's web route calls with the request's
headers and raw bytes: it verifies the signature with
`vidukit.webhooks.verify` and refuses (401) whatever does
not verify, accepts (200) a genuine callback and records the outcome it
carries; a duplicate is accepted and changes nothing. A callback is only a
hint that something changed: when one is refused, or none comes within
``callback_timeout``, the client asks the API and polls from there, so a
forged or lost callback can neither fake an outcome nor strand the task. The
wait for the callback counts against the task's deadline (``PollPolicy.timeout``):
the polls after it get only what is left, so a lost callback never makes the
client late.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vidukit.webhooks import WebhookVerificationError, verify

from .common import (
    ClientError,
    PollPolicy,
    Result,
    UnexpectedResponse,
    failed_adapter_result,
    poll_policy_for,
    wait,
)
from .wavespeed_client import (
    WaveSpeedClient,
    read_prediction,
)

SECRET_PATH = "/api/v3/webhook/secret"
#: How long to wait for a callback before asking the API instead.
CALLBACK_TIMEOUT = 60.0


class WebhookInbox:
    """The receiver: verified outcomes by task id, and a count of refused callbacks."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self._results: dict[str, Result] = {}
        self._refused = 0
        self._changed = threading.Condition()

    def receive(self, headers: Mapping[str, str], raw_body: bytes) -> int:
        """Answer one callback: 401 unless its signature verifies, 400 unless it is a
        prediction, else 200 (and its outcome is kept if the prediction is finished)."""
        try:
            verify("wavespeed", self.secret, headers, raw_body)
        except WebhookVerificationError:
            with self._changed:
                self._refused += 1
                self._changed.notify_all()
            return 401
        try:
            data = json.loads(raw_body)
            outcome = read_prediction(data) if isinstance(data, dict) and "id" in data else None
        except (ValueError, UnexpectedResponse):
            return 400
        if outcome is not None:
            self.record(outcome)
        return 200

    def record(self, outcome: Result) -> None:
        """Keep the first outcome of a task (a duplicate callback changes nothing)."""
        with self._changed:
            self._results.setdefault(outcome.task_id, outcome)
            self._changed.notify_all()

    def wait(self, task_id: str, timeout: float) -> Result | None:
        """The verified outcome of *task_id*; None when a callback was refused or none came."""
        with self._changed:
            refused = self._refused
            self._changed.wait_for(
                lambda: task_id in self._results or self._refused > refused, timeout)
            return self._results.get(task_id)


class WaveSpeedWebhookClient(WaveSpeedClient):
    """`WaveSpeedClient` that registers a callback and waits for its receiver's verdict."""

    def webhook_secret(self) -> str:
        body = self.api.call("GET", SECRET_PATH)
        data = body.get("data") if isinstance(body, Mapping) else None
        secret = data.get("secret") if isinstance(data, Mapping) else None
        if not isinstance(secret, str) or not secret:
            raise UnexpectedResponse("WaveSpeed sent no webhook secret")
        return secret

    def submit_with_callback(self, request: Mapping[str, Any], webhook_url: str
                             ) -> dict[str, Any]:
        # The lost-answer handling of `WaveSpeedClient.submit`: the prediction list, not a
        # blind resubmit (a second paid task, and a second callback).
        return self.submit(request, params={"webhook": webhook_url})

    def generate_via_webhook(self, request: Mapping[str, Any], webhook_url: str,
                             inbox: WebhookInbox, callback_timeout: float = CALLBACK_TIMEOUT
                             ) -> Result:
        started = time.monotonic()
        submitted = self.submit_with_callback(request, webhook_url)
        task_id = str(submitted["id"])
        wait_for = min(callback_timeout, self.poll.timeout / 2)
        done = read_prediction(submitted) or inbox.wait(task_id, wait_for)
        if done is not None:
            return done
        # A refused callback or silence: the API, not the callback, says how the task ended,
        # within what is left of the task's deadline.
        left = max(0.0, self.poll.timeout - (time.monotonic() - started))
        return wait(task_id, lambda: self.result(task_id), replace(self.poll, timeout=left),
                    sleep=self.sleep)


def run_webhook_adapter(request: dict[str, Any], endpoint: dict[str, Any],
                        inbox_class: type[WebhookInbox] = WebhookInbox,
                        client_class: type[WaveSpeedWebhookClient] | None = None
                        ) -> dict[str, Any]:
    """One generation through the harness's receiver (``endpoint["webhook_receiver"]``)."""
    poll = poll_policy_for(endpoint, PollPolicy())
    with (client_class or WaveSpeedWebhookClient)(
            endpoint["api_key"], base_url=endpoint["base_url"], poll=poll) as client:
        try:
            inbox = inbox_class(client.webhook_secret())
            endpoint["webhook_receiver"].serve(inbox.receive)
            timeout = float(endpoint.get("callback_timeout", CALLBACK_TIMEOUT))
            return client.generate_via_webhook(request, endpoint["webhook_url"], inbox,
                                               timeout).to_adapter()
        except ClientError as exc:
            return failed_adapter_result(exc)


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The harness's webhook-mode entry point (``verify_client(..., mode="webhook")``)."""
    return run_webhook_adapter(request, endpoint)


__all__ = [
    "CALLBACK_TIMEOUT",
    "WaveSpeedWebhookClient",
    "WebhookInbox",
    "adapter",
    "run_webhook_adapter",
]
