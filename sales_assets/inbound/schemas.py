"""The pandera models of the three inbound assets, `form_submissions -> inbound_leads -> inbound_routing`,
the values their status columns take, and the dtypes their frames are written with.

What belongs here: the models, their column lists, and `object_columns`, which gives a frame the text
columns the models expect. The blocking checks built from the models are `checks.py`'s.
"""

from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sales_assets.common.schemas import UtcTimestamp
from sales_assets.inbound.tiers import TIERS
from sales_assets.inbound.validation import STATUSES

ROUTING_OUTCOMES = ("task_created", "already_routed", "merged_recent", "no_task", "failed")
REPLY_STATUSES = ("drafted", "cached", "failed", "refused", "none")
ENRICHMENT_STATUSES = ("enriched", "cached", "no_match", "no_company", "over_budget")


class FormSubmissions(pa.DataFrameModel):
    """One row per submission of an allow-listed form on the partition's day, valid or not."""

    conversion_id: Series[str] = pa.Field(unique=True)
    form_id: Series[str]
    form_name: Series[str]
    submitted_at: Series[UtcTimestamp]
    source: Series[str] = pa.Field(isin=("poll", "webhook"))
    email: Series[str] = pa.Field(nullable=True)
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    company: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    phone: Series[str] = pa.Field(nullable=True)
    company_size: Series[str] = pa.Field(nullable=True)
    message: Series[str] = pa.Field(nullable=True)
    page_url: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    problems: Series[str] = pa.Field(nullable=True)
    email_valid: Series[bool]
    free_mail: Series[bool]
    role_address: Series[bool]
    spam: Series[bool]
    spam_reason: Series[str] = pa.Field(nullable=True)
    merged_into: Series[str] = pa.Field(nullable=True)
    duplicate_count: Series[int] = pa.Field(ge=0)
    #: Typed fields that read as instructions to a machine, and why ("job_title: asks to ...").
    flagged_fields: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="every invalid or duplicate submission says why")
    def problems_say_why(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["status"] == "valid") | frame["problems"].notna()


class InboundLeads(pa.DataFrameModel):
    """One row per valid, de-duplicated submission: enriched, tiered, with a written reason."""

    conversion_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    form_name: Series[str]
    submitted_at: Series[UtcTimestamp]
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    company: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    message: Series[str] = pa.Field(nullable=True)
    phone: Series[str] = pa.Field(nullable=True)
    free_mail: Series[bool]
    role_address: Series[bool]
    spam: Series[bool]
    domain: Series[str] = pa.Field(nullable=True)
    business_id: Series[str] = pa.Field(nullable=True)
    company_name: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True)
    country_code: Series[str] = pa.Field(nullable=True)
    enrichment_status: Series[str] = pa.Field(isin=ENRICHMENT_STATUSES)
    icp_fit: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    icp_profile: Series[str] = pa.Field(nullable=True)
    crm_contact_id: Series[str] = pa.Field(nullable=True)
    crm_owner_id: Series[str] = pa.Field(nullable=True)
    crm_lifecyclestage: Series[str] = pa.Field(nullable=True)
    seniority: Series[float] = pa.Field(ge=0.0, le=1.0)
    message_intent: Series[float] = pa.Field(ge=0.0, le=1.0)
    tier: Series[str] = pa.Field(isin=TIERS)
    tier_score: Series[float] = pa.Field(ge=0.0, le=1.0)
    tier_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    duplicate_count: Series[int] = pa.Field(ge=0)
    flagged_fields: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False


class InboundRouting(pa.DataFrameModel):
    """One row per inbound lead: the task created for its owner (once, ever), or why there is none."""

    conversion_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    tier: Series[str] = pa.Field(isin=TIERS)
    outcome: Series[str] = pa.Field(isin=ROUTING_OUTCOMES)
    reason: Series[str] = pa.Field(nullable=True)
    owner_id: Series[str] = pa.Field(nullable=True)
    owner_source: Series[str] = pa.Field(nullable=True)
    contact_id: Series[str] = pa.Field(nullable=True)
    contact_created: Series[bool]
    task_id: Series[str] = pa.Field(nullable=True)
    due_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    reply_status: Series[str] = pa.Field(isin=REPLY_STATUSES)
    reply_subject: Series[str] = pa.Field(nullable=True)
    reply_body: Series[str] = pa.Field(nullable=True)
    input_tokens: Series[int] = pa.Field(ge=0)
    output_tokens: Series[int] = pa.Field(ge=0)
    cost_usd: Series[float] = pa.Field(ge=0.0)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="a task id exactly when a task exists, a reason whenever there is none")
    def task_or_reason(cls, frame: pd.DataFrame) -> pd.Series:
        routed = frame["outcome"].isin(("task_created", "already_routed"))
        return (routed == frame["task_id"].notna()) & (routed | frame["reason"].notna())


SUBMISSION_COLUMNS = list(FormSubmissions.to_schema().columns)
LEAD_COLUMNS = list(InboundLeads.to_schema().columns)
ROUTING_COLUMNS = list(InboundRouting.to_schema().columns)


def object_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Text columns as object dtype with None for missing values (what the models expect)."""
    out = frame[list(columns)].copy()
    for column in out.columns:
        if out[column].dtype == object:
            # None, not NaN, for a missing value: the stubs leave None out of where().
            out[column] = out[column].astype(object).where(out[column].notna(), None)  # type: ignore[call-overload]
    return out
