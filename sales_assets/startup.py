"""Start-up: what the code location checks in the environment before it loads, and the runs
`sales-pipeline up` and `sales-pipeline run` start once so the UI has data from the first minute.

What belongs here: `check_environment` (called by `sales_assets.definitions.default_resources`),
`STARTUP_JOBS`, `startup_runs` and what the `startup_runs` sensor asks for (`startup_requests`; the sensor
is declared in `sales_assets/operations/defs.py`). The jobs themselves are the stages'; the process wiring
(`sales-pipeline up` setting `SALES_STARTUP_RUNS`, `sales-pipeline run` executing in process) is `cli.py`'s.

Under `up` the start-up runs are requested by that sensor, not submitted from outside, so the UI shows
them as launched by the sensor `startup_runs`, each with a run key made of the day and its partition (the
same start-up run is never launched twice in a day) and the sensor's cursor saying which start it served.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

import dagster as dg

from resources.mode import check_live_environment, current_mode
from sales_assets.common.left_behind import failure_policy_from_env
from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.common.seller import live_required_variables

#: Set by `sales-pipeline up` to the moment it started: the `startup_runs` sensor is then running by default
#: and requests the start-up runs once for that start. Unset (production), the sensor is stopped until a
#: person starts it in the UI.
STARTUP_VARIABLE = "SALES_STARTUP_RUNS"


def check_environment(env: Mapping[str, str]) -> None:
    """Stop the load on an environment no run could work with. In live mode a missing variable is one
    error naming all of them, the vendor keys and the seller's together, so one restart fixes everything;
    in any mode a malformed `SALES_MAX_LEFT_BEHIND_SHARE` stops the load, not a run."""
    if current_mode(env) == "live":
        check_live_environment(env, also_required=live_required_variables())
    failure_policy_from_env(env)


class StartupRun(NamedTuple):
    """A run `sales-pipeline up` submits once at start-up so the UI has data from the first minute."""

    job: str
    partition_key: str | None = None

    def run_key(self, day: str) -> str:
        """One start-up run of a job and partition per day: `startup:2026-12-03:2026-12-03|revops_saas`."""
        return f"startup:{day}:{self.partition_key or self.job}"


def startup_runs(now: datetime | None = None) -> list[StartupRun]:
    """The vendor check, then today's outbound run for every ICP."""
    today = (now or datetime.now(UTC)).date().isoformat()
    return [
        StartupRun("vendor_status_job"),
        *(StartupRun("outbound_daily_job", f"{today}|{icp}") for icp in sorted(ICP_PROFILES)),
    ]


#: The jobs `sales-pipeline up` runs once at start-up.
STARTUP_JOBS: tuple[str, ...] = ("vendor_status_job", "outbound_daily_job")


def startup_marker(env: Mapping[str, str]) -> str | None:
    """Which start the sensor serves (`SALES_STARTUP_RUNS`), None when the product was not started by `up`."""
    return (env.get(STARTUP_VARIABLE) or "").strip() or None


def startup_requests(
    cursor: str | None, marker: str | None, now: datetime
) -> dg.SensorResult | dg.SkipReason:
    """One tick of the `startup_runs` sensor: today's start-up runs, once per start. The cursor is the start
    last served; a sensor switched on by hand (no marker) serves one start, `manual`."""
    start = marker or "manual"
    if cursor == start:
        return dg.SkipReason(f"the start-up runs of this start ({start}) were requested")
    day = now.astimezone(UTC).date().isoformat()
    requests = [
        dg.RunRequest(job_name=run.job, partition_key=run.partition_key, run_key=run.run_key(day))
        for run in startup_runs(now)
    ]
    return dg.SensorResult(run_requests=requests, cursor=start)
