"""`campaign_stats` and `campaign_recommendations`: the daily figures of the product's lemlist campaigns, and
plain suggestions drawn from them.

What belongs here: `campaign_stats`, its pandera model, the blocking schema checks of both assets, and the
pure helpers the figures are made of: how lemlist's counters become the frame's columns and rates. Which
lemlist campaigns are the product's and how spam complaints are attributed to a campaign are
`product_campaigns.py`'s (shared with the safety sensor); the suggestions, their settings and
`campaign_recommendations` are `recommendations.py`'s. The lemlist calls are `resources.lemlist`'s; the
pause decisions are `safety.py`'s.

Where the figures come from:
- Counters: lemlist's batch stats (`POST /v2/campaigns/stats/batch`, 100 campaigns per call), twice per run:
  once from the campaigns' creation to the end of the partition's day ("to date", what rates and rules
  are judged on) and once for the day alone (what the daily plots show).
- Spam complaints: lemlist's stats have no complaint counter. Complaints are the unsubscribe-list entries of
  source `abuse` whose address the enrollment ledger holds for the campaign (see resources/VENDOR_NOTES.md).
- "interested" is lemlist's `nbLeadsInterested`: reply actions mark interested replies in lemlist.

Rates: lead-level counters (opened, clicked, replied, interested, unsubscribed, complaints) are divided by
the leads reached (sent to and not bounced); the bounce rate is bounced messages over sent messages, the
figure mailbox providers judge a sender by. A rate with a zero denominator is 0.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import logging
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError
from resources.lemlist.client import LemlistClient
from resources.lemlist.models import CampaignStats
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import ENROLLMENTS_OF_THE_DAY, daily_partitions
from sales_assets.common.schemas import UtcTimestamp, schema_check, table_schema
from sales_assets.engagement.product_campaigns import (
    ProductCampaign,
    complaints_by_campaign,
    ledger_emails,
    product_campaigns,
)
from sales_assets.engagement.recommendations import CampaignRecommendationsFrame

logger = logging.getLogger(__name__)

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)


#: The counters of a campaign, in the order the frame shows them.
COUNTS = ("sent", "delivered", "opened", "clicked", "replied", "interested", "bounced", "unsubscribed")
#: rate column -> (numerator column, denominator column).
RATES: dict[str, tuple[str, str]] = {
    "open_rate": ("opened", "leads_reached"),
    "click_rate": ("clicked", "leads_reached"),
    "reply_rate": ("replied", "leads_reached"),
    "interested_rate": ("interested", "leads_reached"),
    "unsubscribe_rate": ("unsubscribed", "leads_reached"),
    "complaint_rate": ("spam_complaints", "leads_reached"),
    "bounce_rate": ("bounced", "sent"),
}
#: Every counter column to date (the `*_day` ones mirror them).
COUNTER_COLUMNS = ("leads", "leads_launched", "leads_reached", *COUNTS, "spam_complaints")


# --- models -----------------------------------------------------------------------------------------------


# Any, like pa.Field itself: the FieldInfo stands where the class body declares a Series column.
def _count() -> Any:
    return pa.Field(ge=0)


class CampaignStatsFrame(pa.DataFrameModel):
    """One row per product campaign: counters to the end of the day and of the day alone, and rates."""

    day: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    campaign_id: Series[str] = pa.Field(unique=True)
    campaign_name: Series[str]
    icp: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(nullable=True)
    window_start: Series[UtcTimestamp]
    window_end: Series[UtcTimestamp]
    leads: Series[int] = _count()
    leads_launched: Series[int] = _count()
    leads_reached: Series[int] = _count()
    sent: Series[int] = _count()
    delivered: Series[int] = _count()
    opened: Series[int] = _count()
    clicked: Series[int] = _count()
    replied: Series[int] = _count()
    interested: Series[int] = _count()
    bounced: Series[int] = _count()
    unsubscribed: Series[int] = _count()
    spam_complaints: Series[int] = _count()
    sent_day: Series[int] = _count()
    delivered_day: Series[int] = _count()
    opened_day: Series[int] = _count()
    clicked_day: Series[int] = _count()
    replied_day: Series[int] = _count()
    interested_day: Series[int] = _count()
    bounced_day: Series[int] = _count()
    unsubscribed_day: Series[int] = _count()
    spam_complaints_day: Series[int] = _count()
    open_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    # lemlist counts clicks, not clicking leads: two clicks of one lead count twice.
    click_rate: Series[float] = pa.Field(ge=0.0)
    reply_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    interested_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    unsubscribe_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    complaint_rate: Series[float] = pa.Field(ge=0.0, le=1.0)
    bounce_rate: Series[float] = pa.Field(ge=0.0, le=1.0)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    @classmethod
    def day_within_to_date(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["sent_day"] <= frame["sent"]


STATS_COLUMNS = list(CampaignStatsFrame.to_schema().columns)


# --- counters and rates -----------------------------------------------------------------------------------


def counters(stats: CampaignStats | None) -> dict[str, int]:
    """lemlist's stats as the frame's counters (all zero when lemlist returned nothing)."""
    if stats is None:
        return {
            "leads": 0,
            "leads_launched": 0,
            "leads_reached": 0,
            **dict.fromkeys(COUNTS, 0),
        }
    return {
        "leads": stats.nb_leads,
        "leads_launched": stats.nb_leads_launched,
        "leads_reached": stats.nb_leads_reached,
        "sent": stats.messages_sent,
        "delivered": stats.delivered,
        "opened": stats.nb_leads_opened,
        "clicked": stats.clicked,
        "replied": stats.nb_leads_answered,
        "interested": stats.nb_leads_interested,
        "bounced": stats.messages_bounced,
        "unsubscribed": stats.nb_leads_unsubscribed,
    }


def rate(numerator: float, denominator: float) -> float:
    """numerator / denominator rounded to 4 places; 0 when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator > 0 else 0.0


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every rate of `RATES` computed from its counters."""
    out = frame.copy()
    for column, (num, den) in RATES.items():
        out[column] = [rate(n, d) for n, d in zip(out[num], out[den], strict=True)]
        # Leads reached excludes bounced leads while lemlist's lead counters do not: keep rates in [0, 1].
        if column != "click_rate":
            out[column] = out[column].clip(upper=1.0)
    return out


def day_window(day: date, now: datetime) -> tuple[datetime, datetime]:
    """The partition's day in UTC, cut at `now` for today."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, min(now, start + timedelta(days=1))


