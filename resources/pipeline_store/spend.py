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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from resources.billing import Billed
from resources.pipeline_store.claims import HOST, alive
from resources.pipeline_store.database import Database, to_utc_iso, utc_now

log = logging.getLogger(__name__)

#: Row states: written before the call; settled from its answer; answered after an unanswered attempt;
#: put right from the vendor's account.
OPEN, SETTLED, UNSURE, RECONCILED = "open", "settled", "unsure", "reconciled"
#: How long an open row of a process that may still run (another machine's) is taken to be in flight.
STALE_AFTER = timedelta(minutes=15)
#: The longest a paid call can take between being written and being billed (timeouts are far shorter).
CALL_BOUND = timedelta(minutes=10)
#: What `reconcile()` can settle: a ledger column and the column holding the most a call could add to it.
MEASURES = {"credits": "estimate", "tokens_in": "estimate_in", "tokens_out": "estimate_out"}


#: What the vendor billed between two moments, from its own account (e.g. Explorium's credit aggregation).
BilledBetween = Callable[[datetime, datetime], Billed]

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
    "estimate_in",
    "estimate_out",
    "lost",
)


@dataclass
class Reconciliation:
    """What one `reconcile()` found, per measure: the rows it settled, what the vendor billed and what the
    ledger held over the same window, what it added to the rows (`attributed`), and any billing beyond what
    those rows could have cost (`unattributed`: another installation or tool on the same account).
    `waiting`: nothing done yet (another run is buying, or the vendor's report is not complete)."""

    rows: int = 0
    billed: dict[str, float] = field(default_factory=dict)
    recorded: dict[str, float] = field(default_factory=dict)
    attributed: dict[str, float] = field(default_factory=dict)
    unattributed: dict[str, float] = field(default_factory=dict)
    waiting: bool = False


