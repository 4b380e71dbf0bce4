"""Paying for vendor data at most once, and never past the day's budget.

What belongs here: `PaidCalls`, the one path through which the stages buy vendor data (outbound discovery,
contacts and re-verification, inbound enrichment). It looks results up in the durable cache (by input, 30
days by default), asks the vendor only for what is missing and still affordable under the profile's daily
budget, caches what came back, and records every paid call and every cache hit (as credits saved) in the
spend ledger under the run's partition. Before buying, the items are claimed in the store: a second run of
the same partition at the same time (two runs launched by hand, a sensor and a schedule) waits for the
first run's answer instead of buying the same items again, and takes over claims a stopped run left behind
once they are older than `claim_ttl`. The vendor calls themselves are passed in as functions, so this
module knows no vendor.

Each purchase is written to the spend ledger before it is made (its estimate counts against the budget) and
settled from the answer. Given the vendor's own account (`VendorAccount`), a purchase whose answer was lost
(the run stopped, or an attempt went unanswered and was sent again) is reconciled from what the vendor says
it billed, before the first purchase of the next run and right after an unsure one: the ledger and the
budget then hold what was really paid, lost answers included.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from resources.billing import Billed
from resources.pipeline_store import PipelineStoreResource, cache_key
from resources.pipeline_store.ledger_calls import LedgerCalls
from resources.pipeline_store.spend import OverBudget

#: What a vendor call returns to `PaidCalls`: values by id (None = the vendor has no data) and the
#: credits the vendor says it charged, and how many HTTP calls it took.
ByIdFetch = Callable[[list[str]], tuple[Mapping[str, Any], float, int]]
#: A search: given how many records to return at most and the ids to exclude, the records, the credits
#: charged, and the calls made.
SearchFetch = Callable[[int, list[str]], tuple[list[dict[str, Any]], float, int]]

#: How long another run's claim on an item is honoured: past it, that run is taken to have stopped.
CLAIM_TTL = timedelta(minutes=15)
#: How often a run waiting for another run's purchase looks at the cache.
CLAIM_POLL_SECONDS = 0.5


class VendorAccount(Protocol):
    """What a vendor client offers for reconciling spend: what the account was billed between two moments,
    and how many of this client's attempts went unanswered so far."""

    def billed_between(self, start: datetime, end: datetime) -> Billed: ...

    @property
    def unanswered_attempts(self) -> int: ...


@dataclass
class SpendTally:
    """What one asset's calls cost, for its metadata."""

    credits_spent: float = 0.0
    credits_saved: float = 0.0
    vendor_calls: int = 0
    cache_hits: int = 0
    over_budget: int = 0
    reconciled_credits: float = 0.0
    by_endpoint: dict[str, float] = field(default_factory=dict)

    def metadata(self) -> dict[str, float | int]:
        return {
            "credits_spent": round(self.credits_spent, 2),
            "credits_saved": round(self.credits_saved, 2),
            "vendor_calls": self.vendor_calls,
            "cache_hits": self.cache_hits,
            "skipped_over_budget": self.over_budget,
            "credits_reconciled": round(self.reconciled_credits, 2),
        }


@dataclass
class ByIdResult:
    """Values by id (None = the vendor has no data for it), which came from the cache, and which ids were
    not bought because the budget ran out."""

    values: dict[str, Any]
    cached: set[str]
    skipped: list[str]


