"""The code location: every asset, check, job, schedule and sensor, bound to its resources.

`build_definitions()` takes resource overrides so tests can bind resources to their own sandbox state and
store; `defs` is what `dagster dev -m sales_assets.definitions` and the gRPC code server load. The vendor
resources come from `resources.mode`, which picks the sandbox (default) or live mode from `SALES_MODE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

import dagster as dg

from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from sales_assets.operations.vendor_status import vendor_status
from sales_assets.outbound.checks import outbound_read_checks
from sales_assets.outbound.contacts import company_contacts, enriched_contacts
from sales_assets.outbound.crm_sync import crm_sync_results
from sales_assets.outbound.discovery import discovered_companies, scored_companies
from sales_assets.outbound.icp import IcpProfilesResource
from sales_assets.outbound.partitions import ICP_PROFILES, outbound_partitions
from sales_assets.outbound.qualification import qualified_leads

OUTBOUND_ASSETS = [
    discovered_companies,
    scored_companies,
    company_contacts,
    enriched_contacts,
    qualified_leads,
    crm_sync_results,
]

vendor_status_job = dg.define_asset_job(
    "vendor_status_job",
    selection=dg.AssetSelection.assets(vendor_status),
    description="Check every vendor credential and what is left of the budgets.",
)

outbound_daily_job = dg.define_asset_job(
    "outbound_daily_job",
    selection=dg.AssetSelection.groups("outbound"),
    # The steps form a chain, so a process per step would only add seconds of imports per step; runs of
    # different partitions are what execute in parallel (each its own process, bounded by the pools).
    executor_def=dg.in_process_executor,
    description="One ICP's outbound day: discovery, scoring, contacts, enrichment and the gates.",
)

vendor_status_schedule = dg.ScheduleDefinition(
    name="vendor_status_hourly",
    job=vendor_status_job,
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


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


def default_resources() -> dict[str, Any]:
    """Vendor resources for the current mode, the local store, and the ICP profile file."""
    return {
        **build_vendor_resources(),
        "pipeline_store": PipelineStoreResource(),
        "icp_profiles": IcpProfilesResource(),
    }


def build_definitions(*, resources: Mapping[str, Any] | None = None) -> dg.Definitions:
    bound = default_resources() if resources is None else dict(resources)
    return dg.Definitions(
        assets=[vendor_status, *OUTBOUND_ASSETS],
        asset_checks=outbound_read_checks(),
        jobs=[vendor_status_job, outbound_daily_job],
        schedules=[vendor_status_schedule],
        resources=bound,
    )


defs = build_definitions()
