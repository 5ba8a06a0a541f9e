"""``python -m examples.broken [--provider P] [--seed S]``: verify every broken client, print the
catch rate (Markdown, as in docs/guide/verify.md), whether every correct variant passed, and
how long it took."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from examples.broken import BROKEN, CORRECT, catch, catch_rate, judge
from examples.broken._catch import SEED


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provider", action="append", default=None,
                        help="only this provider's broken clients (repeatable)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    chosen = [b for b in BROKEN if args.provider is None or b.provider in args.provider]
    started = time.perf_counter()
    catches = []
    for broken in chosen:
        one = time.perf_counter()
        found = catch(broken, seed=args.seed)
        catches.append(found)
        verdict = "caught" if found.caught else "MISSED"
        print(f"{broken.name}: {verdict} by {', '.join(found.report.failed_checks) or 'nothing'}"
              f" ({time.perf_counter() - one:.1f} s)", file=sys.stderr)
    judged = []
    for variant in [c for c in CORRECT if args.provider is None or c.provider in args.provider]:
        one = time.perf_counter()
        report = judge(variant, seed=args.seed)
        judged.append((variant, report))
        verdict = "passed" if report.passed else f"FALSE ALARM: {', '.join(report.failed_checks)}"
        print(f"{variant.name} (correct): {verdict} ({time.perf_counter() - one:.1f} s)",
              file=sys.stderr)
    print(catch_rate(catches, judged))
    print(f"\n{len(catches)} broken and {len(judged)} correct client(s) in "
          f"{time.perf_counter() - started:.1f} s, seed {args.seed}")
    return 0 if all(c.caught for c in catches) and all(r.passed for _, r in judged) else 1


if __name__ == "__main__":
    sys.exit(main())
