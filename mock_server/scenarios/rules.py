"""Server-wide scenario rules from a config file (``vidukit serve --scenarios FILE``).

YAML (``.yaml``/``.yml``, or any other name) or JSON (``.json``)::

    seed: 42                      # optional; default: the server's --seed
    rules:                        # tried in order for each request / new task
      - scenario: http-503        # the X-Mock-Scenario text form
        probability: 0.1          # 0..1
        provider: wavespeed       # optional: only this provider
        on: poll                  # optional, request scenarios: submit, poll or any
      - scenario: fail-timeout
        probability: 0.05
    quotas:                       # optional (see mock_server.quotas.settings)
      profile: documented
      novita: {per_minute: 20}
    progressions:                 # optional: how long new tasks take, drawn by weight
      - progression: time=3,40    # the X-Mock-Progression text form
        outcome: fail:1403        # optional: the X-Mock-Outcome text form
        weight: 3                 # > 0; relative to the provider's other entries
        provider: wavespeed       # optional: only this provider
    balances:                     # optional (see mock_server.ledger): API key -> amount
      sk-broke: 0                 # in each provider's unit; keys not listed: unlimited

Request scenarios are drawn per request, task scenarios per new task; the
first rule that fires wins, so a request or task gets at most one scenario
from the rules. Each rule draws from its own generator seeded by the seed
and its position, and only when it is considered, so a run is replayed
exactly given the seed and the order of requests (``POST /_mock/reset``
rewinds them). ``progressions`` replace the server's default progression for a new
task (never one a client asked for with ``X-Mock-Progression``, never a replayed one),
and an entry's ``outcome`` replaces its default outcome (a task scenario drawn from
the rules still wins over it): one is drawn per task, by weight, among the entries
for its provider (or for every provider), from a generator seeded like the rules';
``vidukit recordings summarize --scenario-out`` writes them from recordings. Every
problem is reported at start-up as one line naming the file and the key, e.g.
``chaos.yaml: rules[1].probability: expected a number in [0, 1], got 1.5``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.ledger.balances import parse_balances
from vidukit.mock_server.quotas.settings import PROVIDERS, QuotaSettings
from vidukit.mock_server.scenarios.catalogue import NONE, OPERATIONS
from vidukit.mock_server.scenarios.spec import Scenario
from vidukit.mock_server.tasks import Outcome, Progression

TOP_KEYS = ("seed", "rules", "quotas", "progressions", "balances")
RULE_KEYS = ("scenario", "probability", "provider", "on")
PROGRESSION_KEYS = ("progression", "outcome", "weight", "provider")


@dataclass(frozen=True)
class Rule:
    scenario: Scenario
    probability: float
    provider: str | None = None

    def matches(self, provider: str, operation: str | None = None) -> bool:
        """Whether the rule is considered for *provider* (and, for a request, *operation*)."""
        if self.provider is not None and self.provider != provider:
            return False
        if not self.scenario.entry.supports(provider):
            return False
        if operation is None:
            return True
        on = self.scenario.get("on", "any")
        return on in ("any", operation)

    def view(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.spec(),
            "probability": self.probability,
            "provider": self.provider,
        }


@dataclass(frozen=True)
class ProgressionChoice:
    """One entry of a file's ``progressions``: a progression, its weight, its provider."""

    progression: Progression
    weight: float
    provider: str | None = None
    outcome: Outcome | None = None

    def view(self) -> dict[str, Any]:
        return {"progression": self.progression.spec(),
                "outcome": self.outcome.spec() if self.outcome is not None else None,
                "weight": self.weight, "provider": self.provider}


@dataclass(frozen=True)
class ScenarioFile:
    """What a scenario config file holds, checked."""

    rules: tuple[Rule, ...] = ()
    progressions: tuple[ProgressionChoice, ...] = ()
    seed: int | None = None
    quotas: QuotaSettings | None = None
    source: str = "scenarios"
    #: API key -> starting balance (``balances:``); keys not listed are unlimited.
    balances: Mapping[str, Decimal] = field(default_factory=dict)


def load_scenario_file(path: str | Path) -> ScenarioFile:
    """Read and check *path*; `ConfigError` (one line, naming the key) for anything wrong."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--scenarios {path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"{name}: not valid {_kind(path)}: {_syntax(exc)}") from None
    return parse_scenario_config(data, source=name)


def _syntax(exc: Exception) -> str:
    """One line for a parser's complaint, with where it is when the parser says."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if problem and mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _kind(path: Path) -> str:
    return "JSON" if path.suffix.lower() == ".json" else "YAML"


