"""The shapes of `outreach_copy`: `EmailCopy`, what Claude returns for one lead, and `OutreachCopy`, the
pandera model of the asset's frame (one row per qualified lead, with its status and this run's Claude usage).

What belongs here: the two models and the column lists and statuses derived from them. They are shared: the
outbound stage writes the copy (`sales_assets/outbound/copy_writer.py`, `copywriting.py`), the insights
stage evaluates it. How copy is linted is `copy_lint.py`'s.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import BaseModel, ConfigDict, Field

#: `over_budget`: not written this run, the ICP's daily Claude budget would have been passed (written later).
STATUSES = ("written", "cached", "held_back", "over_budget")
#: Statuses that carry no copy and say why in `hold_reason`.
NOT_WRITTEN = ("held_back", "over_budget")


class EmailCopy(BaseModel):
    """What Claude returns for one lead."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(
        min_length=3, max_length=120, description="Subject of the first email, 3 to 9 words, sentence case."
    )
    body: str = Field(
        min_length=200,
        max_length=1600,
        description="The first email: greeting, 60 to 160 words, sign-off with the sender's name.",
    )
    follow_up_subject: str = Field(
        min_length=3, max_length=120, description="Subject of the follow-up, 3 to 9 words."
    )
    follow_up_body: str = Field(
        min_length=200,
        max_length=1600,
        description="The follow-up, sent three days later without a reply: 60 to 160 words, a new angle.",
    )


class OutreachCopy(pa.DataFrameModel):
    """One row per qualified lead: the copy written (or read from the cache), or why it was held back,
    with this run's Claude usage and cost for the lead."""

    prospect_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    subject: Series[str] = pa.Field(nullable=True)
    body: Series[str] = pa.Field(nullable=True)
    follow_up_subject: Series[str] = pa.Field(nullable=True)
    follow_up_body: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    hold_reason: Series[str] = pa.Field(nullable=True)
    attempts: Series[int] = pa.Field(ge=0)
    model: Series[str]
    via_batch: Series[bool]
    input_tokens: Series[int] = pa.Field(ge=0)
    output_tokens: Series[int] = pa.Field(ge=0)
    cache_read_tokens: Series[int] = pa.Field(ge=0)
    cache_write_tokens: Series[int] = pa.Field(ge=0)
    cost_usd: Series[float] = pa.Field(ge=0.0)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="copy present exactly when written or cached, a reason exactly when not")
    def copy_matches_status(cls, frame: pd.DataFrame) -> pd.Series:
        held = frame["status"].isin(NOT_WRITTEN)
        texts = frame[["subject", "body", "follow_up_subject", "follow_up_body"]].notna().all(axis=1)
        return (held == ~texts) & (held == frame["hold_reason"].notna())


COLUMNS = list(OutreachCopy.to_schema().columns)
INT_COLUMNS = ["attempts", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]
