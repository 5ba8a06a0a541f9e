"""`verify_client` catches every deliberately broken client with the check it declares.

The broken clients (`examples.broken`) are the example clients with one bug
each, across the five providers, webhook mode included. Each run is short (few
examples, a fixed seed, shrinking cut short, and the transient faults a bug has
nothing to do with left out); so that no catch is the options' doing, the
correct client of the same provider must pass every distinct set of options
with the same seed (the controls). `python -m examples.broken` prints the
catch-rate table from the same runs.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from examples.broken import (
    BROKEN,
    CORRECT,
    BrokenClient,
    Catch,
    CorrectVariant,
    catch,
    catch_rate,
    control,
    judge,
)
from examples.broken._catch import PROVIDERS
from vidukit.contract_tests.canonical import CanonicalRequest
from vidukit.contract_tests.checks import REGISTRY, AdapterRun
from vidukit.contract_tests.harness import Behaviour, CheckFailure, Example, Report


def _options_key(broken: BrokenClient) -> tuple[Any, ...]:
    return (broken.provider, broken.control,
            tuple(sorted((k, repr(v)) for k, v in broken.options.items())))


#: One broken client per distinct (provider, correct client, options): the controls to run.
CONTROLS = list({_options_key(b): b for b in BROKEN}.values())


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: b.name)
def test_verify_catches_the_broken_client_with_its_declared_check(broken: BrokenClient) -> None:
    found = catch(broken)

    assert found.caught, f"{broken.name} ({broken.bug}) was not caught:\n{found.report.to_text()}"
    assert found.report.example is not None
    assert f"check {broken.caught_by} broke" in found.report.to_text()


@pytest.mark.parametrize("broken", CONTROLS,
                         ids=lambda b: f"{b.control.split(':')[0]}-like-{b.name}")
def test_the_correct_client_passes_the_same_runs(broken: BrokenClient) -> None:
    report = control(broken)
    assert report.passed, report.to_text()


@pytest.mark.parametrize("variant", CORRECT, ids=lambda c: c.name)
def test_verify_lets_every_correct_variant_pass(variant: CorrectVariant) -> None:
    report = judge(variant)
    assert report.passed, f"false alarm on {variant.name} ({variant.differs}):\n" + (
        report.to_text())
    assert report.runs > 0


def test_every_provider_has_several_broken_clients_each_with_a_registered_check() -> None:
    per_provider = Counter(b.provider for b in BROKEN)
    assert set(per_provider) == set(PROVIDERS)
    # the five first providers' sets have grown with every check; a new one starts smaller
    assert sum(per_provider.values()) >= 4 * len(PROVIDERS)
    assert len({b.name for b in BROKEN}) == len(BROKEN)
    declared = {b.caught_by for b in BROKEN}
    assert declared <= set(REGISTRY.names())
    # every check but none is some broken client's catch: each check earns its place
    assert declared == set(REGISTRY.names())
    assert any(b.options.get("mode") == "webhook" for b in BROKEN)


def _report(provider: str, failed: tuple[str, ...]) -> Report:
    request = CanonicalRequest(prompt="p", images=["https://img.example/a.png"], duration=5,
                               resolution="720p", aspect_ratio="16:9",
                               movement_amplitude="auto", seed=None)
    example = None
    if failed:
        example = Example(request, Behaviour(), AdapterRun(result={"status": "failed"}),
                          failures=tuple(CheckFailure(n, "", ("x",)) for n in failed))
    return Report(provider=provider, adapter="a:b", checks=failed, seed=1, runs=1, elapsed=0.1,
                  example=example)


def test_the_catch_rate_table_counts_only_the_declared_check() -> None:
    first, second, third = BROKEN[0], BROKEN[1], BROKEN[-1]
    catches = [
        Catch(first, _report(first.provider, (first.caught_by, "poll-rate"))),
        Catch(second, _report(second.provider, ())),
        Catch(third, _report(third.provider, ("no-such-check",))),
    ]
    table = catch_rate(catches)

    assert "| all | 3 | 1 | 33% |" in table
    assert f"| `{first.name}` | {first.bug} | `{first.caught_by}` |" in table
    assert "none (MISSED)" in table


def test_the_catch_rate_table_names_a_false_alarm_on_a_correct_variant() -> None:
    variant = CORRECT[0]
    table = catch_rate([], [(variant, _report(variant.provider, ())),
                            (variant, _report(variant.provider, ("request-faithful",)))])
    assert f"| `{variant.name}` | {variant.differs} | passed |" in table
    assert f"| `{variant.name}` | {variant.differs} | FALSE ALARM: `request-faithful` |" in table
