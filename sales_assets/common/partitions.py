"""The partitions of the assets and the bounds of their days: `icp x day` for the outbound assets, daily
for the engagement, inbound and re-verification ones.

What belongs here: the partitions definitions (ICP names from the validated profile file, days from a start
date to today, today included: schedules and sensors request today's partition), the profiles they are
built from (`ICP_PROFILES`), and the small `OutboundPartition` value the outbound assets use to know which
profile and which day they work on and where that day ends. The profile file is read once, when the code
location loads: a bad file stops the load with an error naming the file, line, profile and field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import dagster as dg

from sales_assets.common.icp import load_icp_profiles

#: First day of the daily partitions; `SALES_START_DATE` (YYYY-MM-DD) moves it.
DEFAULT_START_DATE = "2026-11-01"
START_DATE_VARIABLE = "SALES_START_DATE"


def build_outbound_partitions(
    icp_names: list[str], start_date: str | None = None
) -> dg.MultiPartitionsDefinition:
    """`icp` (the profile names) x `day` (daily, today included: the daily job runs for the current day)."""
    return dg.MultiPartitionsDefinition(
        {
            "icp": dg.StaticPartitionsDefinition(sorted(icp_names)),
            "day": dg.DailyPartitionsDefinition(
                start_date=start_date or os.environ.get(START_DATE_VARIABLE) or DEFAULT_START_DATE,
                end_offset=1,
            ),
        }
    )


ICP_PROFILES = load_icp_profiles()
outbound_partitions = build_outbound_partitions(list(ICP_PROFILES))

#: The daily partitions of the engagement, inbound and re-verification assets.
daily_partitions = dg.DailyPartitionsDefinition(
    start_date=os.environ.get(START_DATE_VARIABLE) or DEFAULT_START_DATE, end_offset=1
)

#: A daily asset's dependency on every ICP's outbound enrollments of the same day: lineage across stages
#: (the engagement stage reads lemlist, where those enrollments went, not the asset's value). The day
#: dimension is `daily_partitions` itself, so Dagster maps a day to every ICP of that day on its own.
ENROLLMENTS_OF_THE_DAY = dg.AssetDep("campaign_enrollments")


@dataclass(frozen=True)
class OutboundPartition:
    """One `icp x day` partition: which profile, which day, and the instant the day's facts are read at."""

    icp: str
    day: date

    @classmethod
    def from_context(
        cls, context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext
    ) -> OutboundPartition:
        return cls.from_key(context.partition_key)

    @classmethod
    def from_key(cls, key: str) -> OutboundPartition:
        if not isinstance(key, dg.MultiPartitionKey):
            key = outbound_partitions.get_partition_key_from_str(str(key))
        dims = key.keys_by_dimension
        return cls(icp=dims["icp"], day=date.fromisoformat(dims["day"]))

    @property
    def key(self) -> str:
        """The key as Dagster prints it (`2026-11-23|revops_saas`), used in the spend ledger."""
        return f"{self.day.isoformat()}|{self.icp}"

    @property
    def day_end(self) -> datetime:
        return datetime.combine(self.day + timedelta(days=1), time(), tzinfo=UTC)

    def as_of(self, now: datetime) -> datetime:
        """The instant signals are read at: now for today's partition, the end of the day for a past one."""
        return min(now, self.day_end)
