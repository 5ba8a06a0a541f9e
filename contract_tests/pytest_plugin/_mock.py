"""`ViduMock`: one fresh mock for one test, with the admin API as methods.

The mock runs either on a real socket (``serving``: any client, any SDK, and
the socket-level faults such as ``connection-closed``) or in-process (no
port, a little faster, but only a client that accepts an httpx client can
reach it: ``client()`` / ``async_client()``). Either way every control goes through
the admin API (``/_mock/...``), so what a test steers here is exactly what
``curl`` would steer on ``vidukit serve``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from vidukit.contract_tests.pytest_plugin._inprocess import in_process_client
from vidukit.errors import ToolkitError
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.replay import ReplaySettings
from vidukit.mock_server.testing import serving
from vidukit.recordings import RecordingError, load_recordings

#: The origin an in-process mock answers as (nothing listens there; the transport is the app).
IN_PROCESS_ORIGIN = "http://vidu-mock.test"
#: Any non-empty key is accepted unless the config names keys; this one is the fixture's.
DEFAULT_API_KEY = "vidu-mock-test-key"
_ADMIN_TIMEOUT = 10.0


class ViduMockError(ToolkitError):
    """An admin call was refused (bad scenario text, unknown task, ...): the admin's message."""


@dataclass(frozen=True)
class RequestViolation:
    """One request the mock judged invalid against the provider's schema, as the journal has it."""

    seq: int
    provider: str
    method: str
    path: str
    query: str
    violations: tuple[Mapping[str, Any], ...]

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> RequestViolation:
        request = entry["request"]
        return cls(int(entry["seq"]), str(entry["provider"]), str(request["method"]),
                   str(request["path"]), str(request.get("query") or ""),
                   tuple(entry["validation"]["violations"]))

    def describe(self) -> str:
        query = f"?{self.query}" if self.query else ""
        head = f"#{self.seq} {self.provider}: {self.method} {self.path}{query}"
        lines = [head]
        for found in self.violations:
            where = found.get("path") or "/"
            lines.append(f"    - {where}: [{found.get('rule')}] {found.get('message')}")
        return "\n".join(lines)


