"""`lemlist_activities`: one day of lemlist activities (sends, opens, clicks, replies, bounces,
unsubscribes), with the body of every reply.

What belongs here: the asset, its pandera model and the pure helpers that turn lemlist's activity and inbox
objects into rows. The asset re-reads its whole day from lemlist on every run, so a run that failed or was
killed after this step loses nothing: the next run of the partition fetches the same activities again.

Reply bodies: lemlist's activities API carries no reply text (its spec has no such field; integrations read
`text` from webhook payloads). The product reads bodies from the inbox API (`GET /inbox/{contactId}`, the
documented conversation endpoint, one call per replying contact), matched to the reply activity by id, then
by time. Webhooks would need a public endpoint and lemlist documents no delivery guarantees for them.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError, NotFoundError, VendorError
from resources.lemlist.client import LemlistClient
from resources.lemlist.models import Activity, InboxMessage
from resources.lemlist.resource import LemlistResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import ENROLLMENTS_OF_THE_DAY, daily_partitions
from sales_assets.common.schemas import table_schema

logger = logging.getLogger(__name__)

REPLY = "emailsReplied"
BOUNCE = "emailsBounced"
UNSUBSCRIBE = "emailsUnsubscribed"
#: Activities something must be done about (the replies sensor requests runs for these).
ACTIONABLE_TYPES = (REPLY, BOUNCE, UNSUBSCRIBE)
#: Email activities kept for statistics besides the actionable ones.
COUNTED_TYPES = ("emailsSent", "emailsOpened", "emailsClicked", "manualInterested", "manualNotInterested")
KEPT_TYPES = (*ACTIONABLE_TYPES, *COUNTED_TYPES)
BODY_SOURCES = ("inbox", "activity", "unavailable", "not_a_reply")
# A reply and its inbox message are the same event; lemlist's ids should match, times within a minute do too.
_MATCH_WINDOW = timedelta(minutes=2)

COLUMNS = [
    "activity_id",
    "type",
    "created_at",
    "campaign_id",
    "campaign_name",
    "lead_id",
    "contact_id",
    "email",
    "first_name",
    "last_name",
    "company_name",
    "sequence_step",
    "subject",
    "body",
    "body_source",
    "body_error",
    "error_message",
]


class LemlistActivities(pa.DataFrameModel):
    """One row per lemlist activity of the day that the product reads."""

    activity_id: Series[str] = pa.Field(unique=True)
    type: Series[str] = pa.Field(isin=list(KEPT_TYPES))
    created_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs={"unit": "ns", "tz": "UTC"})
    campaign_id: Series[str] = pa.Field(nullable=True)
    campaign_name: Series[str] = pa.Field(nullable=True)
    lead_id: Series[str] = pa.Field(nullable=True)
    contact_id: Series[str] = pa.Field(nullable=True)
    email: Series[str] = pa.Field(nullable=True)
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    company_name: Series[str] = pa.Field(nullable=True)
    sequence_step: Series[float] = pa.Field(nullable=True, ge=0)
    subject: Series[str] = pa.Field(nullable=True)
    body: Series[str] = pa.Field(nullable=True)
    body_source: Series[str] = pa.Field(isin=list(BODY_SOURCES))
    body_error: Series[str] = pa.Field(nullable=True)
    error_message: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """lemlist's `minDate`/`maxDate` for one UTC day (both inclusive; max must be greater than min)."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1) - timedelta(milliseconds=1)


def match_inbox_message(reply: Activity, messages: Sequence[InboxMessage]) -> InboxMessage | None:
    """The inbox message of a reply activity: same id, else the reply from the lead closest in time."""
    replies = [m for m in messages if m.is_reply]
    for message in replies:
        if message.id == reply.id:
            return message
    near = [m for m in replies if abs(m.created_at - reply.created_at) <= _MATCH_WINDOW]
    return min(near, key=lambda m: abs(m.created_at - reply.created_at)) if near else None


def activity_row(activity: Activity) -> dict[str, object]:
    """The row of one activity, before any reply body is attached."""
    return {
        "activity_id": activity.id,
        "type": activity.type,
        "created_at": activity.created_at.astimezone(UTC),
        "campaign_id": activity.campaign_id,
        "campaign_name": activity.campaign_name,
        "lead_id": activity.lead_id,
        "contact_id": activity.contact_id,
        "email": activity.lead_email.strip().lower() if activity.lead_email else None,
        "first_name": activity.lead_first_name,
        "last_name": activity.lead_last_name,
        "company_name": None,
        "sequence_step": activity.sequence_step,
        "subject": activity.subject,
        "body": None,
        "body_source": "not_a_reply",
        "body_error": None,
        "error_message": activity.error_message,
    }


