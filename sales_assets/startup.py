"""Start-up: what the code location checks in the environment before it loads, and the runs
`sales-pipeline up` and `sales-pipeline run` start once so the UI has data from the first minute.

What belongs here: `check_environment` (called by `sales_assets.definitions.default_resources`),
`STARTUP_JOBS` and `startup_runs`. The jobs themselves are the stages'; the process wiring that submits the
runs is `cli.py`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from resources.mode import check_live_environment, current_mode
from sales_assets.common.left_behind import failure_policy_from_env
from sales_assets.common.partitions import ICP_PROFILES, outbound_partitions
from sales_assets.common.seller import live_required_variables


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

    @property
    def tags(self) -> dict[str, str]:
        if self.partition_key is None:
            return {}
        key = outbound_partitions.get_partition_key_from_str(self.partition_key)
        return {
            "dagster/partition": self.partition_key,
            **{f"dagster/partition/{dim}": value for dim, value in key.keys_by_dimension.items()},
        }


def startup_runs(now: datetime | None = None) -> list[StartupRun]:
    """The vendor check, then today's outbound run for every ICP."""
    today = (now or datetime.now(UTC)).date().isoformat()
    return [
        StartupRun("vendor_status_job"),
        *(StartupRun("outbound_daily_job", f"{today}|{icp}") for icp in sorted(ICP_PROFILES)),
    ]


#: The jobs `sales-pipeline up` runs once at start-up.
STARTUP_JOBS: tuple[str, ...] = ("vendor_status_job", "outbound_daily_job")
