"""Vtrix's own named checks."""

from __future__ import annotations

from collections.abc import Iterator

from vidukit.rules._payload import Payload
from vidukit.rules.registry import Finding, rule

DOC = "https://doc.vtrix.ai/docs/api/vidu/viduq2-pro-reference2video (source document 001)"


@rule("off-peak-unavailable", severity="warning", provider="vtrix",
      source=f"{DOC} (off_peak: 'Note: Temporarily unavailable')")
def off_peak_unavailable(payload: Payload) -> Iterator[Finding]:
    """off_peak true asks for a mode the document calls temporarily unavailable."""
    for path, fields in payload.fields:
        if fields.get("off_peak") is True:
            yield f"{path}/off_peak", "off_peak is 'temporarily unavailable' on Vtrix"
