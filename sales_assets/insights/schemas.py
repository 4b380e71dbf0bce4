"""The insights stage's pandera models: one per asset frame, each checked by a blocking schema check.

What belongs here: the models (columns, types, ranges, allowed values) of the frames the insights assets
make. The rules that fill them are the pure modules' (`funnel.py`, `bottlenecks.py`, `lookalike.py`,
`suggestions.py`); where the rows come from is each asset's module.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from sales_assets.common.schemas import UtcTimestamp

#: Where a lead came from.
SOURCES = ("outbound", "inbound")
#: What a funnel row is grouped by.
DIMENSIONS = ("icp", "tier", "source", "signal", "variant")


def _share() -> pa.Field:  # type: ignore[valid-type]
    return pa.Field(ge=0.0, le=1.0, nullable=True)


class _Model(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = False


class PipelineLeads(_Model):
    """One day's cohort: each lead the pipeline first reached that day (enrolled outbound, or a qualified
    inbound submission), with what is known of its company. Outcomes are `pipeline_outcomes`'."""

    lead_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    source: Series[str] = pa.Field(isin=SOURCES)
    icp: Series[str] = pa.Field(nullable=True)
    tier: Series[str] = pa.Field(nullable=True)
    campaign_id: Series[str] = pa.Field(nullable=True)
    reached_at: Series[UtcTimestamp]
    business_id: Series[str] = pa.Field(nullable=True)
    domain: Series[str] = pa.Field(nullable=True)
    company_name: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True)
    revenue_range: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    technologies: Series[object]
    signals: Series[object]


class PipelineOutcomes(PipelineLeads):
    """The cohorts of the look-back window, each lead with when it reached each stage (from lemlist and
    HubSpot) and its copy variant; NaT where it has not."""

    variant: Series[str] = pa.Field(nullable=True)
    first_touch_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    first_reply_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    responded_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    meeting_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    contact_id: Series[str] = pa.Field(nullable=True)
    lifecyclestage: Series[str] = pa.Field(nullable=True)
    lead_status: Series[str] = pa.Field(nullable=True)
    deal_id: Series[str] = pa.Field(nullable=True)
    deal_stage: Series[str] = pa.Field(nullable=True)
    deal_created_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    is_won: Series[bool]
    closed_at: Series[UtcTimestamp] = pa.Field(nullable=True)


class PipelineFunnel(_Model):
    """Counts at each stage, the conversion from each stage to the next and the waits, per group of one
    dimension (an ICP, an inbound tier, a source, an intelligence signal, a copy variant)."""

    dimension: Series[str] = pa.Field(isin=DIMENSIONS)
    group: Series[str]
    leads: Series[int] = pa.Field(ge=0)
    contacted: Series[int] = pa.Field(ge=0)
    replied: Series[int] = pa.Field(ge=0)
    meeting: Series[int] = pa.Field(ge=0)
    deal: Series[int] = pa.Field(ge=0)
    won: Series[int] = pa.Field(ge=0)
    contacted_rate: Series[float] = _share()
    replied_rate: Series[float] = _share()
    meeting_rate: Series[float] = _share()
    deal_rate: Series[float] = _share()
    won_rate: Series[float] = _share()
    reply_hours_median: Series[float] = pa.Field(ge=0, nullable=True)
    reply_hours_p90: Series[float] = pa.Field(ge=0, nullable=True)
    meeting_hours_median: Series[float] = pa.Field(ge=0, nullable=True)
    meeting_hours_p90: Series[float] = pa.Field(ge=0, nullable=True)
    response_hours_median: Series[float] = pa.Field(ge=0, nullable=True)
    reply_rate: Series[float] = _share()
    meeting_per_contacted: Series[float] = _share()


class PipelineAccounts(_Model):
    """One row per ICP and company the pipeline reached, with its firmographics and what it became."""

    icp: Series[str]
    company_key: Series[str]
    business_id: Series[str] = pa.Field(nullable=True)
    domain: Series[str] = pa.Field(nullable=True)
    company_name: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True)
    revenue_range: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    country_code: Series[str] = pa.Field(nullable=True)
    technologies: Series[object]
    signals: Series[object]
    leads: Series[int] = pa.Field(ge=1)
    meetings: Series[int] = pa.Field(ge=0)
    won: Series[int] = pa.Field(ge=0)
    converted: Series[bool]


class PipelineBottlenecks(_Model):
    """One finding per rule and subject, with the figures that tripped it and a plain suggestion."""

    rule: Series[str] = pa.Field(isin=("weak_conversion", "tier_answered_late", "spend_without_meetings"))
    subject: Series[str]
    figures: Series[object]
    suggestion: Series[str]


class IcpSuggestions(_Model):
    """One proposed line per ICP profile field and value, with its evidence; `diff` (the same on every row
    of an ICP) is the whole proposal as a unified diff of the profile file."""

    icp: Series[str]
    field: Series[str]
    action: Series[str] = pa.Field(isin=("add", "remove", "set"))
    value: Series[str]
    converted: Series[int] = pa.Field(ge=0)
    accounts: Series[int] = pa.Field(ge=0)
    lift: Series[float] = pa.Field(ge=0)
    reason: Series[str]
    diff: Series[str]
