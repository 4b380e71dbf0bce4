"""The usage ledger: calls, errors, credits and tokens per vendor endpoint, and the billing log of each
charge (with whether its answer was delivered), from which the vendors' own usage reports are drawn.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from resources.sandbox.store.database import StoreBase


@dataclass(frozen=True, slots=True)
class Usage:
    """Calls and spend of one vendor endpoint (or of a whole vendor when endpoint is '*')."""

    vendor: str
    endpoint: str
    calls: int = 0
    errors: int = 0
    credits: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


def _bill(
    db: sqlite3.Connection, vendor: str, endpoint: str, *amounts: float, delivered: bool = True
) -> int | None:
    """Log one charge at wall-clock time (billing follows the real clock, not the world's); its row id."""
    if not any(amounts):
        return None
    cursor = db.execute(
        "INSERT INTO billing (at, vendor, endpoint, credits, input_tokens, output_tokens, "
        "cache_read_tokens, cache_write_tokens, delivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (time.time(), vendor, endpoint, *amounts, int(delivered)),
    )
    return cursor.lastrowid


class LedgerStore(StoreBase):
    """The usage ledger and the billing log."""

    # --- usage ledger -----------------------------------------------------------------------------

    def record_call(
        self,
        vendor: str,
        endpoint: str,
        *,
        error: bool = False,
        credits: float = 0.0,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
        delivered: bool = True,
    ) -> int | None:
        """Count one call and its spend. A charge is also logged (`billing`); with `delivered=False` it
        stays undelivered until `mark_delivered(<the id returned>)`: an answer lost, or a process that
        ended before answering, leaves it so."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO usage (vendor, endpoint, calls, errors, credits, input_tokens, output_tokens, "
                "cache_read_tokens, cache_write_tokens) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (vendor, endpoint) DO UPDATE SET calls = calls + 1, "
                "errors = errors + excluded.errors, "
                "credits = credits + excluded.credits, input_tokens = input_tokens + excluded.input_tokens, "
                "output_tokens = output_tokens + excluded.output_tokens, "
                "cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, "
                "cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens",
                (
                    vendor,
                    endpoint,
                    int(error),
                    credits,
                    input_tokens,
                    output_tokens,
                    cache_read_tokens,
                    cache_write_tokens,
                ),
            )
            return _bill(
                db,
                vendor,
                endpoint,
                credits,
                input_tokens,
                output_tokens,
                cache_read_tokens,
                cache_write_tokens,
                delivered=delivered,
            )

    def add_spend(
        self,
        vendor: str,
        endpoint: str,
        *,
        credits: float = 0.0,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
    ) -> None:
        """Add spend to an endpoint's row without counting a call (spend known after the response)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO usage (vendor, endpoint) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (vendor, endpoint),
            )
            db.execute(
                "UPDATE usage SET credits = credits + ?, input_tokens = input_tokens + ?, "
                "output_tokens = output_tokens + ?, cache_read_tokens = cache_read_tokens + ?, "
                "cache_write_tokens = cache_write_tokens + ? WHERE vendor = ? AND endpoint = ?",
                (
                    credits,
                    input_tokens,
                    output_tokens,
                    cache_read_tokens,
                    cache_write_tokens,
                    vendor,
                    endpoint,
                ),
            )
            _bill(
                db,
                vendor,
                endpoint,
                credits,
                input_tokens,
                output_tokens,
                cache_read_tokens,
                cache_write_tokens,
            )

    def usage(self, vendor: str | None = None) -> list[Usage]:
        """Per-endpoint usage rows, optionally for one vendor."""
        sql = (
            "SELECT vendor, endpoint, calls, errors, credits, input_tokens, output_tokens, "
            "cache_read_tokens, cache_write_tokens FROM usage"
        )
        args: tuple[Any, ...] = ()
        if vendor:
            sql += " WHERE vendor = ?"
            args = (vendor,)
        rows = self._conn().execute(sql + " ORDER BY vendor, endpoint", args).fetchall()
        return [Usage(*row) for row in rows]

    def billed(self, vendor: str, start: float, end: float) -> list[tuple[float, Usage]]:
        """What the vendor billed between two unix times (wall clock), charge by charge: what the vendors'
        own usage reports (Explorium's credit aggregation, Anthropic's usage analytics) are drawn from."""
        rows = self._conn().execute(
            "SELECT at, endpoint, credits, input_tokens, output_tokens, cache_read_tokens, "
            "cache_write_tokens FROM billing WHERE vendor = ? AND at >= ? AND at < ? ORDER BY at",
            (vendor, start, end),
        )
        return [(row[0], Usage(vendor, row[1], 1, 0, *row[2:])) for row in rows.fetchall()]

    def mark_delivered(self, charge: int | None) -> None:
        """The answer a charge was for has been handed to the client."""
        if charge is not None:
            with self.transaction() as db:
                db.execute("UPDATE billing SET delivered = 1 WHERE rowid = ?", (charge,))

    def undelivered(self) -> list[Usage]:
        """Per vendor and endpoint: what was billed for answers that were never delivered."""
        rows = self._conn().execute(
            "SELECT vendor, endpoint, COUNT(*), 0, SUM(credits), SUM(input_tokens), SUM(output_tokens), "
            "SUM(cache_read_tokens), SUM(cache_write_tokens) FROM billing WHERE delivered = 0 "
            "GROUP BY vendor, endpoint ORDER BY vendor, endpoint"
        )
        return [Usage(*row) for row in rows.fetchall()]

    def totals(self, vendor: str) -> Usage:
        """The sum of a vendor's usage rows."""
        rows = self.usage(vendor)
        return Usage(
            vendor=vendor,
            endpoint="*",
            calls=sum(r.calls for r in rows),
            errors=sum(r.errors for r in rows),
            credits=sum(r.credits for r in rows),
            input_tokens=sum(r.input_tokens for r in rows),
            output_tokens=sum(r.output_tokens for r in rows),
            cache_read_tokens=sum(r.cache_read_tokens for r in rows),
            cache_write_tokens=sum(r.cache_write_tokens for r in rows),
        )

    def reset_usage(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM usage")
