"""The mock's whole configuration, as one immutable value checked when it is made.

`vidukit serve` builds one from its options and tests build one directly; a
wrong value raises `ConfigError` naming the field and what it accepts, so
nothing half-configured ever serves a request.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from mock_server.clock import VIRTUAL_EPOCH, Clock
from mock_server.errors import ConfigError
from mock_server.tasks import Outcome, Progression

#: A fast real provider: a second in the queue, four seconds of generation.
DEFAULT_PROGRESSION = "time=1,4"
DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024  # Vtrix documents 20 MB; others are silent


@dataclass(frozen=True)
class MockConfig:
    """Everything `create_app` needs.

    ``provider``: serve only that provider, at the root, instead of every
    provider under ``/<id>``. ``api_keys``: when given, only these keys are
    accepted; otherwise any non-empty key is. ``clock``: ``"real"``,
    ``"virtual"`` or a `Clock` instance. ``progression`` / ``outcome``: the
    server defaults in their text form (see `mock_server.tasks`); ``jitter``
    spreads default durations by up to that fraction, deterministically per
    request. ``check_responses`` validates every answer against the
    provider's schema and turns a mismatch into a 500 (for tests).
    """

    provider: str | None = None
    api_keys: tuple[str, ...] = ()
    admin_token: str | None = None
    clock: str | Clock = "real"
    virtual_start: float = VIRTUAL_EPOCH
    seed: int = 0
    progression: str = DEFAULT_PROGRESSION
    outcome: str = "succeed"
    jitter: float = 0.25
    store: str = "memory"
    journal_max_entries: int = 1000
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    public_url: str | None = None
    check_responses: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_keys", tuple(self.api_keys))
        if any(not k for k in self.api_keys):
            raise ConfigError("api_keys: an API key cannot be empty")
        if self.admin_token is not None and not self.admin_token:
            raise ConfigError("admin_token: give a non-empty token or none")
        if isinstance(self.clock, str) and self.clock not in ("real", "virtual"):
            raise ConfigError(f"clock: expected 'real' or 'virtual', got {self.clock!r}")
        try:
            Progression.parse(self.progression)
            Outcome.parse(self.outcome)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if not 0.0 <= self.jitter < 1.0:
            raise ConfigError(f"jitter: expected a fraction in [0, 1), got {self.jitter!r}")
        if self.journal_max_entries < 0:
            raise ConfigError("journal_max_entries: must be 0 (off) or more")
        if self.max_body_bytes < 1:
            raise ConfigError("max_body_bytes: must be at least 1")

    @property
    def default_progression(self) -> Progression:
        return Progression.parse(self.progression)

    @property
    def default_outcome(self) -> Outcome:
        return Outcome.parse(self.outcome)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, admin_token: str | None) -> None:
    """Refuse to serve the admin API beyond this machine without a token."""
    if not is_loopback(host) and not admin_token:
        raise ConfigError(
            f"--admin-token is required when binding to {host} (not loopback): "
            "the admin API can reset the server and force task outcomes"
        )


__all__ = ["DEFAULT_PROGRESSION", "MockConfig", "check_exposure", "is_loopback"]
