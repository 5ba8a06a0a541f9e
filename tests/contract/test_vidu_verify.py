"""`vidukit verify --provider vidu`: the example client passes, each broken one is caught.

The same runs as `tests/contract/test_broken_clients.py` (few examples, a fixed seed,
no shrinking), over `examples.broken.vidu.CLIENTS`; the correct client must pass the
same options, so a catch is the bug's doing.
"""

from __future__ import annotations

import pytest

from examples.broken._catch import catch, control
from examples.broken._registry import BrokenClient
from examples.broken.vidu import CLIENTS


@pytest.mark.parametrize("broken", CLIENTS, ids=lambda b: b.name)
def test_verify_catches_the_broken_vidu_client_with_its_check(broken: BrokenClient) -> None:
    found = catch(broken)
    assert found.caught, f"{broken.name} ({broken.bug}) was not caught:\n{found.report.to_text()}"
    assert f"check {broken.caught_by} broke" in found.report.to_text()


#: One broken client per distinct set of options: the runs the correct client must pass.
CONTROLS = list({tuple(sorted(map(repr, b.options.items()))): b for b in CLIENTS}.values())


@pytest.mark.parametrize("broken", CONTROLS, ids=lambda b: f"like-{b.name}")
def test_the_example_vidu_client_passes_the_same_runs(broken: BrokenClient) -> None:
    report = control(broken)
    assert report.passed, report.to_text()
    assert report.runs > 0
