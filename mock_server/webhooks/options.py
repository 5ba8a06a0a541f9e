"""Per-task delivery quirks, in one text form (``X-Mock-Webhook`` and the admin API).

A comma-separated list of::

    duplicate[=N]        after the first successful delivery, send the same event N more
                         times (same body, same webhook-id): N defaults to 1
    delay=S              the first attempt waits S seconds (mock clock) after the task ends
    out-of-order[=S]     hold this callback back until another task's callback to the same
                         URL has gone out, then send it right after; if none comes within
                         S seconds (default 60), send it anyway
    bad-signature        a provider that signs (its spec's ``signing``) only: sign with the
                         wrong key, so verification fails
    lost                 accept the callback URL and never call it: the journal shows the
                         delivery as ``lost``, with no attempt (a provider that dropped it)

e.g. ``X-Mock-Webhook: duplicate,delay=30,bad-signature``. No provider calls
back before a task ends, so "out of order" is between tasks (a later task's
callback overtakes an earlier one), never a stale state. A callback that comes
only after the client would have given up is ``delay=S`` with S past the
client's deadline (the ``webhook-late`` scenario: 900 s by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

OPTIONS_HELP = (
    "expected a comma-separated list of: duplicate[=N], delay=S, out-of-order[=S], "
    "bad-signature, lost (N: 1-10 copies, S: seconds 0-86400)"
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
    #: The callback URL is taken and never called (a lost webhook).
    lost: bool = False

    @classmethod
    def parse(cls, text: str) -> WebhookOptions:
        """Read the text form; `ValueError` naming the bad item and the grammar otherwise."""
        duplicates, delay, hold, bad, lost = 0, 0.0, None, False, False
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
                elif name == "lost" and not sep:
                    lost = True
                else:
                    raise ValueError(item)
            except ValueError:
                raise ValueError(f"bad webhook option {item!r}: {OPTIONS_HELP}") from None
        return cls(duplicates, delay, hold, bad, lost)

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
        if self.lost:
            parts.append("lost")
        return ",".join(parts)

    def merged(self, other: WebhookOptions) -> WebhookOptions:
        """These options with *other*'s quirks added (a scenario's or a drift profile's on
        top of the request's): flags join, the longer delay and hold and more copies win."""
        hold = self.hold if other.hold is None else max(self.hold or 0.0, other.hold)
        return WebhookOptions(
            duplicates=max(self.duplicates, other.duplicates),
            delay=max(self.delay, other.delay),
            hold=hold,
            bad_signature=self.bad_signature or other.bad_signature,
            lost=self.lost or other.lost,
        )


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or not 0.0 <= value <= _MAX_SECONDS:
        raise ValueError(text)
    return round(value, 3)


__all__ = ["DEFAULT_HOLD_SECONDS", "OPTIONS_HELP", "WebhookOptions"]
