"""Paying for vendor data at most once, and never past the day's budget.

What belongs here: `PaidCalls`, the one path through which the outbound assets buy data. It looks results
up in the durable cache (by input, 30 days by default), asks the vendor only for what is missing and
still affordable under the profile's daily budget, caches what came back, and records every paid call
and every cache hit (as credits saved) in the spend ledger under the run's partition. The vendor calls
themselves are passed in as functions, so this module knows no vendor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from resources.pipeline_store import PipelineStoreResource, cache_key

#: What a vendor call returns to `PaidCalls`: values by id (None = the vendor has no data) and the
#: credits the vendor says it charged, and how many HTTP calls it took.
ByIdFetch = Callable[[list[str]], tuple[Mapping[str, Any], float, int]]
#: A search: given how many records to return at most and the ids to exclude, the records, the credits
#: charged, and the calls made.
SearchFetch = Callable[[int, list[str]], tuple[list[dict[str, Any]], float, int]]


@dataclass
class SpendTally:
    """What one asset's calls cost, for its metadata."""

    credits_spent: float = 0.0
    credits_saved: float = 0.0
    vendor_calls: int = 0
    cache_hits: int = 0
    over_budget: int = 0
    by_endpoint: dict[str, float] = field(default_factory=dict)

    def metadata(self) -> dict[str, float | int]:
        return {
            "credits_spent": round(self.credits_spent, 2),
            "credits_saved": round(self.credits_saved, 2),
            "vendor_calls": self.vendor_calls,
            "cache_hits": self.cache_hits,
            "skipped_over_budget": self.over_budget,
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
    ) -> None:
        self.store = store
        self.vendor = vendor
        self.partition = partition
        self.asset = asset
        self.budget_credits = budget_credits
        self.run_id = run_id
        self.ttl = ttl
        self.now = now
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
    ) -> ByIdResult:
        """Values for `ids`, from the cache where fresh, bought for the rest while the budget lasts.

        `variant` (e.g. which contact types were asked for) is part of the cache key: a cached
        email-only answer does not stand in for an email-and-phone one.
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
        if to_fetch:
            values, credits, calls = fetch(to_fetch)
            fetched = {i: values.get(i) for i in to_fetch}
            self.store.cache.put_many(namespace, fetched, fetched_at=self.now)
            self._record_paid(endpoint, credits, len(to_fetch), calls)
            found.update(fetched)
        return ByIdResult({i: found[i] for i in wanted if i in found}, set(hits), skipped)

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
    ) -> list[dict[str, Any]]:
        """Up to `wanted` records of a search, from the cache when it holds enough of them.

        A cached answer that stopped short of `wanted` (a smaller cap, or a budget that ran out) is
        topped up by asking only for the missing records, with the ids already bought excluded.
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
            new, credits, calls = fetch(room, [str(r[id_field]) for r in records])
            self._record_paid(endpoint, credits, len(new), calls)
            records.extend(new)
            # Fewer records than asked for means the search has no more: later, larger caps need no call.
            complete = len(new) < room
            self.store.cache.put(
                namespace, key, {"records": records, "complete": complete}, fetched_at=self.now
            )
        return records[:wanted]

    def free(self, endpoint: str, calls: int) -> None:
        """Count calls that cost no credits (events, CRM lookups) in the tally."""
        self.tally.vendor_calls += calls

    # --- ledger -------------------------------------------------------------------------------------

    def _record_paid(self, endpoint: str, credits: float, units: int, calls: int) -> None:
        self.store.ledger.record(
            self.vendor,
            endpoint,
            credits=credits,
            units=units,
            partition=self.partition,
            asset=self.asset,
            run_id=self.run_id,
        )
        self.tally.credits_spent += credits
        self.tally.vendor_calls += calls
        self.tally.by_endpoint[endpoint] = self.tally.by_endpoint.get(endpoint, 0.0) + credits

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
