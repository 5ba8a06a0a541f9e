"""The catalogue of deliberately broken clients: each bug, its provider, the check that catches it.

`CORRECT` lists the other side: clients that differ from the examples in a way
the documents allow (``@N`` placeholders in a Novita prompt), which every check
must let pass.

A broken client is a correct example client (``examples/<provider>_client.py``)
with one realistic bug, registered with `broken`. Its ``options`` are the
`verify_client` keywords that keep its run short without making the catch
easier than a team's run: they switch off what the bug has nothing to do with
(transient faults for a wire bug), never the check that catches it. The
correct client of the same provider must pass under the very same options
(`tests/contract/test_broken_clients.py` runs both), so a catch is the bug's
doing, not the options'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

Adapter = Callable[[dict[str, Any], dict[str, Any]], Any]

#: How many examples each catch may use; a bug is reached well within it (fixed seed).
EXAMPLES = 10
#: No shrinking after the first failure: the catch, not the minimal case, is the point here.
SHRINK_SECONDS = 0.0


@dataclass(frozen=True)
class BrokenClient:
    """One deliberately broken adapter and the check that must catch it."""

    name: str
    provider: str
    bug: str
    caught_by: str
    adapter: Adapter
    options: Mapping[str, Any] = field(default_factory=dict)
    #: The correct client the same options must pass (``module:function``).
    control: str = ""

    @property
    def spec(self) -> str:
        return f"{self.adapter.__module__}:{self.adapter.__qualname__}"


BROKEN: list[BrokenClient] = []


@dataclass(frozen=True)
class CorrectVariant:
    """A client that does something unusual but right, which verify must let pass.

    The other half of a catch rate: a check that also breaks a correct client
    is a false alarm, which costs a team as much trust as a missed bug.
    """

    name: str
    provider: str
    differs: str
    adapter: Adapter
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return f"{self.adapter.__module__}:{self.adapter.__qualname__}"


CORRECT: list[CorrectVariant] = []


def broken(provider: str, *, bug: str, caught_by: str, control: str | None = None,
           **options: Any) -> Callable[[Adapter], Adapter]:
    """Register the decorated adapter as a broken client of *provider*.

    *options* are `verify_client` keywords for its run; *control* the correct
    adapter that must pass with them (default ``examples.<provider>_client:adapter``).
    """
    def add(adapter: Adapter) -> Adapter:
        name = f"{provider}-{adapter.__name__.replace('_', '-')}"
        if any(b.name == name for b in BROKEN):
            raise ValueError(f"broken client {name!r} is already registered")
        BROKEN.append(BrokenClient(
            name=name, provider=provider, bug=bug, caught_by=caught_by, adapter=adapter,
            options=MappingProxyType(dict(options)),
            control=control or f"examples.{provider}_client:adapter"))
        return adapter

    return add


def correct(provider: str, *, differs: str, **options: Any) -> Callable[[Adapter], Adapter]:
    """Register the decorated adapter as a correct variant of *provider*'s example client."""
    def add(adapter: Adapter) -> Adapter:
        name = f"{provider}-{adapter.__name__.replace('_', '-')}"
        if any(c.name == name for c in CORRECT):
            raise ValueError(f"correct variant {name!r} is already registered")
        CORRECT.append(CorrectVariant(name=name, provider=provider, differs=differs,
                                      adapter=adapter, options=MappingProxyType(dict(options))))
        return adapter

    return add


__all__ = ["BROKEN", "CORRECT", "EXAMPLES", "SHRINK_SECONDS", "Adapter", "BrokenClient",
           "CorrectVariant", "broken", "correct"]
