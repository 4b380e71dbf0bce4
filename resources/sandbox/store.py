"""Durable state of the sandbox: one SQLite file shared by every process that opens it.

What belongs here: the storage of simulated vendor objects (HubSpot contacts, lemlist leads, message
batches, ...), the sandbox clock, the usage ledger (calls, credits, tokens per vendor and endpoint), the
fault switches, and the request log that server-side rate limits count. Nothing vendor-specific: the
simulators decide what a record means; this module only keeps it.

Dagster runs each step in its own process, and the sandbox server may run beside them, so state lives in
SQLite (WAL mode, short IMMEDIATE transactions), never in module globals.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from resources.sandbox.world import DEFAULT_SEED, DEFAULT_SIZE

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    ns TEXT NOT NULL, id TEXT NOT NULL, k TEXT, data TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL, PRIMARY KEY (ns, id));
CREATE INDEX IF NOT EXISTS records_key ON records (ns, k);
CREATE TABLE IF NOT EXISTS sequences (ns TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
    vendor TEXT NOT NULL, endpoint TEXT NOT NULL, calls INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0, credits REAL NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (vendor, endpoint));
CREATE TABLE IF NOT EXISTS billing (
    at REAL NOT NULL, vendor TEXT NOT NULL, endpoint TEXT NOT NULL, credits REAL NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS billing_vendor_at ON billing (vendor, at);
CREATE TABLE IF NOT EXISTS faults (vendor TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, ts REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_bucket ON hits (bucket, ts);
"""


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


@dataclass(frozen=True, slots=True)
class Faults:
    """Fault switches for one vendor. Counters (`*_next`) are consumed one request at a time."""

    latency_ms: float = 0.0
    rate_limit_next: int = 0
    rate_limit_retry_after: float = 1.0
    server_error_next: int = 0
    server_error_status: int = 503
    server_error_rate: float = 0.0
    timeout_next: int = 0
    # HubSpot batch endpoints answer 207 with this share of inputs failed (deterministic per input id).
    partial_failure_rate: float = 0.0
    # Chaos faults, applied AFTER a request was processed (a write committed, its call and spend in the
    # usage ledger), to requests whose route answered below 400 and that match the endpoint filter: a glob
    # on the ledger endpoint name (`POST /crm/objects/2026-09/{objectType}/batch/create`) or on
    # `METHOD /concrete/path` (`POST /crm/objects/2026-09/notes/batch/create`); empty matches any request.
    # `lose_response_next`: the answer is lost. In process the client waits `lose_response_seconds` (at
    # most its read timeout), then gets its library's ReadTimeout; the socket server closes the connection
    # without answering.
    lose_response_next: int = 0
    lose_response_endpoint: str = ""
    lose_response_seconds: float = 0.2
    # `kill_after`: a countdown of matching requests; the one that takes it to 0 ends the process serving
    # the simulator with `os._exit(kill_exit_code)` right after its write is committed, as a crash would.
    # Meant for a job run in its own process over a shared state file (in process, the simulator serves in
    # the job's own process; behind the socket server, the server is what exits).
    kill_after: int = 0
    kill_after_endpoint: str = ""
    kill_exit_code: int = 75

    @classmethod
    def from_json(cls, raw: str | None) -> Faults:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_json(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.__dataclass_fields__})

    @property
    def active(self) -> bool:
        return self != Faults()


def default_state_path() -> Path:
    """Where the sandbox keeps its state: `$SANDBOX_STATE`, else `$DAGSTER_HOME/sandbox/state.sqlite`,
    else `./.dagster_home/sandbox/state.sqlite`."""
    explicit = os.environ.get("SANDBOX_STATE")
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or os.path.join(os.getcwd(), ".dagster_home")
    return Path(home) / "sandbox" / "state.sqlite"


