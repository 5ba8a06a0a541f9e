"""Broken webhook-driven clients of the providers without a webhook example of their own:
`examples.webhook_hint_client` with one bug, verified in webhook mode against it as control."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken
from examples.common import PollingClient, Result, wait
from examples.webhook_hint_client import CallbackHint, run_hint_adapter, submit_with_callback

HINT: dict[str, Any] = {
    "mode": "webhook",
    "transient_faults": False,
    "control": "examples.webhook_hint_client:adapter",
}
BUG = ("webhook client never polls: a lost, late or refused callback is reported as a failed "
       "task (a paid video nobody receives)")


def _callback_only(client: PollingClient, provider: str, request: Mapping[str, Any],
                   webhook_url: str, hint: CallbackHint, callback_timeout: float) -> Result:
    task_id, done = submit_with_callback(client, provider, request, webhook_url)
    if done is not None:
        return done
    hint.expect(task_id)
    if not hint.wait(min(callback_timeout, client.poll.timeout / 2)):
        # "the webhook is the source of truth": no callback, no video (and no poll to ask)
        return Result.failed(task_id, "no callback received")
    return client.result(task_id) or wait(task_id, lambda: client.result(task_id), client.poll,
                                          sleep=client.sleep)


def _adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_hint_adapter(request, endpoint, _callback_only)


def webhook_without_fallback_vtrix(request: dict[str, Any], endpoint: dict[str, Any]
                                   ) -> dict[str, Any]:
    return _adapter(request, endpoint)


def webhook_without_fallback_novita(request: dict[str, Any], endpoint: dict[str, Any]
                                    ) -> dict[str, Any]:
    return _adapter(request, endpoint)


def webhook_without_fallback_myrouter(request: dict[str, Any], endpoint: dict[str, Any]
                                      ) -> dict[str, Any]:
    return _adapter(request, endpoint)


def webhook_without_fallback_runware(request: dict[str, Any], endpoint: dict[str, Any]
                                     ) -> dict[str, Any]:
    return _adapter(request, endpoint)


def webhook_without_fallback_vidu(request: dict[str, Any], endpoint: dict[str, Any]
                                  ) -> dict[str, Any]:
    return _adapter(request, endpoint)


def webhook_without_fallback_fal(request: dict[str, Any], endpoint: dict[str, Any]
                                 ) -> dict[str, Any]:
    return _adapter(request, endpoint)


# One function per provider (so each loads as module:function), each registered under the
# same bug name as WaveSpeed's: <provider>-webhook-without-fallback.
for _provider, _adapter_fn in (("vtrix", webhook_without_fallback_vtrix),
                               ("novita", webhook_without_fallback_novita),
                               ("myrouter", webhook_without_fallback_myrouter),
                               ("runware", webhook_without_fallback_runware),
                               ("vidu", webhook_without_fallback_vidu),
                               ("fal", webhook_without_fallback_fal)):
    _adapter_fn.__name__ = "webhook_without_fallback"
    broken(_provider, bug=BUG, caught_by="webhook-fallback", **HINT)(_adapter_fn)
