"""The code location: every asset, check, job, schedule and sensor, bound to the vendor resources.

`build_definitions()` takes resource overrides so tests can bind resources to their own sandbox state;
`defs` is what `dagster dev -m sales_assets.definitions` and the gRPC code server load. The vendor
resources come from `resources.mode`, which picks the sandbox (default) or live mode from `SALES_MODE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg

from resources.mode import build_vendor_resources
from sales_assets.operations.vendor_status import vendor_status

vendor_status_job = dg.define_asset_job(
    "vendor_status_job",
    selection=dg.AssetSelection.assets(vendor_status),
    description="Check every vendor credential and what is left of the budgets.",
)

vendor_status_schedule = dg.ScheduleDefinition(
    name="vendor_status_hourly",
    job=vendor_status_job,
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

#: The jobs `sales-pipeline up` runs once at start-up so the UI has data from the first minute.
STARTUP_JOBS: tuple[str, ...] = ("vendor_status_job",)


def build_definitions(*, resources: Mapping[str, Any] | None = None) -> dg.Definitions:
    bound = dict(build_vendor_resources()) if resources is None else dict(resources)
    return dg.Definitions(
        assets=[vendor_status],
        jobs=[vendor_status_job],
        schedules=[vendor_status_schedule],
        resources=bound,
    )


defs = build_definitions()
