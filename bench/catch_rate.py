"""The broken clients' catch rate, per provider, and how long the whole set takes.

Run from the repository root:

    python bench/catch_rate.py [--provider P ...] [--seed S]

Each broken client of `examples.broken` (an example client with one bug) is
verified with `verify_client` as `tests/contract/test_broken_clients.py` does
it: a fixed seed, a few examples, the options the client declares. Prints the
Markdown tables of docs/guide/verify.md (caught/total per provider, then each client with the
check that must catch it and the checks that broke) and the total time; exit 1
when any broken client was missed. Same as ``python -m examples.broken``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/ is not installed

from examples.broken.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