class OverBudget(RuntimeError):
    """`SpendLedger.open` refused a call: with it, its partition's spend would pass the budget given."""


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
        estimate: float = 0.0,
        estimate_in: int = 0,
        estimate_out: int = 0,
        units: int = 0,
        partition: str | None = None,
        asset: str | None = None,
        run_id: str | None = None,
        budget: float | None = None,
    ) -> int:
        """Write a paid call about to be made, holding its estimates (the most it can cost: credits, input
        and output tokens) until it is settled; its id. With `budget`, the call is reserved against it:
        raises `OverBudget` when this vendor's spend in `partition` (open estimates included) plus the
        estimate would pass it. The check and the write are one transaction that two runs of the partition
        take in turn (SQLite's write lock; a Postgres lock on the vendor and partition), never
        read-then-write."""
        with self.db.transaction():
            if budget is not None:
                if not self.db.is_sqlite:
                    self.db.query(
                        "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                        (f"budget:{vendor}:{partition}",),
                    )
                spent = self.spent(partition=partition, vendor=vendor)
                if spent + float(estimate) > budget + 1e-9:
                    raise OverBudget(
                        f"{vendor} {partition}: {spent:g} spent, {estimate:g} more passes {budget:g}"
                    )
            return self._insert_open(
                vendor, endpoint, estimate, estimate_in, estimate_out, units, partition, asset, run_id
            )

    def _insert_open(
        self,
        vendor: str,
        endpoint: str,
        estimate: float,
        estimate_in: int,
        estimate_out: int,
        units: int,
        partition: str | None,
        asset: str | None,
        run_id: str | None,
    ) -> int:
        return self.db.insert_returning_id(
            "INSERT INTO spend (at, vendor, endpoint, units, credits, estimate, tokens_in, estimate_in, "
            'tokens_out, estimate_out, "partition", asset, run_id, state, host, pid) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                to_utc_iso(utc_now()),
                vendor,
                endpoint,
                int(units),
                float(estimate),
                float(estimate),
                int(estimate_in),
                int(estimate_in),
                int(estimate_out),
                int(estimate_out),
                partition,
                asset,
                run_id,
                OPEN,
                HOST,
                os.getpid(),
            ),
        )

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

    def reconcile(
        self,
        vendor: str,
        billed: BilledBetween,
        *,
        stale_after: timedelta = STALE_AFTER,
        now: datetime | None = None,
    ) -> Reconciliation:
        """Settle this vendor's stopped and unsure rows from what the vendor says it billed.

        The window runs from the hour before the oldest such row to now (or to where the vendor's report
        is complete). For each measure the vendor reports (credits; input and output tokens), what it
        billed in the window minus what the ledger's other rows hold there is what those rows cost: it is
        shared among them in proportion to their estimates, none above the most it could have cost (its
        estimate for an open row; its answer plus its estimate per lost attempt for an unsure one).
        Nothing is done while another run of this vendor has a row open (its bill may not be in the ledger
        yet), nor when the report does not reach the newest row: the next call does it.
        """
        moment = now or utc_now()
        # Rows up to `last` are what this reconciliation knows; any row written later and before the
        # vendor's report was taken may or may not be in it, so it waits (see below). On Postgres ids are
        # handed out when a row is inserted, not when it commits, so a row below `last` can still become
        # visible later: `seen` counts this vendor's rows in the same snapshot as `last`.
        last, seen = (
            int(value or 0)
            for value in self.db.query(
                "SELECT COALESCE(MAX(id), 0), SUM(CASE WHEN vendor = ? AND cached = 0 THEN 1 ELSE 0 END) "
                "FROM spend",
                (vendor,),
            )[0]
        )
        rows = self.db.query(
            "SELECT * FROM spend WHERE vendor = ? AND cached = 0 AND state IN (?, ?) AND id <= ? ORDER BY id",
            (vendor, OPEN, UNSURE, last),
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
        newest = max(datetime.fromisoformat(row["at"]) for row in due)
        start = oldest.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        # A minute past now: vendors take whole seconds, and nothing can be billed in the future anyway.
        report = billed(start, moment + timedelta(minutes=1))
        # The report must reach past the newest row's call (or be complete to now): a report that stops
        # short would read as "not billed" what is merely not counted yet.
        if report.through is not None and report.through < min(moment, newest + CALL_BOUND):
            return Reconciliation(waiting=True)
        taken = utc_now()
        later, known = (
            int(value or 0)
            for value in self.db.query(
                "SELECT SUM(CASE WHEN id > ? AND at < ? THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN id <= ? THEN 1 ELSE 0 END) FROM spend WHERE vendor = ? AND cached = 0",
                (last, to_utc_iso(taken), last, vendor),
            )[0]
        )
        if later or known != seen:
            # A call of another run or thread began while the report was read, or one written before
            # `last` committed since: its charge may be in the report and not in the ledger, or the
            # reverse. The next settle or run tries again.
            return Reconciliation(waiting=True)
        ids = [int(row["id"]) for row in due]
        marks = ",".join("?" * len(ids))
        bounds = [to_utc_iso(start)]
        until = ""
        if report.through is not None:
            until, bounds = " AND at < ?", [*bounds, to_utc_iso(report.through)]
        updates: dict[int, dict[str, float]] = {int(row["id"]): {} for row in due}
        found = Reconciliation(rows=len(due))
        for measure, amount in report.amounts.items():
            estimate = MEASURES[measure]
            others = self.db.query(
                f"SELECT COALESCE(SUM({measure}), 0) FROM spend WHERE vendor = ? AND cached = 0 AND at >= ?"
                f"{until} AND id <= ? AND id NOT IN ({marks})",
                (vendor, *bounds, last, *ids),
            )[0][0]
            answered = sum(float(row[measure]) for row in due if row["state"] == UNSURE)
            recorded = float(others) + answered
            missing = max(0.0, float(amount) - recorded)
            caps = {
                int(row["id"]): float(row[estimate]) * (int(row["lost"]) if row["state"] == UNSURE else 1)
                for row in due
            }
            shares = _shares(missing, caps)
            if measure != "credits":
                shares = _whole_shares(shares)
            for row in due:
                base = float(row[measure]) if row["state"] == UNSURE else 0.0
                updates[int(row["id"])][measure] = base + shares[int(row["id"])]
            attributed = sum(shares.values())
            found.billed[measure] = float(amount)
            found.recorded[measure] = recorded
            found.attributed[measure] = attributed
            found.unattributed[measure] = max(0.0, missing - attributed)
        with self.db.transaction() as db:
            for row_id, values in updates.items():
                sets = ", ".join(f"{m} = ?" for m in values)
                amounts = [round(v) if m != "credits" else v for m, v in values.items()]
                db.execute(
                    f"UPDATE spend SET {sets}{', ' if sets else ''}state = ? WHERE id = ?",
                    (*amounts, RECONCILED, row_id),
                )
        for measure, extra in found.unattributed.items():
            if extra > 1e-9:
                log.warning(
                    "%s billed %.2f %s since %s that no call of this store can have cost (another "
                    "installation or tool using the same account?)",
                    vendor,
                    extra,
                    measure,
                    to_utc_iso(start),
                )
        return found

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

    def spent_usd(self, *, partition: str | None = None, vendor: str | None = None) -> float:
        """Dollars actually spent (uncached rows' `cost_usd`: Claude's settled calls and batch results)."""
        where, params = _filters(cached=False, partition=partition, vendor=vendor)
        rows = self.db.query(f"SELECT COALESCE(SUM(cost_usd), 0.0) FROM spend {where}", params)
        return float(rows[0][0])

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


def _whole_shares(shares: dict[int, float]) -> dict[int, float]:
    """Shares of a whole number (tokens) made whole, their sum kept: each rounded down, and the units left
    given to the largest remainders."""
    floors = {i: float(int(v)) for i, v in shares.items()}
    left = round(sum(shares.values()) - sum(floors.values()))
    for i in sorted(shares, key=lambda i: shares[i] - floors[i], reverse=True)[:left]:
        floors[i] += 1
    return floors
