"""Reading a balance as people write it: ``KEY=AMOUNT`` on the command line, a number or a
decimal string in a scenario file or the admin API. One clear line when it is wrong."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

BALANCE_HELP = "expected KEY=AMOUNT, an API key and a number >= 0 (e.g. sk-test=5 or sk-test=0.25)"


def parse_amount(value: Any, where: str = "balance") -> Decimal:
    """A finite amount >= 0 from a number or a decimal string; `ValueError` naming *where*."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{where}: expected a number >= 0, got {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where}: expected a number >= 0, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{where}: expected a number >= 0, got {value!r}")
    return amount


def parse_balance(text: str) -> tuple[str, Decimal]:
    """``KEY=AMOUNT`` -> (key, amount); `ValueError` with the expected form otherwise."""
    key, sep, raw = text.rpartition("=")
    if not sep or not key.strip() or not raw.strip():
        raise ValueError(f"bad balance {text!r}: {BALANCE_HELP}")
    try:
        return key.strip(), parse_amount(raw)
    except ValueError:
        raise ValueError(f"bad balance {text!r}: {BALANCE_HELP}") from None


def parse_balances(items: Any, where: str = "balances") -> dict[str, Decimal]:
    """A scenario file's ``balances:``: a mapping of API key -> amount."""
    if not isinstance(items, dict):
        raise ValueError(f"{where}: expected a mapping of API key to amount (sk-test: 5)")
    found: dict[str, Decimal] = {}
    for key, value in items.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{where}: every key must be a non-empty API key, got {key!r}")
        found[key] = parse_amount(value, f"{where} (a key's amount)")
    return found


__all__ = ["BALANCE_HELP", "parse_amount", "parse_balance", "parse_balances"]
