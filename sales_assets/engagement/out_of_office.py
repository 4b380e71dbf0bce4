"""Out-of-office replies: the lead's sequence paused until the person is back, then resumed.

What belongs here: the day a paused lead is due back (`resume_on`), the action-ledger rows that remember
each pause (kind `out_of_office`, one per address and campaign), and the `out_of_office_returns` asset that
resumes the leads whose day has come, with its pandera model. The pause itself is one of
`ReplyActionRun`'s lemlist calls (`reply_action_run.py`), recorded here as it is made.

Why: lemlist does not stop a sequence on an auto-reply (`resources/VENDOR_NOTES.md`), so left alone the
follow-ups go to an empty desk; and an absence is not a refusal, so nothing is suppressed (DESIGN: "an
out-of-office reply pauses, it never opts out"). Pausing and resuming a lead are idempotent in lemlist, so
a re-run repeats them harmlessly; the ledger keeps which leads are the product's to resume.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError, NotFoundError, VendorError
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema

#: Action-ledger kind of a lead paused for an absence, keyed by `pause_key`.
OOO_KIND = "out_of_office"
#: Ledger states: paused by the product (to resume), resumed, left paused because the address was suppressed
#: meanwhile, or gone from lemlist.
PAUSED, RESUMED, KEPT_PAUSED, NOT_FOUND = "paused", "resumed", "kept_paused", "not_found"
#: A row of the asset whose resume failed this run (the ledger keeps it paused: the next run tries again).
FAILED = "failed"
RETURN_STATUSES = (RESUMED, KEPT_PAUSED, NOT_FOUND, FAILED)


def resume_on(return_date: str | None, replied_at: datetime, default_days: int) -> date:
    """The day the lead's sequence resumes: the day the notice says the person is back, else `default_days`
    after the reply; never before the day after the reply (a return date in the past is a misread)."""
    back: date | None = None
    if return_date:
        try:
            back = date.fromisoformat(str(return_date)[:10])
        except ValueError:
            back = None
    day = replied_at.date()
    return max(back or day + timedelta(days=default_days), day + timedelta(days=1))


def pause_key(email: str, campaign_id: str | None) -> str:
    """One pause per address and campaign (`*`: every campaign the lead is in)."""
    return f"{email.lower()}|{campaign_id or '*'}"


def record_pause(
    store: PipelineStoreResource,
    *,
    email: str,
    campaign_id: str | None,
    back: date,
    activity_id: str,
    partition: str | None,
) -> None:
    """Remember a pause the product made: a later absence of the same lead moves the day on."""
    store.actions.record(
        OOO_KIND,
        pause_key(email, campaign_id),
        PAUSED,
        {
            "email": email.lower(),
            "campaign_id": campaign_id,
            "resume_on": back.isoformat(),
            "activity_id": activity_id,
        },
        partition=partition,
    )


def due_pauses(entries: pd.DataFrame, day: date) -> list[tuple[str, Mapping[str, Any]]]:
    """The ledger's paused leads whose day has come by `day`, oldest first: `(key, detail)`."""
    if entries.empty:
        return []
    paused = entries[entries["status"] == PAUSED]
    return [
        (str(key), detail)
        for key, detail in zip(paused["key"], paused["detail"], strict=True)
        if date.fromisoformat(detail["resume_on"]) <= day
    ]


class OutOfOfficeReturns(pa.DataFrameModel):
    """One row per lead whose absence ended by the partition's day and was not resumed before."""

    email: Series[str]
    campaign_id: Series[str] = pa.Field(nullable=True)
    resume_on: Series[str]
    status: Series[str] = pa.Field(isin=list(RETURN_STATUSES))
    detail: Series[str]

    class Config:
        strict = True
        coerce = True


RETURN_COLUMNS = list(OutOfOfficeReturns.to_schema().columns)


def resume_due(
    client: Any, store: PipelineStoreResource, day: date, partition: str | None
) -> tuple[pd.DataFrame, int]:
    """Resume in lemlist every lead the product paused for an absence that has ended by `day`, unless the
    address was suppressed meanwhile (it stays paused). Returns the rows and the lemlist calls made."""
    due = due_pauses(store.actions.entries(OOO_KIND), day)
    blocked = store.suppression.lookup([detail["email"] for _, detail in due]) if due else {}
    rows: list[dict[str, Any]] = []
    calls = 0
    for key, detail in due:
        email, campaign_id = detail["email"], detail.get("campaign_id")
        row = {"email": email, "campaign_id": campaign_id, "resume_on": detail["resume_on"]}
        if email in blocked:
            status, text = KEPT_PAUSED, "on the suppression list since the pause: left paused"
        else:
            calls += 1
            try:
                client.resume_lead(email, campaign_id=campaign_id)
                status, text = RESUMED, "sequence resumed"
            except AuthenticationError:
                raise
            except NotFoundError:
                status, text = NOT_FOUND, "lemlist no longer has the lead in that campaign"
            except VendorError as exc:
                # The ledger keeps it paused: the next day's run tries again, and the check shows the row.
                rows.append({**row, "status": FAILED, "detail": f"resume failed: {str(exc)[:200]}"})
                continue
        done = {**detail, "done_on": day.isoformat()}
        store.actions.record(OOO_KIND, key, status, done, partition=partition)
        rows.append({**row, "status": status, "detail": text})
    return OutOfOfficeReturns.validate(pd.DataFrame(rows, columns=RETURN_COLUMNS)), calls


@dg.asset(
    partitions_def=daily_partitions,
    group_name="engagement",
    kinds={"lemlist", "pandas"},
    metadata={"dagster/column_schema": table_schema(OutOfOfficeReturns)},
    pool="lemlist",
    retry_policy=VENDOR_STEP_RETRY,
)
def out_of_office_returns(
    context: dg.AssetExecutionContext, lemlist: LemlistResource, pipeline_store: PipelineStoreResource
) -> dg.MaterializeResult:
    """Leads paused for an out-of-office reply whose return day has come, resumed in lemlist (left paused if
    suppressed since); a resume lemlist refused stays in the ledger for the next day's run."""
    day = date.fromisoformat(context.partition_key)
    try:
        frame, calls = resume_due(lemlist.get_client(), pipeline_store, day, context.partition_key)
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    counts = frame["status"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{status: int(counts.get(status, 0)) for status in RETURN_STATUSES},
            "lemlist_calls": calls,
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["email", "campaign_id", "resume_on", "status", "detail"])
            ),
        },
    )
