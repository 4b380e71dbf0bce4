"""The operations stage's definitions: the vendor status asset, the job that materializes it and its hourly
schedule, and the `startup_runs` sensor that launches the start-up runs under `sales-pipeline up`.

What belongs here: every asset, check, job, schedule and sensor of `sales_assets/operations/`, gathered in
`defs()`. `sales_assets/definitions.py` merges it with the other stages' and binds the resources; it hands
in the other stages' start-up jobs, since the stages never import each other. What the start-up sensor
asks for is `sales_assets/startup.py`'s.
"""

# No `from __future__ import annotations`: Dagster reads the sensor's parameter annotations at definition
# time to find the context.
import os
from collections.abc import Sequence
from datetime import UTC, datetime

import dagster as dg

from sales_assets.common.schedules import JobLike
from sales_assets.operations.vendor_status import vendor_status
from sales_assets.startup import STARTUP_JOBS, startup_marker, startup_requests

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


def startup_sensor(jobs: Sequence["JobLike"]) -> dg.SensorDefinition:
    """`startup_runs`: the vendor check and today's outbound run of every ICP, once per start of
    `sales-pipeline up` (running by default there, stopped elsewhere). `jobs` are the start-up jobs of the
    other stages."""
    targets = [vendor_status_job, *jobs]
    names = {job.name for job in targets}
    if names != set(STARTUP_JOBS):
        raise ValueError(f"the start-up sensor needs the jobs {sorted(STARTUP_JOBS)}, got {sorted(names)}")
    marker = startup_marker(os.environ)

    @dg.sensor(
        name="startup_runs",
        jobs=targets,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING if marker else dg.DefaultSensorStatus.STOPPED,
        description="Start-up runs: the vendor check and today's outbound run of every ICP, once per start "
        "of `sales-pipeline up` (one run per job and partition a day), so every group has data from the "
        "first minutes.",
    )
    def _sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        return startup_requests(context.cursor, startup_marker(os.environ), datetime.now(UTC))

    return _sensor


def defs(*, startup_jobs: Sequence["JobLike"]) -> dg.Definitions:
    """The operations stage, without resources; `startup_jobs` are the other stages' start-up jobs."""
    return dg.Definitions(
        assets=[vendor_status],
        jobs=[vendor_status_job],
        schedules=[vendor_status_schedule],
        sensors=[startup_sensor(startup_jobs)],
    )
