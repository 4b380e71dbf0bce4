"""The outbound stage's definitions: its assets and their checks, the daily job with one schedule per ICP,
the day's summary with its job and the sensor that runs it after each outbound run, and the weekly email
re-verification with its job and schedule.

What belongs here: every asset, check, job, schedule and sensor of `sales_assets/outbound/`, gathered in
`defs()`, and `settings()`, the stage's own settings resources. `sales_assets/definitions.py` merges the
stages' definitions and binds the resources. The outbound cron and timezone are per ICP, from the profile
file's optional `schedule: {cron, timezone}` (default 07:00 UTC); the re-verification's are arguments with
defaults, so tests can build the schedules over their own profiles.
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg

from sales_assets.common.icp import IcpProfile
from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.common.schedules import JobLike, tick_time
from sales_assets.outbound.checks import outbound_read_checks
from sales_assets.outbound.contacts import company_contacts, enriched_contacts
from sales_assets.outbound.copy_checks import outreach_copy_checks
from sales_assets.outbound.copy_settings import CopySettings
from sales_assets.outbound.copywriting import outreach_copy
from sales_assets.outbound.crm_sync import crm_sync_checks, crm_sync_results
from sales_assets.outbound.discovery import discovered_companies, scored_companies
from sales_assets.outbound.enrollment import campaign_enrollments, enrollment_checks
from sales_assets.outbound.qualification import qualified_leads
from sales_assets.outbound.reverification import (
    ReverificationSettings,
    email_reverification,
    reverification_checks,
)
from sales_assets.outbound.summary import outbound_daily_summary, summary_checks

#: Re-verification once a week, Monday morning (UTC), before the day's outbound runs.
REVERIFICATION_CRON = "0 5 * * 1"

OUTBOUND_ASSETS = [
    discovered_companies,
    scored_companies,
    company_contacts,
    enriched_contacts,
    qualified_leads,
    crm_sync_results,
    outreach_copy,
    campaign_enrollments,
]

outbound_daily_job = dg.define_asset_job(
    "outbound_daily_job",
    selection=dg.AssetSelection.assets(*OUTBOUND_ASSETS),
    # The steps form a chain, so a process per step would only add seconds of imports per step; runs of
    # different partitions are what execute in parallel (each its own process, bounded by the pools).
    executor_def=dg.in_process_executor,
    description="One ICP's outbound day: discovery, scoring, contacts, enrichment, the gates, the HubSpot "
    "sync, Claude-written copy and lemlist enrollment (draft unless sending is switched on).",
)

reverification_job = dg.define_asset_job(
    "email_reverification_job",
    selection=dg.AssetSelection.assets(email_reverification),
    description="Re-check, through Explorium, enrolled contacts whose email check is older than 90 days; "
    "suppress the addresses that became invalid.",
)


outbound_summary_job = dg.define_asset_job(
    "outbound_summary_job",
    selection=dg.AssetSelection.assets(outbound_daily_summary),
    # Two short steps that read the instance: a process each would only add seconds of imports.
    executor_def=dg.in_process_executor,
    description="Each ICP's outbound day in one row, with one figure per ICP for the UI's plots.",
)


@dg.run_status_sensor(
    name="outbound_summary_after_each_run",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[outbound_daily_job],
    request_job=outbound_summary_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Summarises the day again after each successful outbound run of one of its ICPs.",
)
def outbound_summary_sensor(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    partition = (
        context.dagster_run.tags.get("dagster/partition/day")
        or ((context.dagster_run.tags.get("dagster/partition") or "").split("|")[0])
    )
    if not partition:
        return dg.SkipReason(f"run {context.dagster_run.run_id} has no day partition")
    return dg.RunRequest(run_key=f"{partition}:{context.dagster_run.run_id}", partition_key=partition)


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
        day = tick_time(context).date().isoformat()
        return dg.RunRequest(
            run_key=f"{day}|{icp}",
            partition_key=dg.MultiPartitionKey({"icp": icp, "day": day}),
            tags={"icp": icp},
        )

    return _schedule


def outbound_schedules(job: "JobLike", profiles: Mapping[str, IcpProfile]) -> list[dg.ScheduleDefinition]:
    """One daily outbound schedule per ICP profile."""
    return [outbound_schedule(job, profiles[name]) for name in sorted(profiles)]


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
        day = tick_time(context).date().isoformat()
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


def defs() -> dg.Definitions:
    """The outbound stage, without resources."""
    return dg.Definitions(
        assets=[*OUTBOUND_ASSETS, outbound_daily_summary, email_reverification],
        asset_checks=[
            *outbound_read_checks(),
            *crm_sync_checks(),
            *outreach_copy_checks(),
            *enrollment_checks(),
            *reverification_checks(),
            *summary_checks(),
        ],
        jobs=[outbound_daily_job, outbound_summary_job, reverification_job],
        sensors=[outbound_summary_sensor],
        schedules=[
            *outbound_schedules(outbound_daily_job, ICP_PROFILES),
            reverification_schedule(reverification_job),
        ],
    )


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The outbound stage's own settings resources (the campaigns' `enrollment_settings` are shared, bound
    by `sales_assets/definitions.py`). `environ` keeps the signature of the other stages'; neither of these
    settings reads the environment."""
    return {"copy_settings": CopySettings(), "reverification_settings": ReverificationSettings()}