def stats_frame(
    day: date,
    campaigns: Sequence[ProductCampaign],
    to_date: Mapping[str, CampaignStats],
    of_day: Mapping[str, CampaignStats],
    complaints_to_date: Mapping[str, int],
    complaints_of_day: Mapping[str, int],
    *,
    window_start: datetime,
    window_end: datetime,
) -> pd.DataFrame:
    """One row per campaign: counters to date, counters of the day (`*_day`), rates."""
    rows = []
    for pc in campaigns:
        total = counters(to_date.get(pc.id))
        daily = counters(of_day.get(pc.id))
        rows.append(
            {
                "day": day.isoformat(),
                "campaign_id": pc.id,
                "campaign_name": pc.campaign.name,
                "icp": pc.icp,
                "status": pc.campaign.status,
                "window_start": window_start,
                "window_end": window_end,
                **total,
                "spam_complaints": int(complaints_to_date.get(pc.id, 0)),
                **{f"{c}_day": daily[c] for c in COUNTS},
                "spam_complaints_day": int(complaints_of_day.get(pc.id, 0)),
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in STATS_COLUMNS if c not in RATES])
    # An empty frame has no dtypes to infer: counters are set to int64 so the schema holds for it too.
    counter_columns = [c for c in frame.columns if c.endswith("_day") or c in COUNTER_COLUMNS]
    frame[counter_columns] = frame[counter_columns].astype("int64")
    for column in ("window_start", "window_end"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame = add_rates(frame)
    frame[list(RATES)] = frame[list(RATES)].astype("float64")
    return frame[STATS_COLUMNS]


def totals(frame: pd.DataFrame) -> dict[str, float]:
    """Counters summed over `frame`'s rows and the rates of those sums."""
    sums = {c: int(frame[c].sum()) for c in (*COUNTS, "spam_complaints", "leads_reached", "leads_launched")}
    out: dict[str, float] = dict(sums)
    for column, (num, den) in RATES.items():
        out[column] = rate(sums[num], sums[den])
    return out


# --- assets -----------------------------------------------------------------------------------------------


def _stats_by_id(
    client: LemlistClient, ids: list[str], start: datetime, end: datetime
) -> dict[str, CampaignStats]:
    if not ids:
        return {}
    batch = client.campaign_stats_batch(ids, start=start, end=end)
    for error in batch.errors:
        logger.warning("lemlist stats of campaign %s failed: %s", error.campaign_id, error.error)
    return {s.campaign_id: s for s in batch.results if s.campaign_id}


@dg.asset(
    partitions_def=daily_partitions,
    group_name="engagement",
    kinds={"lemlist", "pandas"},
    metadata={"dagster/column_schema": table_schema(CampaignStatsFrame)},
    # The campaigns outbound enrolled leads into that day (every ICP of the day).
    deps=[ENROLLMENTS_OF_THE_DAY],
    pool="lemlist",
    retry_policy=dg.RetryPolicy(
        max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
)
def campaign_stats(
    context: dg.AssetExecutionContext,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
    enrollment_settings: EnrollmentSettings,
) -> dg.MaterializeResult:
    """One row per product campaign: sent, delivered, opened, clicked, replied, interested, bounced,
    unsubscribed and spam complaints, to the end of the day and of the day alone, with their rates (leads
    reached for lead counters, sends for bounces), per campaign and ICP."""
    day = date.fromisoformat(context.partition_key)
    now = datetime.now(UTC)
    client = lemlist.get_client()
    calls_before = client.stats.total_calls
    emails = ledger_emails(pipeline_store)
    try:
        campaigns = product_campaigns(client, enrollment_settings, emails)
        day_start, day_end = day_window(day, now)
        created = [pc.campaign.created_at for pc in campaigns if pc.campaign.created_at is not None]
        since = min([*(c if c.tzinfo else c.replace(tzinfo=UTC) for c in created), day_start])
        ids = [pc.id for pc in campaigns]
        to_date = _stats_by_id(client, ids, since, day_end)
        of_day = _stats_by_id(client, ids, day_start, day_end)
        unsubscribes = client.unsubscribes() if campaigns else []
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    mine = {pc.id: emails.get(pc.id, frozenset()) for pc in campaigns}
    frame = stats_frame(
        day,
        campaigns,
        to_date,
        of_day,
        complaints_by_campaign(unsubscribes, mine, end=day_end),
        complaints_by_campaign(unsubscribes, mine, start=day_start, end=day_end),
        window_start=since,
        window_end=day_end,
    )
    overall = totals(frame)
    per_icp: dict[str, float] = {}
    for icp, group in frame.groupby(frame["icp"].fillna("unassigned"), sort=True):
        figures = totals(group)
        per_icp.update(
            {f"{icp}/{k}": v for k, v in figures.items() if k in RATES or k in ("sent", "replied")}
        )
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "campaigns": len(frame),
            **{k: (float(v) if k in RATES else int(v)) for k, v in overall.items()},
            **{f"day_{c}": int(frame[f"{c}_day"].sum()) for c in ("sent", "opened", "replied", "bounced")},
            **per_icp,
            "lemlist_calls": client.stats.total_calls - calls_before,
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame,
                    columns=[
                        "icp",
                        "campaign_name",
                        "status",
                        "sent",
                        "open_rate",
                        "reply_rate",
                        "interested",
                        "bounce_rate",
                        "spam_complaints",
                        "sent_day",
                    ],
                )
            ),
        },
    )


def stats_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema checks of `campaign_stats` and `campaign_recommendations`."""
    return [
        schema_check("campaign_stats", CampaignStatsFrame, partitions_def=daily_partitions),
        schema_check(
            "campaign_recommendations", CampaignRecommendationsFrame, partitions_def=daily_partitions
        ),
    ]
