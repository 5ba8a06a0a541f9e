"""Live webhook drift: receive the probe task's callback and judge it.

``vidukit drift --webhook-url PUBLIC_URL`` registers PUBLIC_URL on the probe's
one paid task (where the provider reads it: its spec's ``webhook``) and runs a
`CallbackReceiver` on 127.0.0.1 at ``--webhook-port``, the port the user's
tunnel forwards PUBLIC_URL to. Nothing else is exposed: the receiver answers
every POST with 200 and keeps it, and only on loopback.

Once the probe's polls have seen the task finish, it waits for the callback up
to `CallbackSettings.wait` seconds (120 by default: the task's end as the polls
saw it can lag the real one by a poll interval, and a first attempt that failed
is retried after a back-off), then `judge` reports, per provider:

- ``webhook-missing``: no callback within that bound;
- ``webhook-late``: one came more than `CallbackSettings.late` seconds (30) after
  the polls saw the task finish;
- ``webhook-unsigned`` / ``webhook-bad-signature``: a provider that signs (its
  spec's ``signing``) sent one without its signature headers, or with a
  signature that does not verify with the account's secret (fetched with the
  key from ``signing.secret_path``, or read from ``--webhook-secret-env``);
- off-schema: the body against the provider's ``webhook`` schema, with the
  same finding kinds as every other message (``missing-field``, ``unknown-field``...).

The secret, like the key, is handed to the scrubber and never printed.

With ``--record``, `recorded` turns the same arrivals into the task recording's
callback entries (offset from the task's end as the polls saw it, the scrubbed
body, the signature verdict, the 200 the receiver answered; one ``lost`` entry
when none came), which `vidukit.recordings.exchanges` places on the task's timeline.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from vidukit.drift.analyse import Analyser
from vidukit.drift.report import Finding
from vidukit.drift.scrub import Scrubber
from vidukit.errors import ToolkitError
from vidukit.providers import spec
from vidukit.webhooks import WebhookVerificationError, verify

MESSAGE = "webhook"
DEFAULT_PORT = 8787
DEFAULT_WAIT = 120.0
DEFAULT_LATE = 30.0
_MAX_BODY = 1024 * 1024
#: What the receiver answers every callback (recorded as each one's ``http_status``).
ANSWER = 200


@dataclass(frozen=True)
class CallbackSettings:
    """What ``--webhook-url`` and its companions asked for."""

    url: str
    port: int = DEFAULT_PORT
    #: Seconds to wait for a callback once the polls saw the task finish.
    wait: float = DEFAULT_WAIT
    #: A callback arriving more than this many seconds after that is late.
    late: float = DEFAULT_LATE
    #: The verifying secret, when given (``--webhook-secret-env``); else fetched.
    secret: str | None = None


@dataclass(frozen=True)
class Arrival:
    """One callback as it reached the receiver (``at``: `time.monotonic`)."""

    path: str
    headers: Mapping[str, str]
    body: bytes
    at: float


class CallbackReceiver:
    """A loopback HTTP server keeping every POST: ``with CallbackReceiver(port) as r: ...``."""

    def __init__(self, port: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.clock = clock
        self.arrivals: list[Arrival] = []
        self._arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> CallbackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("content-length") or 0), _MAX_BODY)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._arrived:
                    receiver.arrivals.append(Arrival(self.path, headers, body, receiver.clock()))
                    receiver._arrived.notify_all()
                self.send_response(ANSWER)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: a callback's URL may carry a token; the report says what came."""

        try:
            server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        except OSError as exc:
            raise ToolkitError(f"cannot receive callbacks on 127.0.0.1:{self.port}: "
                               f"{exc.strerror or exc} (choose another --webhook-port)") from None
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="vidukit-drift-callbacks", daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait(self, until: float) -> list[Arrival]:
        """Block until a callback has come or the clock passes *until*; what has come."""
        with self._arrived:
            self._arrived.wait_for(lambda: bool(self.arrivals),
                                   max(0.0, until - self.clock()))
            return list(self.arrivals)


def place(provider: str, body: Any, url: str) -> tuple[Any, Mapping[str, str]]:
    """*body* carrying the callback *url* where *provider* reads it, and any query to add."""
    webhook = spec(provider).webhook
    if webhook is None:
        raise ToolkitError(f"{provider} takes no callback URL: --webhook-url does not apply")
    placed, params = webhook(body, url)
    return placed, dict(params or {})


def secret_from(answer: Any, pointer: str) -> str | None:
    """The string at JSON *pointer* in *answer* (None when absent or not a string)."""
    node = answer
    for part in filter(None, pointer.split("/")):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) and node else None


