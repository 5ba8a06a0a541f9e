"""The canonical Vidu Q2 request, and how each provider spells it on the wire.

A team's adapter receives a `CanonicalRequest`; its client must send what the
``<provider>_to_wire`` function builds (or any body that ``<provider>_from_wire``
reads back as the same request). The mapping, provider by provider:

- WaveSpeed: the canonical fields 1:1 (``images``, ``prompt``, ``duration``,
  ``resolution``, ``aspect_ratio``, ``movement_amplitude``, ``seed``).
- Vtrix: ``{"model": "viduq2_pro_reference", "input": [{"params": {...}}]}`` with
  the same field names inside ``params``, except ``movement_amplitude``, which
  Vtrix does not expose: only canonical ``auto`` is representable.
- Novita and MyRouter: ``subjects``, one per image with ids "1".."n" (so @1..@n
  in the prompt name them); ``movement_amplitude`` ``large`` is spelled ``high``;
  ``duration`` is always sent (documented as required).
- Runware: a one-element array holding a ``videoInference`` task for model
  ``vidu:3@1``: ``positivePrompt``; ``width`` x ``height`` from (resolution,
  aspect ratio) through the model page's table of allowed pairs;
  ``providerSettings.vidu.movementAmplitude``; ``inputs.referenceImages``;
  ``seed`` must be >= 1; ``taskUUID`` must be a fresh UUID v4 per task.
- Everywhere: seed None is sent by omitting ``seed``. A canonical integer seed
  fixes the seed, so 0 is not representable where the ``seed-zero-random``
  check says it asks for a random seed (WaveSpeed, Vtrix, Novita, MyRouter).

The translations always send every field they can (no reliance on defaults),
so a body reads back exactly. What each provider can represent is not written
here a second time: `capability` reads it from the provider's ``submit-request``
schema (its ``x-capabilities`` pointers, enums, ranges, item counts and the
Runware table of allowed sizes), so this module and the validator cannot drift.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal, TypedDict, cast, get_args

from vidukit.capabilities import resolve
from vidukit.catalogue import PROVIDERS, catalogue
from vidukit.errors import SchemaError, UnknownProvider
from vidukit.rules import get_rule

Resolution = Literal["360p", "540p", "720p", "1080p"]
AspectRatio = Literal["16:9", "9:16", "4:3", "3:4", "1:1"]
Amplitude = Literal["auto", "small", "medium", "large"]

RESOLUTIONS: Final[tuple[str, ...]] = get_args(Resolution)
ASPECT_RATIOS: Final[tuple[str, ...]] = get_args(AspectRatio)
AMPLITUDES: Final[tuple[str, ...]] = get_args(Amplitude)
FIELDS: Final[tuple[str, ...]] = (
    "prompt", "images", "duration", "resolution", "aspect_ratio", "movement_amplitude", "seed",
)
#: Vidu Q2 takes 1..7 reference images on every provider (README §6).
MAX_IMAGES: Final = 7
#: A canonical duration is a length; Vtrix's 0 ("the model chooses") has no canonical form.
MIN_DURATION: Final = 1
_HTTP_URL = re.compile(r"^https?://\S+$")

VTRIX_MODEL: Final = "viduq2_pro_reference"
RUNWARE_MODEL: Final = "vidu:3@1"
#: Canonical amplitude -> the provider's word, where they differ (seeds 002/004: auto, small,
#: medium, high). Providers not listed use the canonical words.
AMPLITUDE_WIRE: Final[Mapping[str, Mapping[str, str]]] = {
    "novita": {"large": "high"},
    "myrouter": {"large": "high"},
}
#: x-capabilities names no prompt; these pointers (into each submit-request) say where it lives.
_PROMPT_POINTER: Final[Mapping[str, str]] = {
    "wavespeed": "/properties/prompt",
    "vtrix": "/properties/input/items/properties/params/properties/prompt",
    "novita": "/properties/prompt",
    "myrouter": "/properties/prompt",
    "runware": "/items/else/properties/positivePrompt",
}
#: Where the translation puts one image in each item of a list (Novita's subjects), the
#: image count is bounded by that list's item count rather than by the per-item images.
_ONE_IMAGE_EACH: Final[Mapping[str, str]] = {
    "novita": "/properties/subjects",
    "myrouter": "/properties/subjects",
}
#: The named check that flags a seed asking for a random one instead of fixing it.
_RANDOM_SEED_RULE: Final = "seed-zero-random"
_SUBMIT: Final = "submit-request"


class CanonicalRequest(TypedDict):
    """One Vidu Q2 reference-to-video generation, independent of any provider.

    ``images`` are 1..7 http(s) URLs; ``seed`` None asks for a random seed and
    is sent by omitting the field, never as a provider's "random" sentinel.
    """

    prompt: str
    images: list[str]
    duration: int
    resolution: Resolution
    aspect_ratio: AspectRatio
    movement_amplitude: Amplitude
    seed: int | None


class NotRepresentable(ValueError):
    """The provider's API cannot carry this canonical request."""

    def __init__(self, provider: str, reasons: list[str]) -> None:
        super().__init__(f"{provider} cannot represent the request: {'; '.join(reasons)}")
        self.provider = provider
        self.reasons = reasons


