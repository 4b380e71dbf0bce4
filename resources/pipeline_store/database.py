"""The pipeline store's database: SQLite (the embedded default) or Postgres, its connections, transactions
and versioned schema.

What belongs here: resolving where the store lives (a file path or a SQLAlchemy URL), opening it through a
SQLAlchemy engine (SQLite: WAL, busy timeout, parent folders; Postgres: the store's own schema), one
connection per thread and per process, write transactions, migrating the schema on open (Alembic,
`migrations/`; a file the old hand-written migrations made is adopted, see `legacy.py`) and the UTC
timestamp format all tables share. What a table's rows mean belongs to the module that owns the table
(`spend`, `cache`, `suppression`); the tables themselves are `schema.py`.

The tables' modules write portable SQL with `?` placeholders; `Database` hands it to the driver in its own
parameter style. Several Dagster run processes (on several machines, with Postgres) write the store at once,
each with several threads, so nothing here is shared between threads or survives a fork: each thread of
each process opens its own connection. On SQLite every write takes the write lock up front (`BEGIN
IMMEDIATE`) so two writers queue on `busy_timeout` instead of failing on a lock upgrade; on Postgres writes
run at READ COMMITTED and what must not race takes row locks or relies on unique keys (`claims.py`);
writers of many rows sort them by key, so two writers lock shared rows in one order, and a write Postgres
still picks as a deadlock's victim is run again.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from resources.pipeline_store.legacy import LEGACY_MIGRATIONS, LEGACY_VERSION
from resources.pipeline_store.schema import POSTGRES_SCHEMA, metadata

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 30.0
#: How often a Postgres write chosen as a deadlock's victim is tried again.
DEADLOCK_RETRIES = 5
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Any number, the same in every process: the Postgres advisory lock two processes migrating at once queue on.
_MIGRATION_LOCK = 0x5A1E5

Params = Sequence[Any] | dict[str, Any]
Row = Any  # sqlite3.Row, or psycopg2's DictRow: by index, by column name, tuple() and dict() alike
Cursor = Any  # the driver's cursor: rowcount, fetchall()


class StoreSchemaError(RuntimeError):
    """The store's schema is newer than this code knows (a newer release wrote it)."""


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


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def _head() -> str:
    head = _script().get_current_head()
    assert head is not None, "the store's migrations have no head revision"
    return head


#: The schema version this code writes: the head Alembic revision, numbered on from the legacy user_version.
SCHEMA_VERSION = int(_head())


def store_url(target: str | os.PathLike[str]) -> sa.URL:
    """A SQLAlchemy URL for `target`: a URL as given (`postgresql://...`, `sqlite:///...`), else a path."""
    text = os.fspath(target)
    if "://" in text:
        url = sa.make_url(text)
        if url.drivername in ("postgres", "postgresql"):
            url = url.set(drivername="postgresql+psycopg2")
        return url
    return sa.URL.create("sqlite", database=str(Path(text)))


def describe(url: sa.URL) -> str:
    """`url` without its password, for logs and messages."""
    return url.render_as_string(hide_password=True)


@functools.cache
def _pyformat(sql: str) -> str:
    """`sql` with `?` placeholders in psycopg2's style (`%s`, literal `%` doubled); quoted text untouched."""
    parts = re.split(r"('(?:[^']|'')*'|\"[^\"]*\")", sql)
    for index in range(0, len(parts), 2):
        parts[index] = parts[index].replace("%", "%%").replace("?", "%s")
    return "".join(parts)


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


def _on_sqlite_connect(conn: sqlite3.Connection, _record: object) -> None:
    # Transactions are begun by hand (BEGIN IMMEDIATE), never implicitly by the driver.
    conn.isolation_level = None
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    _enable_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    # Erased suppression values must not linger in freed page space.
    conn.execute("PRAGMA secure_delete=ON")


def _on_postgres_connect(conn: Any, _record: object) -> None:
    # Statements outside `transaction()` commit on their own, as SQLite's do; BEGIN is sent by hand.
    conn.autocommit = True


