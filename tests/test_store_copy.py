"""`sales-pipeline store upgrade` and `store copy`: an installation's SQLite store, made by the releases
before Alembic, upgraded in place and moved to Postgres without losing a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_store_migrations import legacy_file

from resources.pipeline_store import (
    SCHEMA_VERSION,
    ActionLedger,
    EnrollmentLedger,
    ResultCache,
    SpendLedger,
    SuppressionList,
    SyncState,
    open_database,
)
from resources.pipeline_store.claims import SpendClaims
from resources.pipeline_store.database import Database
from resources.pipeline_store.schema import TABLES
from sales_assets.cli import main

pytestmark = pytest.mark.slow


def every_row(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.engine().connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in TABLES
        }


def test_upgrade_brings_a_file_of_the_old_migrations_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.sqlite"
    legacy_file(path, 3)
    assert main(["store", "upgrade", "--store", str(path)]) == 0
    db = open_database(path)
    assert db.query("SELECT version_num FROM alembic_version")[0][0] == f"{SCHEMA_VERSION:04d}"
    assert SpendLedger(db).spent(partition="p") == 4


def test_copy_from_sqlite_to_postgres_loses_no_row(tmp_path: Path, postgres_store_url: str) -> None:
    path = tmp_path / "pipeline.sqlite"
    legacy_file(path, 5)
    db = open_database(path)
    ledger = SpendLedger(db)
    row = ledger.open("explorium", "enrich", estimate=3.0, partition="p", run_id="r")
    ledger.settle(row, credits=2.0, units=2, lost=1)
    ledger.open("anthropic", "messages", estimate_in=10, estimate_out=5, partition="p")
    ledger.record("explorium", "enrich", credits=1.5, partition="q", cached=True)
    ResultCache(db).put_many("ns2", {"a": {"text": "Grüße, 100% ✓"}, "b": None})
    suppression = SuppressionList(db)
    suppression.add("email", "erika@example.com", reason="unsubscribed", source="lemlist")
    suppression.add("domain", "bücher.example", reason="competitor", source="manual")
    suppression.erase("erika@example.com")
    SyncState(db).put_many("contact", {"jane@example.com": ("42", "h")})
    EnrollmentLedger(db).record_many([{"campaign_id": "c", "email": "jane@example.com", "status": "added"}])
    ActionLedger(db).record("pause", "c", "paused", {"bounce_rate": 0.07}, partition="p")
    SpendClaims(db).claim("ns2", ["x"], owner="run", ttl=timedelta(minutes=5))
    before = every_row(db)
    assert all(before.values())

    assert main(["store", "copy", "--from", f"sqlite:///{path}", "--to", postgres_store_url]) == 0
    target = open_database(postgres_store_url)
    assert every_row(target) == before
    moved = SpendLedger(target)
    assert moved.spent(partition="p") == ledger.spent(partition="p")
    assert moved.unsettled() == ledger.unsettled() == 2
    assert (
        suppression.lookup(["erika@example.com"]).keys()
        == SuppressionList(target).lookup(["erika@example.com"]).keys()
    )
    # New rows continue after the copied ids.
    assert moved.open("explorium", "enrich", estimate=1.0) == max(row[0] for row in before["spend"]) + 1
    SuppressionList(target).add(
        "email", "new@example.com", reason="bounced", source="lemlist", at=datetime.now(UTC)
    )
    # A second copy into the store that now holds rows is refused, and changes nothing.
    assert main(["store", "copy", "--from", str(path), "--to", postgres_store_url]) == 1
    assert len(every_row(target)["spend"]) == len(before["spend"]) + 1
