"""The mock the harness drives: started here on a real socket, or one already running.

Only the admin API is used (``/_mock/...``), so a mock started by this module
and one started elsewhere (``vidukit serve``) are driven the same way. Between
examples the mock is reset (about a millisecond) rather than rebuilt (about
200 ms with its server); it is rebuilt only after an adapter hung, so that the
abandoned call finds nothing to talk to instead of the next example's mock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from vidukit.contract_tests.harness._behaviour import STUCK_OUTCOME, Behaviour
from vidukit.errors import ToolkitError
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.testing import serving

_ADMIN_TIMEOUT = 10.0
_JOURNAL_LIMIT = 1000
#: A task scenario's choice covers every task of the example (a retried submit makes more).
_TASKS_PER_EXAMPLE = 100


class HarnessError(ToolkitError):
    """The harness could not drive the mock (not a finding about the client)."""


class MockHandle:
    """A mock for the harness: ``with MockHandle() as mock: mock.base_url("novita")``."""

    def __init__(self, mock_url: str | None = None) -> None:
        self._external = mock_url.rstrip("/") if mock_url else None
        self._stack: contextlib.ExitStack | None = None
        self._admin: httpx.Client | None = None
        self.origin = ""
        self._prefixes: dict[str, str] = {}

    @property
    def owned(self) -> bool:
        """True when this handle started the mock (so it may rebuild it)."""
        return self._external is None

    def __enter__(self) -> MockHandle:
        self._start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _start(self) -> None:
        stack = contextlib.ExitStack()
        if self._external is None:
            live = stack.enter_context(serving(create_app(MockConfig(jitter=0.0))))
            self.origin = live.url
        else:
            self.origin = self._external
        self._admin = stack.enter_context(
            httpx.Client(base_url=self.origin + "/_mock", timeout=_ADMIN_TIMEOUT))
        self._stack = stack
        index = self._call("GET", "/")
        clock = index.get("clock")
        if clock != "real":
            self.close()
            raise HarnessError(
                f"the mock at {self.origin} runs on a {clock} clock; the harness needs the real "
                "clock (clients sleep in real time, and poll-rate reads the journal's times)")
        self._prefixes = {pid: ("" if prefix == "/" else prefix)
                          for pid, prefix in index["providers"].items()}

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack = self._admin = None

    def restart(self) -> None:
        """A fresh mock on a new port (owned mocks only); an external one is just reset."""
        if not self.owned:
            self.reset()
            return
        self.close()
        self._start()

    def base_url(self, provider: str) -> str:
        if provider not in self._prefixes:
            raise HarnessError(f"the mock at {self.origin} does not serve {provider!r}")
        return self.origin + self._prefixes[provider]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._admin is None:
            raise HarnessError("the mock is not running")
        try:
            answer = self._admin.request(method, path, **kwargs)
            answer.raise_for_status()
            return answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise HarnessError(f"admin call {method} /_mock{path} failed: {exc}") from exc

    # -- per example -----------------------------------------------------------------

    def reset(self) -> None:
        self._call("POST", "/reset")

    def arrange(self, provider: str, behaviour: Behaviour) -> None:
        """Make the mock behave as *behaviour* for the next tasks and requests of *provider*."""
        code = behaviour.failure_code(provider)
        outcome = "succeed" if code is None else f"fail:{code}"
        if behaviour.outcome == STUCK_OUTCOME:
            outcome = "stay-processing"
        self._call("PUT", "/progression",
                   json={"progression": behaviour.progression, "outcome": outcome})
        if behaviour.extra_fields:
            self._select({"scenario": "extra-fields", "provider": provider,
                          "count": _TASKS_PER_EXAMPLE, "for": "tasks"})
        if behaviour.form:  # after the progression: a failing form keeps the code set there
            self._select({"scenario": behaviour.form, "provider": provider,
                          "count": _TASKS_PER_EXAMPLE, "for": "tasks"})
        for fault in behaviour.faults:
            self._select({"scenario": fault.scenario, "provider": provider, "on": fault.on,
                          "count": fault.count, "for": "requests"})
        if behaviour.webhook:  # every new task's callbacks (reset restores the plain default)
            self._call("PUT", "/webhooks", json={"options": behaviour.webhook})

    def empty_balance(self, api_key: str) -> None:
        """Give *api_key* a balance of 0 at every provider, until the next reset."""
        self._call("PUT", "/balances", json={"key": api_key, "balance": 0})

    def _select(self, choice: Mapping[str, Any]) -> None:
        self._call("POST", "/scenarios", json=dict(choice))

    def journal(self, provider: str, since: int = 0) -> list[dict[str, Any]]:
        """*provider*'s exchanges (those after sequence number *since*), oldest first."""
        answer = self._call("GET", "/journal", params={"provider": provider, "since": since,
                                                        "limit": _JOURNAL_LIMIT})
        entries: list[dict[str, Any]] = answer["entries"]
        return entries

    def tasks(self, provider: str) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = self._call("GET", "/tasks",
                                                 params={"provider": provider})["tasks"]
        return tasks

    def webhooks(self, provider: str) -> list[dict[str, Any]]:
        """The callbacks the mock scheduled for *provider*'s tasks, each with its attempts."""
        deliveries: list[dict[str, Any]] = self._call(
            "GET", "/webhooks", params={"provider": provider})["deliveries"]
        return deliveries

    def fired(self, provider: str) -> list[str]:
        """The scenario choices that struck *provider*'s requests and tasks, in order."""
        history = self._call("GET", "/scenarios")["history"]
        return [str(h["scenario"]) for h in history if h.get("provider") == provider]


__all__ = ["HarnessError", "MockHandle"]
