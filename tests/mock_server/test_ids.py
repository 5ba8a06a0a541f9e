"""Seeded ids and per-request draws: the values the documented construction gives."""

from __future__ import annotations

import hashlib
import itertools

from hypothesis import given
from hypothesis import strategies as st

from vidukit.mock_server.engine.ids import Ids, first_units, unit


@given(st.binary(min_size=32, max_size=32))
def test_the_first_two_draws_are_the_digests_leading_words_over_two_to_the_64(
    digest: bytes,
) -> None:
    expected = tuple(int.from_bytes(digest[i:i + 8], "big") / 2**64 for i in (0, 8))
    assert first_units(digest) == expected
    assert (unit(digest, 0), unit(digest, 1)) == expected


@given(st.integers(0, 2**32), st.integers(0, 10**6), st.sampled_from([8, 16, 32, 64]))
def test_a_counted_id_is_the_leading_hex_of_the_seed_and_number_hash(
    seed: int, start: int, length: int
) -> None:
    numbers = itertools.count(start)
    ids = Ids(seed, lambda: next(numbers))
    for n in range(start, start + 3):
        digest = hashlib.sha256(f"vidukit-ids:{seed}:{n}".encode()).hexdigest()
        assert ids.hex(length) == digest[:length]
