"""Each provider's task plumbing, for the probe and the lifecycle check: its spec's `Wire`.

The types and status ranks live in `vidukit.providers.wire`; each provider's wire is in its
folder. `tests/drift` checks every wire against the schemas' enums and the mock's own
vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping

from vidukit.providers import spec, specs
from vidukit.providers.wire import FAILED, PROCESSING, QUEUED, SUCCEEDED, TERMINAL, Call, Wire


def wire(provider: str) -> Wire:
    return spec(provider).wire


def wires() -> Mapping[str, Wire]:
    """Every provider's wire by id."""
    return {pid: s.wire for pid, s in specs().items()}


__all__ = ["FAILED", "PROCESSING", "QUEUED", "SUCCEEDED", "TERMINAL", "Call", "Wire", "wire",
           "wires"]
