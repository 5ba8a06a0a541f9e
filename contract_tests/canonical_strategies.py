"""Hypothesis strategies for canonical requests a given provider can represent.

Every bound comes from `vidukit.contract_tests.canonical.capability`, itself read from
the provider's schema, so the harness never asks a client for something its
provider cannot carry. Two bounds are the strategy's own, because the schemas
give none: an unbounded seed stays within ±(2**53 - 1), the integers JSON
carries exactly between implementations (RFC 8259 §6), and an unbounded prompt
stays short (long prompts are drawn only at a documented maximum).
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from vidukit.contract_tests.canonical import CanonicalRequest, capability

#: Largest integer every JSON implementation carries exactly (RFC 8259 §6).
JSON_SAFE_INT = 2**53 - 1
#: Longest prompt drawn as free text; a documented maximum is still reached exactly.
SHORT_PROMPT = 80

#: The alphabet of the plain prompts tried first (and shrunk to).
PLAIN_PROMPT = string.ascii_lowercase + string.digits + " "
_NAME = st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12)


def image_urls() -> st.SearchStrategy[str]:
    """http(s) URLs of the shape every provider accepts as an image reference."""
    return st.builds(
        "{}://{}.example/{}.{}".format,
        st.sampled_from(["https", "http"]),
        st.sampled_from(["img", "cdn.assets", "media-1"]),
        _NAME,
        st.sampled_from(["png", "jpg", "jpeg", "webp"]),
    )


def _prompts(low: int, high: int | None) -> st.SearchStrategy[str]:
    """Plain words first, so a failure shrinks to a prompt a reader can see at a glance;
    then any text (control characters, other scripts), then a prompt at the maximum."""
    longest = max(low, min(high or SHORT_PROMPT, SHORT_PROMPT))
    plain = st.text(PLAIN_PROMPT, min_size=low, max_size=longest)
    free = st.one_of(plain, st.text(min_size=low, max_size=longest))
    if high is None or high <= SHORT_PROMPT:
        return free
    at_maximum = st.characters(exclude_categories=["Cs"]).map(lambda c: c * high)
    return st.one_of(free, at_maximum)


def _seeds(provider: str) -> st.SearchStrategy[int | None]:
    cap = capability(provider)
    low, high = cap.seed_range
    numbers = st.integers(
        min_value=-JSON_SAFE_INT if low is None else low,
        max_value=JSON_SAFE_INT if high is None else high,
    ).filter(lambda seed: seed not in cap.random_seeds)
    return st.none() | numbers


def canonical_requests(provider: str) -> st.SearchStrategy[CanonicalRequest]:
    """Canonical requests *provider* can represent; every offered value is reachable."""
    cap = capability(provider)
    low_images, high_images = cap.image_count
    low_duration, high_duration = cap.durations
    sizes = st.sampled_from(sorted(cap.sizes))
    return st.builds(
        lambda prompt, images, duration, size, amplitude, seed: CanonicalRequest(
            prompt=prompt,
            images=images,
            duration=duration,
            resolution=size[0],
            aspect_ratio=size[1],
            movement_amplitude=amplitude,
            seed=seed,
        ),
        _prompts(*cap.prompt_length),
        st.lists(image_urls(), min_size=low_images, max_size=high_images),
        st.integers(min_value=low_duration, max_value=high_duration),
        sizes,
        st.sampled_from(sorted(cap.amplitudes)),
        _seeds(provider),
    )
