"""The operations stage's definitions: the vendor status asset, the job that materializes it and its hourly
schedule.

What belongs here: every asset, check, job, schedule and sensor of `sales_assets/operations/`, gathered in
`defs()`. `sales_assets/definitions.py` merges it with the other stages' and binds the resources.
"""

import dagster as dg

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


def defs() -> dg.Definitions:
    """The operations stage, without resources."""
    return dg.Definitions(
        assets=[vendor_status], jobs=[vendor_status_job], schedules=[vendor_status_schedule]
    )