class Unrecoverable(ValueError):
    """A wire body does not determine one canonical field (so it cannot be faithful)."""

    def __init__(self, provider: str, field: str, reason: str) -> None:
        super().__init__(f"{provider}: cannot recover {field}: {reason}")
        self.provider = provider
        self.field = field
        self.reason = reason


# --------------------------------------------------------------------------- capabilities


@dataclass(frozen=True)
class Capability:
    """The canonical requests one provider can represent, as read from its schema."""

    provider: str
    image_count: tuple[int, int]
    durations: tuple[int, int]
    sizes: frozenset[tuple[str, str]]
    amplitudes: frozenset[str]
    seed_range: tuple[int | None, int | None]
    random_seeds: frozenset[int]
    prompt_length: tuple[int, int | None]

    @property
    def resolutions(self) -> tuple[str, ...]:
        return tuple(r for r in RESOLUTIONS if any(s[0] == r for s in self.sizes))

    @property
    def aspect_ratios(self) -> tuple[str, ...]:
        return tuple(a for a in ASPECT_RATIOS if any(s[1] == a for s in self.sizes))

    def problems(self, request: Mapping[str, Any]) -> list[str]:
        """Why *request* is not a canonical request this provider represents; empty if it is."""
        found = canonical_problems(request)
        if found:
            return found
        low, high = self.image_count
        if not low <= len(request["images"]) <= high:
            found.append(f"images: {len(request['images'])} given, {low}..{high} allowed")
        low, high = self.durations
        if not low <= request["duration"] <= high:
            found.append(f"duration: {request['duration']} outside {low}..{high}")
        if (request["resolution"], request["aspect_ratio"]) not in self.sizes:
            found.append(f"size: {request['resolution']} {request['aspect_ratio']} not offered")
        if request["movement_amplitude"] not in self.amplitudes:
            found.append(f"movement_amplitude: {request['movement_amplitude']!r} not offered")
        seed = request["seed"]
        if seed is not None:
            low_seed, high_seed = self.seed_range
            if (low_seed is not None and seed < low_seed) or (
                high_seed is not None and seed > high_seed
            ):
                found.append(f"seed: {seed} outside {low_seed}..{high_seed}")
            elif seed in self.random_seeds:
                found.append(f"seed: {seed} asks this provider for a random seed (use None)")
        low, high_len = self.prompt_length
        length = len(request["prompt"])
        if length < low or (high_len is not None and length > high_len):
            found.append(f"prompt: {length} characters, {low}..{high_len} allowed")
        return found


def canonical_problems(request: Mapping[str, Any]) -> list[str]:
    """Why *request* is not a canonical request at all (any provider); empty if it is."""
    if not isinstance(request, Mapping) or set(request) != set(FIELDS):
        return [f"a canonical request is a mapping with exactly the keys {', '.join(FIELDS)}"]
    found = []
    if not isinstance(request["prompt"], str):
        found.append("prompt: not a string")
    images = request["images"]
    if not (isinstance(images, list) and 1 <= len(images) <= MAX_IMAGES
            and all(isinstance(i, str) and _HTTP_URL.match(i) for i in images)):
        found.append(f"images: not a list of 1..{MAX_IMAGES} http(s) URLs")
    if not _is_int(request["duration"]) or request["duration"] < MIN_DURATION:
        found.append(f"duration: not an integer >= {MIN_DURATION}")
    for key, allowed in (("resolution", RESOLUTIONS), ("aspect_ratio", ASPECT_RATIOS),
                         ("movement_amplitude", AMPLITUDES)):
        if request[key] not in allowed:
            found.append(f"{key}: {request[key]!r} not one of {', '.join(allowed)}")
    if request["seed"] is not None and not _is_int(request["seed"]):
        found.append("seed: neither None nor an integer")
    return found


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pointer(provider: str, name: str) -> str | None:
    pointer: str | None = catalogue().schema(provider, _SUBMIT)["x-capabilities"][name]
    return pointer


