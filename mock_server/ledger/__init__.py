"""The ledger: what each task cost its key, what a key may still spend, what was paid for
and never collected.

Charging
    A task is charged when it is created (an engine ``before_create`` check, after the
    quota check, so a refused submit costs nothing), at its provider's price table
    (``policies.price_table``, in ``policies.billing.unit``) for the resolution and
    seconds its backend keeps in ``task.meta``, times its ``numberResults``. A provider
    without a price charges nothing (the amount is null). A failed task stays charged:
    none of the providers documents refunding one, and the mock does not invent it.

Balances
    Unlimited unless set (``vidukit serve --balance KEY=AMOUNT``, a scenario file's
    ``balances:``, ``PUT /_mock/balances``), so no suite meets a surprise. A balance is
    per key and per provider, in that provider's unit. A task the balance cannot cover is
    refused with `InsufficientFunds`, the provider's own answer (``policies.billing``:
    status and, where its body names errors, the name); nothing is stored or charged. A
    task of unknown price needs a balance above zero, so a balance of 0 stops every
    provider's submits.

Collected
    A succeeded task is collected once its output was fetched (``GET /_mock/media/...``)
    or a callback for it was acknowledged (a 2xx); until then it is "paid, not collected".

Storage
    In the task store (`vidukit.mock_server.storage`), so instances sharing a store share
    the ledger and a Redis or SQLite store keeps it across restarts: a task's charge and
    whether its output was fetched in its own ``meta["ledger"]`` (kept, frozen and dropped
    with the task: a million tasks cost no extra record each, and ``--max-tasks`` bounds
    the ledger too), balances in the record space ``balances`` (the amount set, per
    provider and key) and the number ``balance:<provider>:<owner>`` (what is left,
    debited atomically). A reset forgets it with the tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache
from typing import Any

from vidukit.mock_server.clock import iso_ms
from vidukit.mock_server.engine import SUCCEEDED, Engine
from vidukit.mock_server.errors import FaultStatus
from vidukit.mock_server.http import key_owner
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.tasks import Task
from vidukit.providers import specs

#: The key of a task's ``meta`` holding its charge: ``{"amount", "unit", "fetched"}``.
LEDGER = "ledger"
BALANCES = "balances"
#: What a journal entry's ``ledger`` notes say of a refused submit.
REFUSED = "insufficient-funds"
#: Float slack on balances (they are kept as store numbers, which add atomically).
_EPSILON = 1e-9

#: The notes of the request in flight (the provider endpoint sets a list; the journal
#: entry shows it): each charge and each refusal the request caused.
NOTES: ContextVar[list[dict[str, Any]] | None] = ContextVar("vidukit_ledger_notes", default=None)


class InsufficientFunds(FaultStatus):
    """A submit the key's balance cannot cover: the provider's documented refusal.

    A `FaultStatus`, so every provider's renderer keeps the status as it is and puts
    ``reason`` where its body names its errors.
    """

    def __init__(self, provider: str, price: Decimal | None, left: float, unit: str) -> None:
        billing = specs()[provider].policies.billing
        cost = "a task of unknown price" if price is None else f"{price} {unit}"
        super().__init__(
            billing.status,
            f"insufficient balance: this task costs {cost}, the balance is {_amount(left)} {unit}",
            reason=billing.reason,
        )


def task_price(task: Task) -> Decimal | None:
    """What *task* costs in its provider's unit; None where no price is known."""
    return _price_of(task.meta, _terms(task.provider)[0])


#: provider -> its price table and unit: a spec never changes once discovered, and every
#: submit asks.
_TERMS: dict[str, tuple[Mapping[str, Decimal] | None, str]] = {}


def _terms(provider: str) -> tuple[Mapping[str, Decimal] | None, str]:
    """*provider*'s price table (None: unknown prices) and the unit it bills in."""
    known = _TERMS.get(provider)
    if known is None:
        found = specs().get(provider)
        if found is None:  # not remembered: only discovered providers are
            return None, "USD"
        known = _TERMS[provider] = (found.policies.price_table, found.policies.billing.unit)
    return known


def _price_of(meta: Mapping[str, Any], table: Mapping[str, Decimal] | None) -> Decimal | None:
    resolution, seconds = meta.get("resolution"), meta.get("duration_seconds")
    if table is None or not isinstance(resolution, str) or resolution not in table:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return None
    results = meta.get("numberResults", 1)
    count = results if isinstance(results, int) and results > 0 else 1
    return _price(table[resolution], str(seconds), count)


@lru_cache(maxsize=1024)  # a handful of shapes repeat on every submit
def _price(per_second: Decimal, seconds: str, count: int) -> Decimal:
    return per_second * Decimal(seconds) * count


def unit_of(provider: str) -> str:
    return _terms(provider)[1]


def _amount(value: float | Decimal) -> str:
    """A balance or price as text: up to nine decimals, no float noise."""
    text = f"{Decimal(str(round(float(value), 9))):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(provider: str, owner: str) -> str:
    return f"balance:{provider}:{owner}"


def _note(note: dict[str, Any]) -> None:
    notes = NOTES.get()
    if notes is not None:
        notes.append(note)


