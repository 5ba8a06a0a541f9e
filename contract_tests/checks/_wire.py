"""Checks on what the client sent: valid for the provider, and faithful to the request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from vidukit.canonical import same_prompt
from vidukit.contract_tests.canonical import FIELDS, Unrecoverable, from_wire
from vidukit.contract_tests.checks._context import CheckContext
from vidukit.contract_tests.checks._exchange import delivered, describe, is_submit
from vidukit.contract_tests.checks._registry import check


@check("requests-valid",
       "every request the client sent validates against the provider's schemas "
       "(the mock's journal verdicts), and none was refused as malformed or unauthorised")
def requests_valid(ctx: CheckContext) -> Iterator[str]:
    for entry in ctx.exchange:
        verdict = entry.get("validation")
        status = entry["response"]["status"]
        if verdict is not None and not verdict["valid"]:
            found = "; ".join(
                f"{v.get('path') or '/'}: [{v.get('rule')}] {v.get('message')}"
                for v in verdict["violations"]
            )
            yield f"{describe(entry)}: invalid request: {found}"
        elif verdict is None and 400 <= status < 500 and status != 429 and delivered(entry):
            yield f"{describe(entry)}: refused: {str(entry['response']['body'])[:300]}"


@check("request-faithful",
       "the submit carries the canonical request: prompt (with @N subject placeholders "
       "allowed where the provider has them), images, duration, resolution or size, aspect "
       "ratio, amplitude in the provider's words, seed")
def request_faithful(ctx: CheckContext) -> Iterator[str]:
    submits = [e for e in ctx.exchange
               if e["request"]["body"] is not None and is_submit(ctx.provider, e)]
    if not submits and not ctx.exchange and not ctx.run.cut_short:
        yield "the client sent no request at all for a request its provider can carry"
    for entry in submits:
        try:
            sent = from_wire(ctx.provider, entry["request"]["body"])
        except Unrecoverable as exc:
            yield f"{describe(entry)}: {exc}"
            continue
        got, asked = cast(Mapping[str, Any], sent), cast(Mapping[str, Any], ctx.request)
        for name in FIELDS:
            if name == "prompt" and same_prompt(ctx.provider, entry["request"]["body"],
                                                got[name], asked[name]):
                continue
            if got[name] != asked[name]:
                yield f"{describe(entry)}: {name}: sent {got[name]!r}, asked {asked[name]!r}"


__all__ = ["request_faithful", "requests_valid"]
