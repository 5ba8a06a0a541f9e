"""Median microseconds to validate a typical submit request, per provider.

Run from the repository root:

    python bench/validate_speed.py [--samples 300] [--batch 50]

The typical valid request is the provider's first documented example
(``fixtures/<p>/submit-request/valid/doc-*.json``), or a curl example with its
placeholders filled, or the minimal fixture where a document shows no body;
all use URL images. The typical invalid request is the provider's
``duration.maximum`` fixture (one field out of range).

Each figure is the median over ``--samples`` samples of the mean time of
``--batch`` back-to-back calls (``time.perf_counter_ns``), after a warm-up
that also builds and caches the validators. Columns:

- ``is_valid``: the public hot path (compiled schema, then error-severity
  named checks that stop at their first finding);
- ``validate``: the full report (every violation, warnings, rule ids, sources);
- ``schema only``: the compiled `jsonschema_rs` validator alone, for scale.

The target (issue 2) is ``is_valid`` of a typical valid request at most 20 us.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vidukit import is_valid, validate
from vidukit.catalogue import catalogue, data_root
from vidukit.validation import validator

MESSAGE = "submit-request"
TARGET_US = 20.0
#: Fallbacks, in order, when a provider's documents show no complete body.
TYPICAL_FALLBACKS = ("curl-example-placeholders-filled", "doc-curl-placeholders-filled",
                     "minimal")


def typical_valid(provider: str) -> Path:
    folder = data_root("fixtures") / provider / MESSAGE / "valid"
    docs = sorted(p for p in folder.glob("doc-*.json") if "curl-example" not in p.stem)
    if docs:
        return docs[0]
    for stem in TYPICAL_FALLBACKS:
        if (folder / f"{stem}.json").is_file():
            return folder / f"{stem}.json"
    raise SystemExit(f"no typical valid fixture for {provider}")


def typical_invalid(provider: str) -> Path:
    folder = data_root("fixtures") / provider / MESSAGE / "invalid"
    found = sorted(folder.glob("*duration.maximum.json"))
    if not found:
        raise SystemExit(f"no duration.maximum fixture for {provider}")
    return found[0]


def median_us(call: Callable[[], Any], samples: int, batch: int) -> float:
    for _ in range(batch * 5):
        call()
    means = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(batch):
            call()
        means.append((time.perf_counter_ns() - start) / batch)
    return statistics.median(means) / 1000


def measure(provider: str, path: Path, samples: int, batch: int) -> tuple[float, float, float]:
    body = json.loads(path.read_text(encoding="utf-8"))
    fast = validator(provider, MESSAGE).fast
    return (
        median_us(lambda: is_valid(provider, MESSAGE, body), samples, batch),
        median_us(lambda: validate(provider, MESSAGE, body), samples, batch),
        median_us(lambda: fast.is_valid(body), samples, batch),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args(argv)
    cat = catalogue()
    providers = [p for p in cat.providers() if MESSAGE in cat.messages(p)]
    print(f"Python {platform.python_version()} on {platform.machine()}; median of "
          f"{args.samples} samples x {args.batch} calls\n")
    print("| provider | request | fixture | is_valid (us) | validate (us) | schema only (us) |")
    print("|---|---|---|---:|---:|---:|")
    worst = 0.0
    for provider in providers:
        for kind, path in (("valid", typical_valid(provider)),
                           ("invalid", typical_invalid(provider))):
            fast_us, full_us, schema_us = measure(provider, path, args.samples, args.batch)
            if kind == "valid":
                worst = max(worst, fast_us)
            print(f"| {provider} | {kind} | `{path.name}` | {fast_us:.1f} | {full_us:.1f} "
                  f"| {schema_us:.1f} |")
    verdict = "meets" if worst <= TARGET_US else "MISSES"
    print(f"\nSlowest typical valid request via is_valid: {worst:.1f} us ({verdict} the "
          f"{TARGET_US:.0f} us target).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
