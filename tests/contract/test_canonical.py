"""The canonical request, its translations and the capability description.

Property tests tie three things together: the strategy draws only what the
capability description allows, every translation is accepted by the
provider's schema and reads back unchanged, and everything outside the
description is refused by the schema too. The example tests take their
expected values from the provider documents, not from the module.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from vidukit import PROVIDERS, UnknownProvider, catalogue, validate
from vidukit.contract_tests.canonical import (
    AMPLITUDES,
    ASPECT_RATIOS,
    MAX_IMAGES,
    MIN_DURATION,
    RESOLUTIONS,
    CanonicalRequest,
    NotRepresentable,
    Unrecoverable,
    capability,
    from_wire,
    representable,
    to_wire,
)
from vidukit.contract_tests.canonical_strategies import canonical_requests
from vidukit.providers.runware.translate import to_wire as runware_to_wire

SUBMIT = "submit-request"


def _violations(provider: str, wire: Any, severity: str) -> list[str]:
    return [v.rule for v in validate(provider, SUBMIT, wire) if v.severity == severity]


def _request(**changes: Any) -> CanonicalRequest:
    base = CanonicalRequest(
        prompt="a red kite over salt flats",
        images=["https://img.example/a.png"],
        duration=5,
        resolution="720p",
        aspect_ratio="16:9",
        movement_amplitude="auto",
        seed=None,
    )
    return CanonicalRequest(**{**base, **changes})  # type: ignore[typeddict-item]


# --------------------------------------------------------------------------- properties


@pytest.mark.parametrize("provider", PROVIDERS)
@given(data=st.data())
def test_drawn_requests_are_representable_and_accepted(provider: str, data: st.DataObject) -> None:
    request = data.draw(canonical_requests(provider))
    assert representable(provider, request), capability(provider).problems(request)
    assert _violations(provider, to_wire(provider, request), "error") == []


@pytest.mark.parametrize("provider", PROVIDERS)
@given(data=st.data())
def test_wire_form_reads_back_as_the_same_request(provider: str, data: st.DataObject) -> None:
    request = data.draw(canonical_requests(provider))
    assert from_wire(provider, to_wire(provider, request)) == request


def _reachable() -> Iterator[Any]:
    """Every offered value, and both ends of every offered range."""
    for p in PROVIDERS:
        cap = capability(p)
        cases: list[tuple[str, Callable[[CanonicalRequest], bool]]] = []
        cases += [(f"size-{r}-{a}", lambda q, s=(r, a): (q["resolution"], q["aspect_ratio"]) == s)
                  for r, a in sorted(cap.sizes)]
        cases += [(f"amplitude-{a}", lambda q, a=a: q["movement_amplitude"] == a)
                  for a in sorted(cap.amplitudes)]
        cases += [(f"duration-{d}", lambda q, d=d: q["duration"] == d) for d in cap.durations]
        cases += [(f"images-{n}", lambda q, n=n: len(q["images"]) == n) for n in cap.image_count]
        cases += [(f"seed-{s}", lambda q, s=s: q["seed"] == s)
                  for s in (None, *(b for b in cap.seed_range if b is not None))]
        cases += [(f"prompt-length-{n}", lambda q, n=n: len(q["prompt"]) == n)
                  for n in cap.prompt_length if n is not None]
        for label, predicate in cases:
            yield pytest.param(p, predicate, id=f"{p}-{label}")


@pytest.mark.parametrize(("provider", "predicate"), list(_reachable()))
def test_every_offered_value_is_reachable(
    provider: str, predicate: Callable[[CanonicalRequest], bool]
) -> None:
    found = find(canonical_requests(provider), predicate,
                 settings=settings(max_examples=2000, database=None, derandomize=True,
                                   phases=[Phase.generate, Phase.shrink]))
    assert representable(provider, found)


def _outside() -> Iterator[Any]:
    """Canonical values just outside each provider's capability description."""
    for p in PROVIDERS:
        cap = capability(p)
        changes: list[dict[str, Any]] = [
            {"resolution": r, "aspect_ratio": a}
            for r in RESOLUTIONS for a in ASPECT_RATIOS if (r, a) not in cap.sizes
        ]
        changes += [{"movement_amplitude": a} for a in AMPLITUDES if a not in cap.amplitudes]
        low, high = cap.durations
        changes += [{"duration": d} for d in (low - 1, high + 1) if d >= MIN_DURATION]
        low, high = cap.image_count
        changes += [{"images": ["https://img.example/x.png"] * n}
                    for n in (low - 1, high + 1) if 1 <= n <= MAX_IMAGES]
        seed_low, seed_high = cap.seed_range
        changes += [{"seed": seed_low - 1}] if seed_low is not None else []
        changes += [{"seed": seed_high + 1}] if seed_high is not None else []
        changes += [{"seed": s} for s in sorted(cap.random_seeds)]
        low, high_length = cap.prompt_length
        changes += [{"prompt": "p" * (low - 1)}] if low > 0 else []
        changes += [{"prompt": "p" * (high_length + 1)}] if high_length is not None else []
        for change in changes:
            yield pytest.param(p, change, id=f"{p}-{'-'.join(map(str, change.values()))[:40]}")


