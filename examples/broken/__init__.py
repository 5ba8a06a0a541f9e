"""Deliberately broken clients, each caught by a named check of `vidukit verify`.

``BROKEN`` lists them (provider, bug, the check that must catch it, the
options of its run); `catch` verifies one, `catch_rate` tabulates a set of
results. ``CORRECT`` lists unusual but correct clients that verify must pass
(`judge`). ``python -m examples.broken`` runs every one and prints the tables.
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
from examples.broken import webhook_hint  # noqa: F401

# isort: split
from examples.broken import charges  # noqa: F401

# isort: split
from examples.broken import sdk_forms  # noqa: F401

# isort: split
from examples.broken import funds  # noqa: F401

# isort: split
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
