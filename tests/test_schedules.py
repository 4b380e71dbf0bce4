"""The schedules: per-ICP outbound schedules with cron and timezone from the profile file (validated with the
file's line), the daily campaign statistics and the weekly re-verification, each naming its partition."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from sales_assets.common.icp import IcpConfigError, RunSchedule, parse_icp_profiles
from sales_assets.common.partitions import ICP_PROFILES, outbound_partitions
from sales_assets.definitions import build_definitions
from sales_assets.engagement.defs import (
    campaign_stats_job,
    campaign_stats_schedule,
    out_of_office_job,
    out_of_office_schedule,
)
from sales_assets.outbound.defs import (
    outbound_daily_job,
    outbound_schedule,
    outbound_schedules,
    reverification_job,
    reverification_schedule,
)

PROFILE = """profiles:
  tokyo_saas:
    industries: [software development]
    employee_ranges: ["51-200"]
    countries: [jp]
    titles: [CEO]
    seniorities: [c-suite]
    schedule:
      cron: "30 1 * * 1-5"
      timezone: Asia/Tokyo
  plain:
    industries: [software development]
    employee_ranges: ["51-200"]
    countries: [us]
    titles: [CEO]
    seniorities: [c-suite]
"""


DEFS = build_definitions()


def request_at(schedule: dg.ScheduleDefinition, when: datetime) -> dg.RunRequest:
    """The tick's run request, checked by Dagster against the job's partitions (through the code location)."""
    context = dg.build_schedule_context(
        scheduled_execution_time=when, repository_def=DEFS.get_repository_def()
    )
    [request] = list(schedule.evaluate_tick(context).run_requests or [])
    return request


def test_profile_schedules_have_defaults_and_validated_fields() -> None:
    profiles = parse_icp_profiles(PROFILE, "icp.yaml")
    assert profiles["tokyo_saas"].schedule == RunSchedule(cron="30 1 * * 1-5", timezone="Asia/Tokyo")
    assert profiles["plain"].schedule == RunSchedule() == RunSchedule(cron="0 7 * * *", timezone="UTC")
    bad = PROFILE.replace('"30 1 * * 1-5"', '"30 25 * * *"').replace("Asia/Tokyo", "Asia/Atlantis")
    with pytest.raises(IcpConfigError) as err:
        parse_icp_profiles(bad, "icp.yaml")
    text = str(err.value)
    assert "icp.yaml, line 9: profile 'tokyo_saas', field 'schedule.cron'" in text
    assert "icp.yaml, line 10: profile 'tokyo_saas', field 'schedule.timezone'" in text
    assert "'Asia/Atlantis' is not an IANA timezone" in text
    with pytest.raises(IcpConfigError, match=r"field 'schedule\.every'"):
        parse_icp_profiles(PROFILE.replace("      timezone: Asia/Tokyo", "      every: day"), "icp.yaml")


def test_outbound_schedule_runs_the_utc_day_of_its_tick_in_the_profiles_timezone() -> None:
    profile = parse_icp_profiles(PROFILE, "icp.yaml")["tokyo_saas"]
    schedule = outbound_schedule(outbound_daily_job, profile)
    assert schedule.name == "outbound_daily_tokyo_saas"
    assert schedule.cron_schedule == "30 1 * * 1-5" and schedule.execution_timezone == "Asia/Tokyo"
    # 01:30 on Tuesday in Tokyo is still Monday in UTC: the run is Monday's (UTC) partition.
    # (Called directly: this profile is not in the code location's partitions.)
    tick = datetime(2026, 11, 24, 1, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    request = schedule(dg.build_schedule_context(scheduled_execution_time=tick))
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == dg.MultiPartitionKey({"icp": "tokyo_saas", "day": "2026-11-23"})
    assert request.run_key == "2026-11-23|tokyo_saas" and request.tags["icp"] == "tokyo_saas"
    # 18:00 UTC on Monday is 03:00 on Tuesday in Tokyo: still Monday's partition, as the day is UTC.
    late = schedule(
        dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 18, tzinfo=UTC))
    )
    assert isinstance(late, dg.RunRequest) and late.run_key == "2026-11-23|tokyo_saas"


def test_one_outbound_schedule_per_icp_with_partitions_the_job_knows() -> None:
    schedules = outbound_schedules(outbound_daily_job, ICP_PROFILES)
    assert [s.name for s in schedules] == [f"outbound_daily_{n}" for n in sorted(ICP_PROFILES)]
    today = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    for schedule, icp in zip(schedules, sorted(ICP_PROFILES), strict=True):
        assert schedule.cron_schedule == ICP_PROFILES[icp].schedule.cron
        request = request_at(schedule, today)
        key = outbound_partitions.get_partition_key_from_str(str(request.partition_key))
        assert key.keys_by_dimension == {"icp": icp, "day": today.date().isoformat()}


def test_stats_run_the_day_that_ended_and_reverification_weekly() -> None:
    stats = campaign_stats_schedule(campaign_stats_job)
    assert stats.name == "campaign_stats_daily" and stats.cron_schedule == "15 0 * * *"
    assert request_at(stats, datetime(2026, 11, 23, 0, 15, tzinfo=UTC)).partition_key == "2026-11-22"

    returns = out_of_office_schedule(out_of_office_job)
    assert returns.cron_schedule == "30 5 * * *" and returns.name == "out_of_office_returns_daily"
    request = request_at(returns, datetime(2026, 11, 23, 5, 30, tzinfo=UTC))
    assert request.partition_key == "2026-11-23" and request.run_key == "2026-11-23"

    weekly = reverification_schedule(reverification_job)
    assert weekly.cron_schedule == "0 5 * * 1" and weekly.name == "email_reverification_weekly"
    request = request_at(weekly, datetime(2026, 11, 23, 5, tzinfo=UTC))
    assert request.partition_key == "2026-11-23" and request.run_key == "2026-11-23"


def test_the_code_location_binds_every_schedule_to_its_job() -> None:
    repo = DEFS.get_repository_def()
    by_name = {s.name: s.job_name for s in repo.schedule_defs}
    for icp in ICP_PROFILES:
        assert by_name[f"outbound_daily_{icp}"] == "outbound_daily_job"
    assert by_name["campaign_stats_daily"] == "campaign_stats_job"
    assert by_name["email_reverification_weekly"] == "email_reverification_job"
    assert by_name["out_of_office_returns_daily"] == "out_of_office_returns_job"
    assert "campaign_safety_sensor" in {s.name for s in repo.sensor_defs}
    for job in ("campaign_stats_job", "email_reverification_job", "campaign_safety_job"):
        assert repo.get_job(job) is not None