def _subschema(provider: str, pointer: str | None) -> dict[str, Any] | None:
    return None if pointer is None else resolve(catalogue(), provider, pointer)


def _required(provider: str, name: str) -> dict[str, Any]:
    schema = _subschema(provider, _pointer(provider, name))
    if schema is None:
        raise SchemaError(f"{provider}: the canonical request needs capability {name!r}")
    return schema


def _image_count(provider: str) -> tuple[int, int]:
    schema = _required(provider, "images")
    holder = _ONE_IMAGE_EACH.get(provider)
    if holder is not None:
        if not schema.get("minItems", 0) <= 1 <= schema.get("maxItems", 1):
            raise SchemaError(f"{provider}: one image per item is not allowed by {holder}")
        schema = _subschema(provider, holder) or {}
    return max(1, schema.get("minItems", 0)), min(MAX_IMAGES, schema.get("maxItems", MAX_IMAGES))


@cache
def _size_table(provider: str) -> Mapping[tuple[str, str], tuple[int, int] | None]:
    """(resolution, aspect ratio) -> pixel size where the wire asks for pixels, else None."""
    resolution, aspect = _required(provider, "resolution"), _required(provider, "aspect_ratio")
    if "enum" in resolution and "enum" in aspect:
        return {(r, a): None for r in resolution["enum"] for a in aspect["enum"]
                if r in RESOLUTIONS and a in ASPECT_RATIOS}
    table: dict[tuple[str, str], tuple[int, int] | None] = {}
    for row in resolution.get("oneOf", []):  # a table of allowed pairs, each row annotated
        props = row["properties"]
        table[(row["x-resolution"], row["x-aspect-ratio"])] = (
            props["width"]["const"], props["height"]["const"])
    if not table:
        raise SchemaError(f"{provider}: resolution is neither an enum nor a table of sizes")
    return table


def _amplitudes(provider: str) -> frozenset[str]:
    schema = _subschema(provider, _pointer(provider, "movement_amplitude"))
    if schema is None:  # not exposed (Vtrix): only the provider's own behaviour, 'auto'
        return frozenset({"auto"})
    return frozenset(a for a in AMPLITUDES if amplitude_to_wire(provider, a) in schema["enum"])


@cache
def capability(provider: str) -> Capability:
    """What *provider* can represent, read from its submit-request schema."""
    if provider not in PROVIDERS:
        raise UnknownProvider(provider, PROVIDERS)
    duration = _required(provider, "duration")
    seed = _required(provider, "seed")
    prompt = _subschema(provider, _PROMPT_POINTER[provider]) or {}
    rule = get_rule(_RANDOM_SEED_RULE)
    return Capability(
        provider=provider,
        image_count=_image_count(provider),
        durations=(max(MIN_DURATION, duration["minimum"]), duration["maximum"]),
        sizes=frozenset(_size_table(provider)),
        amplitudes=_amplitudes(provider),
        seed_range=(seed.get("minimum"), seed.get("maximum")),
        random_seeds=frozenset({0}) if (provider, _SUBMIT) in rule.targets else frozenset(),
        prompt_length=(prompt.get("minLength", 0), prompt.get("maxLength")),
    )


def representable(provider: str, request: Mapping[str, Any]) -> bool:
    """True when *provider*'s API can carry *request* faithfully."""
    return not capability(provider).problems(request)


def amplitude_to_wire(provider: str, amplitude: str) -> str:
    return AMPLITUDE_WIRE.get(provider, {}).get(amplitude, amplitude)


def runware_dimensions() -> Mapping[tuple[str, str], tuple[int, int]]:
    """Runware's (resolution, aspect ratio) -> (width, height), from the schema's table."""
    return {k: v for k, v in _size_table("runware").items() if v is not None}


# --------------------------------------------------------------------------- translations


def _with_seed(fields: dict[str, Any], seed: int | None) -> dict[str, Any]:
    if seed is not None:
        fields["seed"] = seed
    return fields


