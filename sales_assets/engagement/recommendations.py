"""`campaign_recommendations`: plain suggestions per product campaign, each with the figure that triggered it
and the threshold it crossed, drawn from `campaign_stats`.

What belongs here: the asset, its pandera model, the rules (`recommend`) and their thresholds
(`RecommendationSettings`): low open rate, low reply rate, high bounce rate, spam complaints, and strong
performance (raise the daily cap). Each rule waits for a minimum of sends before it judges.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import math

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import Field

from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema

RULES = ("low_open_rate", "low_reply_rate", "high_bounce_rate", "spam_complaints", "raise_daily_cap")
SEVERITIES = ("info", "warning", "critical")


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
    sent: Series[int] = pa.Field(ge=0)
    suggestion: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check
    @classmethod
    def one_row_per_rule(cls, frame: pd.DataFrame) -> bool:
        return not frame.duplicated(["campaign_id", "rule"]).any()


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
