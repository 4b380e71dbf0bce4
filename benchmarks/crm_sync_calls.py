"""10,000 contacts through `crm_sync_results` against the sandbox HubSpot at Professional limits
(190 requests per 10 s, search 4 per s, enforced by the simulator with real 429s and by the client's
limiter): HubSpot calls per 100 contacts, and wall time as a ratio of the rate-limit floor, in one run;
then the same partition again (unchanged records: no writes).

HubSpot is a remote service, so the simulator runs as the sandbox server in its own process (its work is
HubSpot's, not ours) and the client talks to it over a socket. The leads are the world's people with
their companies' HubSpot ids looked up first, as `scored_companies` does on the read side (that lookup is
counted in `read_side_calls.py`, not here).

    .venv/bin/python benchmarks/crm_sync_calls.py [--contacts 10000]

The floor is the least time the limits allow for the calls made: with a sliding window of 190 calls per
10 s, N calls need at least (ceil(N / 190) - 1) x 10 s, and S search calls at 4 per second at least
(ceil(S / 4) - 1) s; the strict floor is the larger. It assumes a window's calls all leave at once; the
sustained-rate floor (N / 19 s) is also printed. So is CPU time, the simulator's and this process's during
the first run: the server answers requests in parallel, but on a machine of few cores what the two
processes spend per batch bounds how fast the first window can be filled. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from sales_assets.common.partitions import outbound_partitions
from sales_assets.outbound.crm_sync import crm_sync_results


def leads_from_world(sandbox: Sandbox, n: int) -> pd.DataFrame:
    """`n` qualified-lead rows built from the sandbox world's people (their real emails and companies)."""
    companies = {c.business_id: c for c in sandbox.world.companies}
    rows = []
    for person in sandbox.world.people[:n]:
        company = companies[person.business_id]
        rows.append(
            {
                "prospect_id": person.prospect_id,
                "email": person.email.lower(),
                "first_name": person.first_name,
                "last_name": person.last_name,
                "job_title": person.job_title,
                "company_name": company.name,
                "domain": company.domain,
                "website": company.website,
                "city": company.city,
                "country_code": company.country_code,
                "phone": person.phone,
                "linkedin_url": person.linkedin_url,
                "icp_score": 0.8,
                "contact_score": 0.7,
                "data_quality": 0.9,
                "why_now": None,
                "pain_hypotheses": [],
                "personalization_hooks": [],
                "enriched_at": pd.Timestamp.now(tz="UTC"),
                "crm_company_id": None,
            }
        )
    return pd.DataFrame(rows)


def start_server(state: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "resources.sandbox",
            "--state",
            str(state),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/_sandbox/health", timeout=1).read()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the sandbox server did not start")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float:
    """CPU time a process and its live children (the server's worker processes) have used (Linux /proc),
    to show how much of the wall time is the simulator's."""
    fields = _stat(pid)
    if fields is None:
        return float("nan")
    ticks = int(fields[11]) + int(fields[12])
    for entry in Path("/proc").iterdir():
        child = _stat(int(entry.name)) if entry.name.isdigit() else None
        # Field 1 (after the command) is the parent's pid.
        if child is not None and child[1] == str(pid):
            ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def floor_seconds(calls: Counter[str]) -> float:
    total = sum(calls.values())
    search = sum(v for k, v in calls.items() if k.endswith("/search"))
    return max((math.ceil(total / 190) - 1) * 10.0, (math.ceil(search / 4) - 1) * 1.0, 0.0)


def hubspot_calls(sandbox: Sandbox) -> Counter[str]:
    return Counter({row.endpoint: row.calls for row in sandbox.store.usage("hubspot")})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument(
        "--server-workers",
        type=int,
        default=1,
        help="sandbox server processes (default 1: one process answering in parallel threads)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="batch calls in flight (HubSpotResource.max_concurrent_requests; default: the resource's)",
    )
    args = parser.parse_args()
    key = outbound_partitions.get_partition_keys()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sandbox = Sandbox.at(root / "state.sqlite")
        server, url = start_server(root / "state.sqlite", args.server_workers)
        hubspot = HubSpotResource(
            api_key=SANDBOX_API_KEY,
            base_url=f"{url}/hubspot",
            **({"max_concurrent_requests": args.concurrency} if args.concurrency else {}),
        )
        resources = {
            "hubspot": hubspot,
            "pipeline_store": PipelineStoreResource(path=str(root / "store.sqlite")),
        }
        leads = leads_from_world(sandbox, args.contacts)
        known = hubspot.create_client().find_companies_by_domains(list(leads["domain"].unique()))
        leads["crm_company_id"] = leads["domain"].map(lambda d: known[d][0].id if known.get(d) else None)
        lookup_calls = hubspot_calls(sandbox)

        @dg.asset(name="qualified_leads", partitions_def=outbound_partitions)
        def crafted() -> pd.DataFrame:
            return leads

        (root / "home").mkdir()
        with dg.DagsterInstance.local_temp(str(root / "home")) as instance:
            timings = []
            cpu: list[tuple[float, float]] = []
            for _ in range(2):
                before = hubspot_calls(sandbox) if timings else lookup_calls
                server_before, client_before = _cpu_seconds(server.pid), time.process_time()
                started = time.perf_counter()
                result = dg.materialize(
                    [crafted, crm_sync_results], partition_key=key, resources=resources, instance=instance
                )
                timings.append((time.perf_counter() - started, hubspot_calls(sandbox) - before, result))
                cpu.append((_cpu_seconds(server.pid) - server_before, time.process_time() - client_before))
        server_cpu = _cpu_seconds(server.pid)
        server.terminate()
        server.wait(10)

    (first_s, first_calls, first), (again_s, again_calls, _) = timings
    frame = first.asset_value("crm_sync_results")
    contacts = int((frame["record_type"] == "contact").sum())
    outcomes = frame.groupby(["record_type", "outcome"]).size().to_dict()
    total = sum(first_calls.values())
    floor = floor_seconds(first_calls)
    print(f"contacts: {contacts:,}; companies: {int((frame['record_type'] == 'company').sum()):,}")
    print("outcomes: " + ", ".join(f"{t} {o} {n:,}" for (t, o), n in sorted(outcomes.items())))
    for endpoint, n in sorted(first_calls.items()):
        print(f"  {endpoint:70} {n:5d}")
    print(f"HubSpot calls: {total} = {100 * total / contacts:.2f} per 100 contacts (target <= 4)")
    sustained = total / 19.0
    print(f"wall time {first_s:.1f} s")
    print(
        f"  strict floor (a window's 190 calls at once): {floor:.1f} s"
        f" -> ratio {first_s / max(floor, 1e-9):.2f}"
    )
    print(f"  sustained-rate floor (19 calls/s): {sustained:.1f} s -> ratio {first_s / sustained:.2f}")
    print(f"simulator CPU (both runs): {server_cpu:.1f} s")
    print(f"  during the first run: simulator {cpu[0][0]:.1f} s, client (this process) {cpu[0][1]:.1f} s")
    print(f"re-run: {again_s:.1f} s, {sum(again_calls.values())} HubSpot calls")


if __name__ == "__main__":
    main()