class SandboxStore:
    """One sandbox state file. Safe to share between threads; each thread gets its own connection."""

    def __init__(
        self, path: str | os.PathLike[str], *, seed: int | None = None, size: int | None = None
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # executescript commits on its own, so the schema is made outside a transaction.
        self._conn().executescript(_SCHEMA)
        with self.transaction() as db:
            stored = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if "seed" not in stored:
                now = time.time()
                epoch = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
                stored = {
                    "seed": str(seed if seed is not None else DEFAULT_SEED),
                    "size": str(size if size is not None else DEFAULT_SIZE),
                    "epoch": epoch.isoformat(),
                    "clock_offset": "0",
                    "created": str(now),
                }
                db.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", stored.items())
        self.seed = int(stored["seed"])
        self.size = int(stored["size"])
        if (seed is not None and seed != self.seed) or (size is not None and size != self.size):
            raise ValueError(
                f"sandbox state {self.path} was made with seed={self.seed} size={self.size}; "
                f"asked for seed={seed} size={size}. Use another state file or `reset`."
            )
        self.epoch = datetime.fromisoformat(stored["epoch"])

    # --- connections and transactions ------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (a later call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- meta and clock ---------------------------------------------------------------------------

    def get_meta(self, name: str, default: str | None = None) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def set_meta(self, name: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def timestamp(self) -> float:
        """Sandbox time as a unix timestamp: the wall clock plus the offset tests may have advanced it by."""
        return time.time() + float(self.get_meta("clock_offset", "0") or 0)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the sandbox clock forward (events scheduled in between become visible)."""
        step = (delta or timedelta()) + timedelta(**kwargs)
        with self.transaction():
            offset = float(self.get_meta("clock_offset", "0") or 0) + step.total_seconds()
            self.set_meta("clock_offset", repr(offset))
        return self.now()

    def set_epoch(self, epoch: datetime) -> None:
        """Re-anchor the world's event schedule (signals, form submissions); tests use it for fixed dates."""
        self.set_meta("epoch", epoch.astimezone(UTC).isoformat())
        self.epoch = epoch.astimezone(UTC)

    # --- records ----------------------------------------------------------------------------------

    def get(self, ns: str, id: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT data FROM records WHERE ns = ? AND id = ?", (ns, id)).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, ns: str, key: str) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute("SELECT data FROM records WHERE ns = ? AND k = ? ORDER BY created, id", (ns, key))
            .fetchall()
        )
        return [json.loads(r[0]) for r in rows]

    def find_one(self, ns: str, key: str) -> dict[str, Any] | None:
        found = self.find(ns, key)
        return found[0] if found else None

    def put(self, ns: str, id: str, data: dict[str, Any], *, key: str | None = None) -> None:
        now = self.timestamp()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO records (ns, id, k, data, created, updated) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (ns, id) DO UPDATE SET k = excluded.k, data = excluded.data, "
                "updated = excluded.updated",
                (ns, id, key, json.dumps(data, default=str), now, now),
            )

    def delete(self, ns: str, id: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM records WHERE ns = ? AND id = ?", (ns, id)).rowcount > 0

    def all(self, ns: str) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute("SELECT data FROM records WHERE ns = ? ORDER BY created, id", (ns,))
            .fetchall()
        )
        return [json.loads(r[0]) for r in rows]

    def count(self, ns: str) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM records WHERE ns = ?", (ns,)).fetchone()[0])

    def next_id(self, ns: str, start: int = 1) -> int:
        with self.transaction() as db:
            row = db.execute("SELECT value FROM sequences WHERE ns = ?", (ns,)).fetchone()
            value = (row[0] + 1) if row else start
            db.execute(
                "INSERT INTO sequences (ns, value) VALUES (?, ?) "
                "ON CONFLICT (ns) DO UPDATE SET value = excluded.value",
                (ns, value),
            )
            return int(value)

    def once(self, name: str) -> bool:
        """True the first time `name` is claimed in this state file (for one-off seeding)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM meta WHERE name = ?", (f"once:{name}",)).fetchone():
                return False
            db.execute("INSERT INTO meta (name, value) VALUES (?, '1')", (f"once:{name}",))
            return True

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

    # --- faults -----------------------------------------------------------------------------------

    def faults(self, vendor: str) -> Faults:
        row = self._conn().execute("SELECT data FROM faults WHERE vendor = ?", (vendor,)).fetchone()
        return Faults.from_json(row[0] if row else None)

    def set_faults(self, vendor: str, **switches: Any) -> Faults:
        """Turn fault switches on for a vendor (merged with the ones already set)."""
        with self.transaction() as db:
            current = self.faults(vendor)
            data = {k: getattr(current, k) for k in current.__dataclass_fields__}
            unknown = set(switches) - set(data)
            if unknown:
                raise ValueError(f"unknown fault switches: {sorted(unknown)}")
            data.update(switches)
            faults = Faults(**data)
            db.execute(
                "INSERT INTO faults (vendor, data) VALUES (?, ?) "
                "ON CONFLICT (vendor) DO UPDATE SET data = excluded.data",
                (vendor, faults.to_json()),
            )
            return faults

    def clear_faults(self, vendor: str | None = None) -> None:
        with self.transaction() as db:
            if vendor:
                db.execute("DELETE FROM faults WHERE vendor = ?", (vendor,))
            else:
                db.execute("DELETE FROM faults")

    def consume_fault(self, vendor: str, counter: str) -> bool:
        """Atomically take one from a `*_next` counter; True if there was one to take."""
        return self.count_down(vendor, counter) is not None

    def count_down(self, vendor: str, counter: str) -> int | None:
        """Atomically take one from a counter (`*_next`, `kill_after`): what is left after taking it (0 when
        this was the last), or None when there was nothing to take. The read and the write share one
        IMMEDIATE transaction, so two processes never take the same unit."""
        with self.transaction() as db:
            faults = self.faults(vendor)
            remaining = getattr(faults, counter)
            if remaining <= 0:
                return None
            data = json.loads(faults.to_json())
            data[counter] = remaining - 1
            db.execute("UPDATE faults SET data = ? WHERE vendor = ?", (json.dumps(data), vendor))
            return int(remaining - 1)

    # --- server-side rate limits ------------------------------------------------------------------

    def hit(self, bucket: str, limit: int, window_seconds: float) -> tuple[bool, int, float]:
        """Count a request against a sliding window shared by every process.

        Returns (allowed, remaining, seconds until the oldest request in the window leaves it).
        A refused request is not counted, as real vendors do not count 429s against the window.
        """
        now = time.time()
        start = now - window_seconds
        with self.transaction() as db:
            db.execute("DELETE FROM hits WHERE bucket = ? AND ts <= ?", (bucket, start))
            rows = db.execute("SELECT COUNT(*), MIN(ts) FROM hits WHERE bucket = ?", (bucket,)).fetchone()
            used, oldest = int(rows[0]), rows[1]
            if used >= limit:
                reset = (oldest + window_seconds - now) if oldest is not None else window_seconds
                return False, 0, max(reset, 0.001)
            db.execute("INSERT INTO hits (bucket, ts) VALUES (?, ?)", (bucket, now))
            reset = ((oldest if oldest is not None else now) + window_seconds) - now
            return True, limit - used - 1, max(reset, 0.0)

    def reset(self) -> None:
        """Forget every simulated object, usage row, fault and hit; keep seed, size and epoch."""
        with self.transaction() as db:
            for table in ("records", "sequences", "usage", "billing", "faults", "hits"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE name LIKE 'once:%'")
