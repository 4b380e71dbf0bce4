"""The engagement stage's definitions: the reply assets with the sensor and job that run a day of them, the
daily resumption of leads back from an absence, the suppression list with its hourly sync, the daily
campaign statistics with their schedule, and the campaign safety sensor with the pause job it requests.

What belongs here: every asset, check, job, schedule and sensor of `sales_assets/engagement/`, gathered in
`defs()`, and `settings()`, the stage's own settings resources. The sensors are declared here (name, job,
interval, resources); what a tick does is `sensors.py`'s and `safety.py`'s. `sales_assets/definitions.py`
merges the stages' definitions and binds the resources.
"""

# No `from __future__ import annotations`: Dagster reads the sensors' parameter annotations at definition
# time to find the context and the resources.
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import dagster as dg

from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.common.schedules import JobLike, tick_time
from sales_assets.engagement.activities import lemlist_activities
from sales_assets.engagement.checks import engagement_checks
from sales_assets.engagement.out_of_office import out_of_office_returns
from sales_assets.engagement.recommendations import RecommendationSettings, campaign_recommendations
from sales_assets.engagement.replies import reply_classifications
from sales_assets.engagement.reply_actions import reply_actions
from sales_assets.engagement.safety import (
    SafetySettings,
    judge_running_campaigns,
    pause_campaign,
    safety_settings_from_env,
)
from sales_assets.engagement.sensors import poll_replies
from sales_assets.engagement.settings import ReplySettings
from sales_assets.engagement.stats import campaign_stats, stats_checks
from sales_assets.engagement.suppression import suppression_list

#: Campaign statistics of the day that just ended, once it is over (UTC).
STATS_CRON = "15 0 * * *"
#: Leads back from an absence resumed early in their day (UTC), before the day's sending hours.
RETURNS_CRON = "30 5 * * *"

#: The reply side: a day of lemlist activities, their labels, and what was done about them.
REPLY_ASSETS = [lemlist_activities, reply_classifications, reply_actions]

engagement_replies_job = dg.define_asset_job(
    "engagement_replies_job",
    selection=dg.AssetSelection.assets(lemlist_activities, reply_classifications, reply_actions),
    # Three short steps in a chain: one process is faster than a process per step.
    executor_def=dg.in_process_executor,
    description="One day of lemlist activities: replies labelled, then tasks, suppression and alerts.",
)

suppression_job = dg.define_asset_job(
    "suppression_sync_job",
    selection=dg.AssetSelection.assets(suppression_list),
    description="Fold lemlist's unsubscribe list and HubSpot's opt-outs into the suppression list.",
)

suppression_schedule = dg.ScheduleDefinition(
    name="suppression_sync_hourly",
    job=suppression_job,
    cron_schedule="23 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

out_of_office_job = dg.define_asset_job(
    "out_of_office_returns_job",
    selection=dg.AssetSelection.assets(out_of_office_returns),
    description="Resume in lemlist the leads paused for an out-of-office reply whose return day has come.",
)


def out_of_office_schedule(
    job: "JobLike", *, cron: str = RETURNS_CRON, timezone: str = "UTC"
) -> dg.ScheduleDefinition:
    """The day's returns, resumed early that day."""

    @dg.schedule(
        name="out_of_office_returns_daily",
        cron_schedule=cron,
        execution_timezone=timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Leads whose out-of-office return day has come, resumed in lemlist.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = tick_time(context).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


campaign_stats_job = dg.define_asset_job(
    "campaign_stats_job",
    selection=dg.AssetSelection.assets(campaign_stats, campaign_recommendations),
    # Two short steps in a chain: one process is faster than a process per step.
    executor_def=dg.in_process_executor,
    description="The day's figures of every product campaign in lemlist, and the suggestions drawn from "
    "them.",
)


@dg.job(
    description="Pause (or stop, on a spam complaint) one lemlist campaign for the figures in the run "
    "config; requested by campaign_safety_sensor."
)
def campaign_safety_job() -> None:
    pause_campaign()


def campaign_stats_schedule(
    job: "JobLike", *, cron: str = STATS_CRON, timezone: str = "UTC"
) -> dg.ScheduleDefinition:
    """The statistics of the day before the tick, materialized once that day is complete."""

    @dg.schedule(
        name="campaign_stats_daily",
        cron_schedule=cron,
        execution_timezone=timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Yesterday's campaign statistics and recommendations.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = (tick_time(context) - timedelta(days=1)).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


@dg.sensor(
    job=engagement_replies_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls lemlist for new replies, bounces and unsubscribes and runs their day's partition.",
)
def replies_sensor(
    context: dg.SensorEvaluationContext, lemlist: LemlistResource
) -> dg.SensorResult | dg.SkipReason:
    return poll_replies(context, lemlist)


@dg.sensor(
    job=campaign_safety_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Judges each running product campaign's bounce rate and spam complaints; warns, pauses "
    "or stops.",
)
def campaign_safety_sensor(
    context: dg.SensorEvaluationContext,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
    enrollment_settings: EnrollmentSettings,
    safety_settings: SafetySettings,
) -> dg.SensorResult | dg.SkipReason:
    return judge_running_campaigns(context, lemlist, pipeline_store, enrollment_settings, safety_settings)


def defs() -> dg.Definitions:
    """The engagement stage, without resources."""
    return dg.Definitions(
        assets=[
            *REPLY_ASSETS,
            out_of_office_returns,
            suppression_list,
            campaign_stats,
            campaign_recommendations,
        ],
        asset_checks=[*engagement_checks(), *stats_checks()],
        jobs=[
            engagement_replies_job,
            out_of_office_job,
            suppression_job,
            campaign_stats_job,
            campaign_safety_job,
        ],
        schedules=[
            suppression_schedule,
            campaign_stats_schedule(campaign_stats_job),
            out_of_office_schedule(out_of_office_job),
        ],
        sensors=[replies_sensor, campaign_safety_sensor],
    )


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The engagement stage's own settings resources: the reply rules, the campaign safety thresholds (from
    the environment, see `safety_settings_from_env`) and the recommendation rules."""
    return {
        "reply_settings": ReplySettings(),
        "safety_settings": safety_settings_from_env(environ),
        "recommendation_settings": RecommendationSettings(),
    }
