"""The pipeline store on Postgres: every table's operations in the store's own schema, and 8 runs of
different partitions at once in 8 processes buying overlapping items, with exact ledgers and nothing paid
twice. Each test has a schema of its own on the session's PostgreSQL server (`postgres_store_url`)."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from resources.billing import Billed
from resources.pipeline_store import (
    SCHEMA_VERSION,
    ActionLedger,
    EnrollmentLedger,
    PipelineStoreResource,
    ResultCache,
    SpendLedger,
    SuppressionList,
    SyncState,
    open_database,
)
from resources.pipeline_store.claims import SpendClaims
from resources.pipeline_store.erasure import erase_person
from resources.pipeline_store.spend import OPEN
from sales_assets.common.spend import PaidCalls

pytestmark = pytest.mark.slow

RUNS = 8
ITEMS = [f"prospect-{n:03d}" for n in range(120)]


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_every_table_works_on_postgres_in_the_store_schema(postgres_store_url: str) -> None:
    db = open_database(postgres_store_url)
    schema = postgres_store_url.rsplit("schema=", 1)[1]
    assert db.schema == schema
    assert db.schema_version() == SCHEMA_VERSION
    tables = {
        row[0]
        for row in db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (schema,)
        )
    }
    assert {
        "spend",
        "cache",
        "suppression",
        "crm_sync",
        "enrollments",
        "actions",
        "claims",
        "alembic_version",
    } == tables

    ledger = SpendLedger(db)
    ledger.record("explorium", "enrich", credits=2.5, partition="p", units=2)
    ledger.record("explorium", "enrich", credits=1.0, partition="p", cached=True)
    row = ledger.open("anthropic", "messages", estimate_in=100, estimate_out=50, partition="p")
    assert ledger.unsettled() == 1
    ledger.settle(row, credits=0.0, units=1, tokens_in=80, tokens_out=40, cost_usd=0.01)
    assert (ledger.spent(partition="p"), ledger.saved(partition="p"), ledger.unsettled()) == (2.5, 1.0, 0)
    frame = ledger.entries(vendor="anthropic")
    assert frame[["tokens_in", "tokens_out", "state"]].values.tolist() == [[80, 40, "settled"]]

    cache = ResultCache(db)
    cache.put_many("ns", {"a": {"x": 1}, "b": [1, "100%"]})
    cache.put("ns", "a", {"x": 2})
    assert cache.get_many("ns", ["a", "b", "c"], max_age=timedelta(days=1)) == {
        "a": {"x": 2},
        "b": [1, "100%"],
    }

    suppression = SuppressionList(db)
    suppression.add("email", "Jane@Example.com", reason="unsubscribed", source="lemlist")
    suppression.add("domain", "competitor.example", reason="competitor", source="manual")
    assert set(suppression.lookup(["jane@example.com", "x@competitor.example", "y@ok.example"])) == {
        "jane@example.com",
        "x@competitor.example",
    }

    SyncState(db).put_many("company", {"acme.example": ("1", "h1")})
    SyncState(db).put_many("company", {"acme.example": ("1", "h2")})
    assert SyncState(db).get_many("company", ["acme.example"])["acme.example"].props_hash == "h2"
    enrollments = EnrollmentLedger(db)
    enrollments.record_many([{"campaign_id": "c", "email": "jane@example.com", "status": "added"}])
    assert enrollments.get_many("c", ["JANE@example.com"])["jane@example.com"].status == "added"
    actions = ActionLedger(db)
    actions.record("reply_task", "jane@example.com", "done", {"task": 7})
    assert actions.get("reply_task", "jane@example.com").detail == {"task": 7}  # type: ignore[union-attr]

    claims = SpendClaims(db)
    assert claims.claim("ns", ["a", "b"], owner="one", ttl=timedelta(minutes=5)) == (["a", "b"], [])
    assert claims.claim("ns", ["b", "c"], owner="two", ttl=timedelta(minutes=5)) == (["c"], ["b"])
    claims.release("ns", ["a", "b"], owner="one")
    assert claims.held("ns") == {"c": "two"}

    cache.put("contacts", "k", {"email": "jane@example.com"})
    report = erase_person(db, "jane@example.com")
    assert (report.enrollments, report.actions, report.cache, report.tombstone) == (1, 1, 1, True)
    assert suppression.entries().query("kind == 'email'")["value"].isna().all()

    # A failing statement rolls its transaction back and leaves the connection usable.
    with pytest.raises(Exception, match="duplicate key"), db.transaction():
        db.execute("INSERT INTO cache VALUES ('ns', 'z', '1', 'x')")
        db.execute("INSERT INTO cache VALUES ('ns', 'z', '1', 'x')")
    assert cache.get("ns", "z", max_age=timedelta(days=1)) is None
    db.close()
    # Opening again finds the schema current and the rows there.
    assert SpendLedger(open_database(postgres_store_url)).spent() == 2.5


def _one_run(url: str, partition: str, items: list[str], bill: str, barrier: Any) -> None:
    """A run of one partition: buys `items` cache-first under claims, then writes its ledgers."""
    store = PipelineStoreResource(path=url)
    calls = PaidCalls(
        store, vendor="explorium", partition=partition, asset="contacts", budget_credits=1e6, run_id=partition
    )

    def fetch(part: list[str]) -> tuple[dict[str, Any], float, int]:
        # What the vendor bills, written where every process appends (one write per call: atomic).
        with open(bill, "a") as out:
            out.write("".join(f"{partition} {item}\n" for item in part))
        time.sleep(0.02)
        return {item: {"id": item} for item in part}, float(len(part)), 1

    barrier.wait()
    result = calls.by_id("enrich", items, fetch, unit_credits=1.0, chunk=7)
    assert set(result.values) == set(items)
    store.actions.record_many(
        "enriched", {item: ("done", {"by": partition}) for item in items}, partition=partition
    )
    store.enrollments.record_many(
        {"campaign_id": "c1", "email": f"{item}@example.com", "status": "added", "partition": partition}
        for item in items
    )
    store.suppression.add_many(
        {"kind": "domain", "value": f"{item}.example", "reason": "competitor", "source": partition}
        for item in items[:10]
    )
    store.database().close()


def test_eight_runs_at_once_keep_every_ledger_exact_and_pay_once(
    postgres_store_url: str, tmp_path: Path
) -> None:
    open_database(postgres_store_url).close()
    bill = tmp_path / "billed.txt"
    # Each run wants 60 of the 120 items, overlapping its neighbours', in its own order.
    wanted = {
        f"2026-12-0{n + 1}|icp{n}": [ITEMS[(n * 15 + k) % len(ITEMS)] for k in range(60)] for n in range(RUNS)
    }
    for n, items in enumerate(wanted.values()):
        if n % 2:
            items.reverse()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RUNS)
    runs = [
        context.Process(target=_one_run, args=(postgres_store_url, partition, items, str(bill), barrier))
        for partition, items in wanted.items()
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=240)
    assert [run.exitcode for run in runs] == [0] * RUNS

    billed = [line.split() for line in bill.read_text().splitlines()]
    per_item = Counter(item for _, item in billed)
    asked = {item for items in wanted.values() for item in items}
    # No double spend: every item asked for was bought exactly once, by one of the runs.
    assert set(per_item) == asked
    assert set(per_item.values()) == {1}

    db = open_database(postgres_store_url)
    ledger = SpendLedger(db)
    assert ledger.unsettled() == 0
    assert ledger.spent() == len(asked)
    for partition, items in wanted.items():
        bought = sum(1 for who, _ in billed if who == partition)
        # Each partition's ledger holds what its run paid, and what the cache saved it, to the credit.
        assert ledger.spent(partition=partition) == bought
        assert ledger.saved(partition=partition) == len(items) - bought
    assert SpendClaims(db).held("explorium:enrich") == {}
    assert len(ResultCache(db).get_many("explorium:enrich", asked, max_age=timedelta(days=1))) == len(asked)
    actions = ActionLedger(db).entries("enriched")
    assert sorted(actions["key"]) == sorted(asked)
    enrollments = EnrollmentLedger(db).entries("c1")
    assert sorted(enrollments["email"]) == sorted(f"{item}@example.com" for item in asked)
    domains = {item for items in wanted.values() for item in items[:10]}
    assert len(SuppressionList(db)) == len(domains)


def _one_run_of_the_partition(url: str, n: int, bill: str, barrier: Any) -> None:
    """One of several runs of the same partition, each buying items of its own under one budget."""
    store = PipelineStoreResource(path=url)
    calls = PaidCalls(
        store, vendor="explorium", partition="2026-12-01|icp0", asset="contacts", budget_credits=20.0
    )

    def fetch(part: list[str]) -> tuple[dict[str, Any], float, int]:
        with open(bill, "a") as out:
            out.write("".join(f"{item}\n" for item in part))
        time.sleep(0.02)
        return {item: {"id": item} for item in part}, float(len(part)), 1

    barrier.wait()
    # Every run counts the same room (20) before any has bought: only the ledger's reservation stops them.
    result = calls.by_id("enrich", [f"run{n}-{k}" for k in range(10)], fetch, unit_credits=1.0, chunk=2)
    assert len(result.values) + len(result.skipped) == 10
    store.database().close()


def test_runs_of_one_partition_at_once_never_spend_past_its_budget(
    postgres_store_url: str, tmp_path: Path
) -> None:
    open_database(postgres_store_url).close()
    bill = tmp_path / "billed.txt"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RUNS)
    runs = [
        context.Process(target=_one_run_of_the_partition, args=(postgres_store_url, n, str(bill), barrier))
        for n in range(RUNS)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=240)
    assert [run.exitcode for run in runs] == [0] * RUNS
    ledger = SpendLedger(open_database(postgres_store_url))
    assert len(bill.read_text().splitlines()) == ledger.spent(partition="2026-12-01|icp0") == 20


def test_a_row_that_commits_below_the_newest_id_while_the_report_is_read_makes_the_reconciliation_wait(
    postgres_store_url: str,
) -> None:
    """Postgres hands out ids at insert, not at commit: a call another run wrote first (id N) may commit
    after one written later (N + 1), and after the reconciliation read the newest id. Its charge may be in
    the vendor's report; read as the lost call's, it would be attributed to that call."""
    db = open_database(postgres_store_url)
    ledger = SpendLedger(db)
    inserted, commit, committed = threading.Event(), threading.Event(), threading.Event()

    def another_run() -> None:
        # This thread's own connection: its row stays invisible to the main thread until it commits.
        with db.transaction():
            ledger.open("anthropic", "POST /v1/messages", estimate_in=900, estimate_out=80)
            inserted.set()
            commit.wait(30)
        committed.set()

    thread = threading.Thread(target=another_run)
    thread.start()
    assert inserted.wait(30)
    lost = ledger.open("anthropic", "POST /v1/messages", estimate_in=900, estimate_out=80)
    db.execute("UPDATE spend SET pid = ? WHERE id = ?", (_dead_pid(), lost))

    def billed_while_the_other_run_commits(start: datetime, end: datetime) -> Billed:
        commit.set()
        assert committed.wait(30)
        # Both calls were billed: 700 tokens in each.
        return Billed({"tokens_in": 1400.0, "tokens_out": 120.0})

    found = ledger.reconcile("anthropic", billed_while_the_other_run_commits)
    thread.join(30)
    assert found.waiting and found.rows == 0
    assert ledger.entries()["state"].tolist() == [OPEN, OPEN]
    db.close()
