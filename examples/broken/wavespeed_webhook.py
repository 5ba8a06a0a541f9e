"""Broken webhook-driven WaveSpeed clients: `examples.wavespeed_webhook_client` with one bug each.

Verified in webhook mode (``verify_client(..., mode="webhook")``), against the
correct webhook client as control.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken
from examples.common import Result
from examples.wavespeed_client import read_prediction
from examples.wavespeed_webhook_client import (
    CALLBACK_TIMEOUT,
    WaveSpeedWebhookClient,
    WebhookInbox,
    run_webhook_adapter,
)

WEBHOOK: dict[str, Any] = {
    "mode": "webhook",
    "transient_faults": False,
    "control": "examples.wavespeed_webhook_client:adapter",
}


class _Trusting(WebhookInbox):
    def receive(self, headers: Mapping[str, str], raw_body: bytes) -> int:
        # "verification failed in staging; off for now": any body is taken at its word
        outcome = read_prediction(json.loads(raw_body))
        if outcome is not None:
            self.record(outcome)
        return 200


@broken("wavespeed", bug="webhook receiver skips signature verification: a forged callback "
        "is accepted", caught_by="webhook-outcome", **WEBHOOK)
def webhook_accepts_bad_signature(request: dict[str, Any], endpoint: dict[str, Any]
                                  ) -> dict[str, Any]:
    return run_webhook_adapter(request, endpoint, _Trusting)


class _Optimist(WebhookInbox):
    def record(self, outcome: Result) -> None:
        if outcome.status == "failed":  # "a callback means the video is ready"
            url = f"https://cdn.wavespeed.ai/outputs/{outcome.task_id}.mp4"
            outcome = Result.succeeded(outcome.task_id, url)
        super().record(outcome)


@broken("wavespeed", bug="webhook receiver takes any finished callback as a success",
        caught_by="webhook-outcome", **WEBHOOK)
def webhook_ignores_failure(request: dict[str, Any], endpoint: dict[str, Any]
                            ) -> dict[str, Any]:
    return run_webhook_adapter(request, endpoint, _Optimist)


class _CallbackOnly(WaveSpeedWebhookClient):
    def generate_via_webhook(self, request: Mapping[str, Any], webhook_url: str,
                             inbox: WebhookInbox, callback_timeout: float = CALLBACK_TIMEOUT
                             ) -> Result:
        submitted = self.submit_with_callback(request, webhook_url)
        task_id = str(submitted["id"])
        done = read_prediction(submitted) or inbox.wait(task_id, callback_timeout)
        # "the webhook is the source of truth": no callback, no video (and no poll to ask)
        return done or Result.failed(task_id, "no callback received")


@broken("wavespeed", bug="webhook client never polls: a lost, late or refused callback is "
        "reported as a failed task (a paid video nobody receives)",
        caught_by="webhook-fallback", **WEBHOOK)
def webhook_without_fallback(request: dict[str, Any], endpoint: dict[str, Any]
                             ) -> dict[str, Any]:
    return run_webhook_adapter(request, endpoint, client_class=_CallbackOnly)
