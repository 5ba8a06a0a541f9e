"""``python -m examples.broken [--provider P] [--seed S]``: verify every broken client, print the
catch rate (Markdown, as in docs/guide/verify.md) and how long it took."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from examples.broken import BROKEN, catch, catch_rate
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
    print(catch_rate(catches))
    print(f"\n{len(catches)} broken client(s) in {time.perf_counter() - started:.1f} s, "
          f"seed {args.seed}")
    return 0 if all(c.caught for c in catches) else 1


if __name__ == "__main__":
    sys.exit(main())
