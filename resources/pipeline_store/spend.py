"""The spend ledger: one row per paid vendor call (or per call a cache hit saved).

What belongs here: recording what a vendor call cost (credits, units, tokens, dollars) with where it was
made (partition, asset, run), and the sums and listings budgets and reports read. Not the prices: callers
say what a call cost; this module only keeps and adds it up.

A row with `cached=True` records what a cache hit would have cost had the call been made: credits saved,
never spend. `spent()` sums the other rows, `saved()` these.

A paid call that may be lost (a crash, an answer that never came) is written before it is made: `open()`
records its estimate, which counts against budgets until `settle()` replaces it with what the answer said.
A row left open by a process that stopped, or settled `unsure` (answered only after an unanswered attempt
the vendor may have billed too), is put right by `reconcile()` from the vendor's own account of what it
billed over the same hours, so the ledger ends equal to the vendor's bill, lost answers included.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from resources.pipeline_store.claims import HOST, alive
from resources.pipeline_store.database import Database, to_utc_iso, utc_now

log = logging.getLogger(__name__)

#: Row states: written before the call; settled from its answer; answered after an unanswered attempt;
#: put right from the vendor's account.
OPEN, SETTLED, UNSURE, RECONCILED = "open", "settled", "unsure", "reconciled"
#: How long an open row of a process that may still run (another machine's) is taken to be in flight.
STALE_AFTER = timedelta(minutes=15)
#: What the vendor billed between two moments, from its own account (e.g. Explorium's credit aggregation).
BilledBetween = Callable[[datetime, datetime], float]

COLUMNS: tuple[str, ...] = (
    "id",
    "at",
    "vendor",
    "endpoint",
    "units",
    "credits",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "partition",
    "asset",
    "run_id",
    "cached",
    "state",
    "estimate",
    "lost",
)


@dataclass(frozen=True)
class Reconciliation:
    """What one `reconcile()` found: the rows it settled, what the vendor billed and what the ledger held
    over the same window, the credits it added to the rows (`attributed`), and any billing beyond what those
    rows could have cost (`unattributed`: another installation or tool on the same account)."""

    rows: int = 0
    billed: float = 0.0
    recorded: float = 0.0
    attributed: float = 0.0
    unattributed: float = 0.0
    waiting: bool = False


class SpendLedger:
    """The `spend` table of a pipeline store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        vendor: str,
        endpoint: str,
        *,
        credits: float = 0.0,
        units: int = 0,
        partition: str | None = None,
        asset: str | None = None,
        run_id: str | None = None,
        cached: bool = False,
        tokens_in: int = 0,
        tokens_out: int = 0,
        cost_usd: float = 0.0,
    ) -> None:
        """Add one row, stamped now (UTC)."""
        self.db.execute(
            "INSERT INTO spend (at, vendor, endpoint, units, credits, tokens_in, tokens_out, cost_usd, "
            '"partition", asset, run_id, cached) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            (
                to_utc_iso(utc_now()),
                vendor,
                endpoint,
                int(units),
                float(credits),
                int(tokens_in),
                int(tokens_out),
                float(cost_usd),
                partition,
                asset,
                run_id,
                int(bool(cached)),
            ),
        )

    def open(
        self,
        vendor: str,
        endpoint: str,
        *,
        estimate: float,
        units: int = 0,
        partition: str | None = None,
        asset: str | None = None,
        run_id: str | None = None,
    ) -> int:
        """Write a paid call about to be made, holding its estimate (the most it can cost); its id."""
        cursor = self.db.execute(
            'INSERT INTO spend (at, vendor, endpoint, units, credits, estimate, "partition", asset, run_id, '
            "state, host, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                to_utc_iso(utc_now()),
                vendor,
                endpoint,
                int(units),
                float(estimate),
                float(estimate),
                partition,
                asset,
                run_id,
                OPEN,
                HOST,
                os.getpid(),
            ),
        )
        return int(cursor.lastrowid or 0)

    def settle(
        self,
        row_id: int,
        *,
        credits: float,
        units: int,
        lost: int = 0,
        tokens_in: int = 0,
        tokens_out: int = 0,
        cost_usd: float = 0.0,
    ) -> None:
        """Replace an open row's estimate with what the answer said it cost. `lost`: attempts of this call
        that went unanswered and were sent again; the vendor may have billed them, so the row stays
        `unsure` until `reconcile()` has read the vendor's account."""
        self.db.execute(
            "UPDATE spend SET credits = ?, units = ?, tokens_in = ?, tokens_out = ?, cost_usd = ?, lost = ?, "
            "state = ? WHERE id = ?",
            (
                float(credits),
                int(units),
                int(tokens_in),
                int(tokens_out),
                float(cost_usd),
                int(lost),
                UNSURE if lost else SETTLED,
                row_id,
            ),
        )

    def abandon(self, row_id: int) -> None:
        """An open row whose call is known never to have reached the vendor (it refused to connect, or
        answered an error it does not bill): it cost nothing."""
        self.db.execute(
            "UPDATE spend SET credits = 0, state = ? WHERE id = ? AND state = ?", (SETTLED, row_id, OPEN)
        )

    def reconcile(
        self,
        vendor: str,
        billed: BilledBetween,
        *,
        stale_after: timedelta = STALE_AFTER,
        now: datetime | None = None,
    ) -> Reconciliation:
        """Settle this vendor's stopped and unsure rows from what the vendor says it billed.

        The window runs from the hour before the oldest such row to now. What the vendor billed in it
        minus what the ledger's other rows hold there is what those rows cost: it is shared among them in
        proportion to their estimates, none above the most it could have cost (its estimate for an open
        row; its answer plus its estimate per lost attempt for an unsure one). Nothing is done while another
        run of this vendor has a row open (its bill may not be in the ledger yet); the next call does it.
        """
        moment = now or utc_now()
        rows = self.db.query(
            "SELECT id, at, credits, estimate, lost, state, host, pid FROM spend "
            "WHERE vendor = ? AND cached = 0 AND state IN (?, ?) ORDER BY id",
            (vendor, OPEN, UNSURE),
        )
        if not rows:
            return Reconciliation()
        stale = to_utc_iso(moment - stale_after)
        due = []
        for row in rows:
            stopped = row["at"] < stale or not alive(row["host"] or HOST, int(row["pid"] or 0))
            if row["state"] == OPEN and not stopped:
                return Reconciliation(waiting=True)
            due.append(row)
        oldest = min(datetime.fromisoformat(row["at"]) for row in due)
        start = oldest.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        ids = [int(row["id"]) for row in due]
        marks = ",".join("?" * len(ids))
        answered = sum(float(row["credits"]) for row in due if row["state"] == UNSURE)
        others = self.db.query(
            f"SELECT COALESCE(SUM(credits), 0) FROM spend WHERE vendor = ? AND cached = 0 AND at >= ? "
            f"AND id NOT IN ({marks})",
            (vendor, to_utc_iso(start), *ids),
        )[0][0]
        recorded = float(others) + answered
        # A minute past now: vendors take whole seconds, and nothing can be billed in the future anyway.
        total = float(billed(start, moment + timedelta(minutes=1)))
        missing = max(0.0, total - recorded)
        caps = {
            int(row["id"]): float(row["estimate"]) * (int(row["lost"]) if row["state"] == UNSURE else 1)
            for row in due
        }
        shares = _shares(missing, caps)
        with self.db.transaction() as conn:
            for row in due:
                base = float(row["credits"]) if row["state"] == UNSURE else 0.0
                conn.execute(
                    "UPDATE spend SET credits = ?, state = ? WHERE id = ?",
                    (base + shares[int(row["id"])], RECONCILED, int(row["id"])),
                )
        attributed = sum(shares.values())
        result = Reconciliation(
            rows=len(due),
            billed=total,
            recorded=recorded,
            attributed=attributed,
            unattributed=max(0.0, missing - attributed),
        )
        if result.unattributed > 1e-9:
            log.warning(
                "%s billed %.2f credits since %s that no call of this store can have cost (another "
                "installation or tool using the same account?)",
                vendor,
                result.unattributed,
                to_utc_iso(start),
            )
        return result

    def spent(
        self,
        *,
        partition: str | None = None,
        vendor: str | None = None,
        since: datetime | None = None,
        asset: str | None = None,
    ) -> float:
        """Credits actually spent (rows with cached=False) matching every filter given."""
        return self._sum(False, partition=partition, vendor=vendor, since=since, asset=asset)

    def saved(
        self,
        *,
        partition: str | None = None,
        vendor: str | None = None,
        since: datetime | None = None,
        asset: str | None = None,
    ) -> float:
        """Credits cache hits saved (rows with cached=True) matching every filter given."""
        return self._sum(True, partition=partition, vendor=vendor, since=since, asset=asset)

    def entries(
        self,
        *,
        partition: str | None = None,
        vendor: str | None = None,
        since: datetime | None = None,
        asset: str | None = None,
    ) -> pd.DataFrame:
        """Matching rows in the order they were recorded; `at` as UTC datetimes, `cached` as bool."""
        where, params = _filters(partition=partition, vendor=vendor, since=since, asset=asset)
        columns = ", ".join(f'"{name}"' for name in COLUMNS)
        rows = self.db.query(f"SELECT {columns} FROM spend {where} ORDER BY id", params)
        frame = pd.DataFrame([tuple(row) for row in rows], columns=list(COLUMNS))
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        frame["cached"] = frame["cached"].astype(bool)
        return frame

    def unsettled(self, vendor: str | None = None) -> int:
        """How many rows are still open or unsure (for checks and tests)."""
        sql = "SELECT COUNT(*) FROM spend WHERE state IN (?, ?)"
        params: list[Any] = [OPEN, UNSURE]
        if vendor is not None:
            sql += " AND vendor = ?"
            params.append(vendor)
        return int(self.db.query(sql, params)[0][0])

    def _sum(self, cached: bool, **filters: Any) -> float:
        where, params = _filters(cached=cached, **filters)
        rows = self.db.query(f"SELECT COALESCE(SUM(credits), 0.0) FROM spend {where}", params)
        return float(rows[0][0])


