"""The daily partitions of the engagement, inbound and re-verification assets (the outbound ones are
`icp x day`, see `sales_assets/outbound/partitions.py`). Today is included: sensors request today's
partition."""

from __future__ import annotations

import os

import dagster as dg

from sales_assets.outbound.partitions import DEFAULT_START_DATE, START_DATE_VARIABLE

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=os.environ.get(START_DATE_VARIABLE) or DEFAULT_START_DATE, end_offset=1
)
