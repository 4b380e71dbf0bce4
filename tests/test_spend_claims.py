"""Spend claims: two runs of one partition at the same time never pay for the same item, and a run that died
holding claims does not hold the next one up (`resources/pipeline_store/claims.py`, `PaidCalls`)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from resources.pipeline_store import PipelineStoreResource
from sales_assets.cli import LOCAL_INSTANCE_YAML, PREVIOUS_INSTANCE_YAMLS, instance_home
from sales_assets.common.spend import PaidCalls


def _paid(store: PipelineStoreResource, run_id: str) -> PaidCalls:
    return PaidCalls(
        store, vendor="explorium", partition="2026-12-01|p", asset="a", budget_credits=1000, run_id=run_id
    )


def test_two_runs_at_once_buy_each_item_once(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite")
    bought: list[str] = []
    lock = threading.Lock()

    def fetch(ids: list[str]) -> tuple[dict[str, Any], float, int]:
        time.sleep(0.3)  # long enough for the other run to arrive while this one is buying
        with lock:
            bought.extend(ids)
        return {i: {"email": f"{i}@x.example"} for i in ids}, 2.0 * len(ids), 1

    results: dict[str, Any] = {}

    def run(run_id: str) -> None:
        paid = _paid(PipelineStoreResource(path=path), run_id)
        results[run_id] = (paid.by_id("enrich", [f"p{i}" for i in range(10)], fetch, unit_credits=2.0), paid)

    threads = [threading.Thread(target=run, args=(f"run{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(bought) == sorted(f"p{i}" for i in range(10))  # each item bought once
    for result, _ in results.values():
        assert len(result.values) == 10
    store = PipelineStoreResource(path=path)
    # The budget is charged once: 10 items at 2 credits; the waiting run's items are recorded as saved.
    assert store.ledger.spent(partition="2026-12-01|p") == 20.0
    assert store.ledger.saved(partition="2026-12-01|p") == 20.0
    assert store.claims.held("explorium:enrich") == {}


def test_a_search_made_by_another_run_is_not_paid_again(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite")
    calls: list[int] = []

    def fetch(n: int, exclude: list[str]) -> tuple[list[dict[str, Any]], float, int]:
        time.sleep(0.3)
        calls.append(n)
        return [{"business_id": f"b{i}"} for i in range(n)], float(n), 1

    def run(run_id: str) -> None:
        _paid(PipelineStoreResource(path=path), run_id).search(
            "businesses", {"industry": "x"}, 5, fetch, unit_credits=1.0, id_field="business_id"
        )

    threads = [threading.Thread(target=run, args=(f"run{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [5]


def test_claims_of_a_process_that_died_are_taken_over_at_once(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    # A run that claims items and is killed before it buys or releases them.
    code = (
        "import os; from datetime import timedelta;"
        "from resources.pipeline_store import PipelineStoreResource;"
        f"s = PipelineStoreResource(path={str(path)!r});"
        "s.claims.claim('explorium:enrich', ['p1', 'p2'], owner='dead', ttl=timedelta(minutes=15));"
        "os._exit(75)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 75
    store = PipelineStoreResource(path=str(path))
    assert store.claims.held("explorium:enrich") == {"p1": "dead", "p2": "dead"}
    assert store.claims.live("explorium:enrich", ["p1", "p2"], ttl=timedelta(minutes=15)) == set()
    bought: list[str] = []

    def fetch(ids: list[str]) -> tuple[dict[str, Any], float, int]:
        bought.extend(ids)
        return {i: {} for i in ids}, 2.0 * len(ids), 1

    started = time.monotonic()
    _paid(store, "next").by_id("enrich", ["p1", "p2"], fetch, unit_credits=2.0)
    assert sorted(bought) == ["p1", "p2"] and time.monotonic() - started < 5


def test_a_live_claim_is_waited_for_and_an_old_one_taken_over(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))
    mine, theirs = store.claims.claim("ns", ["a", "b"], owner="one", ttl=timedelta(minutes=15))
    assert mine == ["a", "b"] and theirs == []
    mine, theirs = store.claims.claim("ns", ["a", "c"], owner="two", ttl=timedelta(minutes=15))
    assert mine == ["c"] and theirs == ["a"]
    mine, _ = store.claims.claim("ns", ["a"], owner="two", ttl=timedelta(seconds=-1))  # "one" is too old
    assert mine == ["a"]


def test_the_local_instance_allows_one_run_per_icp_and_upgrades_an_old_default(tmp_path: Path) -> None:
    assert "dagster/partition/icp" in LOCAL_INSTANCE_YAML
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(PREVIOUS_INSTANCE_YAMLS[0])
    assert (instance_home(str(home)) / "dagster.yaml").read_text() == LOCAL_INSTANCE_YAML
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    assert (instance_home(str(edited)) / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
