"""The SDK-form behaviours `vidukit verify` draws: which provider offers which form, and how
a form combines with the rest of a behaviour (no I/O: strategies and dataclasses only)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from vidukit.contract_tests.harness import Behaviour, behaviours, task_forms

#: Per provider, the answer forms its official SDKs are coded for that a polling client can
#: meet (provider-docs §8): WaveSpeed's terminal cancelled/timeout, Vtrix's CLI forms,
#: Novita's JS TASK_STATUS_UNKNOWN, Runware's failure in data and other unfinished words.
#: MyRouter shares Novita's schemas but none of its SDKs; the failed webhook without
#: outputs is a callback form, never seen by polls.
EXPECTED = {
    "wavespeed": ("cancelled", "timeout-status"),
    "vtrix": ("error-string", "duration-string", "usage-detail"),
    "novita": ("status-unknown",),
    "myrouter": (),
    "runware": ("data-error", "pending-status"),
}
#: The forms that end a task failed (the others leave the outcome as drawn).
FAILING = {"cancelled", "timeout-status", "data-error", "error-string"}
ALL_FORMS = tuple(f for forms in EXPECTED.values() for f in forms)


@pytest.mark.parametrize("provider", EXPECTED)
def test_each_provider_offers_the_forms_of_its_sdks(provider: str) -> None:
    assert task_forms(provider) == EXPECTED[provider]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(behaviours(transient_faults=False, forms=ALL_FORMS))
def test_a_drawn_form_is_consistent_with_the_rest_of_the_behaviour(behaviour: Behaviour) -> None:
    if not behaviour.form:
        return
    assert not behaviour.extra_fields, "the mock applies one task scenario per task"
    assert behaviour.outcome != "stuck"
    if behaviour.form in FAILING:
        assert behaviour.outcome.startswith("fail-")
    assert f"SDK form {behaviour.form}" in behaviour.describe()
    assert behaviour.to_dict()["form"] == behaviour.form


def test_every_form_is_drawn() -> None:
    seen: set[str] = set()

    @settings(max_examples=150, deadline=None, database=None, phases=[Phase.generate])
    @given(behaviours(transient_faults=False, forms=ALL_FORMS))
    def draw(behaviour: Behaviour) -> None:
        seen.add(behaviour.form)

    draw()
    assert seen == {"", *ALL_FORMS}


def test_no_forms_draws_none() -> None:
    @settings(max_examples=30, deadline=None)
    @given(behaviours(transient_faults=False))
    def plain(behaviour: Behaviour) -> None:
        assert behaviour.form == ""

    plain()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"form": "cancelled", "outcome": "succeed"}, "must be a fail-* one"),
    ({"form": "cancelled", "outcome": "fail-internal", "extra_fields": True}, "not both"),
])
def test_an_inconsistent_behaviour_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Behaviour(**kwargs)  # type: ignore[arg-type]
