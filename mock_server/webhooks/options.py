"""Per-task delivery quirks, in one text form (``X-Mock-Webhook`` and the admin API).

A comma-separated list of::

    duplicate[=N]        after the first successful delivery, send the same event N more
                         times (same body, same webhook-id): N defaults to 1
    delay=S              the first attempt waits S seconds (mock clock) after the task ends
    out-of-order[=S]     hold this callback back until another task's callback to the same
                         URL has gone out, then send it right after; if none comes within
                         S seconds (default 60), send it anyway
    bad-signature        WaveSpeed only: sign with the wrong key, so verification fails

e.g. ``X-Mock-Webhook: duplicate,delay=30,bad-signature``. None of the five
providers calls back before a task ends, so "out of order" is between tasks
(a later task's callback overtakes an earlier one), never a stale state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

OPTIONS_HELP = (
    "expected a comma-separated list of: duplicate[=N], delay=S, out-of-order[=S], "
    "bad-signature (N: 1-10 copies, S: seconds 0-86400)"
)
DEFAULT_HOLD_SECONDS = 60.0
_MAX_SECONDS = 86_400.0
_MAX_COPIES = 10


@dataclass(frozen=True, slots=True)
class WebhookOptions:
    duplicates: int = 0
    delay: float = 0.0
    hold: float | None = None
    bad_signature: bool = False

    @classmethod
    def parse(cls, text: str) -> WebhookOptions:
        """Read the text form; `ValueError` naming the bad item and the grammar otherwise."""
        duplicates, delay, hold, bad = 0, 0.0, None, False
        for item in (part.strip().lower() for part in text.split(",")):
            if not item:
                continue
            name, sep, value = (p.strip() for p in item.partition("="))
            try:
                if name == "duplicate":
                    duplicates = int(value) if sep else 1
                    if not 1 <= duplicates <= _MAX_COPIES:
                        raise ValueError(value)
                elif name == "delay" and sep:
                    delay = _seconds(value)
                elif name == "out-of-order":
                    hold = _seconds(value) if sep else DEFAULT_HOLD_SECONDS
                elif name == "bad-signature" and not sep:
                    bad = True
                else:
                    raise ValueError(item)
            except ValueError:
                raise ValueError(f"bad webhook option {item!r}: {OPTIONS_HELP}") from None
        return cls(duplicates, delay, hold, bad)

    def spec(self) -> str:
        """The text form `parse` reads back to an equal value ("" for no quirk)."""
        parts = []
        if self.duplicates:
            parts.append("duplicate" if self.duplicates == 1 else f"duplicate={self.duplicates}")
        if self.delay:
            parts.append(f"delay={self.delay:g}")
        if self.hold == DEFAULT_HOLD_SECONDS:
            parts.append("out-of-order")
        elif self.hold is not None:
            parts.append(f"out-of-order={self.hold:g}")
        if self.bad_signature:
            parts.append("bad-signature")
        return ",".join(parts)


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0.0 <= value <= _MAX_SECONDS:
        raise ValueError(text)
    return round(value, 3)


__all__ = ["DEFAULT_HOLD_SECONDS", "OPTIONS_HELP", "WebhookOptions"]
