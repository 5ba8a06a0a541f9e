"""The canonical Vidu Q2 request, and the shared pieces of every provider's translation.

A team's adapter receives a `CanonicalRequest`; its client must send what
`to_wire` builds for its provider (or any body that `from_wire` reads back as the
same request). Each provider's translation lives in its folder
(``vidukit/providers/<id>/``, its spec's `Translation`), built from the helpers
here; its docstring says how that provider spells each field.

Everywhere: seed None is sent by omitting ``seed``. A canonical integer seed
fixes the seed, so 0 is not representable where the ``seed-zero-random`` check
says it asks for a random seed.

The translations always send every field they can (no reliance on defaults),
so a body reads back exactly. What each provider can represent is not written
a second time: `capability` reads it from the provider's ``submit-request``
schema (its ``x-capabilities`` pointers, enums, ranges, item counts and any
table of allowed pixel sizes), so the translations and the validator cannot
drift.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal, TypedDict, cast, get_args

from vidukit.capabilities import resolve
from vidukit.catalogue import catalogue
from vidukit.errors import SchemaError
from vidukit.placeholders import without_placeholders
from vidukit.providers import spec
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
    holder = spec(provider).translation.one_image_each
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
    translation = spec(provider).translation  # UnknownProvider for an unknown id
    duration = _required(provider, "duration")
    seed = _required(provider, "seed")
    prompt = _subschema(provider, translation.prompt_pointer) or {}
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
    return spec(provider).translation.amplitude_words.get(amplitude, amplitude)


def pixel_sizes(provider: str) -> Mapping[tuple[str, str], tuple[int, int]]:
    """(resolution, aspect ratio) -> (width, height) where *provider* asks for pixels."""
    return {k: v for k, v in _size_table(provider).items() if v is not None}


# --------------------------------------------------------------------------- translations


def with_seed(fields: dict[str, Any], seed: int | None) -> dict[str, Any]:
    if seed is not None:
        fields["seed"] = seed
    return fields


def derived_task_uuid(request: CanonicalRequest) -> str:
    """A UUID v4-shaped id hashed from *request*, so the reference translation is pure.

    A real client must send a fresh ``uuid.uuid4()`` per task (Runware: unique per task).
    """
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# --------------------------------------------------------------------------- reading back

_ABSENT: Final = object()


def read_field(provider: str, fields: Any, key: str, capability_name: str | None = None) -> Any:
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


def amplitude_from_wire(provider: str, word: Any) -> Amplitude:
    for canonical in AMPLITUDES:
        if amplitude_to_wire(provider, canonical) == word:
            return cast(Amplitude, canonical)
    raise Unrecoverable(provider, "movement_amplitude", f"{word!r} is not a word of this provider")


def flat_to_wire(request: CanonicalRequest, images: str = "images") -> dict[str, Any]:
    """The canonical fields 1:1 under their own names, the reference images under *images*:
    the body every flat provider takes (the seed only when one was asked for)."""
    return with_seed({
        "prompt": request["prompt"],
        images: list(request["images"]),
        "duration": request["duration"],
        "resolution": request["resolution"],
        "aspect_ratio": request["aspect_ratio"],
        "movement_amplitude": request["movement_amplitude"],
    }, request["seed"])


def flat_from_wire(provider: str, fields: Any, amplitude: Any, images: Any) -> CanonicalRequest:
    return CanonicalRequest(
        prompt=read_field(provider, fields, "prompt"),
        images=images,
        duration=read_field(provider, fields, "duration", "duration"),
        resolution=read_field(provider, fields, "resolution", "resolution"),
        aspect_ratio=read_field(provider, fields, "aspect_ratio", "aspect_ratio"),
        movement_amplitude=amplitude_from_wire(provider, amplitude),
        seed=fields.get("seed"),
    )


# --------------------------------------------------------------------------- by provider id

def to_wire(provider: str, request: CanonicalRequest, *, check: bool = True) -> Any:
    """*provider*'s submit body for *request*.

    With ``check`` (the default) a request the provider cannot represent raises
    `NotRepresentable`; without it the fields are translated as they are (so a
    test can show the provider's schema refusing them), and only a value with
    no wire form at all raises.
    """
    translation = spec(provider).translation  # UnknownProvider for an unknown id
    if check:
        reasons = capability(provider).problems(request)
        if reasons:
            raise NotRepresentable(provider, reasons)
    return translation.to_wire(request)


def same_prompt(provider: str, body: Any, sent: str, asked: str) -> bool:
    """True when the prompt *sent* in *body* is the canonical prompt *asked*.

    Equal strings, or, where the provider's prompt names subjects with ``@N``
    placeholders, equal once the placeholders naming a subject *body* carries
    are taken out of both (`vidukit.placeholders.without_placeholders` says
    exactly what that removes): adding them is what a correct client may do.
    """
    if sent == asked:
        return True
    placeholders = spec(provider).translation.prompt_placeholders
    if placeholders is None:
        return False
    ids = placeholders(body)
    return bool(ids) and without_placeholders(sent, ids) == without_placeholders(asked, ids)


def from_wire(provider: str, body: Any) -> CanonicalRequest:
    """The canonical request *body* carries; `Unrecoverable` when a field is not determined.

    An absent field reads as the provider's documented default; one without a
    documented default cannot be recovered. Fields with no canonical
    counterpart (bgm, watermark, webhooks, ...) are ignored.
    """
    return spec(provider).translation.from_wire(body)