class Ledger:
    """One server's ledger, hooked on its engine when built (see the module docstring)."""

    def __init__(
        self,
        *,
        engine: Engine,
        store: TaskStore,
        providers: Iterable[str],
        balances: Mapping[str, Decimal] | None = None,
    ) -> None:
        self.store = store
        self.providers = tuple(providers)
        self._initial = dict(balances or {})
        engine.before_create(self.charge)
        self._apply_initial()

    def _apply_initial(self) -> None:
        """The configured balances, unless the store already holds them (a restart on a
        persistent store keeps what was spent since)."""
        for key, amount in self._initial.items():
            owner = key_owner(key)
            for pid in self.providers:
                record = self.store.get_record(BALANCES, f"{pid}:{owner}")
                if record is None or record.get("set") != str(amount):
                    self.set_balance(owner, amount, pid)

    def reset(self) -> None:
        """After the store was cleared: the balances the server started with, again."""
        self._apply_initial()

    # -- balances ----------------------------------------------------------------------

    def set_balance(self, owner: str, amount: Decimal | None,
                    provider: str | None = None) -> None:
        """Give *owner* a balance (every provider's, or *provider*'s); None: unlimited."""
        for pid in (provider,) if provider is not None else self.providers:
            name = _number(pid, owner)
            current = self.store.read_number(name)
            if amount is None:
                self.store.pop_record(BALANCES, f"{pid}:{owner}")
                self.store.add_number(name, -current)
                continue
            self.store.put_record(BALANCES, f"{pid}:{owner}",
                                  {"provider": pid, "owner": owner, "set": str(amount)})
            self.store.add_number(name, float(amount) - current)

    def balances(self) -> list[dict[str, Any]]:
        """Every balance set: provider, owner, the amount set, what is left, the unit."""
        return [
            {**record, "left": _amount(self.store.read_number(_number(record["provider"],
                                                                       record["owner"]))),
             "unit": unit_of(record["provider"])}
            for _, record in self.store.records(BALANCES)
        ]

    # -- charging ----------------------------------------------------------------------

    def charge(self, task: Task) -> None:
        """The engine's check before *task* is stored: refuse it, or charge it."""
        table, unit = _terms(task.provider)
        price = _price_of(task.meta, table)
        if self.store.get_record(BALANCES, f"{task.provider}:{task.owner}") is not None:
            name = _number(task.provider, task.owner)
            if price is None:
                left = self.store.read_number(name)
                if left <= _EPSILON:
                    self._refuse(task, price, left, unit)
            else:
                left = self.store.add_number(name, -float(price))
                if left < -_EPSILON:
                    left = self.store.add_number(name, float(price))
                    self._refuse(task, price, left, unit)
        amount = None if price is None else str(price)
        task.meta[LEDGER] = {"amount": amount, "unit": unit, "fetched": False}  # stored next
        _note({"task": task.id, "charged": amount, "unit": unit})

    def _refuse(self, task: Task, price: Decimal | None, left: float, unit: str) -> None:
        _note({"refused": REFUSED, "price": None if price is None else str(price),
               "balance": _amount(left), "unit": unit})
        raise InsufficientFunds(task.provider, price, left, unit)

    def fetched(self, task: Task) -> None:
        """*task*'s output was served: it is collected."""
        charge = task.meta.get(LEDGER)
        if isinstance(charge, dict) and not charge.get("fetched"):
            task.meta[LEDGER] = {**charge, "fetched": True}
            self.store.put(task)


def entries(tasks: Iterable[Task], acknowledged: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Each charged task among *tasks* (as they are now), and whether it was collected.

    *acknowledged* says whether a callback for a task was answered 2xx.
    """
    rows = []
    for task in tasks:
        charge = task.meta.get(LEDGER)
        if not isinstance(charge, dict):
            continue
        acked = acknowledged(task.id)
        fetched = bool(charge.get("fetched"))
        rows.append({
            "task": task.id,
            "provider": task.provider,
            "owner": task.owner,
            "amount": charge.get("amount"),
            "unit": charge.get("unit"),
            "charged_at": iso_ms(task.created_at),
            "state": task.state,
            "fetched": fetched,
            "acknowledged": acked,
            "paid_not_collected": task.state == SUCCEEDED and not (fetched or acked),
        })
    return rows


def spend(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Spend per key and provider: total, task count, paid-not-collected count and amount."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        row = totals.setdefault((entry["provider"], entry["owner"]), {
            "provider": entry["provider"], "owner": entry["owner"], "unit": entry["unit"],
            "tasks": 0, "spent": Decimal(0), "unpriced_tasks": 0,
            "paid_not_collected": 0, "not_collected_amount": Decimal(0)})
        row["tasks"] += 1
        amount = Decimal(entry["amount"]) if entry["amount"] is not None else None
        if amount is None:
            row["unpriced_tasks"] += 1
        else:
            row["spent"] += amount
        if entry["paid_not_collected"]:
            row["paid_not_collected"] += 1
            row["not_collected_amount"] += amount or 0
    return [{**row, "spent": str(row["spent"]),
             "not_collected_amount": str(row["not_collected_amount"])}
            for row in totals.values()]


__all__ = [
    "BALANCES",
    "LEDGER",
    "NOTES",
    "REFUSED",
    "InsufficientFunds",
    "Ledger",
    "entries",
    "spend",
    "task_price",
    "unit_of",
]
