"""Callbacks as a hint, for every provider's example client: register, wait a little, then ask.

A callback saves polls; it must never be the only way to a paid video. A
provider can take the callback URL and never call it, call it after the
client stopped waiting, or (where callbacks are signed) send one the client
must refuse. So this client trusts nothing in a callback's body:

1. it submits with the callback URL where the provider reads it (its spec's
   ``webhook``: a query parameter, a body field), through the provider's own
   example client (``examples/<provider>_client.py``);
2. it waits for a callback at most ``callback_timeout`` seconds (and never more
   than half the task's deadline); a callback only wakes it, after its
   signature verified where the provider signs (the secret fetched where the
   spec's ``signing.secret_path`` says, or the provider's public keys where
   `vidukit.webhooks.keys_url` finds them) and, where the callback names its
   task (``wire.callback_task``), only for the task the client waits for;
3. woken or not, it asks the API: one look at once, then polls within what is
   left of the deadline (``PollPolicy.timeout``).

A forged callback can therefore cost one poll, and a lost one costs the wait.
`examples.wavespeed_webhook_client` is the other design: it takes the outcome
from a verified callback's body and polls only when none is accepted.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vidukit.providers import spec
from vidukit.webhooks import WebhookVerificationError, keys_url, verify

from .common import (
    Ambiguous,
    ClientError,
    JsonApi,
    PollingClient,
    PollPolicy,
    Result,
    failed_adapter_result,
    poll_policy_for,
    wait,
)
from .fal_client import FalClient
from .myrouter_client import MyRouterClient
from .novita_client import NovitaClient
from .runware_client import RunwareClient
from .vidu_client import ViduClient
from .vtrix_client import VtrixClient
from .wavespeed_client import WaveSpeedClient

#: Each provider's example client; this module adds the callback to its submit.
CLIENTS: dict[str, type[PollingClient]] = {
    "wavespeed": WaveSpeedClient,
    "vtrix": VtrixClient,
    "novita": NovitaClient,
    "myrouter": MyRouterClient,
    "runware": RunwareClient,
    "vidu": ViduClient,
    "fal": FalClient,
}
#: Longest wait for a callback before asking the API.
CALLBACK_TIMEOUT = 60.0


class CallbackHint:
    """The receiver: a callback that verifies (where the provider signs) wakes the client.

    Where the provider's callback names its task (the spec's ``wire.callback_task``), only
    a callback about the task this client waits for is accepted: after a submit whose
    answer was lost, the resubmit's task is the client's, and the lost one's callback is
    refused rather than taken and left behind (a video the client was told of and never
    collected). A callback that comes before the submit answer named the task is held up
    to ``hold`` seconds for it.
    """

    #: Answered to a genuine callback about another task than this client's.
    NOT_MINE = 409

    def __init__(self, provider: str, secret: str | None = None,
                 url: str | None = None, hold: float = 2.0) -> None:
        self.provider = provider
        self.secret = secret
        #: The callback URL registered: a provider whose signature covers it needs it.
        self.url = url
        self.hold = hold
        self._woken = threading.Event()
        self._task: str | None = None
        self._known = threading.Event()

    def expect(self, task_id: str) -> None:
        """The task this client waits for (its submit's answer named it)."""
        self._task = task_id
        self._known.set()

    def receive(self, headers: Mapping[str, str], raw_body: bytes) -> int:
        """401 for a callback whose signature does not verify, `NOT_MINE` for one about
        another task; 200 (and wake up) otherwise."""
        if self.secret is not None:
            try:
                verify(self.provider, self.secret, headers, raw_body, url=self.url)
            except WebhookVerificationError:
                return 401
        if not self._mine(raw_body):
            return self.NOT_MINE
        self._woken.set()
        return 200

    def _mine(self, raw_body: bytes) -> bool:
        named_by = spec(self.provider).wire.callback_task
        if named_by is None:
            return True  # the callback does not say which task: any may wake the client
        try:
            named = named_by(json.loads(raw_body))
        except ValueError:
            return False
        self._known.wait(self.hold)
        return named is not None and named == self._task

    def wait(self, timeout: float) -> bool:
        return self._woken.wait(timeout)


class _WithCallback:
    """A `JsonApi` whose POSTs carry the callback URL where *provider* reads it."""

    def __init__(self, api: JsonApi, provider: str, url: str) -> None:
        self._api, self._provider, self._url = api, provider, url

    def call(self, method: str, path: str, *, json: Any = None,
             params: Mapping[str, str] | None = None, ambiguous: Ambiguous = "retry") -> Any:
        place = spec(self._provider).webhook
        if method == "POST" and place is not None:
            json, extra = place(json, self._url)
            params = {**(params or {}), **(extra or {})} or None
        return self._api.call(method, path, json=json, params=params, ambiguous=ambiguous)

    def close(self) -> None:
        self._api.close()


def callback_secret(client: PollingClient, provider: str, api_key: str = "") -> str | None:
    """The secret that verifies *provider*'s callbacks, where it serves one; else None.

    Where the provider publishes public keys instead (`vidukit.webhooks.keys_url`), the
    secret is the key set as fetched, without the API key: the provider's own when
    *client* talks to the provider, the mock's when it talks to the mock.
    """
    signing = spec(provider).signing
    keys = keys_url(provider, client.api.base_url)
    if keys is not None:
        fetch = JsonApi(keys, {}, http=client.api.http, retry=client.api.retry,
                        sleep=client.sleep)
        return json.dumps(fetch.call("GET", ""))
    if signing is not None and not signing.needs_secret:
        return ""  # verified with the provider's published key, no shared secret
    if signing is not None and signing.key == "api-key":
        return api_key or None  # signed with the key that created the task
    if signing is None or signing.secret_path is None:
        return None
    node = client.api.call("GET", signing.secret_path)
    for part in filter(None, signing.secret_pointer.split("/")):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) and node else None


