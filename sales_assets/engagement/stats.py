"""`campaign_stats` and `campaign_recommendations`: the daily figures of the product's lemlist campaigns, and
plain suggestions drawn from them.

What belongs here: the two daily assets, their pandera models and blocking schema checks, the settings of
the recommendation rules (`RecommendationSettings`), and the pure helpers they are made of: which lemlist
campaigns are the product's (`product_campaigns`, shared with the safety sensor), how spam complaints are
attributed to a campaign, how counters become rates, and the rules. The lemlist calls are
`resources.lemlist`'s; the pause decisions are `safety.py`'s.

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
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import Field

from resources.errors import AuthenticationError
from resources.lemlist.client import LemlistClient
from resources.lemlist.models import Campaign, CampaignStats, Unsubscribe
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource, normalise_email
from sales_assets.common.campaigns import CLOSED_CAMPAIGN_STATES, EnrollmentSettings
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import ENROLLMENTS_OF_THE_DAY, ICP_PROFILES, daily_partitions
from sales_assets.common.schemas import UtcTimestamp, schema_check, table_schema

logger = logging.getLogger(__name__)

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)

#: The unsubscribe-list source lemlist documents for abuse (spam) reports.
ABUSE_SOURCE = "abuse"
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
RULES = ("low_open_rate", "low_reply_rate", "high_bounce_rate", "spam_complaints", "raise_daily_cap")
SEVERITIES = ("info", "warning", "critical")


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


class CampaignRecommendationsFrame(pa.DataFrameModel):
    """One row per suggestion, with the figure that triggered it and the threshold it crossed."""

    day: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    campaign_id: Series[str]
    campaign_name: Series[str]
    icp: Series[str] = pa.Field(nullable=True)
    rule: Series[str] = pa.Field(isin=RULES)
    severity: Series[str] = pa.Field(isin=SEVERITIES)
    metric: Series[str]
    value: Series[float]
    threshold: Series[float]
    sent: Series[int] = _count()
    suggestion: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    @classmethod
    def one_row_per_rule(cls, frame: pd.DataFrame) -> bool:
        return not frame.duplicated(["campaign_id", "rule"]).any()


STATS_COLUMNS = list(CampaignStatsFrame.to_schema().columns)
RECOMMENDATION_COLUMNS = list(CampaignRecommendationsFrame.to_schema().columns)


class RecommendationSettings(dg.ConfigurableResource):
    """Thresholds of the campaign suggestions; each rule waits for a minimum of sends before it judges."""

    low_open_rate: float = Field(
        default=0.20, ge=0, le=1, description="Below this open rate: rework subjects."
    )
    low_open_min_sent: int = Field(default=50, ge=1, description="Sends before the open rate is judged.")
    low_reply_rate: float = Field(default=0.02, ge=0, le=1, description="Below this reply rate: rework copy.")
    low_reply_min_sent: int = Field(default=100, ge=1, description="Sends before the reply rate is judged.")
    high_bounce_rate: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="At or above this bounce rate: clean the list (safety warns too).",
    )
    high_bounce_min_sent: int = Field(default=50, ge=1, description="Sends before the bounce rate is judged.")
    strong_reply_rate: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="At or above this reply rate (and a low bounce rate): raise the cap.",
    )
    strong_min_sent: int = Field(default=100, ge=1, description="Sends before performance counts as strong.")
    cap_raise: float = Field(
        default=0.25, gt=0, le=1, description="Suggested raise of the daily cap (share)."
    )


# --- which campaigns are the product's --------------------------------------------------------------------


@dataclass(frozen=True)
class ProductCampaign:
    """A lemlist campaign the product enrolls into, and the ICP it serves (None: only the ledger knows it)."""

    campaign: Campaign
    icp: str | None

    @property
    def id(self) -> str:
        return self.campaign.id


def product_campaigns(
    client: LemlistClient,
    settings: EnrollmentSettings,
    ledger_campaign_ids: Iterable[str],
    icps: Iterable[str] = tuple(ICP_PROFILES),
) -> list[ProductCampaign]:
    """The product's campaigns: the ids configured per ICP, the open campaigns named `<prefix> <icp>` (as
    enrollment finds or creates them) and every campaign the enrollment ledger has leads in. One
    `GET /campaigns` walk; campaigns lemlist no longer knows are left out."""
    by_id = {c.id: c for c in client.list_campaigns()}
    icp_of: dict[str, str | None] = {}
    for icp in sorted(icps):
        configured = settings.campaigns.get(icp)
        if configured:
            icp_of[configured] = icp
            continue
        name = settings.campaign_name(icp)
        for campaign in by_id.values():
            if campaign.name == name and campaign.status not in CLOSED_CAMPAIGN_STATES:
                icp_of.setdefault(campaign.id, icp)
    for campaign_id in ledger_campaign_ids:
        icp_of.setdefault(campaign_id, None)
    missing = sorted(cid for cid in icp_of if cid not in by_id)
    if missing:
        logger.warning("lemlist does not list these product campaigns (deleted?): %s", ", ".join(missing))
    return [ProductCampaign(by_id[cid], icp) for cid, icp in sorted(icp_of.items()) if cid in by_id]


def ledger_emails(store: PipelineStoreResource) -> dict[str, frozenset[str]]:
    """Campaign id -> the addresses the product added to it (enrollment ledger, status `added`)."""
    entries = store.enrollments.entries()
    added = entries[entries["status"] == "added"]
    return {
        str(cid): frozenset(group["email"].map(normalise_email))
        for cid, group in added.groupby("campaign_id", sort=True)
    }


def complaints_by_campaign(
    unsubscribes: Iterable[Unsubscribe],
    emails_by_campaign: Mapping[str, frozenset[str]],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, int]:
    """Spam complaints per campaign: `abuse` entries of lemlist's unsubscribe list (created in
    [start, end] when given) whose address the campaign holds."""
    abused: set[str] = set()
    for entry in unsubscribes:
        if (entry.source or "").lower() != ABUSE_SOURCE or not entry.value:
            continue
        created = entry.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created is not None and ((start and created < start) or (end and created > end)):
            continue
        abused.add(normalise_email(entry.value))
    return {cid: len(abused & emails) for cid, emails in emails_by_campaign.items()}


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


# --- recommendations --------------------------------------------------------------------------------------


def recommend(stats: pd.DataFrame, settings: RecommendationSettings, *, daily_cap: int) -> pd.DataFrame:
    """The suggestions for each campaign of `stats`, each with the figure and threshold behind it."""
    s = settings
    rows: list[dict[str, object]] = []
    for row in stats.to_dict("records"):
        sent = int(row["sent"])

        def add(
            rule: str, severity: str, metric: str, threshold: float, text: str, row=row, sent=sent
        ) -> None:
            rows.append(
                {
                    "day": row["day"],
                    "campaign_id": row["campaign_id"],
                    "campaign_name": row["campaign_name"],
                    "icp": row["icp"],
                    "rule": rule,
                    "severity": severity,
                    "metric": metric,
                    "value": float(row[metric]),
                    "threshold": float(threshold),
                    "sent": sent,
                    "suggestion": text,
                }
            )

        pct = _pct
        if sent >= s.low_open_min_sent and row["open_rate"] < s.low_open_rate:
            add(
                "low_open_rate",
                "warning",
                "open_rate",
                s.low_open_rate,
                f"Open rate is {pct(row['open_rate'])} after {sent} sends (below {pct(s.low_open_rate)}): "
                "test new subject lines, and check the sending domain's reputation and warm-up.",
            )
        if sent >= s.low_reply_min_sent and row["reply_rate"] < s.low_reply_rate:
            add(
                "low_reply_rate",
                "warning",
                "reply_rate",
                s.low_reply_rate,
                f"Reply rate is {pct(row['reply_rate'])} after {sent} sends (below {pct(s.low_reply_rate)}): "
                "rework the first email's offer and call to action, or tighten the ICP.",
            )
        if sent >= s.high_bounce_min_sent and row["bounce_rate"] >= s.high_bounce_rate:
            add(
                "high_bounce_rate",
                "critical",
                "bounce_rate",
                s.high_bounce_rate,
                f"Bounce rate is {pct(row['bounce_rate'])} ({row['bounced']} of {sent} sends, threshold "
                f"{pct(s.high_bounce_rate)}): re-verify the list and hold catch-all addresses back.",
            )
        if row["spam_complaints"] > 0:
            add(
                "spam_complaints",
                "critical",
                "spam_complaints",
                1,
                f"{row['spam_complaints']} spam complaint(s): review targeting and copy before resuming; "
                "the safety sensor stops the campaign.",
            )
        strong = (
            sent >= s.strong_min_sent
            and row["reply_rate"] >= s.strong_reply_rate
            and row["bounce_rate"] < s.high_bounce_rate
            and row["spam_complaints"] == 0
        )
        if strong:
            new_cap = math.ceil(daily_cap * (1 + s.cap_raise)) if daily_cap else 0
            add(
                "raise_daily_cap",
                "info",
                "reply_rate",
                s.strong_reply_rate,
                f"Strong performance: reply rate {pct(row['reply_rate'])} after {sent} sends with bounce "
                f"rate {pct(row['bounce_rate'])}: raise the daily cap from {daily_cap} to {new_cap} leads.",
            )
    frame = pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    frame["threshold"] = frame["threshold"].astype("float64")
    frame["sent"] = frame["sent"].astype("int64")
    for column in ("day", "campaign_id", "campaign_name", "icp", "rule", "severity", "metric", "suggestion"):
        frame[column] = frame[column].astype(object)
    return frame


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


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


@dg.asset(
    partitions_def=daily_partitions,
    group_name="engagement",
    kinds={"pandas"},
    metadata={"dagster/column_schema": table_schema(CampaignRecommendationsFrame)},
)
def campaign_recommendations(
    context: dg.AssetExecutionContext,
    campaign_stats: pd.DataFrame,
    recommendation_settings: RecommendationSettings,
    enrollment_settings: EnrollmentSettings,
) -> dg.MaterializeResult:
    """Plain suggestions per campaign, each with the figure that triggered it: low open rate after 50
    sends, low reply rate after 100, high bounce rate, spam complaints, and strong performance (raise the
    daily cap)."""
    frame = recommend(campaign_stats, recommendation_settings, daily_cap=enrollment_settings.daily_cap)
    counts = frame["rule"].value_counts().to_dict()
    lines = [
        f"- **{r['campaign_name']}** ({r['rule']}, {r['severity']}): {r['suggestion']}"
        for r in frame.to_dict("records")
    ]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "campaigns_judged": len(campaign_stats),
            **{f"rule_{rule}": int(counts.get(rule, 0)) for rule in RULES},
            "critical": int((frame["severity"] == "critical").sum()),
            "suggestions": dg.MetadataValue.md(
                "\n".join(lines) or "_no suggestion: nothing crossed a threshold_"
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
