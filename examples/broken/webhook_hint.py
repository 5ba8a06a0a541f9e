"""Broken webhook-driven clients of the providers without a webhook example of their own:
`examples.webhook_hint_client` with one bug, verified in webhook mode against it as control."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def _without_fallback(provider: str) -> Callable[[dict[str, Any], dict[str, Any]],
                                                dict[str, Any]]:
    """*provider*'s webhook-only client, registered as ``<provider>-webhook-without-fallback``
    (the bug name WaveSpeed's own webhook client has)."""

    def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        return run_hint_adapter(request, endpoint, _callback_only)

    adapter.__name__ = "webhook_without_fallback"
    adapter.__qualname__ = f"webhook_without_fallback_{provider}"
    return broken(provider, bug=BUG, caught_by="webhook-fallback", **HINT)(adapter)


# One module-level name per provider, so each loads as module:function
# (`vidukit verify --adapter examples.broken.webhook_hint:webhook_without_fallback_vidu`).
webhook_without_fallback_vtrix = _without_fallback("vtrix")
webhook_without_fallback_novita = _without_fallback("novita")
webhook_without_fallback_myrouter = _without_fallback("myrouter")
webhook_without_fallback_runware = _without_fallback("runware")
webhook_without_fallback_vidu = _without_fallback("vidu")
webhook_without_fallback_fal = _without_fallback("fal")
