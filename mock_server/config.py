"""The mock's whole configuration, as one immutable value checked when it is made.

`vidukit serve` builds one from its options and tests build one directly; a
wrong value raises `ConfigError` naming the field and what it accepts, so
nothing half-configured ever serves a request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from vidukit.mock_server.clock import VIRTUAL_EPOCH, Clock
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.journal import DEFAULT_MAX_AGE as DEFAULT_JOURNAL_AGE
from vidukit.mock_server.journal import DEFAULT_MAX_BYTES as DEFAULT_JOURNAL_BYTES
from vidukit.mock_server.ledger.balances import parse_amount
from vidukit.mock_server.quotas.settings import QuotaSettings
from vidukit.mock_server.scenarios.rules import ScenarioFile
from vidukit.mock_server.storage.url import parse_store_url
from vidukit.mock_server.tasks import Outcome, Progression
from vidukit.mock_server.webhooks.policy import DEFAULT_SECRET, TARGETS

if TYPE_CHECKING:
    from vidukit.mock_server.drift.profile import DriftProfile
    from vidukit.mock_server.replay import ReplaySettings

#: A fast real provider: a second in the queue, four seconds of generation.
DEFAULT_PROGRESSION = "time=1,4"
DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024  # Vtrix documents 20 MB; others are silent
#: A million tasks: about 0.7 GB in the memory store (bench/http_compare.py measures it).
DEFAULT_MAX_TASKS = 1_000_000


@dataclass(frozen=True)
class MockConfig:
    """Everything `create_app` needs.

    ``provider``: serve only that provider, at the root, instead of every
    provider under ``/<id>``. ``api_keys``: when given, only these keys are
    accepted; otherwise any non-empty key is. ``clock``: ``"real"``,
    ``"virtual"`` or a `Clock` instance. ``progression`` / ``outcome``: the
    server defaults in their text form (see `vidukit.mock_server.tasks`); ``jitter``
    spreads default durations by up to that fraction, deterministically per
    request. ``check_responses`` validates every answer against the
    provider's schema and turns a mismatch into a 500 (for tests).
    ``store``: ``memory``, ``sqlite:PATH`` or ``redis://HOST:PORT/DB``
    (`vidukit.mock_server.storage.url`).
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
    #: The journal's other bounds: bytes held and age in seconds (0: no bound of that kind).
    journal_max_bytes: int = DEFAULT_JOURNAL_BYTES
    journal_max_age: float = DEFAULT_JOURNAL_AGE
    #: The memory store keeps at most this many tasks, dropping the oldest (0: no bound).
    max_tasks: int = DEFAULT_MAX_TASKS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    public_url: str | None = None
    check_responses: bool = False
    #: Callbacks (mock_server.webhooks): WaveSpeed's signing secret, an attempt timeout that
    #: overrides every provider's own, and where they may go ("any" or "loopback" only).
    webhook_secret: str = DEFAULT_SECRET
    webhook_timeout: float | None = None
    webhook_targets: str = "any"
    #: Fault rules from a scenario file (mock_server.scenarios), and quotas (mock_server.quotas):
    #: "off", "documented" or overrides; None takes the file's ``quotas:``, else off.
    scenarios: ScenarioFile | None = None
    quotas: str | None = None
    #: A drift profile (mock_server.drift): answers rewritten as a changed provider would.
    drift: DriftProfile | None = None
    #: Task recordings (mock_server.replay): a folder every finished task is written to, and
    #: the recordings new tasks follow.
    record_tasks: str | None = None
    replay: ReplaySettings | None = None
    #: Starting balances (mock_server.ledger): (API key, amount) pairs, or a mapping; they
    #: win over a scenario file's ``balances:``. A key not named has no limit.
    balances: tuple[tuple[str, Decimal], ...] | Mapping[str, Decimal | int | str] = ()

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
        except ValueError as exc:
            raise ConfigError(f"progression: {exc}") from None
        try:
            Outcome.parse(self.outcome)
        except ValueError as exc:
            raise ConfigError(f"outcome: {exc}") from None
        if not 0.0 <= self.jitter < 1.0:
            raise ConfigError(f"jitter: expected a fraction in [0, 1), got {self.jitter!r}")
        try:
            parse_store_url(self.store)
        except ValueError as exc:
            raise ConfigError(f"store: {exc}") from None
        if self.journal_max_entries < 0:
            raise ConfigError("journal_max_entries: must be 0 (off) or more")
        if self.journal_max_bytes < 0:
            raise ConfigError("journal_max_bytes: must be 0 (no bound) or more")
        if not 0 <= self.journal_max_age < float("inf"):
            raise ConfigError("journal_max_age: seconds, 0 (no bound) or more")
        if self.max_tasks < 0:
            raise ConfigError("max_tasks: must be 0 (no bound) or more")
        if self.max_body_bytes < 1:
            raise ConfigError("max_body_bytes: must be at least 1")
        if not self.webhook_secret:
            raise ConfigError("webhook_secret: cannot be empty")
        if self.webhook_timeout is not None and not 0 < self.webhook_timeout <= 300:
            raise ConfigError("webhook_timeout: expected seconds in (0, 300], or None")
        if self.webhook_targets not in TARGETS:
            raise ConfigError(f"webhook_targets: expected one of {TARGETS}")
        pairs = self.balances.items() if isinstance(self.balances, Mapping) else self.balances
        checked = []
        for key, amount in pairs:
            if not isinstance(key, str) or not key:
                raise ConfigError("balances: an API key cannot be empty")
            try:
                checked.append((key, parse_amount(amount, "balances")))
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        object.__setattr__(self, "balances", tuple(checked))
        if self.quotas is not None:
            try:
                QuotaSettings.parse(self.quotas)
            except ValueError as exc:
                named = str(exc).startswith(("quotas:", "quotas."))
                raise ConfigError(str(exc) if named else f"quotas: {exc}") from None

    @property
    def default_progression(self) -> Progression:
        return Progression.parse(self.progression)

    @property
    def default_outcome(self) -> Outcome:
        return Outcome.parse(self.outcome)

    @property
    def starting_balances(self) -> dict[str, Decimal]:
        """The scenario file's balances, overridden key by key by ``balances``."""
        found = dict(self.scenarios.balances) if self.scenarios is not None else {}
        pairs = self.balances.items() if isinstance(self.balances, Mapping) else self.balances
        found.update((key, Decimal(amount)) for key, amount in pairs)
        return found

    @property
    def quota_settings(self) -> QuotaSettings:
        if self.quotas is not None:
            return QuotaSettings.parse(self.quotas)
        if self.scenarios is not None and self.scenarios.quotas is not None:
            return self.scenarios.quotas
        return QuotaSettings()


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
