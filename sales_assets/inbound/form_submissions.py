"""`form_submissions`: every submission of the allow-listed forms on the partition's day, validated.

What belongs here: the asset and how it reads a day: HubSpot's list of each form's submissions plus the
events the signed webhook landed in the action ledger (`webhook_events.py`), so a failed run loses nothing
when re-run; each submission as a row, validated against its form's required fields (`validation.py`), and
later submissions of the same email merged into the first.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import pandas as pd

from resources.errors import AuthenticationError, ConfigurationError
from resources.hubspot.models import Form, FormSubmission
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.text import text_or_none
from sales_assets.inbound.schemas import SUBMISSION_COLUMNS, FormSubmissions, object_columns
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.validation import (
    STATUSES,
    describe_flags,
    flagged_fields,
    merge_duplicates,
    normalise_email,
    validate_submission,
)
from sales_assets.inbound.webhook_events import WEBHOOK_KIND

FIELD_COLUMNS = {
    "firstname": "first_name",
    "lastname": "last_name",
    "company": "company",
    "jobtitle": "job_title",
    "phone": "phone",
    "numemployees": "company_size",
    "message": "message",
}


def day_bounds(partition_key: str) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(partition_key).replace(tzinfo=UTC)
    return start, start + timedelta(days=1)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def submission_record(submission: FormSubmission, form: Form, source: str) -> dict[str, Any]:
    """A submission as a row of `form_submissions`, before validation."""
    values = {v.name: v.value for v in submission.values}
    row: dict[str, Any] = {
        "conversion_id": str(submission.conversion_id),
        "form_id": form.id,
        "form_name": form.name or form.id,
        "submitted_at": pd.Timestamp(submission.submitted_at, unit="ms", tz="UTC"),
        "source": source,
        "email": text_or_none(values.get("email")),
        "page_url": text_or_none(submission.page_url),
        "_values": values,
    }
    for field, column in FIELD_COLUMNS.items():
        row[column] = text_or_none(values.get(field))
    return row


def webhook_submissions(entries: pd.DataFrame, partition_key: str) -> list[tuple[str, FormSubmission]]:
    """(form id, submission) of every webhook event the intake landed for this day."""
    if entries.empty:
        return []
    day = entries[entries["partition"] == partition_key]
    out = []
    for detail in day["detail"]:
        form_id = str(detail.get("form_id") or "")
        submission = FormSubmission.model_validate(detail.get("submission") or {})
        out.append((form_id, submission))
    return out


def validate_rows(rows: Sequence[dict[str, Any]], required: Mapping[str, list[str]]) -> pd.DataFrame:
    """Validate each row against its form's required fields, then merge duplicates; one row per input."""
    checked = []
    for row in rows:
        verdict = validate_submission(row["_values"], required.get(row["form_id"], ["email"]))
        checked.append(
            {
                **{k: v for k, v in row.items() if k != "_values"},
                "email": normalise_email(row["email"]) if verdict.email_valid else row["email"],
                "status": verdict.status,
                "problems": "; ".join(verdict.problems) or None,
                "email_valid": verdict.email_valid,
                "free_mail": verdict.free_mail,
                "role_address": verdict.role_address,
                "spam": verdict.spam,
                "spam_reason": verdict.spam_reason,
            }
        )
    merged = merge_duplicates(checked)
    for row in merged:
        # After merging: a lead's gaps may have been filled from a later submission.
        row["flagged_fields"] = describe_flags(flagged_fields(row))
    frame = pd.DataFrame(merged, columns=[*SUBMISSION_COLUMNS, "merged_ids"])
    frame = frame.drop(columns=["merged_ids"]).sort_values(["submitted_at", "conversion_id"])
    frame = frame.reset_index(drop=True)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True).astype("datetime64[ns, UTC]")
    frame["duplicate_count"] = frame["duplicate_count"].fillna(0).astype("int64")
    for column in ("email_valid", "free_mail", "role_address", "spam"):
        frame[column] = frame[column].astype(bool)
    return object_columns(frame, SUBMISSION_COLUMNS)


@dg.asset(
    partitions_def=daily_partitions,
    group_name="inbound",
    kinds={"hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(FormSubmissions)},
    pool="hubspot",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def form_submissions(
    context: dg.AssetExecutionContext,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    inbound_settings: InboundSettings,
) -> dg.MaterializeResult:
    """Every submission of the allow-listed forms on the partition's day, read again from HubSpot (plus the
    ones the signed webhook delivered), validated: email syntax, the form's required fields, free-mail and
    role addresses and spam flagged, and later submissions of the same email merged into the first."""
    inbound_settings.check()
    start, end = day_bounds(context.partition_key)
    client = hubspot.get_client()
    calls_before = client.stats.total_calls
    try:
        forms = inbound_settings.resolve_forms(client)
    except (AuthenticationError, ConfigurationError) as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    by_id = {f.id: f for f in forms}
    rows: dict[str, dict[str, Any]] = {}
    for form in forms:
        # Newest first, stopping at the start of the day: later days' submissions are read and dropped.
        for submission in client.list_form_submissions(form.id, after_ms=_ms(start) - 1):
            if submission.conversion_id and submission.submitted_at < _ms(end):
                rows[submission.conversion_id] = submission_record(submission, form, "poll")
    delivered = webhook_submissions(pipeline_store.actions.entries(WEBHOOK_KIND), context.partition_key)
    ignored_webhook = 0
    for form_id, submission in delivered:
        delivered_form = by_id.get(form_id)
        if delivered_form is None or not submission.conversion_id:
            ignored_webhook += 1
            continue
        rows.setdefault(submission.conversion_id, submission_record(submission, delivered_form, "webhook"))
    frame = validate_rows(list(rows.values()), {f.id: f.required_fields or ["email"] for f in forms})
    counts = frame["status"].value_counts().to_dict()
    problems = frame[frame["status"] != "valid"]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"submissions_{s}": int(counts.get(s, 0)) for s in STATUSES},
            "free_mail": int(frame["free_mail"].sum()),
            "role_address": int(frame["role_address"].sum()),
            "spam": int(frame["spam"].sum()),
            "fields_read_as_instructions": int(frame["flagged_fields"].notna().sum()),
            "from_webhook": int((frame["source"] == "webhook").sum()),
            "webhook_events_ignored": ignored_webhook,
            "forms": ", ".join(f"{f.name} ({f.id})" for f in forms),
            "hubspot_calls": client.stats.total_calls - calls_before,
            "problems_preview": dg.MetadataValue.md(
                markdown_table(
                    problems, columns=["conversion_id", "form_name", "email", "status", "problems"]
                )
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame, columns=["submitted_at", "form_name", "email", "company", "status", "spam"]
                )
            ),
        },
    )