def parse_scenario_config(data: Any, *, source: str = "scenarios") -> ScenarioFile:
    """Check an already-parsed config (a mapping) and build the `ScenarioFile`."""
    if data is None:
        return ScenarioFile(source=source)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping with keys {', '.join(TOP_KEYS)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(f"{source}: unknown key {key!r}; expected {', '.join(TOP_KEYS)}")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ConfigError(f"{source}: seed: expected an integer, got {seed!r}")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise ConfigError(f"{source}: rules: expected a list of rules")
    rules = tuple(_rule(raw, f"{source}: rules[{i}]") for i, raw in enumerate(raw_rules))
    quotas = None
    if data.get("quotas") is not None:
        quotas = _quotas(data["quotas"], f"{source}: quotas")
    balances: dict[str, Decimal] = {}
    if data.get("balances") is not None:
        try:
            balances = parse_balances(data["balances"], f"{source}: balances")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    raw_progressions = data.get("progressions") or []
    if not isinstance(raw_progressions, list):
        raise ConfigError(f"{source}: progressions: expected a list of entries")
    progressions = tuple(_progression(raw, f"{source}: progressions[{i}]")
                         for i, raw in enumerate(raw_progressions))
    return ScenarioFile(rules=rules, progressions=progressions, seed=seed, quotas=quotas,
                        source=source, balances=balances)


def _progression(raw: Any, where: str) -> ProgressionChoice:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping with keys {', '.join(PROGRESSION_KEYS)}")
    for key in raw:
        if key not in PROGRESSION_KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r}; expected {', '.join(PROGRESSION_KEYS)}")
    text = raw.get("progression")
    try:
        if not isinstance(text, str):
            raise ValueError("required, the X-Mock-Progression text form")
        progression = Progression.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{where}.progression: {exc}") from None
    outcome = None
    if raw.get("outcome") is not None:
        try:
            if not isinstance(raw["outcome"], str):
                raise ValueError("expected the X-Mock-Outcome text form")
            outcome = Outcome.parse(raw["outcome"])
        except ValueError as exc:
            raise ConfigError(f"{where}.outcome: {exc}") from None
    weight = raw.get("weight", 1)
    if (isinstance(weight, bool) or not isinstance(weight, int | float)
            or not math.isfinite(weight) or weight <= 0):
        raise ConfigError(f"{where}.weight: expected a number above 0, got {weight!r}")
    provider = raw.get("provider")
    if provider is not None and provider not in PROVIDERS:
        raise ConfigError(f"{where}.provider: expected one of {', '.join(PROVIDERS)}")
    return ProgressionChoice(progression, float(weight), provider, outcome)


def _rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping with keys {', '.join(RULE_KEYS)}")
    # YAML 1.1 (PyYAML) reads a bare ``on:`` key as the boolean true.
    raw = {("on" if key is True else key): value for key, value in raw.items()}
    for key in raw:
        if key not in RULE_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; expected {', '.join(RULE_KEYS)}")
    text = raw.get("scenario")
    if not isinstance(text, str):
        raise ConfigError(f"{where}.scenario: required, the X-Mock-Scenario text form")
    provider = raw.get("provider")
    if provider is not None and provider not in PROVIDERS:
        raise ConfigError(f"{where}.provider: expected one of {', '.join(PROVIDERS)}")
    on = raw.get("on")
    if on is not None and on not in OPERATIONS:
        raise ConfigError(f"{where}.on: expected one of {', '.join(OPERATIONS)}, got {on!r}")
    try:
        scenario = Scenario.parse(text)
        if scenario.name == NONE:
            raise ValueError(f"{NONE!r} selects nothing; leave the rule out")
        if on is not None and scenario.family == "task":
            raise ConfigError(
                f"{where}.on: {scenario.name} is a task scenario; 'on' is for requests"
            )
        if on is not None:
            scenario = Scenario.parse(text, extra={"on": on})
    except ValueError as exc:
        raise ConfigError(f"{where}.scenario: {exc}") from None
    if provider is not None and not scenario.entry.supports(provider):
        raise ConfigError(f"{where}.scenario: {scenario.name} is not available on {provider}")
    probability = raw.get("probability")
    if (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not math.isfinite(probability)
        or not 0 <= probability <= 1
    ):
        raise ConfigError(f"{where}.probability: expected a number in [0, 1], got {probability!r}")
    return Rule(scenario, float(probability), provider)


def _quotas(raw: Any, where: str) -> QuotaSettings:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping (profile, and limits per provider)")
    profile = raw.get("profile", "off")
    overrides = {k: v for k, v in raw.items() if k != "profile"}
    try:
        return QuotaSettings.build(str(profile), overrides, where=where)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


__all__ = [
    "ProgressionChoice",
    "Rule",
    "ScenarioFile",
    "load_scenario_file",
    "parse_scenario_config",
]
