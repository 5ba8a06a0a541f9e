"""The team's adapter: found by ``MODULE:FUNCTION``, called with a time budget.

The adapter runs in a worker thread, a coroutine function in its own event
loop there, so that a hang is seen from outside (`AdapterRun.hung`) whether
the client blocks in a socket, in ``time.sleep`` or in ``await``. An awaited
adapter is also cancelled at the budget; a blocked thread cannot be stopped
and is abandoned (a daemon: it never holds up the process's exit).
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import inspect
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from vidukit.contract_tests.checks import AdapterRun
from vidukit.errors import ToolkitError

Adapter = Callable[[dict[str, Any], dict[str, Any]], Any]
#: Lines of an escaped exception's traceback kept in a report.
_TRACEBACK_LINES = 25
#: Seconds between two looks of a `call_adapter` watch at what the adapter is doing.
WATCH_EVERY = 0.05


class AdapterNotFound(ToolkitError):
    """``MODULE:FUNCTION`` does not name an importable callable (exit 2 from the CLI)."""


def load_adapter(spec: str) -> Adapter:
    """The callable *spec* (``package.module:function``) names."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise AdapterNotFound(f"--adapter {spec!r}: expected MODULE:FUNCTION, e.g. "
                              "myapp.video:adapter")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # an import error of any kind is the user's to fix
        raise AdapterNotFound(f"--adapter {spec!r}: cannot import {module_name}: "
                              f"{type(exc).__name__}: {exc}") from exc
    target: Any = module
    for part in attribute.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise AdapterNotFound(f"--adapter {spec!r}: {module_name} has no {attribute!r}")
    if not callable(target):
        raise AdapterNotFound(f"--adapter {spec!r}: {attribute} is not callable")
    return target  # type: ignore[no-any-return]


def describe_adapter(adapter: Adapter) -> str:
    module = getattr(adapter, "__module__", None) or "?"
    return f"{module}:{getattr(adapter, '__qualname__', repr(adapter))}"


def _format(exc: BaseException) -> str:
    lines = "".join(traceback.format_exception(exc)).rstrip().splitlines()
    if len(lines) > _TRACEBACK_LINES:
        lines = ["...", *lines[-_TRACEBACK_LINES:]]
    return "\n".join(lines)


async def _bounded(awaitable: Awaitable[Any], budget: float) -> Any:
    return await asyncio.wait_for(awaitable, budget)


def call_adapter(
    adapter: Adapter,
    request: Mapping[str, Any],
    endpoint: Mapping[str, Any],
    budget: float,
    watch: Callable[[], str | None] | None = None,
) -> AdapterRun:
    """Call *adapter* once with copies of its arguments; never raises for what it does.

    *watch*, called every `WATCH_EVERY` seconds while the adapter runs, may
    end the call early by returning why (`AdapterRun.stopped`): the thread is
    abandoned as a hung one is, but the example costs seconds, not the budget.
    """
    box: dict[str, Any] = {}
    arguments = (copy.deepcopy(dict(request)), dict(endpoint))

    def work() -> None:
        started = time.perf_counter()
        awaited = False
        try:
            result = adapter(*arguments)
            if inspect.isawaitable(result):
                awaited = True
                result = asyncio.run(_bounded(result, budget))
            box["result"] = result
        except TimeoutError as exc:
            # wait_for's own timeout at the budget is a hang; any other is the adapter's crash
            if awaited and time.perf_counter() - started >= budget:
                box["timeout"] = True
            else:
                box["error"] = _format(exc)
        except BaseException as exc:  # a crash of any kind is a finding, not ours to raise
            box["error"] = _format(exc)
        box["elapsed"] = time.perf_counter() - started

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="vidukit-adapter", daemon=True)
    worker.start()
    deadline = started + budget
    while worker.is_alive() and (left := deadline - time.perf_counter()) > 0:
        worker.join(left if watch is None else min(left, WATCH_EVERY))
        reason = watch() if watch is not None and worker.is_alive() else None
        if reason:
            return AdapterRun(stopped=reason, elapsed=time.perf_counter() - started,
                              budget=budget)
    if worker.is_alive() or box.get("timeout"):
        return AdapterRun(hung=True, elapsed=time.perf_counter() - started, budget=budget)
    return AdapterRun(result=box.get("result"), error=box.get("error"),
                      elapsed=box.get("elapsed", 0.0), budget=budget)


__all__ = ["Adapter", "AdapterNotFound", "call_adapter", "describe_adapter", "load_adapter"]
