"""The sandbox state file itself: its schema, where it lives, one SQLite connection per thread, IMMEDIATE
transactions, the meta table and the sandbox clock. The other store modules build on `StoreBase`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


#: Memory-mapped reads of the state file (a limit, not an allocation).
MMAP_BYTES = 256 * 1024 * 1024


def default_state_path() -> Path:
    """Where the sandbox keeps its state: `$SANDBOX_STATE`, else `$DAGSTER_HOME/sandbox/state.sqlite`,
    else `./.dagster_home/sandbox/state.sqlite`."""
    explicit = os.environ.get("SANDBOX_STATE")
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or os.path.join(os.getcwd(), ".dagster_home")
    return Path(home) / "sandbox" / "state.sqlite"


class StoreBase:
    """One sandbox state file: its connections (one per thread), transactions, meta values and clock."""

    def __init__(
        self, path: str | os.PathLike[str], *, seed: int | None = None, size: int | None = None
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Writers of this process queue here rather than in SQLite's busy handler, which sleeps in growing
        # steps between attempts: a server answering in parallel hands the write lock on at once.
        self._writer = threading.Lock()
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
            # The sandbox stands in for remote services: what it must survive is a process ending (chaos
            # faults kill servers and runs), which WAL without syncs does; an OS crash need not be survived.
            # Checkpoints then copy pages back without waiting on the disk.
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA busy_timeout=30000")
            # Reads share the OS page cache instead of each connection's own small one: a portal of tens of
            # thousands of records is read by every request thread.
            conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
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
        with self._writer:
            conn.execute("BEGIN IMMEDIATE")
            # The clock offset is read once per transaction (see `timestamp`), and id sequences are counted
            # in memory while it holds the write lock (see `RecordStore.next_id`).
            self._local.offset = None
            self._local.sequences = {}
            try:
                yield conn
                self._flush_sequences(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                self._local.offset = None
                self._local.sequences = None
            conn.execute("COMMIT")

    def _flush_sequences(self, conn: sqlite3.Connection) -> None:
        """Write back the sequences this transaction counted on in memory (see `RecordStore.next_id`)."""
        counted: dict[str, list[int]] = self._local.sequences or {}
        dirty = [(value, ns) for ns, (value, stored) in counted.items() if value != stored]
        if dirty:
            conn.executemany("UPDATE sequences SET value = ? WHERE ns = ?", dirty)

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
        if name == "clock_offset":
            self._local.offset = None

    def timestamp(self) -> float:
        """Sandbox time as a unix timestamp: the wall clock plus the offset tests may have advanced it by.

        Inside a transaction the offset is read once: the transaction holds the write lock, so no one can
        move the clock meanwhile but this thread (`set_meta` forgets the cached value)."""
        if not self._conn().in_transaction:
            return time.time() + float(self.get_meta("clock_offset", "0") or 0)
        offset: float | None = getattr(self._local, "offset", None)
        if offset is None:
            offset = float(self.get_meta("clock_offset", "0") or 0)
            self._local.offset = offset
        return time.time() + offset

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
