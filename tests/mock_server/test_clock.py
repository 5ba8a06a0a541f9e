"""The clock abstraction, and the promise that nothing else in the mock reads time."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from vidukit.mock_server.clock import (
    VIRTUAL_EPOCH,
    Clock,
    SystemClock,
    VirtualClock,
    iso_ms,
    make_clock,
)

MOCK_ROOT = Path(__file__).resolve().parents[2] / "mock_server"
FORBIDDEN = re.compile(
    r"\btime\.time\(|\btime\.monotonic\(|\btime\.perf_counter\(|datetime\.now\(|datetime\.utcnow\("
    r"|\bdate\.today\(|from time import"
)


def test_virtual_clock_moves_only_when_advanced() -> None:
    clock = VirtualClock()
    assert clock.now() == VIRTUAL_EPOCH
    assert clock.now() == clock.now()
    assert clock.advance(2.5) == VIRTUAL_EPOCH + 2.5
    assert clock.monotonic() == 2.5
    clock.reset()
    assert clock.now() == VIRTUAL_EPOCH


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_virtual_clock_refuses_to_go_back_or_jump_to_infinity(bad: float) -> None:
    clock = VirtualClock(100.0)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(bad)
    assert clock.now() == 100.0


def test_system_clock_follows_the_machine() -> None:
    clock = SystemClock()
    assert abs(clock.now() - time.time()) < 5
    first = clock.monotonic()
    assert clock.monotonic() >= first


def test_both_clocks_satisfy_the_protocol_and_name_their_kind() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(VirtualClock(), Clock)
    assert make_clock("real").kind == "real"
    assert make_clock("virtual", start=5.0).now() == 5.0
    with pytest.raises(ValueError, match=r"real.*virtual"):
        make_clock("sundial")


def test_iso_ms_prints_milliseconds_and_z() -> None:
    assert iso_ms(VIRTUAL_EPOCH) == "2026-01-01T00:00:00.000Z"
    assert iso_ms(VIRTUAL_EPOCH + 61.2345) == "2026-01-01T00:01:01.234Z"


def test_no_module_outside_clock_reads_the_time() -> None:
    offenders = []
    for path in sorted(MOCK_ROOT.rglob("*.py")):
        if "clock" in path.relative_to(MOCK_ROOT).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{path.relative_to(MOCK_ROOT)}:{number}: {line.strip()}")
    assert MOCK_ROOT.is_dir()
    assert not offenders, "read time through the injected Clock instead:\n" + "\n".join(offenders)
