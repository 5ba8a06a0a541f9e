"""Webhook mode: a loopback receiver for the client's callbacks, and the behaviours to draw.

In webhook mode the adapter's ``endpoint`` gains ``webhook_url`` (a fresh
path on a loopback HTTP server the harness runs) and ``webhook_receiver``
(a `ReceiverSlot`). The client registers ``webhook_url`` with its submit
(WaveSpeed ``?webhook=``, Novita ``extra.webhook.url``, ...) and installs its
own receiving logic with ``endpoint["webhook_receiver"].serve(handler)``,
where ``handler(headers, raw_body) -> status`` is what its web route would
do: verify, parse, store, answer 2xx to accept or anything else to refuse.
A client that runs its own server may register that URL instead; the checks
read the mock's webhook journal (what each attempt got back), so they judge
both the same way.

Callbacks are sent by the mock when a task ends on the clock, so webhook mode
draws only progressions that end without polls (``immediate``, ``time=Q,P``),
plus the delivery quirks of `vidukit.mock_server.webhooks.options` (``duplicate``,
``delay``, ``out-of-order``, ``lost``, a ``delay`` past every deadline and, for a
provider that signs, ``bad-signature``). The endpoint's ``callback_timeout``
(`callback_wait`) is how long a client may wait for a callback before it asks the
API: a hint, like ``poll_interval``, that keeps a run with lost callbacks short.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final

from hypothesis import strategies as st

from vidukit.contract_tests.harness._behaviour import Behaviour, behaviours
from vidukit.mock_server.webhooks import policy_for

#: ``handler(headers, raw_body) -> HTTP status`` (headers with lower-case names).
Handler = Callable[[Mapping[str, str], bytes], int]

MODES: Final = ("poll", "webhook")
#: A callback sent long after every deadline the harness gives (the ``webhook-late`` scenario's
#: default): the example is over, and the mock reset, before it would go out.
LATE: Final = "delay=900"
#: Longest wait for a callback the harness suggests (``endpoint["callback_timeout"]``): a
#: task drawn here ends within 0.6 s and its callback is held at most 0.3 s more.
MAX_CALLBACK_WAIT: Final = 1.5
#: Delivery quirks drawn per example ("" = a plain delivery). Seconds are real on the harness's
#: real clock, hence short.
WEBHOOK_OPTIONS: Final[tuple[str, ...]] = (
    "", "duplicate", "delay=0.3", "out-of-order=0.2", "bad-signature", "lost", LATE,
)
_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Received:
    """One callback as the harness's receiver saw it, and what the client's handler answered."""

    path: str
    headers: Mapping[str, str]
    body: bytes
    status: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "error": self.error,
                "attempt": self.headers.get("x-mock-webhook-attempt"),
                "body": self.body.decode("utf-8", "replace")}


@dataclass
class ReceiverSlot:
    """One example's callback URL; the client installs its handler with `serve`."""

    url: str
    handler: Handler | None = None
    received: list[Received] = field(default_factory=list)
    closed: bool = False

    def serve(self, handler: Handler) -> None:
        """Answer every callback to `url` with *handler* (the client's receiving logic)."""
        self.handler = handler


class _Requests(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, _MAX_BODY))
        headers = {k.lower(): v for k, v in self.headers.items()}
        slot = self.server.slots.get(self.path)
        status, error = self._answer(slot, headers, body)
        if slot is not None and not slot.closed:
            slot.received.append(Received(self.path, headers, body, status, error))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, slot: ReceiverSlot | None, headers: Mapping[str, str],
                body: bytes) -> tuple[int, str | None]:
        if slot is None or slot.closed:
            return 410, "no example is waiting on this URL any more"
        if slot.handler is None:
            return 503, "the client had not installed its receiver (webhook_receiver.serve)"
        try:
            status = slot.handler(headers, body)
        except Exception as exc:  # the client's receiver crashed: a 500, as a framework would
            return 500, f"the receiver raised {type(exc).__name__}: {exc}"
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            return 500, f"the receiver returned {status!r}, not an HTTP status"
        return status, None

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the report shows every callback."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    slots: dict[str, ReceiverSlot]


class WebhookReceiver:
    """The harness's loopback callback server: ``with WebhookReceiver() as r: slot = r.open()``."""

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._numbers = itertools.count(1)

    def __enter__(self) -> WebhookReceiver:
        server = _Server(("127.0.0.1", 0), _Requests)
        server.slots = {}
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="vidukit-webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._server = None

    @property
    def origin(self) -> str:
        if self._server is None:
            raise RuntimeError("the webhook receiver is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def open(self) -> ReceiverSlot:
        """A fresh callback URL for one example (earlier examples' late callbacks get 410)."""
        path = f"/callbacks/{next(self._numbers)}"
        slot = ReceiverSlot(self.origin + path)
        assert self._server is not None
        self._server.slots[path] = slot
        return slot

    def close(self, slot: ReceiverSlot) -> None:
        slot.closed = True


def callback_wait(deadline: float) -> float:
    """``endpoint["callback_timeout"]``: a quarter of the task *deadline*, at most
    `MAX_CALLBACK_WAIT`, so a client that waits this long and then polls still ends in time."""
    return min(MAX_CALLBACK_WAIT, deadline / 4)


def settle(answered: Callable[[], int], recorded: Callable[[], int], timeout: float = 2.0) -> None:
    """Wait until the mock has recorded as many attempts as the receiver answered.

    The mock notes an attempt once the answer is back, which can be a moment after
    the client, woken by its own handler, has returned.
    """
    deadline = time.monotonic() + timeout
    while recorded() < answered() and time.monotonic() < deadline:
        time.sleep(0.01)


def webhook_progressions() -> st.SearchStrategy[str]:
    """Progressions that end on the clock alone (a ``polls=N`` task waits for polls)."""
    queued = st.sampled_from(["0.1", "0.3"])
    return st.one_of(st.just("immediate"),
                     st.tuples(queued, queued).map(lambda qp: f"time={qp[0]},{qp[1]}"))


def webhook_behaviours(provider: str, *, transient_faults: bool = True
                       ) -> st.SearchStrategy[Behaviour]:
    """`behaviours` for a webhook-driven client: clock-driven endings and delivery quirks."""
    signed = policy_for(provider).signed
    options = [o for o in WEBHOOK_OPTIONS if signed or o != "bad-signature"]
    return st.builds(
        lambda base, progression, webhook: dataclasses.replace(
            base, progression=progression, webhook=webhook),
        # No stuck tasks: webhook mode judges how callbacks are received; a client's own
        # deadline is judged in poll mode (gives-up).
        behaviours(transient_faults=transient_faults, stuck=False),
        webhook_progressions(),
        st.sampled_from(options),
    )


__all__ = [
    "LATE",
    "MAX_CALLBACK_WAIT",
    "MODES",
    "WEBHOOK_OPTIONS",
    "Handler",
    "Received",
    "ReceiverSlot",
    "WebhookReceiver",
    "callback_wait",
    "settle",
    "webhook_behaviours",
    "webhook_progressions",
]
