"""``vidukit recordings summarize``: statistics that give back the distributions that made them.

A synthetic set of recordings is drawn from known distributions (exponential queue
waits with a 5 s mean, processing uniform on 30..50 s, one task in five failing), and
the summary's percentiles must land on the distributions' own quantiles:
exponential p50 = 5 ln 2 = 3.466 s, p90 = 5 ln 10 = 11.513 s; uniform p50 = 40 s,
p90 = 48 s. The scenario file written from them must hold every task once, with its
error code, and drive the mock.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from vidukit.cli import main
from vidukit.mock_server.scenarios import parse_scenario_config
from vidukit.providers import provider_ids, spec
from vidukit.recordings import Recording, write_recording
from vidukit.recordings.document import FORMAT, VERSION, problems
from vidukit.recordings.summary import percentile, scenario_file, summarize

PROVIDER = provider_ids()[0]
N = 3000


def document(index: int, queue: float, processing: float, failed: bool) -> dict[str, Any]:
    wire = spec(PROVIDER).wire
    word = {rank: w for w, rank in reversed(list(wire.ranks.items()))}
    code = spec(PROVIDER).failures["timeout"]
    end = round(queue + processing, 3)
    return {
        "format": FORMAT, "version": VERSION, "name": f"synthetic-{index:05d}",
        "provider": PROVIDER, "recorded_at": "2026-12-01T00:00:00Z", "source": "proxy",
        "shape": "720p/5s/16:9/1img", "submit": {"body": {}},
        "statuses": [{"at": 0.0, "status": word[0], "rank": 0},
                     {"at": round(queue, 3), "status": word[1], "rank": 1},
                     {"at": end, "status": word[3 if failed else 2], "rank": 3 if failed else 2}],
        "outcome": {"kind": "failed" if failed else "succeeded", "at": end,
                    "error_code": code if failed else None},
    }


@pytest.fixture(scope="module")
def synthetic() -> list[Recording]:
    rng = random.Random(17)
    made = []
    for index in range(N):
        made.append(Recording(None, document(index, rng.expovariate(1 / 5.0),
                                             rng.uniform(30.0, 50.0), rng.random() < 0.2)))
    return made


def test_the_synthetic_documents_are_valid_recordings(synthetic: list[Recording]) -> None:
    assert problems(synthetic[0].document) == []


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 90) == 4.6
    assert percentile([], 50) is None


def test_the_summary_matches_the_generating_distributions(synthetic: list[Recording]) -> None:
    (row,) = summarize(synthetic)
    assert row["tasks"] == N
    assert row["queue_seconds"]["p50"] == pytest.approx(5 * math.log(2), rel=0.08)
    assert row["queue_seconds"]["p90"] == pytest.approx(5 * math.log(10), rel=0.08)
    assert row["processing_seconds"]["p50"] == pytest.approx(40.0, abs=0.8)
    assert row["processing_seconds"]["p90"] == pytest.approx(48.0, abs=0.8)
    failed = row["outcomes"][f"failed:{spec(PROVIDER).failures['timeout']}"]
    assert failed / N == pytest.approx(0.2, abs=0.025)
    assert failed + row["outcomes"]["succeeded"] == N


def test_the_scenario_file_keeps_the_spread_and_the_error_codes(
    synthetic: list[Recording],
) -> None:
    config = scenario_file(synthetic)
    parsed = parse_scenario_config(config)  # what serve --scenarios would accept
    assert len(parsed.progressions) == len(config["progressions"]) <= 50
    totals = sorted(c.progression.queue_seconds + c.progression.processing_seconds
                    for c in parsed.progressions for _ in range(int(c.weight)))
    # Picked evenly over the totals: the shortest and longest recorded tasks are there.
    ends = [float(r.document["outcome"]["at"]) for r in synthetic]
    assert totals[0] == pytest.approx(min(ends), abs=0.002)
    assert totals[-1] == pytest.approx(max(ends), abs=0.002)
    codes = {c.outcome.spec() for c in parsed.progressions if c.outcome is not None}
    assert codes == {"succeed", f"fail:{spec(PROVIDER).failures['timeout']}"}


def test_the_command_prints_the_table_and_writes_a_scenario_file(
    synthetic: list[Recording], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for recording in synthetic[:4]:
        write_recording(recording.document, tmp_path / "recordings")
    out = tmp_path / "last-week.yaml"
    assert main(["recordings", "summarize", str(tmp_path / "recordings"),
                 "--scenario-out", str(out)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["provider", "shape", "tasks"]
    assert table[1].split()[:3] == [PROVIDER, "720p/5s/16:9/1img", "4"]
    assert len(parse_scenario_config(yaml.safe_load(out.read_text())).progressions) == 4
    assert main(["recordings", "summarize", str(tmp_path / "recordings"), "--format",
                 "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["tasks"] == 4


def test_a_broken_recording_is_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / PROVIDER / "tasks"
    folder.mkdir(parents=True)
    (folder / "bad.task.json").write_text(json.dumps({"format": FORMAT, "version": 2}))
    assert main(["recordings", "summarize", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.task.json" in err and "version" in err
