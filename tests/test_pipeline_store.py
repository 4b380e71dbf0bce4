"""The pipeline store: spend ledger, result cache, suppression list, the SQLite file under threads and
processes, and the resource's path resolution."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from resources.pipeline_store import (
    DEFAULT_TTL,
    SCHEMA_VERSION,
    PipelineStoreResource,
    ResultCache,
    SpendLedger,
    StoreSchemaError,
    SuppressionList,
    cache_key,
    default_store_path,
    open_database,
)
from resources.pipeline_store.database import Database

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "store" / "pipeline.sqlite")


# --- the database -----------------------------------------------------------------------------------


def test_open_creates_folders_wal_and_a_versioned_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "pipeline.sqlite"
    db = open_database(path)
    assert path.exists()
    assert db.schema_version() == SCHEMA_VERSION
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert db.query("PRAGMA busy_timeout")[0][0] == 30000
    tables = {row["name"] for row in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"spend", "cache", "suppression"} <= tables
    # Reopening is a no-op on the schema and keeps the data.
    SpendLedger(db).record("explorium", "enrich", credits=1)
    again = open_database(path)
    assert again.schema_version() == SCHEMA_VERSION
    assert SpendLedger(again).spent() == 1


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.sqlite"
    open_database(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreSchemaError, match="schema version"):
        open_database(path)


def test_transaction_rolls_back_on_error_and_nests(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction():
        db.execute("INSERT INTO cache VALUES ('ns', 'a', '1', 'x')")
        raise RuntimeError("boom")
    assert db.query("SELECT COUNT(*) FROM cache")[0][0] == 0
    with db.transaction():
        db.execute("INSERT INTO cache VALUES ('ns', 'b', '1', 'x')")
        with pytest.raises(sqlite3.IntegrityError), db.transaction():
            db.execute("INSERT INTO cache VALUES ('ns', 'c', '1', 'x')")
            db.execute("INSERT INTO cache VALUES ('ns', 'c', '2', 'x')")
    assert [row["key"] for row in db.query("SELECT key FROM cache")] == ["b"]


# --- spend ------------------------------------------------------------------------------------------


def test_ledger_sums_by_partition_and_vendor(db: Database) -> None:
    ledger = SpendLedger(db)
    ledger.record("explorium", "businesses/enrich", credits=3, units=3, partition="icp-a|2025-03-01")
    ledger.record("explorium", "prospects/enrich", credits=2.5, units=5, partition="icp-a|2025-03-01")
    ledger.record("explorium", "businesses/enrich", credits=4, partition="icp-b|2025-03-01")
    ledger.record(
        "anthropic", "messages", partition="icp-a|2025-03-01", tokens_in=900, tokens_out=120, cost_usd=0.0045
    )
    assert ledger.spent() == pytest.approx(9.5)
    assert ledger.spent(partition="icp-a|2025-03-01") == pytest.approx(5.5)
    assert ledger.spent(vendor="explorium", partition="icp-b|2025-03-01") == pytest.approx(4)
    assert ledger.spent(vendor="anthropic") == 0
    assert ledger.spent(partition="nope") == 0
    frame = ledger.entries(vendor="anthropic")
    assert list(frame[["tokens_in", "tokens_out"]].iloc[0]) == [900, 120]
    assert frame["cost_usd"].iloc[0] == pytest.approx(0.0045)


def test_cached_rows_count_as_saved_not_spent(db: Database) -> None:
    ledger = SpendLedger(db)
    ledger.record("explorium", "prospects/enrich", credits=5, partition="p", asset="contacts")
    ledger.record("explorium", "prospects/enrich", credits=5, partition="p", asset="contacts", cached=True)
    ledger.record("explorium", "prospects/enrich", credits=2, partition="q", asset="contacts", cached=True)
    assert ledger.spent() == 5
    assert ledger.saved() == 7
    assert ledger.saved(partition="p") == 5
    assert ledger.saved(asset="other") == 0
    frame = ledger.entries(partition="p")
    assert list(frame["cached"]) == [False, True]
    assert frame["cached"].dtype == bool


def test_ledger_since_filter_and_entries_frame(db: Database) -> None:
    ledger = SpendLedger(db)
    ledger.record("hubspot", "batch/upsert", credits=1, run_id="r1")
    frame = ledger.entries()
    assert list(frame.columns) == [
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
    ]
    assert frame["state"].tolist() == ["settled"]
    at = frame["at"].iloc[0].to_pydatetime()
    assert at.tzinfo is not None
    assert ledger.spent(since=at) == 1
    assert ledger.spent(since=at + timedelta(seconds=1)) == 0
    assert ledger.entries(vendor="nobody").empty


# --- cache ------------------------------------------------------------------------------------------


def test_cache_key_is_stable_across_dict_ordering() -> None:
    a = cache_key({"domain": "acme.com", "fields": ["a", "b"], "filters": {"x": 1, "y": 2}})
    b = cache_key({"filters": {"y": 2, "x": 1}, "fields": ["a", "b"], "domain": "acme.com"})
    assert a == b
    assert len(a) == 64
    assert cache_key({"fields": ["b", "a"]}) != cache_key({"fields": ["a", "b"]})
    assert cache_key({"when": NOW}) == cache_key({"when": str(NOW)})


def test_cache_returns_only_entries_younger_than_max_age(db: Database) -> None:
    cache = ResultCache(db)
    cache.put("explorium.enrich", "old", {"v": 1}, fetched_at=NOW - timedelta(days=31))
    cache.put("explorium.enrich", "new", {"v": 2}, fetched_at=NOW - timedelta(days=29))
    fresh = cache.get_many("explorium.enrich", ["old", "new", "missing"], max_age=DEFAULT_TTL, now=NOW)
    assert fresh == {"new": {"v": 2}}
    assert cache.get("explorium.enrich", "old", max_age=DEFAULT_TTL, now=NOW) is None
    assert cache.get("explorium.enrich", "old", max_age=timedelta(days=40), now=NOW) == {"v": 1}
    assert cache.get("other.namespace", "new", max_age=DEFAULT_TTL, now=NOW) is None
    # A put replaces value and fetch time.
    cache.put("explorium.enrich", "old", {"v": 3}, fetched_at=NOW)
    assert cache.get("explorium.enrich", "old", max_age=DEFAULT_TTL, now=NOW) == {"v": 3}


def test_cache_get_many_over_more_than_500_keys(db: Database) -> None:
    cache = ResultCache(db)
    values = {cache_key({"i": i}): {"i": i, "list": [i, str(i)]} for i in range(1_234)}
    cache.put_many("search", values, fetched_at=NOW)
    keys = [*values, "absent-1", "absent-2"]
    got = cache.get_many("search", keys, max_age=timedelta(hours=1), now=NOW)
    assert got == values


def test_cache_purge_deletes_only_old_entries(db: Database) -> None:
    cache = ResultCache(db)
    cache.put_many("a", {"1": 1, "2": 2}, fetched_at=NOW - timedelta(days=90))
    cache.put_many("b", {"3": None}, fetched_at=NOW)
    assert cache.purge(older_than=timedelta(days=60), now=NOW) == 2
    assert cache.get_many("b", ["3"], max_age=DEFAULT_TTL, now=NOW) == {"3": None}
    with pytest.raises(TypeError):
        cache.put("b", "bad", object())


# --- suppression ------------------------------------------------------------------------------------


def test_suppression_by_email_and_by_domain_ignores_case_and_whitespace(db: Database) -> None:
    suppression = SuppressionList(db)
    suppression.add("email", "  Jane.Doe@Example.COM ", reason="unsubscribed", source="lemlist")
    suppression.add("domain", "https://www.Competitor.io/about?x=1", reason="competitor", source="manual")
    blocked = [
        "jane.doe@example.com",
        "JANE.DOE@EXAMPLE.COM ",
        "ceo@COMPETITOR.io",
        "sales@www.competitor.io",
    ]
    hits = suppression.lookup([*blocked, "john@example.com", "someone@else.org", "not-an-email"])
    assert set(hits) == set(blocked)
    assert hits["jane.doe@example.com"].kind == "email"
    assert hits["jane.doe@example.com"].reason == "unsubscribed"
    assert hits["ceo@COMPETITOR.io"].kind == "domain"
    assert hits["ceo@COMPETITOR.io"].source == "manual"
    assert hits["ceo@COMPETITOR.io"].created_at.tzinfo is not None
    assert set(suppression.entries()["value"]) == {"jane.doe@example.com", "competitor.io"}
    assert len(suppression) == 2


def test_own_entry_wins_over_domain_entry_and_readd_keeps_first_created_at(db: Database) -> None:
    suppression = SuppressionList(db)
    first = NOW - timedelta(days=3)
    suppression.add("domain", "acme.com", reason="customer", source="hubspot", at=first)
    suppression.add("email", "bob@acme.com", reason="bounced", source="lemlist", at=first)
    again = {"kind": "email", "value": "BOB@acme.com", "reason": "complaint", "source": "manual", "at": NOW}
    suppression.add_many([again])
    hit = suppression.lookup(["bob@acme.com"])["bob@acme.com"]
    assert (hit.kind, hit.reason, hit.source, hit.created_at) == ("email", "complaint", "manual", first)
    assert len(suppression) == 2
    with pytest.raises(ValueError):
        suppression.add("email", "no-at-sign", reason="x", source="y")


def test_erase_leaves_a_tombstone_that_still_blocks(db: Database) -> None:
    suppression = SuppressionList(db)
    suppression.add("email", "Erika@Example.com", reason="unsubscribed", source="lemlist")
    assert suppression.erase(" erika@example.COM")
    assert not suppression.erase("nobody@example.com")
    hits = suppression.lookup(["erika@example.com"])
    assert hits["erika@example.com"].reason == "erased"
    frame = suppression.entries()
    assert frame["value"].isna().all()
    assert len(frame["value_hash"].iloc[0]) == 64
    assert suppression.entries(include_erased=False).empty
    # Re-adding does not bring the clear text or a reason back.
    suppression.add("email", "erika@example.com", reason="unsubscribed", source="lemlist")
    assert suppression.entries()["value"].isna().all()
    assert suppression.lookup(["erika@example.com"])["erika@example.com"].reason == "erased"
    assert len(suppression) == 1
    # Nor does the clear text linger in the file or its WAL.
    for file in (db.path, db.path.with_name(db.path.name + "-wal")):
        if file.exists():
            assert b"erika@example.com" not in file.read_bytes()


def test_lookup_over_more_than_500_addresses(db: Database) -> None:
    suppression = SuppressionList(db)
    suppression.add_many(
        {"kind": "email", "value": f"u{i}@x.com", "reason": "bounced", "source": "lemlist"}
        for i in range(0, 1_500, 2)
    )
    suppression.add("domain", "y.com", reason="competitor", source="manual")
    emails = [f"u{i}@x.com" for i in range(1_500)] + [f"u{i}@y.com" for i in range(700)]
    hits = suppression.lookup(emails)
    assert len(hits) == 750 + 700


# --- concurrency ------------------------------------------------------------------------------------


def test_four_threads_writing_the_ledger_land_every_row(db: Database) -> None:
    ledger = SpendLedger(db)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(200):
                ledger.record("explorium", "enrich", credits=1, partition=f"t{n}", run_id=f"{n}-{i}")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert len(ledger.entries()) == 800
    assert ledger.spent() == 800
    assert ledger.spent(partition="t3") == 200


def _write_ledger_from_child(path: str, name: str, start: multiprocessing.synchronize.Event) -> None:
    start.wait(60)
    db = open_database(path)
    ledger = SpendLedger(db)
    cache = ResultCache(db)
    for i in range(150):
        ledger.record("explorium", "enrich", credits=0.5, run_id=name)
        cache.put(name, str(i), {"i": i})


def test_two_processes_writing_the_same_file_both_land(tmp_path: Path) -> None:
    path = str(tmp_path / "shared" / "pipeline.sqlite")
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    children = [ctx.Process(target=_write_ledger_from_child, args=(path, name, start)) for name in ("a", "b")]
    for child in children:
        child.start()
    start.set()  # both open the not-yet-existing file and write at the same time
    for child in children:
        child.join(120)
    assert [child.exitcode for child in children] == [0, 0]
    db = open_database(path)
    frame = SpendLedger(db).entries()
    assert frame["run_id"].value_counts().to_dict() == {"a": 150, "b": 150}
    assert SpendLedger(db).spent() == 150
    assert len(ResultCache(db).get_many("b", [str(i) for i in range(150)], max_age=DEFAULT_TTL)) == 150


# --- the resource -----------------------------------------------------------------------------------


def test_store_path_from_sales_store_then_dagster_home_then_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALES_STORE", str(tmp_path / "explicit.sqlite"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "explicit.sqlite"
    assert PipelineStoreResource().store_path() == tmp_path / "explicit.sqlite"
    monkeypatch.delenv("SALES_STORE")
    assert default_store_path() == tmp_path / "home" / "sales" / "pipeline.sqlite"
    monkeypatch.delenv("DAGSTER_HOME")
    monkeypatch.chdir(tmp_path)
    assert default_store_path() == tmp_path / ".dagster_home" / "sales" / "pipeline.sqlite"
    configured = PipelineStoreResource(path=str(tmp_path / "configured.sqlite"))
    assert configured.store_path() == tmp_path / "configured.sqlite"


def test_resource_creates_its_parts_once_and_works_in_an_asset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SALES_STORE", raising=False)
    store = PipelineStoreResource()
    assert store.database() is store.database()
    assert store.ledger is store.ledger
    assert store.cache is store.cache
    assert store.suppression is store.suppression
    assert store.ledger.db is store.cache.db is store.suppression.db is store.database()
    assert (tmp_path / "home" / "sales" / "pipeline.sqlite").exists()

    @dg.asset
    def spends(pipeline_store: PipelineStoreResource) -> float:
        pipeline_store.ledger.record("explorium", "enrich", credits=2, asset="spends")
        return pipeline_store.ledger.spent(asset="spends")

    result = dg.materialize([spends], resources={"pipeline_store": PipelineStoreResource()})
    assert result.success
    assert result.output_for_node("spends") == 2
    assert SpendLedger(open_database(default_store_path())).spent() == 2


def test_sync_state_and_enrollment_ledger(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    from resources.pipeline_store import PipelineStoreResource, properties_hash

    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    assert properties_hash({"a": 1, "b": "x"}) == properties_hash({"b": "x", "a": 1})
    store.crm_sync.put_many("contacts", {"a@x.co": ("101", "h1"), "b@x.co": ("102", "h2")})
    store.crm_sync.put_many("contacts", {"a@x.co": ("101", "h3")})
    got = store.crm_sync.get_many("contacts", ["a@x.co", "b@x.co", "c@x.co"])
    assert {k: (v.hubspot_id, v.props_hash) for k, v in got.items()} == {
        "a@x.co": ("101", "h3"),
        "b@x.co": ("102", "h2"),
    }
    assert store.crm_sync.get_many("companies", ["a@x.co"]) == {}

    day = datetime(2026, 11, 23, 9, tzinfo=UTC)
    store.enrollments.record_many(
        [
            {"campaign_id": "cam_1", "email": " Ada@X.co ", "status": "added", "lead_id": "lea_1", "at": day},
            {"campaign_id": "cam_1", "email": "bo@x.co", "status": "skipped_duplicate", "at": day},
            {"campaign_id": "cam_2", "email": "ada@x.co", "status": "added", "at": day},
        ]
    )
    assert store.enrollments.count("cam_1", date(2026, 11, 23)) == 1
    assert store.enrollments.count("cam_1", date(2026, 11, 22)) == 0
    found = store.enrollments.get_many("cam_1", ["ADA@x.co", "zed@x.co"])
    assert set(found) == {"ada@x.co"} and found["ada@x.co"].lead_id == "lea_1"
    assert len(store.enrollments.entries("cam_1")) == 2 and len(store.enrollments.entries()) == 3


def test_action_ledger_records_once_per_key_and_reads_back(tmp_path: Path) -> None:
    from resources.pipeline_store import ActionLedger

    ledger = ActionLedger(open_database(tmp_path / "store.sqlite"))
    ledger.record_many("reply_task", {"act_1": ("created", {"task_id": "11"}), "act_2": ("failed", {})})
    ledger.record("reply_task", "act_2", "created", {"task_id": "12"}, partition="2026-11-20")
    ledger.record("campaign_pause", "cmp_1", "paused", {"bounce_rate": 0.034})

    found = ledger.get_many("reply_task", ["act_1", "act_2", "act_3"])
    assert set(found) == {"act_1", "act_2"}
    assert found["act_2"].status == "created" and found["act_2"].detail == {"task_id": "12"}
    assert found["act_2"].partition == "2026-11-20"
    assert ledger.get("campaign_pause", "cmp_1").detail["bounce_rate"] == 0.034
    frame = ledger.entries("reply_task")
    assert list(frame["key"]) == ["act_1", "act_2"] and len(ledger.entries()) == 3
