"""The money check: after the provider said the account cannot pay, the client stops.

It reads the mock's journal, where the ledger notes each submit it refused for want of
funds (``entry["ledger"]``: ``{"refused": "insufficient-funds", ...}``), so it needs no
provider's status or error name: each provider's own refusal (a 402, a 403 with a named
reason...) is written once, in its spec (``policies.billing``). The harness empties the key's
balance for one example (`vidukit.contract_tests.harness`), and any example where a
refusal struck is judged. An exception that escapes the adapter after the refusal is a
failure reported, if loudly: it is ``no-crash``'s business, not this check's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import describe, is_submit
from vidukit.contract_tests.checks._registry import check
from vidukit.mock_server.ledger import REFUSED


def refused_for_funds(entry: Mapping[str, Any]) -> bool:
    """The mock refused this request because the key's balance could not cover it."""
    return any(note.get("refused") == REFUSED for note in entry.get("ledger") or ())


@check("stops-when-broke",
       "after the provider's insufficient-funds answer (its own status and body: a 402, a 403 "
       "naming the balance...) the client reports failed and never resubmits as if it were "
       "transient")
def stops_when_broke(ctx: CheckContext) -> Iterator[str]:
    refusals = [i for i, e in enumerate(ctx.exchange) if refused_for_funds(e)]
    if not refusals:
        return
    first = ctx.exchange[refusals[0]]
    again = [e for e in ctx.exchange[refusals[0] + 1:] if is_submit(ctx.provider, e)]
    if again:
        yield (f"the client submitted {len(again)} more time(s) after {describe(first)} "
               f"said the account cannot pay (HTTP {first['response']['status']}); an "
               f"insufficient-funds answer is not transient: first retry {describe(again[0])}")
    run = ctx.run
    if run.cut_short:
        yield (f"the client had not returned {run.elapsed:.1f} s after {describe(first)} "
               "refused it for want of funds: it should report failed at once")
    elif run.returned and not (isinstance(run.result, Mapping)
                               and run.result.get("status") == "failed"):
        yield (f"the adapter returned {run.result!r:.200} after {describe(first)} refused the "
               "submit for want of funds: expected {'status': 'failed', 'error': ...}")


__all__ = ["refused_for_funds", "stops_when_broke"]