def wavespeed_to_wire(request: CanonicalRequest) -> dict[str, Any]:
    """WaveSpeed: the canonical fields 1:1."""
    return _with_seed({
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": request["movement_amplitude"],
    }, request["seed"])


def vtrix_to_wire(request: CanonicalRequest) -> dict[str, Any]:
    """Vtrix: the generation envelope; movement_amplitude does not exist there."""
    if request["movement_amplitude"] != "auto":
        raise NotRepresentable("vtrix", ["movement_amplitude: Vtrix does not expose it"])
    params = _with_seed({
        "prompt": request["prompt"],
        "images": list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
    }, request["seed"])
    return {"model": VTRIX_MODEL, "input": [{"params": params}]}


def novita_to_wire(request: CanonicalRequest, *, provider: str = "novita") -> dict[str, Any]:
    """Novita: one subject per image, id "1".."n" (so @1..@n in the prompt name them)."""
    return _with_seed({
        "prompt": request["prompt"],
        "subjects": [{"id": str(n), "images": [url]} for n, url in enumerate(request["images"], 1)],
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": amplitude_to_wire(provider, request["movement_amplitude"]),
    }, request["seed"])


def myrouter_to_wire(request: CanonicalRequest) -> dict[str, Any]:
    """MyRouter clones Novita's v3 async API: the same body."""
    return novita_to_wire(request, provider="myrouter")


def derived_task_uuid(request: CanonicalRequest) -> str:
    """A UUID v4-shaped id hashed from *request*, so the reference translation is pure.

    A real client must send a fresh ``uuid.uuid4()`` per task (Runware: unique per task).
    """
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def runware_to_wire(request: CanonicalRequest, *, task_uuid: str | None = None
                    ) -> list[dict[str, Any]]:
    """Runware: a one-task array; size as an allowed width x height pair."""
    size = runware_dimensions().get((request["resolution"], request["aspect_ratio"]))
    if size is None:
        raise NotRepresentable("runware", [
            f"size: no width x height for {request['resolution']} {request['aspect_ratio']}"])
    task = _with_seed({
        "taskType": "videoInference",
        "taskUUID": task_uuid or derived_task_uuid(request),
        "model": RUNWARE_MODEL,
        "positivePrompt": request["prompt"],
        "width": size[0],
        "height": size[1],
        "duration": request["duration"],
        "providerSettings": {"vidu": {"movementAmplitude": request["movement_amplitude"]}},
        "inputs": {"referenceImages": list(request["images"])},
    }, request["seed"])
    return [task]


# --------------------------------------------------------------------------- reading back

_ABSENT: Final = object()


def _read(provider: str, fields: Any, key: str, capability_name: str | None = None) -> Any:
    """*fields*[key], else the documented default of the capability, else Unrecoverable."""
    if not isinstance(fields, Mapping):
        raise Unrecoverable(provider, key, "the enclosing value is not a JSON object")
    if key in fields:
        return fields[key]
    schema = _subschema(provider, _pointer(provider, capability_name)) if capability_name else None
    default = (schema or {}).get("default", _ABSENT)
    if default is _ABSENT:
        raise Unrecoverable(provider, key, "absent, and no default is documented")
    return default


def _amplitude_from_wire(provider: str, word: Any) -> Amplitude:
    for canonical in AMPLITUDES:
        if amplitude_to_wire(provider, canonical) == word:
            return cast(Amplitude, canonical)
    raise Unrecoverable(provider, "movement_amplitude", f"{word!r} is not a word of this provider")


def _flat_from_wire(provider: str, fields: Any, amplitude: Any, images: Any) -> CanonicalRequest:
    return CanonicalRequest(
        prompt=_read(provider, fields, "prompt"),
        images=images,
        duration=_read(provider, fields, "duration", "duration"),
        resolution=_read(provider, fields, "resolution", "resolution"),
        aspect_ratio=_read(provider, fields, "aspect_ratio", "aspect_ratio"),
        movement_amplitude=_amplitude_from_wire(provider, amplitude),
        seed=fields.get("seed"),
    )


def wavespeed_from_wire(body: Any) -> CanonicalRequest:
    amplitude = _read("wavespeed", body, "movement_amplitude", "movement_amplitude")
    return _flat_from_wire("wavespeed", body, amplitude, _read("wavespeed", body, "images"))


