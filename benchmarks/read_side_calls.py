"""Vendor calls and credits of the whole outbound read side per 100 contacts, against a fresh sandbox:
every ICP's partition for today through `discovered_companies` ... `qualified_leads`, then the same
partitions again (which must cost nothing but the free lookups).

    .venv/bin/python benchmarks/read_side_calls.py

"Contacts" are the contacts enriched (bought or cached); calls and credits are read from the sandbox's
own usage ledger, per vendor and endpoint. Not a pass/fail test.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import dagster as dg

from resources.sandbox import Sandbox
from sales_assets.definitions import build_definitions, default_resources
from sales_assets.startup import startup_runs


def usage(sandbox: Sandbox) -> tuple[Counter[str], float]:
    calls: Counter[str] = Counter()
    credits = 0.0
    for row in sandbox.store.usage():
        calls[f"{row.vendor} {row.endpoint}"] += row.calls
        credits += row.credits
    return calls, credits


def run_all(job: dg.JobDefinition, keys: list[str], instance: dg.DagsterInstance) -> tuple[int, float]:
    contacts = 0
    started = time.perf_counter()
    for key in keys:
        result = job.execute_in_process(partition_key=key, instance=instance)
        contacts += len(result.asset_value("enriched_contacts"))
    return contacts, time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        resources = default_resources(
            sandbox_state=root / "state.sqlite", store_path=root / "store.sqlite", environ={}
        )
        sandbox = Sandbox.at(root / "state.sqlite")
        job = build_definitions(resources=resources).resolve_job_def("outbound_daily_job")
        keys = [r.partition_key for r in startup_runs() if r.partition_key]
        (root / "home").mkdir()
        with dg.DagsterInstance.local_temp(str(root / "home")) as instance:
            contacts, seconds = run_all(job, keys, instance)
            first_calls, first_credits = usage(sandbox)
            _, again_seconds = run_all(job, keys, instance)
            all_calls, all_credits = usage(sandbox)

    again_calls = all_calls - first_calls
    per100 = 100 / contacts
    print(f"partitions: {', '.join(keys)}")
    print(f"contacts enriched: {contacts}; first run {seconds:.1f} s, re-run {again_seconds:.1f} s")
    print(f"{'vendor endpoint':58} {'calls':>6} {'per 100':>8} {'re-run':>7}")
    for endpoint in sorted(first_calls):
        n = first_calls[endpoint]
        print(f"{endpoint:58} {n:6d} {n * per100:8.2f} {again_calls.get(endpoint, 0):7d}")
    total = sum(first_calls.values())
    print(f"{'all vendors':58} {total:6d} {total * per100:8.2f} {sum(again_calls.values()):7d}")
    for vendor in ("explorium", "hubspot"):
        n = sum(v for k, v in first_calls.items() if k.startswith(vendor))
        print(f"{vendor} calls per 100 contacts: {n * per100:.2f}")
    print(
        f"credits: {first_credits:.0f} ({first_credits * per100:.0f} per 100 contacts); "
        f"re-run: {all_credits - first_credits:.0f}"
    )


if __name__ == "__main__":
    main()
