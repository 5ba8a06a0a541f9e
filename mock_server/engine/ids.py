"""Seeded ids and per-request randomness, so a run can be replayed exactly.

Two sources, for two promises. Task ids come from one server-wide generator
seeded by the server seed: a fresh server with the same seed hands out the
same ids in the same order. Everything that decides how a task goes (timing
jitter, the generation seed it reports) comes from a generator seeded by the
server seed *and the request itself*, so the same request gives the same
outcome and timings whatever else the server has seen.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import uuid
from collections.abc import Callable
from typing import Any

import orjson


class Ids:
    """Ids from the seed and a sequence number.

    With a *counter* (the store's shared sequence, see `vidukit.mock_server.storage`)
    the n-th id is a hash of the seed and n: workers sharing a store, and a
    server restarted on a persistent one, never repeat an id. Without one, a
    seeded generator in the process.
    """

    def __init__(self, seed: int, counter: Callable[[], int] | None = None) -> None:
        self._seed = seed
        self._counter = counter
        self._random = random.Random(f"vidukit-ids:{seed}")

    def reset(self) -> None:
        """Restart the sequence (a counter restarts with the store that keeps it)."""
        self._random = random.Random(f"vidukit-ids:{self._seed}")

    def _bits(self, bits: int) -> int:
        if self._counter is None:
            return self._random.getrandbits(bits)
        return int.from_bytes(self._next_digest(), "big") >> (256 - bits)

    def _next_digest(self) -> bytes:
        """The hash of the seed and the counter's next number (a counter is set)."""
        assert self._counter is not None
        return hashlib.sha256(f"vidukit-ids:{self._seed}:{self._counter()}".encode()).digest()

    def hex(self, length: int = 32) -> str:
        """Lower-case hex, like WaveSpeed's prediction ids."""
        if self._counter is not None and length <= 64:
            # The digest's leading hex digits: the same id `_bits` would give, without
            # the trip through an integer (every submit draws one).
            return self._next_digest().hex()[:length]
        return f"{self._bits(length * 4):0{length}x}"

    def uuid4(self) -> str:
        """A version-4 UUID string, like Novita's and Vtrix's task ids."""
        return str(uuid.UUID(int=self._bits(128), version=4))


def canonical_json(value: Any) -> bytes:
    """One byte string per JSON value, whatever its key order or spacing.

    orjson's sorted compact form (every submit digests its body: the standard library
    took a twentieth of a submit); the library writes what orjson refuses, such as
    integers beyond 64 bits.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


def request_digest(seed: int, provider: str, request: Any) -> bytes:
    """32 bytes determined by the server seed, the provider and the request body."""
    return hashlib.sha256(f"{seed}:{provider}:".encode() + canonical_json(request)).digest()


def unit(digest: bytes, slot: int) -> float:
    """The *slot*-th (0-3) uniform draw in [0, 1) from a request digest.

    Cheaper than seeding a ``random.Random`` (about 6 us) on the submit path;
    `request_random` is there when a caller needs more than four draws.
    """
    return int.from_bytes(digest[slot * 8 : slot * 8 + 8], "big") / 2.0**64


_TWO_DRAWS = struct.Struct(">QQ")


def first_units(digest: bytes) -> tuple[float, float]:
    """`unit` of slots 0 and 1 at once: every submit draws both."""
    first, second = _TWO_DRAWS.unpack_from(digest)
    return first / 2.0**64, second / 2.0**64


def request_random(seed: int, provider: str, request: Any) -> random.Random:
    """A generator determined by the server seed, the provider and the request body."""
    return random.Random(int.from_bytes(request_digest(seed, provider, request), "big"))


__all__ = ["Ids", "canonical_json", "first_units", "request_digest", "request_random", "unit"]