def submit_with_callback(client: PollingClient, provider: str, request: Mapping[str, Any],
                         webhook_url: str) -> tuple[str, Result | None]:
    """*client*'s own submit, carrying *webhook_url*: the task id (and its end, if known)."""
    client.api = _WithCallback(client.api, provider, webhook_url)  # type: ignore[assignment]
    return client.start(request)


def generate_with_callback(client: PollingClient, provider: str, request: Mapping[str, Any],
                           webhook_url: str, hint: CallbackHint,
                           callback_timeout: float = CALLBACK_TIMEOUT) -> Result:
    started = time.monotonic()
    task_id, done = submit_with_callback(client, provider, request, webhook_url)
    if done is not None:
        return done
    hint.expect(task_id)
    hint.wait(min(callback_timeout, client.poll.timeout / 2))
    done = client.result(task_id)  # a callback or silence: the API says how it went
    if done is not None:
        return done
    left = max(0.0, client.poll.timeout - (time.monotonic() - started))
    return wait(task_id, lambda: client.result(task_id), replace(client.poll, timeout=left),
                sleep=client.sleep)


def run_hint_adapter(request: dict[str, Any], endpoint: dict[str, Any],
                     generate: Any = generate_with_callback) -> dict[str, Any]:
    """One generation of ``endpoint["provider"]`` through the harness's receiver."""
    provider = endpoint["provider"]
    poll = poll_policy_for(endpoint, PollPolicy())
    with CLIENTS[provider](endpoint["api_key"], base_url=endpoint["base_url"],
                           poll=poll) as client:
        try:
            hint = CallbackHint(provider, callback_secret(client, provider, endpoint["api_key"]),
                                url=endpoint["webhook_url"])
            endpoint["webhook_receiver"].serve(hint.receive)
            timeout = float(endpoint.get("callback_timeout", CALLBACK_TIMEOUT))
            return generate(client, provider, request, endpoint["webhook_url"], hint,
                            timeout).to_adapter()
        except ClientError as exc:
            return failed_adapter_result(exc)


def adapter(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    """The harness's webhook-mode entry point, for any provider (``endpoint["provider"]``)."""
    return run_hint_adapter(request, endpoint)


__all__ = ["CALLBACK_TIMEOUT", "CLIENTS", "CallbackHint", "adapter", "callback_secret",
           "generate_with_callback", "run_hint_adapter", "submit_with_callback"]