def called_url(public_url: str, path: str) -> str:
    """The URL a callback was POSTed to: the public URL's origin and the path (with its
    query) the receiver saw. A provider that signs the callback's URL needs it, and only
    the public side of a tunnel is the URL the provider called."""
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}{path}"


def _finding(provider: str, kind: str, detail: str, path: str = "") -> Finding:
    return Finding(kind=kind, provider=provider, message=MESSAGE, path=path, detail=detail)


def judge(provider: str, arrivals: list[Arrival], finished_at: float,
          settings: CallbackSettings, secret: str | None, analyser: Analyser) -> list[Finding]:
    """The findings about the callbacks that came for the probe's task (see the module doc)."""
    if not arrivals:
        return [_finding(provider, "webhook-missing",
                         f"no callback came within {settings.wait:g} s of the task's end "
                         "(as the polls saw it); the task was registered with --webhook-url")]
    found: list[Finding] = []
    signing = spec(provider).signing
    for number, arrival in enumerate(arrivals, 1):
        delay = arrival.at - finished_at
        if delay > settings.late:
            found.append(_finding(provider, "webhook-late",
                                  f"callback {number} came {delay:.1f} s after the polls saw "
                                  f"the task finish (late after {settings.late:g} s)"))
        if signing is not None and secret is not None:
            try:
                verify(provider, secret, arrival.headers, arrival.body,
                       url=called_url(settings.url, arrival.path))
            except WebhookVerificationError as exc:
                kind = "webhook-unsigned" if exc.reason == "missing-header" \
                    else "webhook-bad-signature"
                found.append(_finding(provider, kind, analyser.scrubber.text(
                    f"callback {number}: {exc.reason}: {exc}")))
        try:
            body = json.loads(arrival.body)
        except ValueError:
            found.append(_finding(provider, "not-json",
                                  f"callback {number}'s body is not JSON"))
            continue
        found.extend(analyser.findings(MESSAGE, body))
    return found


def signature_verdict(provider: str, arrival: Arrival, secret: str | None,
                      url: str | None = None) -> str | None:
    """``valid``, ``bad``, ``missing`` (no signature headers), ``unchecked`` (no secret to
    verify with), or None for a provider that does not sign.

    *url* is the URL the callback was POSTed to: a provider whose signature covers it
    (`Signing.verify_target`) cannot be checked without it, so it is then ``unchecked``."""
    signing = spec(provider).signing
    if signing is None:
        return None
    if secret is None or (url is None and signing.verify_target is not None):
        return "unchecked"
    try:
        verify(provider, secret, arrival.headers, arrival.body, url=url)
    except WebhookVerificationError as exc:
        return "missing" if exc.reason == "missing-header" else "bad"
    return "valid"


def recorded(provider: str, task_id: str, arrivals: list[Arrival], finished_at: float,
             settings: CallbackSettings, secret: str | None,
             scrubber: Scrubber) -> list[dict[str, Any]]:
    """The recording's callback entries for the probe's task, ``after_end`` seconds after
    the polls saw it finish (the recording adds the task's own end offset).

    Bodies are scrubbed (the public URL and the secret were given to *scrubber*); a body
    that is not JSON is kept as its SHA-256 only. No arrival within the wait: one ``lost``
    entry, which a replay reproduces as a callback never sent.
    """
    if not arrivals:
        return [{"after_end": None, "fate": "lost", "http_status": None, "late": False}]
    wire = spec(provider).wire
    entries = []
    for arrival in arrivals:
        try:
            body: Any = json.loads(arrival.body)
        except ValueError:
            body = None
        status = None
        if body is not None:
            try:
                status = wire.status(MESSAGE, body, task_id)
            except Exception:  # a drifted body the wire cannot read: no word, still recorded
                status = None
        after = round(arrival.at - finished_at, 3)
        entries.append({
            "after_end": after,
            "status": status,
            "body": scrubber.value(body),
            "sha256": None if body is not None else hashlib.sha256(arrival.body).hexdigest(),
            "http_status": ANSWER,
            "signature": signature_verdict(provider, arrival, secret,
                                           called_url(settings.url, arrival.path)),
            "fate": "delivered",
            "late": after > settings.late,
        })
    return entries


__all__ = [
    "ANSWER",
    "DEFAULT_LATE",
    "DEFAULT_PORT",
    "DEFAULT_WAIT",
    "MESSAGE",
    "Arrival",
    "CallbackReceiver",
    "CallbackSettings",
    "judge",
    "place",
    "recorded",
    "secret_from",
    "signature_verdict",
]