def _alembic_config(conn: sa.Connection, schema: str | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes.update(connection=conn, schema=schema)
    return config


def upgrade_revisions(conn: sa.Connection, schema: str | None) -> None:
    """Run every Alembic revision the database on `conn` lacks (inside the caller's transaction)."""
    command.upgrade(_alembic_config(conn, schema), "head")


class Database:
    """One store. Safe to share between threads; each thread (and process) gets its own connection.

    `execute` and `executemany` write in their own transaction, or join the one `transaction()` has open
    on this thread. `query` reads outside a transaction (WAL readers never block writers; on Postgres
    each read sees what is committed) or inside the open one.
    """

    def __init__(self, target: str | os.PathLike[str], *, schema: str | None = None) -> None:
        url = store_url(target)
        self.dialect = url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"the pipeline store runs on SQLite or Postgres, not {describe(url)}")
        self.schema: str | None = None
        self.path: Path | None = None
        if self.is_sqlite:
            self.path = Path(url.database or "")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        else:
            # `?schema=` in the URL names another schema than the default (tests, two installations).
            self.schema = schema or str(url.query.get("schema") or POSTGRES_SCHEMA)
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.schema):
                raise ValueError(f"not a plain Postgres schema name: {self.schema!r}")
            url = url.difference_update_query(["schema"])
        self.url = url
        self._engine: sa.Engine | None = None
        self._engine_pid = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._migrate()

    def __repr__(self) -> str:
        return f"Database({str(self.path) if self.path else describe(self.url)!r})"

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    # --- connections and transactions ------------------------------------------------------------

    def engine(self) -> sa.Engine:
        """This process's engine (a forked child makes its own: connections do not cross a fork)."""
        with self._lock:
            if self._engine is None or self._engine_pid != os.getpid():
                self._engine, self._engine_pid = self._create_engine(), os.getpid()
            return self._engine

    def _create_engine(self) -> sa.Engine:
        # No pool: each thread keeps the one connection it opened until `close()`.
        if self.is_sqlite:
            engine = sa.create_engine(
                self.url,
                poolclass=NullPool,
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _on_sqlite_connect)
            return engine
        import psycopg2.extras

        engine = sa.create_engine(
            self.url,
            poolclass=NullPool,
            connect_args={
                "cursor_factory": psycopg2.extras.DictCursor,
                "options": f"-c search_path={self.schema}",
                "application_name": "sales-pipeline-store",
            },
        )
        sa.event.listen(engine, "connect", _on_postgres_connect)
        return engine

    def connection(self) -> Any:
        """This thread's DBAPI connection (opened on first use; reopened in a forked child)."""
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            proxy = self.engine().raw_connection()
            conn = proxy.dbapi_connection
            local.conn, local.pid, local.depth = conn, os.getpid(), 0
            with self._lock:
                self._connections.append(proxy)
        return conn

    def _run(self, sql: str, params: Params = ()) -> Cursor:
        conn = self.connection()
        if self.is_sqlite:
            return conn.execute(sql, params)
        cursor = conn.cursor()
        cursor.execute(_pyformat(sql), params if params else None)
        return cursor

    def in_transaction(self) -> bool:
        """Whether this thread has a `transaction()` open."""
        return bool(getattr(self._local, "depth", 0)) and self._local.pid == os.getpid()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction on this thread's connection (`BEGIN IMMEDIATE` on SQLite), committed on exit,
        rolled back on an exception. Nested calls become savepoints of the outer transaction. Statements
        of this thread (`execute`, `query`) run inside it."""
        self.connection()
        local = self._local
        depth: int = local.depth
        savepoint = f"sp{depth}"
        self._run(f"SAVEPOINT {savepoint}" if depth else "BEGIN IMMEDIATE" if self.is_sqlite else "BEGIN")
        local.depth = depth + 1
        try:
            yield self
            self._run(f"RELEASE SAVEPOINT {savepoint}" if depth else "COMMIT")
        except BaseException:
            # SQLite rolls some failures back on its own; a second ROLLBACK would hide the real error.
            if self._open_on_server():
                if depth:
                    self._run(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self._run(f"RELEASE SAVEPOINT {savepoint}")
                else:
                    self._run("ROLLBACK")
            raise
        finally:
            local.depth = depth

    def _open_on_server(self) -> bool:
        conn = self.connection()
        if self.is_sqlite:
            return bool(conn.in_transaction)
        import psycopg2.extensions

        return bool(conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE)

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        def run() -> Cursor:
            with self.transaction():
                return self._run(sql, params)

        return self._retrying(run)

    def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> Cursor:
        rows = list(seq_of_params)

        def run() -> Cursor:
            with self.transaction():
                conn = self.connection()
                if self.is_sqlite:
                    return conn.executemany(sql, rows)
                import psycopg2.extras

                cursor = conn.cursor()
                psycopg2.extras.execute_batch(cursor, _pyformat(sql), rows, page_size=500)
                return cursor

        return self._retrying(run)

    def _retrying(self, work: Callable[[], Cursor]) -> Cursor:
        """`work()`, run again when Postgres chose its transaction as a deadlock's (or a serialisation
        failure's) victim; only a transaction of its own: one inside the caller's is the caller's to retry."""
        for attempt in range(1, DEADLOCK_RETRIES + 1):
            try:
                return work()
            except Exception as exc:
                victim = getattr(exc, "pgcode", None) in ("40P01", "40001")
                if self.is_sqlite or self.in_transaction() or not victim or attempt == DEADLOCK_RETRIES:
                    raise
                logger.info("pipeline store: transaction retried after %s", type(exc).__name__)
                time.sleep(0.02 * attempt)
        raise AssertionError("unreachable")

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return list(self._run(sql, params).fetchall())

    def insert_returning_id(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT (of one row, into a table with an `id` key) and return the new row's id."""
        with self.transaction():
            return int(self._run(f"{sql} RETURNING id", params).fetchone()[0])

    def reclaim(self, table: str) -> None:
        """Drop old images of `table`'s rows, which may still hold values just erased (best effort, and
        only outside a transaction): SQLite checkpoints its WAL (readers of other processes may keep part of
        it alive until the next checkpoint); Postgres vacuums the table's dead row versions."""
        if self.in_transaction():
            return
        if self.is_sqlite:
            self.query("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            self._run(f"VACUUM {table}")

    def schema_version(self) -> int:
        """The store's schema version: its Alembic revision (0 when it has none)."""
        if self.is_sqlite:
            return int(self.query("PRAGMA user_version")[0][0])
        rows = self.query("SELECT version_num FROM alembic_version")
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        """Close every connection this object opened, in any thread; later calls open new ones."""
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for conn in connections:
            try:
                conn.close()
            except Exception:  # a connection of a dead thread, or one already closed
                logger.debug("closing a pipeline store connection failed", exc_info=True)

    # --- schema -----------------------------------------------------------------------------------

    @contextmanager
    def core_transaction(self) -> Iterator[sa.Connection]:
        """A SQLAlchemy connection in one write transaction of its own (SQLite: `BEGIN IMMEDIATE`), committed
        on exit, rolled back on an exception: for Alembic and for copying whole tables."""
        with self.engine().connect() as conn:
            if self.is_sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                # This one connection runs in a transaction of the driver's (its locks last until COMMIT).
                conn.connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]
            try:
                yield conn
            except BaseException:
                if self.is_sqlite:
                    conn.exec_driver_sql("ROLLBACK")
                conn.rollback()
                raise
            if self.is_sqlite:
                conn.exec_driver_sql("COMMIT")
            conn.commit()

    def _migrate(self) -> None:
        """Bring the schema to `SCHEMA_VERSION` under the store's migration lock (SQLite: the write lock;
        Postgres: an advisory lock), in one transaction."""
        with self.core_transaction() as conn:
            if not self.is_sqlite:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            self._migrate_on(conn)

    def _migrate_on(self, conn: sa.Connection) -> None:
        tables = set(sa.inspect(conn).get_table_names(schema=self.schema))
        revision = None
        if "alembic_version" in tables:
            row = conn.exec_driver_sql(
                f"SELECT version_num FROM {self.schema + '.' if self.schema else ''}alembic_version"
            ).first()
            revision = row[0] if row else None
        legacy = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0) if self.is_sqlite else 0
        known = {script.revision for script in _script().walk_revisions()}
        if legacy > SCHEMA_VERSION or (revision is not None and revision not in known):
            found = legacy if legacy > SCHEMA_VERSION else revision
            raise StoreSchemaError(
                f"pipeline store {self!r} has schema version {found}; this code knows up to "
                f"{SCHEMA_VERSION}. Upgrade the code, or point the store at another database."
            )
        if revision == _head() and (not self.is_sqlite or legacy == SCHEMA_VERSION):
            return
        if not tables:
            # A new database: the head schema at once, stamped (what the revisions build, a test holds them
            # equal), a fraction of the time of running every revision.
            metadata.create_all(conn)
            context = MigrationContext.configure(conn, opts={"version_table_schema": self.schema})
            context.stamp(_script(), "head")
        elif revision is None and legacy:
            # A file of the hand-written migrations: finish them, then it is the baseline revision.
            for number in range(legacy + 1, LEGACY_VERSION + 1):
                for statement in LEGACY_MIGRATIONS[number - 1]:
                    conn.exec_driver_sql(statement)
            command.stamp(_alembic_config(conn, self.schema), f"{LEGACY_VERSION:04d}")
            logger.info("pipeline store %r: adopted at schema version %d", self, LEGACY_VERSION)
            upgrade_revisions(conn, self.schema)
        else:
            upgrade_revisions(conn, self.schema)
        if self.is_sqlite:
            # Kept equal to the revision, so a release from before Alembic refuses a newer file.
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        logger.info("pipeline store %r: schema at version %d", self, SCHEMA_VERSION)


def open_database(target: str | os.PathLike[str], *, schema: str | None = None) -> Database:
    """Open the store at `target` (a SQLite file path, created with its folders if needed, or a SQLAlchemy
    URL such as `postgresql://user:pw@host/db`), schema up to date."""
    return Database(target, schema=schema)
