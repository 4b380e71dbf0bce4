"""The spend ledger: one row per paid vendor call (or per call a cache hit saved).

What belongs here: recording what a vendor call cost (credits, units, tokens, dollars) with where it was
made (partition, asset, run), and the sums and listings budgets and reports read. Not the prices: callers
say what a call cost; this module only keeps and adds it up.

A row with `cached=True` records what a cache hit would have cost had the call been made: credits saved,
never spend. `spent()` sums the other rows, `saved()` these.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from resources.pipeline_store.database import Database, to_utc_iso, utc_now

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
)


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
