"""One scenario choice as a value: ``<name>[;param=value...]``, parsed and checked once.

The same text form everywhere: the ``X-Mock-Scenario`` header, the admin
API's ``scenario`` field and a config file's ``scenario:`` key. Parameters
not given take the catalogue's defaults, so two spellings of one choice
compare equal and `Scenario.spec` prints one canonical form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidukit.mock_server.scenarios.catalogue import CATALOGUE, NONE, Entry

SCENARIO_HELP = (
    "expected '<name>[;param=value...]' with a name from the catalogue "
    "(GET /_mock/scenarios lists them)"
)


@dataclass(frozen=True)
class Scenario:
    name: str
    #: Every parameter of the entry, given or defaulted, in the catalogue's order.
    params: tuple[tuple[str, Any], ...] = ()
    #: The parameters that were given, as given (for `spec`).
    given: tuple[tuple[str, str], ...] = ()

    @property
    def entry(self) -> Entry:
        return CATALOGUE[self.name]

    @property
    def family(self) -> str:
        return self.entry.family

    def __getitem__(self, key: str) -> Any:
        return dict(self.params)[key]

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)

    @classmethod
    def parse(cls, text: str, *, extra: Mapping[str, Any] | None = None) -> Scenario:
        """Read the text form (plus *extra* params, e.g. the admin API's ``on`` field).

        Raises `ValueError` naming the bad part and what it accepts.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"empty scenario: {SCENARIO_HELP}")
        name, *parts = [p.strip() for p in text.strip().split(";")]
        name = name.lower()
        if name == NONE and not parts:
            return cls(NONE)
        entry = CATALOGUE.get(name)
        if entry is None:
            raise ValueError(
                f"unknown scenario {name!r}; known: {', '.join(CATALOGUE)} (or {NONE!r})"
            )
        raw: dict[str, str] = {}
        for part in parts:
            if not part:
                continue
            key, sep, value = part.partition("=")
            key = key.strip().lower()
            if not sep or not key or not value.strip():
                raise ValueError(f"{name}: parameter {part!r} is not 'param=value'")
            if key in raw:
                raise ValueError(f"{name}: parameter {key!r} is given twice")
            raw[key] = value.strip()
        for key, value in (extra or {}).items():
            if value is not None:
                raw.setdefault(key, str(value))
        values: dict[str, Any] = {}
        for key, value in raw.items():
            param = entry.params.get(key)
            if param is None:
                takes = ", ".join(entry.params) or "no parameters"
                raise ValueError(f"{name}: unknown parameter {key!r}; it takes {takes}")
            try:
                values[key] = param.parse(value)
            except ValueError as exc:
                detail = str(exc) if str(exc).startswith("expected") else "not a valid value"
                raise ValueError(f"{name}: {key}={value!r}: {detail}") from None
        _check_latency(name, values)
        params = tuple((k, values.get(k, p.default)) for k, p in entry.params.items())
        return cls(name, params, tuple(raw.items()))

    def spec(self) -> str:
        """The canonical text form; `parse` reads it back to an equal value."""
        return ";".join([self.name, *(f"{k}={v}" for k, v in self.given)])

    def __str__(self) -> str:
        return self.spec()


def _check_latency(name: str, values: dict[str, Any]) -> None:
    if name != "latency":
        return
    fixed = "ms" in values
    bounds = [k for k in ("min_ms", "max_ms") if k in values]
    if fixed and bounds:
        raise ValueError("latency: give ms=N, or min_ms and max_ms, not both")
    if not fixed and len(bounds) != 2:
        raise ValueError("latency: give ms=N, or both min_ms=A and max_ms=B")
    if not fixed and values["min_ms"] > values["max_ms"]:
        raise ValueError("latency: min_ms must not exceed max_ms")


__all__ = ["SCENARIO_HELP", "Scenario"]
