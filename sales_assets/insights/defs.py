"""The insights stage's definitions: its assets and their checks, the daily job and its schedule.

What belongs here: every asset, check, job and schedule of `sales_assets/insights/`, gathered in `defs()`,
and `settings()`, the stage's own settings resources. `sales_assets/definitions.py` merges the stages'
definitions and binds the resources.

The job runs once a day, late in the (UTC) day, for that day: the cohort of the day, then the look-back
window's outcomes read from lemlist and HubSpot, then what is computed from them.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg

from sales_assets.common.schedules import JobLike, tick_time
from sales_assets.insights import evaluation_settings, lookalike_settings
from sales_assets.insights.accounts import pipeline_accounts
from sales_assets.insights.checks import insights_schema_checks
from sales_assets.insights.cohort import pipeline_leads
from sales_assets.insights.copy_experiments import (
    CopyExperimentSettings,
    copy_experiments,
    copy_experiments_checks,
)
from sales_assets.insights.evaluations import evaluations, evaluations_checks
from sales_assets.insights.icp_suggestions import icp_suggestions
from sales_assets.insights.lookalike_targets import lookalike_checks, lookalike_targets
from sales_assets.insights.outcomes import pipeline_outcomes
from sales_assets.insights.pipeline_bottlenecks import pipeline_bottlenecks
from sales_assets.insights.pipeline_funnel import pipeline_funnel
from sales_assets.insights.settings import InsightsSettings

#: Late in the day, once the day's outbound runs, replies and inbound leads are in (UTC).
INSIGHTS_CRON = "30 23 * * *"

INSIGHTS_ASSETS = [
    pipeline_leads,
    pipeline_outcomes,
    pipeline_funnel,
    pipeline_accounts,
    pipeline_bottlenecks,
    icp_suggestions,
    lookalike_targets,
    copy_experiments,
    evaluations,
]

insights_daily_job = dg.define_asset_job(
    "insights_daily_job",
    selection=dg.AssetSelection.assets(*INSIGHTS_ASSETS),
    # Short steps over frames already read: one process is faster than a process per step.
    executor_def=dg.in_process_executor,
    description="The day's cohort, the look-back window's outcomes, the funnel, its bottlenecks, the "
    "accounts that converted, the ICP changes they suggest and the companies that look like them, and the "
    "day's evaluation of the reply classifier and the copy.",
)


def insights_schedule(
    job: "JobLike", *, cron: str = INSIGHTS_CRON, timezone: str = "UTC"
) -> dg.ScheduleDefinition:
    """The day's insights, late in that day."""

    @dg.schedule(
        name="insights_daily",
        cron_schedule=cron,
        execution_timezone=timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The day's pipeline funnel, bottlenecks, look-alikes, ICP suggestions and experiments.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = tick_time(context).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


def defs() -> dg.Definitions:
    """The insights stage, without resources."""
    return dg.Definitions(
        assets=INSIGHTS_ASSETS,
        asset_checks=[
            *insights_schema_checks(),
            *lookalike_checks(),
            *copy_experiments_checks(),
            *evaluations_checks(),
        ],
        jobs=[insights_daily_job],
        schedules=[insights_schedule(insights_daily_job)],
    )


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The insights stage's own settings resources (`environ` keeps the other stages' signature)."""
    return {
        "insights_settings": InsightsSettings(),
        "copy_experiment_settings": CopyExperimentSettings(),
        **lookalike_settings.settings(environ),
        **evaluation_settings.settings(environ),
    }
