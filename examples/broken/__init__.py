"""Deliberately broken clients, each caught by a named check of `vidukit verify`.

``BROKEN`` lists them (provider, bug, the check that must catch it, the
options of its run); `catch` verifies one, `catch_rate` tabulates a set of
results. ``python -m examples.broken`` runs every one and prints the table.
"""

# Importing the provider modules registers their broken clients, in this order.
from examples.broken import wavespeed  # noqa: F401

# isort: split
from examples.broken import vtrix  # noqa: F401

# isort: split
from examples.broken import novita  # noqa: F401

# isort: split
from examples.broken import myrouter  # noqa: F401

# isort: split
from examples.broken import runware  # noqa: F401

# isort: split
from examples.broken import wavespeed_webhook  # noqa: F401

# isort: split
from examples.broken._catch import Catch, catch, catch_rate, control
from examples.broken._registry import BROKEN, EXAMPLES, SHRINK_SECONDS, BrokenClient, broken

__all__ = [
    "BROKEN",
    "EXAMPLES",
    "SHRINK_SECONDS",
    "BrokenClient",
    "Catch",
    "broken",
    "catch",
    "catch_rate",
    "control",
]
