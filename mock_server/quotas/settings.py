"""Quota settings: per provider, how many tasks may run at once and how many may start a minute.

Off by default. A team's own test suite pointed at the mock should not meet
a surprise 429; realism is one switch away: the ``documented`` profile holds
the limits the providers publish, and every number can be set per provider
(``--quotas``, the config file's ``quotas:`` section, ``PUT /_mock/quotas``).

Text form (``--quotas``): a profile, then ``provider.limit=value`` overrides,
comma-separated: ``documented``, ``off``,
``documented,<provider>.concurrency=5``, ``<provider>.per_minute=20``.
``concurrency`` counts tasks processing at once per API key (excess tasks
wait queued); ``per_minute`` counts submits (tasks created) per API key in
the last 60 seconds of the mock's clock (excess submits get the provider's
429 with ``Retry-After``). ``0`` or ``none`` lifts a limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vidukit.catalogue import PROVIDERS
from vidukit.providers import specs
from vidukit.providers.policies import Limits

LIMIT_NAMES: tuple[str, ...] = ("concurrency", "per_minute")
WINDOW_SECONDS = 60.0

#: What each provider publishes (its spec's ``policies.quotas``; each says where the
#: numbers come from, and which are the mock's choice).
DOCUMENTED: dict[str, Limits] = {
    pid: s.policies.quotas for pid, s in specs().items() if s.policies.quotas.active
}
_NO_LIMITS = Limits()
PROFILES: dict[str, dict[str, Limits]] = {"off": {}, "documented": DOCUMENTED}


@dataclass(frozen=True)
class QuotaSettings:
    profile: str = "off"
    limits: Mapping[str, Limits] = field(default_factory=dict)

    def for_provider(self, provider: str) -> Limits:
        return self.limits.get(provider, _NO_LIMITS)

    @property
    def active(self) -> bool:
        return any(limits.active for limits in self.limits.values())

    def view(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "window_seconds": WINDOW_SECONDS,
            "limits": {pid: self.for_provider(pid).view() for pid in PROVIDERS},
        }

    @classmethod
    def parse(cls, text: str) -> QuotaSettings:
        """Read the ``--quotas`` text form; `ValueError` naming the bad part."""
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            raise ValueError("empty quota setting; expected 'off', 'documented' or overrides")
        profile = "off"
        if "=" not in parts[0]:
            profile = parts.pop(0)
        overrides: dict[str, dict[str, Any]] = {}
        for part in parts:
            key, sep, value = part.partition("=")
            pid, dot, limit = key.strip().partition(".")
            if not sep or not dot:
                raise ValueError(f"quota {part!r}: expected provider.limit=value")
            overrides.setdefault(pid, {})[limit] = value.strip()
        return cls.build(profile, overrides, where="quotas")

    @classmethod
    def build(
        cls, profile: str, overrides: Mapping[str, Any], *, where: str = "quotas"
    ) -> QuotaSettings:
        """A profile plus per-provider overrides (``{provider: {limit: value}}``), checked."""
        if profile not in PROFILES:
            raise ValueError(
                f"{where}: unknown profile {profile!r}; expected one of {list(PROFILES)}"
            )
        limits = dict(PROFILES[profile])
        for pid, values in overrides.items():
            if pid not in PROVIDERS:
                raise ValueError(
                    f"{where}.{pid}: unknown provider; expected one of {list(PROVIDERS)}"
                )
            if not isinstance(values, Mapping):
                raise ValueError(f"{where}.{pid}: expected a mapping of {', '.join(LIMIT_NAMES)}")
            changes: dict[str, int | None] = {}
            for name, value in values.items():
                if name not in LIMIT_NAMES:
                    raise ValueError(
                        f"{where}.{pid}.{name}: unknown limit; expected {', '.join(LIMIT_NAMES)}"
                    )
                changes[name] = _count(value, f"{where}.{pid}.{name}")
            limits[pid] = limits.get(pid, Limits()).merged(**changes)
        return cls(profile, {pid: lim for pid, lim in limits.items() if lim.active})


def _count(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "off")):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a whole number >= 0 or none, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected a whole number >= 0 or none, got {value!r}") from None
    if number < 0 or number > 1_000_000 or (isinstance(value, float) and value != number):
        raise ValueError(f"{where}: expected a whole number >= 0 or none, got {value!r}")
    return number or None


__all__ = [
    "DOCUMENTED",
    "LIMIT_NAMES",
    "PROFILES",
    "PROVIDERS",
    "WINDOW_SECONDS",
    "Limits",
    "QuotaSettings",
]