def _filters(
    *,
    partition: str | None = None,
    vendor: str | None = None,
    since: datetime | None = None,
    asset: str | None = None,
    cached: bool | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if partition is not None:
        clauses.append('"partition" = ?')
        params.append(partition)
    if vendor is not None:
        clauses.append("vendor = ?")
        params.append(vendor)
    if since is not None:
        clauses.append("at >= ?")
        params.append(to_utc_iso(since))
    if asset is not None:
        clauses.append("asset = ?")
        params.append(asset)
    if cached is not None:
        clauses.append("cached = ?")
        params.append(int(cached))
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _shares(amount: float, caps: dict[int, float]) -> dict[int, float]:
    """`amount` shared in proportion to `caps`, none above its cap (water-filling: what a capped row cannot
    take goes to the others)."""
    shares = dict.fromkeys(caps, 0.0)
    left, open_ids = amount, [i for i, cap in caps.items() if cap > 0]
    while left > 1e-9 and open_ids:
        weight = sum(caps[i] - shares[i] for i in open_ids)
        if weight <= 0:
            break
        given = 0.0
        for i in open_ids:
            room = caps[i] - shares[i]
            take = min(room, left * room / weight)
            shares[i] += take
            given += take
        left -= given
        open_ids = [i for i in open_ids if caps[i] - shares[i] > 1e-9]
    return shares
