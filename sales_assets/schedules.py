"""The schedules: each ICP's daily outbound run, the daily campaign statistics and the weekly email
re-verification.

What belongs here: schedule factories that take the job they start, so `definitions.py` binds jobs and
schedules in one place and tests can build them over their own profiles. The outbound cron and timezone
are per ICP, from the profile file's optional `schedule: {cron, timezone}` (default 07:00 UTC); the
others are arguments with defaults.

Every schedule names a partition: outbound `<UTC day of the tick>|<icp>`, stats the day that just ended,
re-verification the day of the tick. The run key is that partition, so two ticks for the same day start
one run.
"""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias

import dagster as dg

from sales_assets.common.icp import IcpProfile

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

#: What a schedule starts: an asset job (unresolved until Definitions binds it) or an op job.
JobLike: TypeAlias = "UnresolvedAssetJobDefinition | dg.JobDefinition"

#: Campaign statistics of the day that just ended, once it is over (UTC).
STATS_CRON = "15 0 * * *"
#: Re-verification once a week, Monday morning (UTC), before the day's outbound runs.
REVERIFICATION_CRON = "0 5 * * 1"


def _tick(context: dg.ScheduleEvaluationContext) -> datetime:
    when = context.scheduled_execution_time or datetime.now(UTC)
    return when.astimezone(UTC)


def outbound_schedule(job: "JobLike", profile: IcpProfile) -> dg.ScheduleDefinition:
    """The daily outbound run of one ICP, at its profile's cron in its timezone, for the UTC day of the
    tick (the outbound partitions are UTC days)."""
    icp = profile.name

    @dg.schedule(
        name=f"outbound_daily_{icp}",
        cron_schedule=profile.schedule.cron,
        execution_timezone=profile.schedule.timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Outbound day of the ICP {icp!r} "
        f"({profile.schedule.cron}, {profile.schedule.timezone}).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = _tick(context).date().isoformat()
        return dg.RunRequest(
            run_key=f"{day}|{icp}",
            partition_key=dg.MultiPartitionKey({"icp": icp, "day": day}),
            tags={"icp": icp},
        )

    return _schedule


def outbound_schedules(job: "JobLike", profiles: Mapping[str, IcpProfile]) -> list[dg.ScheduleDefinition]:
    """One daily outbound schedule per ICP profile."""
    return [outbound_schedule(job, profiles[name]) for name in sorted(profiles)]


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
        day = (_tick(context) - timedelta(days=1)).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


def reverification_schedule(
    job: "JobLike",
    *,
    cron: str = REVERIFICATION_CRON,
    timezone: str = "UTC",
) -> dg.ScheduleDefinition:
    """The weekly re-verification of contacts whose email check is older than 90 days."""

    @dg.schedule(
        name="email_reverification_weekly",
        cron_schedule=cron,
        execution_timezone=timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Re-check enrolled contacts whose email check is older than 90 days.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = _tick(context).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule
