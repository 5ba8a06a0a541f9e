"""Deliberately broken clients, each caught by a named check of `vidukit verify`.

``BROKEN`` lists them (provider, bug, the check that must catch it, the
options of its run); `catch` verifies one, `catch_rate` tabulates a set of
results. ``CORRECT`` lists unusual but correct clients that verify must pass
(`judge`). ``python -m examples.broken`` runs every one and prints the tables.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from examples.broken._catch import Catch, catch, catch_rate, control, judge
from examples.broken._registry import (
    BROKEN,
    CORRECT,
    EXAMPLES,
    SHRINK_SECONDS,
    BrokenClient,
    CorrectVariant,
    broken,
    correct,
)

# Importing every module of the package registers its broken clients: a new provider's
# module is found, not listed (ARCHITECTURE.md, "One provider, one place").
for _module in sorted(m.name for m in _pkgutil.iter_modules(__path__)):
    if not _module.startswith("_"):
        _importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "BROKEN",
    "CORRECT",
    "EXAMPLES",
    "SHRINK_SECONDS",
    "BrokenClient",
    "Catch",
    "CorrectVariant",
    "broken",
    "catch",
    "catch_rate",
    "control",
    "correct",
    "judge",
]
