"""Fault scenarios: make the mock throttle, fail, stall, flag, cut or hang up on demand.

The catalogue (`vidukit.mock_server.scenarios.catalogue`) names every scenario; a
choice is written ``<name>[;param=value...]`` (`Scenario`) and selected per
request (``X-Mock-Scenario``), through the admin API (``/_mock/scenarios``)
or server-wide by rules in a config file (`load_scenario_file`). The
per-app machinery lives in `vidukit.mock_server.scenarios.controller` (imported by
the app, not here, so that `vidukit.mock_server.config` can import this package).
"""

from vidukit.mock_server.scenarios.catalogue import CATALOGUE, CATEGORY_CODES, Entry
from vidukit.mock_server.scenarios.rules import (
    Rule,
    ScenarioFile,
    load_scenario_file,
    parse_scenario_config,
)
from vidukit.mock_server.scenarios.spec import Scenario

SCENARIO_HEADER = "x-mock-scenario"
#: Names the task recording a submit's task replays (mock_server.replay).
REPLAY_HEADER = "x-mock-replay"

__all__ = [
    "CATALOGUE",
    "CATEGORY_CODES",
    "REPLAY_HEADER",
    "SCENARIO_HEADER",
    "Entry",
    "Rule",
    "Scenario",
    "ScenarioFile",
    "load_scenario_file",
    "parse_scenario_config",
]
