"""The Claude budget of a partition's copy (`CopySettings.daily_budget_usd`): no call is sent that could take
the partition's copy spend past it.

What belongs here: `call_cost_bound`, the most one Messages request can cost; `BudgetGate`, which lets a
call go only when what was spent, plus the most every call in flight can cost, plus its own most, stays
within the budget, and counts each call at its real cost once answered; and `split_by_budget`, which picks
the leads a Message Batch can pay for before it is sent (a batch is paid as a whole, so its leads are
counted at their bounds). What the partition spent before the run is the spend ledger's
(`SpendLedger.spent_usd` over this asset's uncached rows).

Why a bound: the cost of an answer is known only after it is paid, and a budget must not be passed. The
bound takes the request's bytes as input tokens (no tokenizer makes more tokens than the text has bytes) at
the dearest input rate (a cache write) and `max_tokens` of output. Messages calls are gated one by one, so
the budget is used up to about one call's bound; a batch's leads are counted at their bounds, several times
what copy really costs, so a budget that stops a batch short holds leads that would have fit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from resources.claude.pricing import price_for

#: Message Batches bill at half price.
BATCH_DISCOUNT = 0.5
#: `hold_reason` of a lead the budget stopped (the partition's figures follow it).
OVER_BUDGET = "the partition's Claude budget would be passed"
T = TypeVar("T")


def call_cost_bound(params: Mapping[str, Any], *, via_batch: bool = False) -> float:
    """The most a Messages request (`ClaudeClient.message_params`) can cost in USD."""
    price = price_for(str(params["model"]))
    dearest_input = max(price.input, price.cache_write_5m, price.cache_write_1h)
    request_bytes = len(json.dumps(params, default=str).encode())
    dollars = (request_bytes * dearest_input + int(params["max_tokens"]) * price.output) / 1_000_000
    return dollars * (BATCH_DISCOUNT if via_batch else 1.0)


class BudgetGate:
    """The budget of one asset run, spent call by call (thread-safe: the writer sends on a few threads).
    Without a budget every call goes."""

    def __init__(self, budget: float | None, spent: float) -> None:
        self.budget, self.spent = budget, spent
        self.reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, bound: float) -> bool:
        """Hold `bound` for a call about to be sent; False (and nothing held) if it could pass the budget."""
        with self._lock:
            if self.budget is not None and self.spent + self.reserved + bound > self.budget + 1e-12:
                return False
            self.reserved += bound
            return True

    def settle(self, bound: float, cost: float) -> None:
        """A held call is over: its real cost replaces what was held (a call that failed without an answer
        may still have been billed, so it is counted at its bound)."""
        with self._lock:
            self.reserved -= bound
            self.spent += cost

    def add(self, cost: float) -> None:
        """Spend that was paid outside the gate (a batch's answers)."""
        with self._lock:
            self.spent += cost

    def reason(self) -> str:
        with self._lock:
            return f"{OVER_BUDGET} (${self.budget:g}; ${self.spent:.4f} spent): not written, not enrolled"


def split_by_budget(items: Sequence[T], bounds: Sequence[float], left: float) -> tuple[list[T], list[T]]:
    """The items, in order, whose bounds fit in `left` dollars, and the rest (everything from the first that
    does not fit: the order is the leads' preference, and a later, cheaper lead does not jump it)."""
    kept: list[T] = []
    for position, (item, bound) in enumerate(zip(items, bounds, strict=True)):
        if bound > left + 1e-12:
            return kept, list(items[position:])
        kept.append(item)
        left -= bound
    return kept, []