class PaidCalls:
    """Cache-first, budget-bounded paid calls for one asset in one partition."""

    def __init__(
        self,
        store: PipelineStoreResource,
        *,
        vendor: str,
        partition: str,
        asset: str,
        budget_credits: float,
        run_id: str | None = None,
        ttl: timedelta = timedelta(days=30),
        now: datetime | None = None,
        claim_ttl: timedelta = CLAIM_TTL,
        account: VendorAccount | None = None,
    ) -> None:
        self.store = store
        self.vendor = vendor
        self.partition = partition
        self.asset = asset
        self.budget_credits = budget_credits
        self.run_id = run_id
        self.ttl = ttl
        self.now = now
        self.claim_ttl = claim_ttl
        self.calls = LedgerCalls(
            store.ledger,
            vendor,
            partition=partition,
            asset=asset,
            run_id=run_id,
            billed=account.billed_between if account is not None else None,
            unanswered=(lambda: account.unanswered_attempts) if account is not None else (lambda: 0),
        )
        # A retried step of the same run takes its own claims back at once.
        self.owner = run_id or uuid.uuid4().hex
        self.tally = SpendTally()

    # --- budget -------------------------------------------------------------------------------------

    def spent_today(self) -> float:
        """Credits this partition (profile and day) has paid so far, by every asset and run."""
        return self.store.ledger.spent(partition=self.partition, vendor=self.vendor)

    def remaining(self) -> float:
        return max(0.0, self.budget_credits - self.spent_today())

    def affordable(self, unit_credits: float) -> int:
        """How many more records at `unit_credits` each fit under the budget."""
        if unit_credits <= 0:
            return 2**31
        return math.floor(self.remaining() / unit_credits + 1e-9)

    @property
    def budget_exhausted(self) -> bool:
        return self.tally.over_budget > 0

    # --- calls --------------------------------------------------------------------------------------

    def by_id(
        self,
        endpoint: str,
        ids: Sequence[str],
        fetch: ByIdFetch,
        *,
        unit_credits: float,
        variant: Mapping[str, Any] | None = None,
        chunk: int | None = None,
    ) -> ByIdResult:
        """Values for `ids`, from the cache where fresh, bought for the rest while the budget lasts.

        `variant` (e.g. which contact types were asked for) is part of the cache key: a cached
        email-only answer does not stand in for an email-and-phone one. `chunk` (the vendor's batch size)
        buys that many at a time, each cached as soon as it is answered: a run that stops loses at most
        the one chunk in flight, not what was already delivered.
        """
        namespace = f"{self.vendor}:{endpoint}"
        if variant:
            namespace += ":" + cache_key(dict(variant))[:16]
        wanted = list(dict.fromkeys(ids))
        found = self.store.cache.get_many(namespace, wanted, max_age=self.ttl, now=self.now)
        hits = [i for i in wanted if i in found]
        self._record_hits(endpoint, len(hits), unit_credits)
        missing = [i for i in wanted if i not in found]
        room = self.affordable(unit_credits)
        to_fetch, skipped = missing[:room], missing[room:]
        self.tally.over_budget += len(skipped)
        while to_fetch:
            claimed, theirs = self.store.claims.claim(
                namespace, to_fetch, owner=self.owner, ttl=self.claim_ttl
            )
            try:
                # Another run may have bought some of these and released them between this run's cache
                # read and its claim: they are in the cache now, and buying them again would pay twice.
                bought = self.store.cache.get_many(namespace, claimed, max_age=self.ttl, now=self.now)
                found.update(bought)
                self._record_hits(endpoint, len(bought), unit_credits)
                mine = [i for i in claimed if i not in bought]
                size = max(1, chunk or len(mine) or 1)
                for start in range(0, len(mine), size):
                    part = mine[start : start + size]
                    estimate = len(part) * unit_credits
                    try:
                        # Reserved against the budget as it is written: only the ledger's open refuses.
                        with self._purchase(
                            endpoint, estimate, len(part), budget=self.budget_credits
                        ) as settle:
                            values, credits, calls = fetch(part)
                            fetched = {i: values.get(i) for i in part}
                            self.store.cache.put_many(namespace, fetched, fetched_at=self.now)
                            settle(credits, len(part), calls)
                    except OverBudget:
                        # Another run of this partition spent the room counted above in the meantime.
                        rest = mine[start:]
                        skipped.extend(rest)
                        self.tally.over_budget += len(rest)
                        break
                    found.update(fetched)
            finally:
                self.store.claims.release(namespace, claimed, owner=self.owner)
            # Another run is buying these: its answer lands in the cache. If it stops, its claims go stale
            # and the next turn of the loop takes them over.
            arrived = self._wait_for(namespace, theirs)
            found.update(arrived)
            self._record_hits(endpoint, len(arrived), unit_credits)
            to_fetch = [i for i in theirs if i not in arrived]
        return ByIdResult({i: found[i] for i in wanted if i in found}, set(hits), skipped)

    def _wait_for(self, namespace: str, items: Sequence[str]) -> dict[str, Any]:
        """What another run's purchase of `items` put in the cache, waiting while its claims are live."""
        if not items:
            return {}
        deadline = time.monotonic() + self.claim_ttl.total_seconds()
        while True:
            found = self.store.cache.get_many(namespace, list(items), max_age=self.ttl)
            if len(found) == len(items):
                return found
            waiting = [i for i in items if i not in found]
            live = self.store.claims.live(namespace, waiting, ttl=self.claim_ttl)
            if time.monotonic() >= deadline or not live:
                return found
            time.sleep(CLAIM_POLL_SECONDS)

    def search(
        self,
        endpoint: str,
        query: Mapping[str, Any],
        wanted: int,
        fetch: SearchFetch,
        *,
        unit_credits: float,
        id_field: str,
        ttl: timedelta | None = None,
        page: int | None = None,
        max_excluded: int | None = None,
    ) -> list[dict[str, Any]]:
        """Up to `wanted` records of a search, from the cache when it holds enough of them.

        A cached answer that stopped short of `wanted` (a smaller cap, or a budget that ran out) is
        topped up by asking only for the missing records, with the ids already bought excluded. `page`
        buys that many at a time, each step cached as soon as it is answered, so a run that stops loses at
        most the step in flight; once more than `max_excluded` ids are held (what the vendor can exclude),
        the rest is bought in one step.
        """
        namespace = f"{self.vendor}:{endpoint}"
        key = cache_key(dict(query))
        cached = self.store.cache.get(namespace, key, max_age=ttl or self.ttl, now=self.now) or {}
        records: list[dict[str, Any]] = list(cached.get("records", []))
        complete = bool(cached.get("complete"))
        if len(records) >= wanted or complete:
            self._record_hits(endpoint, min(len(records), wanted), unit_credits)
            return records[:wanted]
        self._record_hits(endpoint, len(records), unit_credits)
        need = wanted - len(records)
        room = min(need, self.affordable(unit_credits))
        if room < need:
            self.tally.over_budget += need - room
        if room > 0:
            mine, _ = self.store.claims.claim(namespace, [key], owner=self.owner, ttl=self.claim_ttl)
            if not mine:
                # Another run is making this search: take its answer rather than paying for it again.
                self._wait_while_claimed(namespace, key)
                return self.search(
                    endpoint,
                    query,
                    wanted,
                    fetch,
                    unit_credits=unit_credits,
                    id_field=id_field,
                    ttl=ttl,
                    page=page,
                    max_excluded=max_excluded,
                )
            try:
                while room > 0:
                    step = room
                    if page and (max_excluded is None or len(records) + page <= max_excluded):
                        step = min(room, page)
                    with self._purchase(endpoint, step * unit_credits, step) as settle:
                        new, credits, calls = fetch(step, [str(r[id_field]) for r in records])
                        settle(credits, len(new), calls)
                    records.extend(new)
                    room -= step
                    # Fewer records than asked for means the search has no more: larger caps need no call.
                    complete = len(new) < step
                    self.store.cache.put(
                        namespace, key, {"records": records, "complete": complete}, fetched_at=self.now
                    )
                    if complete:
                        break
            finally:
                self.store.claims.release(namespace, [key], owner=self.owner)
        return records[:wanted]

    def _wait_while_claimed(self, namespace: str, key: str) -> None:
        """Wait while another run holds the claim on a search (it may still be adding pages to the cache)."""
        deadline = time.monotonic() + self.claim_ttl.total_seconds()
        while self.store.claims.live(namespace, [key], ttl=self.claim_ttl) and time.monotonic() < deadline:
            time.sleep(CLAIM_POLL_SECONDS)

    def free(self, endpoint: str, calls: int) -> None:
        """Count calls that cost no credits (events, CRM lookups) in the tally."""
        self.tally.vendor_calls += calls

    # --- ledger -------------------------------------------------------------------------------------

    @contextmanager
    def _purchase(
        self, endpoint: str, estimate: float, units: int, *, budget: float | None = None
    ) -> Iterator[Callable[[float, int, int], None]]:
        """A purchase in the ledger (`LedgerCalls.call`), settled through the function yielded (credits,
        units, calls), which also counts it in the tally."""
        try:
            with self.calls.call(endpoint, estimate=estimate, units=units, budget=budget) as settle_row:

                def settle(credits: float, units: int, calls: int) -> None:
                    settle_row(credits=credits, units=units)
                    self.tally.credits_spent += credits
                    self.tally.vendor_calls += calls
                    self.tally.by_endpoint[endpoint] = self.tally.by_endpoint.get(endpoint, 0.0) + credits

                yield settle
        finally:
            self.tally.reconciled_credits = self.calls.reconciled.get("credits", 0.0)

    def reconcile(self) -> None:
        """Settle purchases whose answers were lost (this vendor, any run) from the vendor's account, once
        per `PaidCalls` before its first purchase."""
        self.calls.reconcile()
        self.tally.reconciled_credits = self.calls.reconciled.get("credits", 0.0)

    def _record_hits(self, endpoint: str, hits: int, unit_credits: float) -> None:
        if hits <= 0:
            return
        saved = hits * unit_credits
        self.store.ledger.record(
            self.vendor,
            endpoint,
            credits=saved,
            units=hits,
            partition=self.partition,
            asset=self.asset,
            run_id=self.run_id,
            cached=True,
        )
        self.tally.credits_saved += saved
        self.tally.cache_hits += hits
