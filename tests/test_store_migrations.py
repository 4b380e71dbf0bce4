"""The pipeline store's schema under Alembic: files of the hand-written migrations adopted without loss, the
revisions and the table metadata kept equal, a newer schema refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from resources.pipeline_store import (
    SCHEMA_VERSION,
    SpendLedger,
    StoreSchemaError,
    SuppressionList,
    open_database,
)
from resources.pipeline_store.database import upgrade_revisions
from resources.pipeline_store.legacy import LEGACY_MIGRATIONS, LEGACY_VERSION
from resources.pipeline_store.schema import metadata


def legacy_file(path: Path, version: int) -> None:
    """A store file as the releases before Alembic left it at `version`: their statements, their
    `PRAGMA user_version`, and a row in each table that existed then."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN IMMEDIATE")
    for number in range(1, version + 1):
        for statement in LEGACY_MIGRATIONS[number - 1]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("COMMIT")
    stamp = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        'INSERT INTO spend (at, vendor, endpoint, credits, "partition") '
        "VALUES (?, 'explorium', 'enrich', 4, 'p')",
        (stamp,),
    )
    conn.execute("INSERT INTO cache VALUES ('ns', 'k', '[1, 2]', ?)", (stamp,))
    conn.execute(
        "INSERT INTO suppression (kind, value_hash, value, reason, source, created_at) "
        "VALUES ('email', ?, 'a@b.example', 'bounced', 'lemlist', ?)",
        ("0" * 64, stamp),
    )
    if version >= 3:
        conn.execute(
            "INSERT INTO actions (kind, key, status, at) VALUES ('reply_task', 'r1', 'done', ?)", (stamp,)
        )
    conn.close()


@pytest.mark.parametrize("version", [LEGACY_VERSION, 2])
def test_a_file_of_the_hand_written_migrations_is_adopted_without_loss(tmp_path: Path, version: int) -> None:
    path = tmp_path / "pipeline.sqlite"
    legacy_file(path, version)
    db = open_database(path)
    assert db.schema_version() == SCHEMA_VERSION
    assert db.query("SELECT version_num FROM alembic_version")[0][0] == f"{SCHEMA_VERSION:04d}"
    ledger = SpendLedger(db)
    assert ledger.spent(partition="p") == 4
    assert db.query("SELECT value FROM cache WHERE namespace = 'ns' AND key = 'k'")[0][0] == "[1, 2]"
    assert SuppressionList(db).entries()["value"].tolist() == ["a@b.example"]
    # The columns the later legacy migrations added are there and work.
    row = ledger.open("explorium", "enrich", estimate=2.0, partition="p")
    ledger.settle(row, credits=1.5, units=1)
    assert ledger.spent(partition="p") == 5.5
    assert ledger.unsettled() == 0
    db.close()
    # Adopted once: opening again changes nothing.
    again = open_database(path)
    assert again.schema_version() == SCHEMA_VERSION
    assert SpendLedger(again).spent(partition="p") == 5.5


def test_the_revisions_build_exactly_the_table_metadata(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with engine.begin() as conn:
        upgrade_revisions(conn, schema=None)
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_a_schema_newer_than_the_code_is_refused_by_revision(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.sqlite"
    open_database(path).execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreSchemaError, match="schema version 9999"):
        open_database(path)
