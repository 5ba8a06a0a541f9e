"""A drifted mock: the faithful mock's answers, rewritten by a drift profile.

``MockConfig(drift=load_drift_profile("all"))`` or ``vidukit serve --drift all``
wraps the app in `DriftMiddleware`; see `vidukit.mock_server.drift.profile` for the
mutations and the built-in profiles. Used to prove ``vidukit drift`` and
``vidukit proxy`` without the internet.
"""

from vidukit.mock_server.drift.middleware import DriftMiddleware, mutate
from vidukit.mock_server.drift.profile import (
    BUILTIN,
    DriftProfile,
    Mutation,
    builtin,
    load_drift_profile,
    parse_profile,
)

__all__ = [
    "BUILTIN",
    "DriftMiddleware",
    "DriftProfile",
    "Mutation",
    "builtin",
    "load_drift_profile",
    "mutate",
    "parse_profile",
]
