"""Moving a whole pipeline store to another database (an installation's SQLite file to Postgres).

What belongs here: `copy_store`, which brings both stores to the current schema, refuses a target that
already holds rows, copies every table row for row (ids, erased suppression entries and all) in one
transaction on the target, moves Postgres's id sequences past the copied ids, and checks that every table
ended with as many rows as the source has. The command line around it is `sales_assets/store_cli.py`.
"""

from __future__ import annotations

import logging
import os

import sqlalchemy as sa

from resources.pipeline_store.database import Database, open_database
from resources.pipeline_store.schema import TABLES

logger = logging.getLogger(__name__)

BATCH = 1_000


class StoreCopyError(RuntimeError):
    """The copy cannot start (the target holds rows) or did not land every row."""


def _count(conn: sa.Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def copy_store(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> dict[str, int]:
    """Copy every row of the store at `source` into the empty store at `target` (both a SQLite path or a
    SQLAlchemy URL); the rows copied per table."""
    source_db, target_db = open_database(source), open_database(target)
    try:
        return _copy(source_db, target_db)
    finally:
        source_db.close()
        target_db.close()


def _copy(source: Database, target: Database) -> dict[str, int]:
    copied: dict[str, int] = {}
    # The source is read in one transaction too, so what is copied is one moment of it.
    with source.core_transaction() as reading, target.core_transaction() as writing:
        held = {table.name: _count(writing, table) for table in TABLES}
        if any(held.values()):
            raise StoreCopyError(
                f"the target store {target!r} already holds rows "
                f"({', '.join(f'{n}: {c}' for n, c in held.items() if c)}); copy into an empty one"
            )
        for table in TABLES:
            rows = reading.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
            count = 0
            while batch := rows.fetchmany(BATCH):
                writing.execute(sa.insert(table), [dict(row) for row in batch])
                count += len(batch)
            copied[table.name] = count
        if not target.is_sqlite:
            for table in TABLES:
                if "id" in table.c:
                    # The copied ids were given, not drawn: the sequence must go on after the largest.
                    writing.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                    )
        landed = {table.name: _count(writing, table) for table in TABLES}
        if landed != copied or copied != {table.name: _count(reading, table) for table in TABLES}:
            raise StoreCopyError(f"rows copied {copied} but the target holds {landed}; nothing was committed")
    logger.info("pipeline store copied from %r to %r: %s", source, target, copied)
    return copied
