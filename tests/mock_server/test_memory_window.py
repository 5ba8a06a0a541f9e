"""The memory store's sliding window against the plainest model of one, compaction and all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vidukit.mock_server.storage import MemoryTaskStore
from vidukit.mock_server.storage.memory import _Window


def _model(times: list[float], at: float, window: float, limit: int | None) -> float | None:
    times[:] = [t for t in times if t > at - window]
    if limit is None or len(times) < limit:
        times.append(at)
        return None
    return times[len(times) - limit] + window


steps = st.lists(
    st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(1, 6))), max_size=200
)


@given(steps)
def test_the_window_answers_as_the_model_does_across_compactions(
    plan: list[tuple[int, int | None]],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Window, "COMPACT_AT", 2)  # compact often, so every path is taken
        store, times, now = MemoryTaskStore(), [], 0.0
        for gap, limit in plan:
            now += gap / 10
            assert store.admit("k", now, 1.0, limit) == _model(times, now, 1.0, limit)


def test_a_busy_key_keeps_exactly_the_last_windows_times() -> None:
    store, times = MemoryTaskStore(), []
    for n in range(6_000):  # past the default compaction point (4,096 expired times)
        at = n / 1000
        assert store.admit("k", at, 0.5, None) is None
        _model(times, at, 0.5, None)
    assert store.admit("k", 6.0, 0.5, len(times)) == _model(times, 6.0, 0.5, len(times))