def _assert_refused(provider: str, request: CanonicalRequest, change: dict[str, Any]) -> None:
    """The description refuses *request*, and so does the provider's schema (or it has no slot)."""
    assert not representable(provider, request)
    with pytest.raises(NotRepresentable):
        to_wire(provider, request)
    try:
        wire = to_wire(provider, request, check=False)
    except NotRepresentable:
        # No wire form at all: the schema must say the provider lacks the capability.
        declared = catalogue().schema(provider, SUBMIT)["x-capabilities"]
        assert all(declared[field] is None for field in change), change
        return
    if change.get("seed") in capability(provider).random_seeds:
        assert "seed-zero-random" in _violations(provider, wire, "warning")
    else:
        assert _violations(provider, wire, "error"), wire


@pytest.mark.parametrize(("provider", "change"), list(_outside()))
def test_capability_and_schema_agree_outside(provider: str, change: dict[str, Any]) -> None:
    base = _request(prompt="p" * max(2, capability(provider).prompt_length[0]))
    assert representable(provider, base)
    _assert_refused(provider, _request(**{**base, **change}), change)


# --------------------------------------------------------------------------- from the documents


@pytest.mark.parametrize(("provider", "change"), [
    pytest.param("vtrix", {"resolution": "360p"}, id="vtrix-360p (seed 001: 540p/720p/1080p)"),
    pytest.param("novita", {"resolution": "360p"}, id="novita-360p (seed 004: 540p/720p/1080p)"),
    pytest.param("runware", {"seed": 0}, id="runware-seed-0 (API reference: seed >= 1)"),
    pytest.param("wavespeed", {"duration": 9}, id="wavespeed-9s (seed 000: 1..8)"),
    pytest.param("runware", {"duration": 9}, id="runware-9s (Q2 Pro: 1..8)"),
    pytest.param("novita", {"duration": 11}, id="novita-11s (seed 004: 1-10)"),
    pytest.param("runware", {"prompt": "a"}, id="runware-1-char-prompt (2..3000)"),
    pytest.param("vtrix", {"prompt": "x" * 5001}, id="vtrix-5001-char-prompt (max 5000)"),
    pytest.param("wavespeed", {"seed": -2}, id="wavespeed-seed-minus-2 (-1..2147483647)"),
    pytest.param("vtrix", {"movement_amplitude": "large"}, id="vtrix-amplitude (not exposed)"),
    pytest.param("vtrix", {"seed": 0}, id="vtrix-seed-0 (0 means random)"),
])
def test_documented_limits_are_not_representable(provider: str, change: dict[str, Any]) -> None:
    _assert_refused(provider, _request(**change), change)


def test_novita_spells_large_as_high() -> None:
    for provider in ("novita", "myrouter"):
        wire = to_wire(provider, _request(movement_amplitude="large"))
        assert wire["movement_amplitude"] == "high"
        assert from_wire(provider, wire)["movement_amplitude"] == "large"


def test_wavespeed_and_runware_keep_large() -> None:
    assert to_wire("wavespeed", _request(movement_amplitude="large"))["movement_amplitude"] == \
        "large"
    task = to_wire("runware", _request(movement_amplitude="large"))[0]
    assert task["providerSettings"]["vidu"]["movementAmplitude"] == "large"


@pytest.mark.parametrize(("resolution", "aspect_ratio", "width", "height"), [
    ("720p", "16:9", 1280, 720),
    ("1080p", "9:16", 1080, 1920),
    ("360p", "1:1", 480, 480),
    ("540p", "4:3", 816, 608),
    ("1080p", "3:4", 1238, 1674),
])
def test_runware_size_from_model_page_table(
    resolution: str, aspect_ratio: str, width: int, height: int
) -> None:
    task = to_wire("runware", _request(resolution=resolution, aspect_ratio=aspect_ratio))[0]
    assert (task["width"], task["height"]) == (width, height)


