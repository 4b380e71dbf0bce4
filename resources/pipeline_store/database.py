"""The pipeline store's SQLite file: connections, transactions, and the versioned schema.

What belongs here: opening the file (WAL, busy timeout, parent folders), one connection per thread and
per process, `BEGIN IMMEDIATE` write transactions, the schema of every table the store keeps and its
migrations (numbered by `PRAGMA user_version`), and the UTC timestamp format all tables share. What a
table's rows mean belongs to the module that owns the table (`spend`, `cache`, `suppression`).

Several Dagster run processes write the same file at once, each with several threads, so nothing here is
shared between threads or survives a fork: each thread of each process opens its own connection, and
every write takes the write lock up front (IMMEDIATE) so two writers queue on `busy_timeout` instead of
failing on a lock upgrade.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 30.0

Params = Sequence[Any] | dict[str, Any]

# Migration N (1-based) brings a file from user_version N-1 to N. Append new migrations; never edit one
# that has shipped. Statements run one by one inside one IMMEDIATE transaction (executescript would commit).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS spend (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            vendor TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            units INTEGER NOT NULL DEFAULT 0,
            credits REAL NOT NULL DEFAULT 0,
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            "partition" TEXT,
            asset TEXT,
            run_id TEXT,
            cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1)))""",
        'CREATE INDEX IF NOT EXISTS spend_partition ON spend ("partition", vendor)',
        "CREATE INDEX IF NOT EXISTS spend_vendor_at ON spend (vendor, at)",
        "CREATE INDEX IF NOT EXISTS spend_at ON spend (at)",
        """CREATE TABLE IF NOT EXISTS cache (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (namespace, key))""",
        "CREATE INDEX IF NOT EXISTS cache_fetched_at ON cache (fetched_at)",
        """CREATE TABLE IF NOT EXISTS suppression (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('email', 'domain')),
            value_hash TEXT NOT NULL,
            value TEXT,
            reason TEXT NOT NULL,
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (kind, value_hash))""",
    ),
    (
        # What the product last wrote to the CRM per record, so an unchanged record is not written again.
        """CREATE TABLE IF NOT EXISTS crm_sync (
            object_type TEXT NOT NULL,
            key TEXT NOT NULL,
            hubspot_id TEXT NOT NULL,
            props_hash TEXT NOT NULL,
            synced_at TEXT NOT NULL,
            PRIMARY KEY (object_type, key))""",
        # Every lead the product put in a campaign, for the daily cap and so nobody is added twice.
        """CREATE TABLE IF NOT EXISTS enrollments (
            campaign_id TEXT NOT NULL,
            email TEXT NOT NULL,
            lead_id TEXT,
            status TEXT NOT NULL,
            "partition" TEXT,
            enrolled_at TEXT NOT NULL,
            PRIMARY KEY (campaign_id, email))""",
        "CREATE INDEX IF NOT EXISTS enrollments_at ON enrollments (campaign_id, enrolled_at)",
    ),
    (
        # Everything the product does once per key (a HubSpot task per reply, a campaign pause, a webhook
        # event taken in): re-runs read it so nothing is done twice.
        """CREATE TABLE IF NOT EXISTS actions (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            status TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            "partition" TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (kind, key))""",
        "CREATE INDEX IF NOT EXISTS actions_kind_at ON actions (kind, at)",
    ),
    (
        # Items being bought right now, by whom: two runs of one partition never pay for the same item.
        """CREATE TABLE IF NOT EXISTS claims (
            namespace TEXT NOT NULL,
            item TEXT NOT NULL,
            owner TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (namespace, item))""",
    ),
    (
        # A paid call is written before it is made ('open', its estimate counting against the budget) and
        # settled from the answer; an open row whose process stopped, and a call answered only after an
        # unanswered attempt ('unsure'), are reconciled from the vendor's own account of what it billed.
        "ALTER TABLE spend ADD COLUMN state TEXT NOT NULL DEFAULT 'settled'",
        "ALTER TABLE spend ADD COLUMN estimate REAL NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN estimate_in INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN estimate_out INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN lost INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN host TEXT",
        "ALTER TABLE spend ADD COLUMN pid INTEGER",
        "CREATE INDEX IF NOT EXISTS spend_vendor_state ON spend (vendor, state)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreSchemaError(RuntimeError):
    """The file's schema is newer than this code knows (a newer release wrote it)."""


def to_utc_iso(value: datetime) -> str:
    """The one timestamp format of the store. Naive datetimes are taken as UTC.

    Every stored time has the same shape (`2024-05-01T12:00:00.000000+00:00`), so comparing the strings
    in SQL compares the times.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. Two processes creating the file at once can both try; SQLite answers the
    loser "database is locked" at once, without going through the busy handler, so retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Database:
    """One store file. Safe to share between threads; each thread (and process) gets its own connection.

    `execute` and `executemany` write in their own IMMEDIATE transaction, or join the one `transaction()`
    has open on this thread. `query` reads outside a transaction (WAL readers never block writers) or
    inside the open one.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._migrate()

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    # --- connections and transactions ------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use; reopened in a forked child)."""
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            _enable_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            # Erased suppression values must not linger in freed page space.
            conn.execute("PRAGMA secure_delete=ON")
            local.conn, local.pid, local.depth = conn, os.getpid(), 0
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection: `BEGIN IMMEDIATE`, committed on exit, rolled
        back on an exception. Nested calls become savepoints of the outer transaction."""
        conn = self.connection()
        local = self._local
        depth: int = local.depth
        savepoint = f"sp{depth}"
        conn.execute(f"SAVEPOINT {savepoint}" if depth else "BEGIN IMMEDIATE")
        local.depth = depth + 1
        try:
            yield conn
            if depth:
                conn.execute(f"RELEASE {savepoint}")
            else:
                conn.execute("COMMIT")
        except BaseException:
            # SQLite rolls some failures back on its own; a second ROLLBACK would hide the real error.
            if conn.in_transaction:
                if depth:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                else:
                    conn.execute("ROLLBACK")
            raise
        finally:
            local.depth = depth

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        with self.transaction() as conn:
            return conn.execute(sql, params)

    def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> sqlite3.Cursor:
        with self.transaction() as conn:
            return conn.executemany(sql, seq_of_params)

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self.connection().execute(sql, params).fetchall()

    def schema_version(self) -> int:
        return int(self.connection().execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close every connection this object opened, in any thread; later calls open new ones."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:  # a connection of a dead thread, or one already closed
                logger.debug("closing a pipeline store connection failed", exc_info=True)

    # --- schema -----------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreSchemaError(
                    f"pipeline store {self.path} has schema version {version}; this code knows up to "
                    f"{SCHEMA_VERSION}. Upgrade the code, or point the store at another file."
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                logger.info("pipeline store %s: schema migrated to version %d", self.path, number)


def open_database(path: str | os.PathLike[str]) -> Database:
    """Open (creating it and its folders if needed) the store file at `path`, schema up to date."""
    return Database(path)
