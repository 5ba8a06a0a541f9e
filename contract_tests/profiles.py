"""Hypothesis profiles shared by the toolkit's own suite and by teams' suites.

``ci`` (the default) keeps the whole suite within a CI budget; ``thorough``
is for scheduled runs that can afford to search much longer. Choose with
``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

CI = "ci"
THOROUGH = "thorough"

settings.register_profile(
    CI,
    max_examples=25,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    THOROUGH,
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def load_profile() -> str:
    """Activate the profile named by ``HYPOTHESIS_PROFILE`` (default ``ci``)."""
    name = os.environ.get("HYPOTHESIS_PROFILE", CI)
    settings.load_profile(name)
    return name