def attach_reply_bodies(client: LemlistClient, replies: Iterable[tuple[Activity, dict[str, object]]]) -> int:
    """Fill `body`/`subject`/`body_source` of reply rows from the inbox (one call per contact). Returns the
    inbox calls made. A contact whose inbox cannot be read keeps the activity's own text if it has one;
    otherwise the row says why its body is missing (`body_error`), and its reply is still kept."""
    by_contact: dict[str, list[tuple[Activity, dict[str, object]]]] = {}
    calls = 0
    for activity, row in replies:
        row["body_source"] = "unavailable"
        if activity.contact_id:
            by_contact.setdefault(activity.contact_id, []).append((activity, row))
        else:
            _fallback(activity, row, "the activity has no contactId to read the inbox with")
    for contact_id, items in by_contact.items():
        try:
            messages = client.inbox_messages(contact_id)
            calls += 1
        except AuthenticationError:
            raise
        except (NotFoundError, VendorError) as exc:
            for activity, row in items:
                _fallback(activity, row, f"inbox of {contact_id} unreadable: {exc}")
            continue
        for activity, row in items:
            message = match_inbox_message(activity, messages)
            if message is None:
                _fallback(activity, row, "no reply in the contact's inbox matches the activity")
                continue
            row["body"] = message.plain_text
            row["subject"] = message.subject or row["subject"]
            row["body_source"] = "inbox"
    return calls


def _fallback(activity: Activity, row: dict[str, object], why: str) -> None:
    text = activity.plain_text
    if text:
        row["body"], row["body_source"] = text, "activity"
    else:
        row["body_source"], row["body_error"] = "unavailable", why
        logger.warning("reply %s: body unavailable (%s)", activity.id, why)


def activities_frame(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=COLUMNS)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["sequence_step"] = pd.to_numeric(frame["sequence_step"], errors="coerce").astype(float)
    frame = frame.sort_values(["created_at", "activity_id"], kind="stable").reset_index(drop=True)
    return LemlistActivities.validate(frame)


@dg.asset(
    partitions_def=daily_partitions,
    group_name="engagement",
    kinds={"lemlist", "pandas"},
    metadata={"dagster/column_schema": table_schema(LemlistActivities)},
    # The campaigns outbound enrolled leads into that day (every ICP of the day).
    deps=[ENROLLMENTS_OF_THE_DAY],
    pool="lemlist",
    retry_policy=dg.RetryPolicy(
        max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
)
def lemlist_activities(context: dg.AssetExecutionContext, lemlist: LemlistResource) -> dg.MaterializeResult:
    """Every email activity of the day in the team's campaigns, re-read whole from lemlist on each run,
    with each reply's body from the inbox API."""
    day = date.fromisoformat(context.partition_key)
    client = lemlist.get_client()
    calls_before = client.stats.total_calls
    start, end = day_bounds(day)
    try:
        activities = client.activities(min_date=start, max_date=end)
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    kept = [a for a in activities if a.type in KEPT_TYPES]
    rows = [activity_row(a) for a in kept]
    replies = [(a, row) for a, row in zip(kept, rows, strict=True) if a.type == REPLY]
    inbox_calls = attach_reply_bodies(client, replies)
    frame = activities_frame(rows)
    counts = frame["type"].value_counts().to_dict()
    unavailable = frame[frame["body_source"] == "unavailable"]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"activities_{t}": int(counts.get(t, 0)) for t in KEPT_TYPES},
            "activities_other_types": len(activities) - len(kept),
            "replies_without_body": len(unavailable),
            "inbox_calls": inbox_calls,
            "lemlist_calls": client.stats.total_calls - calls_before,
            "window": f"{start.isoformat()} .. {end.isoformat()}",
            "actionable_preview": dg.MetadataValue.md(
                markdown_table(
                    frame[frame["type"].isin(ACTIONABLE_TYPES)],
                    columns=["created_at", "type", "email", "subject", "body_source", "error_message"],
                )
            ),
        },
    )