class ViduMock:
    """A running mock of all five providers, made for one test (the ``vidu_mock`` fixture).

    ``url`` is the mock's origin, `base_url` a provider's base URL on it (what
    replaces the real origin in a client), `endpoint` the dict an adapter gets.
    """

    def __init__(self, app: Starlette, http: httpx.Client, url: str, *, in_process: bool,
                 api_key: str = DEFAULT_API_KEY) -> None:
        self.app = app
        self._http = http
        self.url = url
        self.in_process = in_process
        self.api_key = api_key
        index = self._call("GET", "/")
        self.clock_kind: str = index["clock"]
        self._prefixes = {pid: ("" if prefix == "/" else prefix)
                          for pid, prefix in index["providers"].items()}

    # -- reaching the mock -------------------------------------------------------------

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(self._prefixes)

    def base_url(self, provider: str) -> str:
        """*provider*'s base URL on this mock: ``http://127.0.0.1:PORT/wavespeed``."""
        if provider not in self._prefixes:
            raise ViduMockError(f"this mock does not serve {provider!r}; it serves "
                                f"{', '.join(self._prefixes)}")
        return self.url + self._prefixes[provider]

    def endpoint(self, provider: str, *, poll_interval: float = 0.05) -> dict[str, Any]:
        """What an adapter (``adapter(request, endpoint)``) gets for *provider* on this mock."""
        return {"provider": provider, "base_url": self.base_url(provider),
                "api_key": self.api_key, "poll_interval": poll_interval}

    def client(self) -> httpx.Client:
        """An httpx client that reaches this mock (in-process: the only way in); not closed
        by the caller: it lives as long as the fixture."""
        return self._http

    def async_client(self, **options: Any) -> httpx.AsyncClient:
        """A new httpx.AsyncClient that reaches this mock; the caller closes it."""
        if self.in_process:
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                     base_url=self.url, **options)
        return httpx.AsyncClient(base_url=self.url, **options)

    # -- the admin API -------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self._http.request(method, "/_mock" + path, timeout=_ADMIN_TIMEOUT, **kwargs)
        try:
            body = answer.json()
        except ValueError:
            body = answer.text
        if answer.status_code >= 400:
            message = body.get("error") if isinstance(body, dict) else body
            raise ViduMockError(f"{method} /_mock{path}: {answer.status_code}: {message}")
        return body

    def reset(self) -> None:
        """Forget tasks, journal, scenarios and webhook deliveries; rewind a virtual clock."""
        self._call("POST", "/reset")

    # scenarios
    def set_scenario(self, scenario: str, *, provider: str | None = None, on: str | None = None,
                     count: int = 1, target: str | None = None) -> dict[str, Any]:
        """Choose *scenario* (``"http-503;retry_after=1"``, ``"fail-timeout"``...) for the next
        *count* requests or tasks (*target* ``"requests"``/``"tasks"``; by default what the
        scenario is), optionally of one *provider* and only on ``submit``/``poll``."""
        choice: dict[str, Any] = {"scenario": scenario, "count": count}
        for key, value in (("provider", provider), ("on", on), ("for", target)):
            if value is not None:
                choice[key] = value
        answer: dict[str, Any] = self._call("POST", "/scenarios", json=choice)
        return answer

    def clear_scenarios(self) -> int:
        """Forget every pending choice; how many there were."""
        return int(self._call("DELETE", "/scenarios")["cleared"])

    def scenarios(self) -> dict[str, Any]:
        """Pending choices, rules, the history of what struck, and the catalogue."""
        view: dict[str, Any] = self._call("GET", "/scenarios")
        return view

    # clock
    def now(self) -> float:
        """The mock's clock, in epoch seconds."""
        return float(self._call("GET", "/clock")["now"])

    def advance(self, seconds: float) -> float:
        """Move a virtual clock (``clock="virtual"``), delivering callbacks due on the way."""
        return float(self._call("POST", "/clock/advance", json={"seconds": seconds})["now"])

    # progression and outcome defaults
    def set_defaults(self, *, progression: str | None = None,
                     outcome: str | None = None) -> dict[str, Any]:
        """The server-wide defaults for new tasks: ``progression="polls=2"``, ``outcome="fail"``."""
        body = {k: v for k, v in (("progression", progression), ("outcome", outcome))
                if v is not None}
        answer: dict[str, Any] = self._call("PUT", "/progression", json=body)
        return answer

    def defaults(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._call("GET", "/progression")
        return answer

    # tasks
    def tasks(self, provider: str | None = None, state: str | None = None
              ) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("provider", provider), ("state", state)) if v is not None}
        tasks: list[dict[str, Any]] = self._call("GET", "/tasks", params=params)["tasks"]
        return tasks

    def task(self, task_id: str) -> dict[str, Any]:
        view: dict[str, Any] = self._call("GET", f"/tasks/{task_id}")
        return view

    def force_outcome(self, task_id: str, outcome: str,
                      error_code: str | int | None = None) -> dict[str, Any]:
        """End (or hold) one task now: ``"succeed"``, ``"fail"`` (with *error_code*),
        ``"stay-processing"``."""
        body: dict[str, Any] = {"outcome": outcome}
        if error_code is not None:
            body["error_code"] = error_code
        view: dict[str, Any] = self._call("POST", f"/tasks/{task_id}/outcome", json=body)
        return view

    def set_task_progression(self, task_id: str, progression: str) -> dict[str, Any]:
        view: dict[str, Any] = self._call("PUT", f"/tasks/{task_id}/progression",
                                          json={"progression": progression})
        return view

    # journal
    def journal(self, provider: str | None = None) -> list[dict[str, Any]]:
        """Every request with its validation verdict and the answer (keys redacted)."""
        params = {"provider": provider} if provider is not None else {}
        entries: list[dict[str, Any]] = self._call("GET", "/journal", params=params)["entries"]
        return entries

    def violations(self, provider: str | None = None) -> list[RequestViolation]:
        """The requests the mock judged invalid against the provider's schemas."""
        return [RequestViolation.from_entry(e) for e in self.journal(provider)
                if e.get("validation") is not None and not e["validation"]["valid"]]

    # webhooks
    def webhooks(self, provider: str | None = None, task: str | None = None
                 ) -> list[dict[str, Any]]:
        """Every callback delivery, with its attempts (status, signature, error)."""
        params = {k: v for k, v in (("provider", provider), ("task", task)) if v is not None}
        deliveries: list[dict[str, Any]] = self._call("GET", "/webhooks",
                                                      params=params)["deliveries"]
        return deliveries

    def configure_webhooks(self, *, secret: str | None = None,
                           options: str | None = None) -> dict[str, Any]:
        """The WaveSpeed signing secret, and delivery quirks for every new task
        (``"duplicate,delay=5"``, ``"bad-signature"``)."""
        body = {k: v for k, v in (("secret", secret), ("options", options)) if v is not None}
        view: dict[str, Any] = self._call("PUT", "/webhooks", json=body)
        return view


