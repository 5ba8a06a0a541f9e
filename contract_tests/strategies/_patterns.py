"""Strings for a ``pattern``: dedicated strategies for the patterns that name media or URLs.

Any other pattern goes to ``hypothesis.strategies.from_regex(..., fullmatch=True)``
(fullmatch, because a bare ``$`` in Python also matches before a final newline
and the provider-side regex engines do not). The table is keyed by the exact
pattern text: an edited pattern falls back to ``from_regex``, and if that
cannot meet the named media checks the generator tests say so. A test also
checks that every key still occurs in the catalogue, so stale entries go.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from hypothesis import strategies as st

from vidukit.contract_tests.strategies import _media

IMAGE_REF = r"^(?:https?://[^\s]+$|data:[A-Za-z]+/[A-Za-z0-9.+-]+(?:;[A-Za-z0-9=.+-]+)*,)"
VIDEO_REF = r"^(?:https?://[^\s]+$|data:video/[A-Za-z0-9.+-]+(?:;[A-Za-z0-9=.+-]+)*,)"
HTTP_URL = r"^https?://[^\s]+$"
HTTP_URL_SHORT = r"^https?://\S+$"
PREDICTION_URL = r"^https?://[^\s/]+(?:/[^\s/]+)*/api/v3/predictions/[^\s/]+(?:/result)?$"

#: pattern text -> strategy factory; see `_media` for why each exists.
KNOWN: Mapping[str, Callable[[], st.SearchStrategy[str]]] = {
    IMAGE_REF: _media.image_refs,
    VIDEO_REF: _media.video_refs,
    HTTP_URL: _media.urls,
    HTTP_URL_SHORT: _media.urls,
    PREDICTION_URL: _media.prediction_urls,
}


@cache
def strings_matching(pattern: str) -> st.SearchStrategy[str]:
    factory = KNOWN.get(pattern)
    if factory is not None:
        return factory()
    return st.from_regex(pattern, fullmatch=True)
