"""Where balances come from: ``vidukit serve --balance``, a scenario file's ``balances:``,
and what each says when the input is wrong (one line, never a traceback)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from vidukit.cli import build_parser, main
from vidukit.cli.serve_cmd import build_config
from vidukit.mock_server import create_app
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.http import key_owner
from vidukit.mock_server.scenarios import load_scenario_file


def test_balance_options_become_the_starting_balances(tmp_path: Path) -> None:
    scenarios = tmp_path / "money.yaml"
    scenarios.write_text("balances:\n  sk-file: 2\n  sk-both: 9\n")
    args = build_parser().parse_args([
        "serve", "--balance", "sk-a=0.25", "--balance", "sk-both=0", "--scenarios",
        str(scenarios)])
    config = build_config(args)
    assert config.starting_balances == {
        "sk-a": Decimal("0.25"), "sk-file": Decimal(2), "sk-both": Decimal(0)}
    ledger = create_app(config).state.mock.ledger
    left = {(b["owner"], b["provider"]): b["left"] for b in ledger.balances()}
    assert left[(key_owner("sk-both"), "novita")] == "0"
    assert left[(key_owner("sk-a"), "runware")] == "0.25"


@pytest.mark.parametrize("value", ["sk", "=5", "sk=", "sk=-1", "sk=lots", "sk=nan", "sk=inf"])
def test_a_bad_balance_option_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["serve", "--port", "0", "--balance", value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "--balance" in err[-1] and "KEY=AMOUNT" in err[-1]
    assert not any("Traceback" in line for line in err)


@pytest.mark.parametrize("text, expected", [
    ("balances: [1, 2]\n", "expected a mapping of API key to amount"),
    ("balances:\n  sk: -3\n", "expected a number >= 0"),
    ("balances:\n  sk: plenty\n", "expected a number >= 0"),
])
def test_a_bad_balances_key_in_a_scenario_file_is_one_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_scenario_file(str(path))
    assert expected in str(refused.value) and "\n" not in str(refused.value)