def make_config(options: Mapping[str, Any]) -> MockConfig:
    """The fixture's `MockConfig`: ``config=MockConfig(...)`` or field overrides.

    Defaults differ from ``vidukit serve`` in two ways suited to a test suite:
    no jitter (timings repeat exactly) and callbacks to loopback URLs only.
    """
    config = options.get("config")
    fields = {k: v for k, v in options.items() if k != "config"}
    if config is not None:
        if fields:
            raise ViduMockError(f"vidu_mock: give config= or fields ({sorted(fields)}), not both")
        if not isinstance(config, MockConfig):
            raise ViduMockError("vidu_mock: config must be a mock_server.MockConfig")
        return config
    base: dict[str, Any] = {"jitter": 0.0, "webhook_targets": "loopback"}
    _replay_option(fields)
    try:
        return MockConfig(**{**base, **fields})
    except TypeError as exc:
        raise ViduMockError(f"vidu_mock: {exc} (options are MockConfig fields)") from None


def _replay_option(fields: dict[str, Any]) -> None:
    """``replay="DIR"`` (``replay_match``, ``replay_speed``, ``replay_verbatim``): its recordings.

    A folder is what a test has at hand; `MockConfig` takes the loaded `ReplaySettings`.
    """
    match = fields.pop("replay_match", "order")
    speed = fields.pop("replay_speed", 1.0)
    verbatim = bool(fields.pop("replay_verbatim", False))
    folder = fields.get("replay")
    if not isinstance(folder, str | os.PathLike):
        return
    try:
        fields["replay"] = ReplaySettings(tuple(load_recordings(Path(folder))), match=match,
                                          speed=float(speed), verbatim=verbatim)
    except (RecordingError, ValueError) as exc:
        raise ViduMockError(f"vidu_mock: replay: {exc}") from None


@contextlib.contextmanager
def open_vidu_mock(config: MockConfig | None = None, *, in_process: bool = False
                   ) -> Iterator[ViduMock]:
    """A fresh mock for the block: on a socket, or in-process with *in_process*."""
    app = create_app(config or make_config({}))
    if in_process:
        with in_process_client(app, IN_PROCESS_ORIGIN) as http:
            yield ViduMock(app, http, IN_PROCESS_ORIGIN, in_process=True)
        return
    with serving(app) as live, httpx.Client(base_url=live.url, timeout=30.0) as http:
        yield ViduMock(app, http, live.url, in_process=False)


__all__ = [
    "DEFAULT_API_KEY",
    "IN_PROCESS_ORIGIN",
    "RequestViolation",
    "ViduMock",
    "ViduMockError",
    "make_config",
    "open_vidu_mock",
]