def vtrix_from_wire(body: Any) -> CanonicalRequest:
    items = _read("vtrix", body, "input")
    if not (isinstance(items, list) and len(items) == 1):
        raise Unrecoverable("vtrix", "input", "expected exactly one item")
    params = _read("vtrix", items[0], "params")
    request = _flat_from_wire("vtrix", params, "auto", _read("vtrix", params, "images"))
    if request["duration"] == 0:
        raise Unrecoverable("vtrix", "duration", "0 lets the model choose the duration")
    return request


def novita_from_wire(body: Any, *, provider: str = "novita") -> CanonicalRequest:
    """Images are read from every subject in order, however the client grouped them."""
    subjects = _read(provider, body, "subjects")
    if not isinstance(subjects, list):
        raise Unrecoverable(provider, "subjects", "not a list")
    images = [url for subject in subjects for url in _read(provider, subject, "images")]
    amplitude = _read(provider, body, "movement_amplitude", "movement_amplitude")
    return _flat_from_wire(provider, body, amplitude, images)


def myrouter_from_wire(body: Any) -> CanonicalRequest:
    return novita_from_wire(body, provider="myrouter")


def runware_from_wire(body: Any) -> CanonicalRequest:
    """Reads the one videoInference task; an authentication task is skipped."""
    tasks = [t for t in body if isinstance(t, Mapping) and t.get("taskType") == "videoInference"
             ] if isinstance(body, list) else []
    if len(tasks) != 1:
        raise Unrecoverable("runware", "taskType", "expected exactly one videoInference task")
    task = tasks[0]
    size = (_read("runware", task, "width"), _read("runware", task, "height"))
    pairs = [pair for pair, pixels in runware_dimensions().items() if pixels == size]
    if not pairs:
        raise Unrecoverable("runware", "width", f"{size[0]}x{size[1]} is not an allowed size")
    settings = task.get("providerSettings", {})
    vidu = settings.get("vidu", {}) if isinstance(settings, Mapping) else settings
    amplitude = _read("runware", vidu, "movementAmplitude", "movement_amplitude")
    return CanonicalRequest(
        prompt=_read("runware", task, "positivePrompt"),
        images=_read("runware", _read("runware", task, "inputs"), "referenceImages"),
        duration=_read("runware", task, "duration", "duration"),
        resolution=cast(Resolution, pairs[0][0]),
        aspect_ratio=cast(AspectRatio, pairs[0][1]),
        movement_amplitude=_amplitude_from_wire("runware", amplitude),
        seed=task.get("seed"),
    )


# --------------------------------------------------------------------------- by provider id

_TO_WIRE: Final[Mapping[str, Callable[[CanonicalRequest], Any]]] = {
    "wavespeed": wavespeed_to_wire,
    "vtrix": vtrix_to_wire,
    "novita": novita_to_wire,
    "myrouter": myrouter_to_wire,
    "runware": runware_to_wire,
}
_FROM_WIRE: Final[Mapping[str, Callable[[Any], CanonicalRequest]]] = {
    "wavespeed": wavespeed_from_wire,
    "vtrix": vtrix_from_wire,
    "novita": novita_from_wire,
    "myrouter": myrouter_from_wire,
    "runware": runware_from_wire,
}


def to_wire(provider: str, request: CanonicalRequest, *, check: bool = True) -> Any:
    """*provider*'s submit body for *request*.

    With ``check`` (the default) a request the provider cannot represent raises
    `NotRepresentable`; without it the fields are translated as they are (so a
    test can show the provider's schema refusing them), and only a value with
    no wire form at all raises.
    """
    if provider not in _TO_WIRE:
        raise UnknownProvider(provider, PROVIDERS)
    if check:
        reasons = capability(provider).problems(request)
        if reasons:
            raise NotRepresentable(provider, reasons)
    return _TO_WIRE[provider](request)


def from_wire(provider: str, body: Any) -> CanonicalRequest:
    """The canonical request *body* carries; `Unrecoverable` when a field is not determined.

    An absent field reads as the provider's documented default; one without a
    documented default cannot be recovered. Fields with no canonical
    counterpart (bgm, watermark, webhooks, ...) are ignored.
    """
    if provider not in _FROM_WIRE:
        raise UnknownProvider(provider, PROVIDERS)
    return _FROM_WIRE[provider](body)