def test_runware_reads_the_seed_003_example() -> None:
    """Seed 003, 'Salt-Flat Pilgrims and Kites' (prompt shortened), wrapped in the wire array."""
    images = [f"https://assets.runware.ai/assets/inputs/{n}.jpg" for n in ("a", "b", "c")]
    body = [{
        "taskType": "videoInference", "taskUUID": "189411d5-fe86-47ad-8388-71a259c61fdb",
        "model": "vidu:3@1", "positivePrompt": "A cinematic wide shot of a lone pilgrim",
        "width": 1280, "height": 720, "duration": 6, "seed": 99725,
        "providerSettings": {"vidu": {"movementAmplitude": "medium", "bgm": False}},
        "inputs": {"referenceImages": images},
    }]
    assert from_wire("runware", body) == _request(
        prompt="A cinematic wide shot of a lone pilgrim", images=images, duration=6,
        resolution="720p", aspect_ratio="16:9", movement_amplitude="medium", seed=99725)
    with_auth = [{"taskType": "authentication", "apiKey": "k"}, *body]
    assert from_wire("runware", with_auth)["seed"] == 99725


def test_runware_task_is_a_single_video_inference_with_a_v4_uuid() -> None:
    wire = to_wire("runware", _request(seed=7))
    assert len(wire) == 1
    task = wire[0]
    assert (task["taskType"], task["model"]) == ("videoInference", "vidu:3@1")
    assert uuid.UUID(task["taskUUID"]).version == 4
    assert to_wire("runware", _request(seed=7))[0]["taskUUID"] == task["taskUUID"]
    assert to_wire("runware", _request(seed=8))[0]["taskUUID"] != task["taskUUID"]
    chosen = "0b7d3f4e-8c2a-4a51-9e0f-3d2c1b0a9f8e"
    assert runware_to_wire(_request(), task_uuid=chosen)[0]["taskUUID"] == chosen


def test_wavespeed_absent_fields_read_as_documented_defaults() -> None:
    """Seed 000's table: aspect_ratio 16:9, resolution 720p, duration 5, amplitude auto."""
    body = {"prompt": "hi", "images": ["https://img.example/a.png"]}
    assert from_wire("wavespeed", body) == _request(prompt="hi")


def test_vtrix_envelope_carries_no_amplitude() -> None:
    wire = to_wire("vtrix", _request(seed=42))
    assert wire["model"] == "viduq2_pro_reference"
    assert len(wire["input"]) == 1
    params = wire["input"][0]["params"]
    assert "movement_amplitude" not in params
    assert params["seed"] == 42


def test_vtrix_auto_duration_is_not_a_canonical_duration() -> None:
    wire = to_wire("vtrix", _request())
    wire["input"][0]["params"]["duration"] = 0  # seed 001: 0 means auto duration
    with pytest.raises(Unrecoverable):
        from_wire("vtrix", wire)


def test_novita_one_subject_per_image_and_any_grouping_reads_back() -> None:
    images = [f"https://img.example/{n}.png" for n in range(3)]
    wire = to_wire("novita", _request(images=images))
    assert wire["subjects"] == [{"id": str(n + 1), "images": [url]} for n, url in enumerate(images)]
    grouped = {**wire, "subjects": [{"id": "1", "images": images}]}
    assert _violations("novita", grouped, "error") == []
    assert from_wire("novita", grouped)["images"] == images


@pytest.mark.parametrize(("provider", "drop"), [
    ("novita", "aspect_ratio"),  # seed 004: no enum and no default
    ("myrouter", "movement_amplitude"),  # seed 002: no default
    ("runware", "width"),  # no default size documented for vidu:3@1
])
def test_absent_field_without_a_documented_default_is_unrecoverable(
    provider: str, drop: str
) -> None:
    wire = to_wire(provider, _request())
    fields = wire[0] if isinstance(wire, list) else wire
    del fields[drop]
    with pytest.raises(Unrecoverable):
        from_wire(provider, wire)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_seed_none_is_omitted(provider: str) -> None:
    wire = to_wire(provider, _request(seed=None))
    fields = {"vtrix": lambda w: w["input"][0]["params"], "runware": lambda w: w[0]}.get(
        provider, lambda w: w)(wire)
    assert "seed" not in fields
    assert from_wire(provider, wire)["seed"] is None


def _instance_path(schema_pointer: str) -> list[str | int]:
    """Where a schema pointer's subschema applies in a body built by the translations."""
    path: list[str | int] = []
    for token in schema_pointer.strip("/").split("/"):
        if token == "items":
            path.append(0)
        elif token not in ("properties", "else"):
            path.append(token)
    return path


@pytest.mark.parametrize("provider", PROVIDERS)
def test_fields_sit_where_x_capabilities_points(provider: str) -> None:
    wire = to_wire(provider, _request(seed=3))
    declared = catalogue().schema(provider, SUBMIT)["x-capabilities"]
    checked = 0
    for name in ("images", "duration", "resolution", "aspect_ratio", "movement_amplitude", "seed"):
        pointer = declared[name]
        if pointer is None or pointer.startswith("/$defs/"):
            continue
        node: Any = wire
        for step in _instance_path(pointer):
            node = node[step]
        checked += 1
    assert checked >= 4


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(UnknownProvider):
        to_wire("acme", _request())
    with pytest.raises(UnknownProvider):
        capability("acme")
