"""`LedgerCalls`: the paid calls of one vendor for one asset, as the spend ledger holds them.

What belongs here: the life of one paid call in the ledger, shared by every stage that pays a vendor
(`PaidCalls` for Explorium, `ClaudeSpend` for Claude). A call is written before it is sent (`open`, holding
its most), settled from its answer, and, when its answer was lost (the run stopped, an attempt went
unanswered and was sent again, the call failed after the vendor may have billed it), reconciled from the
vendor's own account: before the first call, right after such a call, and again as the other calls of the
run settle while a reconciliation waits for them. What a call costs and how it is sent are the caller's;
the arithmetic of reconciliation is `SpendLedger.reconcile`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from resources.errors import VendorError
from resources.pipeline_store.spend import BilledBetween, SpendLedger

log = logging.getLogger(__name__)

#: Settles an open call from its answer: `SpendLedger.settle`'s amounts (credits, units, tokens, cost).
Settle = Callable[..., None]


class LedgerCalls:
    """Paid calls of one vendor in one partition and asset. `billed` reads the vendor's account (None: it
    cannot be read, and lost calls stay at their most); `unanswered` counts the client's attempts that got
    no answer so far."""

    def __init__(
        self,
        ledger: SpendLedger,
        vendor: str,
        *,
        partition: str | None,
        asset: str | None,
        run_id: str | None,
        billed: BilledBetween | None,
        unanswered: Callable[[], int],
    ) -> None:
        self.ledger, self.vendor = ledger, vendor
        self.partition, self.asset, self.run_id = partition, asset, run_id
        self.billed, self.unanswered = billed, unanswered
        #: What reconciliation added, per measure (credits, tokens_in, tokens_out), over this object's life.
        self.reconciled: dict[str, float] = {}
        self._reconciled = False
        # A reconciliation that had to wait (other calls of this run were in flight) is tried again as each
        # of them settles: the last one to settle does it.
        self._owed = False

    @contextmanager
    def call(
        self,
        endpoint: str,
        *,
        units: int,
        estimate: float = 0.0,
        estimate_in: int = 0,
        estimate_out: int = 0,
        budget: float | None = None,
    ) -> Iterator[Settle]:
        """Write a call before it is sent; the function yielded settles it from the answer. A call that
        raised before it was settled, or was answered only after an unanswered attempt, is left unsure and
        reconciled at once. With `budget`, the call is reserved against it (`SpendLedger.open` raises
        `OverBudget`, and nothing is written, when it does not fit)."""
        self.reconcile()
        row = self.ledger.open(
            self.vendor,
            endpoint,
            estimate=estimate,
            estimate_in=estimate_in,
            estimate_out=estimate_out,
            units=units,
            partition=self.partition,
            asset=self.asset,
            run_id=self.run_id,
            budget=budget,
        )
        # The client counts unanswered attempts over all threads: with calls in parallel, a neighbour's lost
        # attempt can mark this row unsure too. Reconciliation still makes the total exact.
        before = self.unanswered()
        settled = False

        def lost() -> int:
            return self.unanswered() - before

        def settle(**amounts: Any) -> None:
            nonlocal settled
            self.ledger.settle(row, lost=lost(), **amounts)
            settled = True

        try:
            yield settle
        except BaseException:
            if not settled:
                # What was billed before the failure (pages answered, attempts unanswered) is the vendor's
                # to say: the row stays unsure, at most its estimate, until its account is read.
                self.ledger.settle(row, credits=0.0, units=0, lost=max(1, lost()))
            self._reconcile_now()
            raise
        if lost() or self._owed:
            self._reconcile_now()

    def reconcile(self) -> None:
        """Settle this vendor's calls whose answers were lost (any run) from its account, once per
        `LedgerCalls`, before its first call."""
        if not self._reconciled:
            self._reconciled = True
            self._reconcile_now()

    def _reconcile_now(self) -> None:
        if self.billed is None:
            return
        try:
            found = self.ledger.reconcile(self.vendor, self.billed)
        except VendorError as exc:
            # The account cannot be read now (an outage, a refused key): the rows stay, the next run tries.
            log.warning("%s: spend not reconciled this time (%s)", self.vendor, exc)
            return
        self._owed = found.waiting
        for measure, amount in found.attributed.items():
            self.reconciled[measure] = self.reconciled.get(measure, 0.0) + amount
        if found.rows:
            log.info(
                "%s: %d calls whose answers were lost reconciled from the vendor's account: %s",
                self.vendor,
                found.rows,
                ", ".join(f"{amount:g} {measure}" for measure, amount in found.attributed.items()),
            )
