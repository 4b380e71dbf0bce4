"""`suppression_list`: the one table of emails and domains the product never contacts, and its commands.

What belongs here: the asset (which folds lemlist's unsubscribe list and HubSpot's opt-outs into the store's
suppression table and publishes the table), its pandera model, the CSV import and export, and the
`sales-pipeline suppression` command runner. Replies, bounces and unsubscribes reach the table through
`reply_actions`; enrollment reads it at enrollment time. The table itself lives in the pipeline store
(`resources/pipeline_store/suppression.py`), keyed by hash so an erased person stays blocked.
"""

import argparse
import csv
import io
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError, VendorError
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource, normalise_domain, normalise_email
from resources.pipeline_store.database import Database, open_database
from resources.pipeline_store.erasure import erase_person
from resources.pipeline_store.resource import default_store_path
from sales_assets.metadata import markdown_table
from sales_assets.outbound.schemas import table_schema
from sales_assets.run_tags import vendor_tags

logger = logging.getLogger(__name__)

#: lemlist unsubscribe sources -> the reason recorded here (lemlist's enum: api, bounced, lead, user, abuse).
LEMLIST_REASONS = {
    "lead": "unsubscribed",
    "bounced": "bounce_hard",
    "bounce": "bounce_hard",
    "abuse": "spam_complaint",
    "user": "manual",
    "api": "manual",
}
EXPORT_COLUMNS = ["kind", "value", "value_hash", "reason", "source", "created_at"]


class SuppressionEntries(pa.DataFrameModel):
    """Every entry: erased ones keep only their hash."""

    kind: Series[str] = pa.Field(isin=["email", "domain"])
    value_hash: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    value: Series[str] = pa.Field(nullable=True)
    reason: Series[str]
    source: Series[str]
    created_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs={"unit": "ns", "tz": "UTC"})

    class Config:
        strict = True
        coerce = True


# --- CSV import and export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    line: int
    value: str
    why: str


def parse_entry(value: str) -> tuple[str, str]:
    """(kind, normalised value) of an email or a domain (`@example.com` or `example.com`); ValueError else."""
    text = value.strip()
    if not text:
        raise ValueError("empty value")
    if text.startswith("@") or "@" not in text:
        domain = normalise_domain(text.lstrip("@"))
        if "." not in domain or " " in domain or "@" in domain:
            raise ValueError(f"not a domain: {text!r}")
        return "domain", domain
    email = normalise_email(text)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or email.count("@") != 1 or ".." in domain:
        raise ValueError(f"not an email address: {text!r}")
    return "email", email


def read_suppression_csv(
    lines: Iterable[str], *, source: str, default_reason: str
) -> tuple[list[dict[str, str]], list[Rejected]]:
    """Entries of a CSV with a header naming one of `email`, `domain` or `value` (and optionally `reason`);
    a file without such a header is read as one value per line. Bad rows are returned with their line
    number and why, never silently dropped."""
    rows = list(csv.reader(lines))
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(c) for c in ("email", "domain", "value") if c in header), None)
    reason_at = header.index("reason") if "reason" in header else None
    body = rows[1:] if column is not None else rows
    start = 2 if column is not None else 1
    column = column or 0
    entries: list[dict[str, str]] = []
    rejected: list[Rejected] = []
    for number, row in enumerate(body, start=start):
        if not any(cell.strip() for cell in row):
            continue
        raw = row[column] if column < len(row) else ""
        try:
            kind, value = parse_entry(raw)
        except ValueError as exc:
            rejected.append(Rejected(number, raw, str(exc)))
            continue
        reason = row[reason_at].strip() if reason_at is not None and reason_at < len(row) else ""
        entries.append({"kind": kind, "value": value, "reason": reason or default_reason, "source": source})
    return entries, rejected


def export_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.assign(created_at=frame["created_at"].map(lambda t: t.isoformat()))[EXPORT_COLUMNS].to_csv(
        out, index=False
    )
    return out.getvalue()


def run_suppression_command(args: argparse.Namespace) -> int:
    """`sales-pipeline suppression import|export|erase` (messages go to stderr, the export to stdout)."""
    path = Path(args.store) if args.store else default_store_path()
    db: Database = open_database(path)
    from resources.pipeline_store import SuppressionList

    suppression = SuppressionList(db)
    if args.action == "import":
        with args.file.open(newline="", encoding="utf-8-sig") as handle:
            entries, rejected = read_suppression_csv(handle, source=args.source, default_reason=args.reason)
        suppression.add_many(entries)
        for bad in rejected:
            sys.stderr.write(f"{args.file}:{bad.line}: rejected {bad.value!r}: {bad.why}\n")
        sys.stderr.write(f"imported {len(entries)} entries into {path}; {len(rejected)} rejected\n")
        return 1 if rejected else 0
    if args.action == "export":
        text = export_csv(suppression.entries())
        if args.file == "-":
            sys.stdout.write(text)
        else:
            Path(args.file).write_text(text, encoding="utf-8")
            sys.stderr.write(f"exported {len(suppression)} entries to {args.file}\n")
        return 0
    report = erase_person(db, args.email)
    sys.stderr.write(
        f"erased: {report.rows_deleted} rows deleted ({report.enrollments} enrollments, "
        f"{report.crm_sync} CRM sync, {report.actions} actions, {report.cache} cached answers); "
        "hashed tombstone kept\n"
    )
    return 0


# --- the asset --------------------------------------------------------------------------------------------


@dg.asset(
    group_name="engagement",
    kinds={"lemlist", "hubspot", "sqlite"},
    metadata={"dagster/column_schema": table_schema(SuppressionEntries)},
    pool="lemlist",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def suppression_list(
    context: dg.AssetExecutionContext,
    lemlist: LemlistResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
) -> dg.MaterializeResult:
    """The suppression table after folding in lemlist's unsubscribe list (unsubscribes, hard bounces, spam
    complaints, manual blocks) and HubSpot's email opt-outs; replies and CSV imports are already in it."""
    store = pipeline_store.suppression
    before = len(store)
    pulled: dict[str, int] = {}
    try:
        entries = []
        for item in lemlist.get_client().unsubscribes():
            if not item.value:
                continue
            try:
                kind, value = parse_entry(item.value)
            except ValueError:
                continue  # LinkedIn URLs and phone numbers share lemlist's list; they are not ours to keep
            entries.append(
                {
                    "kind": kind,
                    "value": value,
                    "reason": LEMLIST_REASONS.get(item.source or "", "unsubscribed"),
                    "source": f"lemlist_{item.source or 'unknown'}",
                    "at": item.created_at,
                }
            )
        pulled["lemlist"] = len(entries)
        opted_out = hubspot.get_client().search_contacts(
            filter_groups=[
                {"filters": [{"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"}]}
            ],
            properties=["email", "hs_email_optout"],
        )
        hubspot_entries = [
            {"kind": "email", "value": c.email, "reason": "opted_out", "source": "hubspot_optout"}
            for c in opted_out.results
            if c.email
        ]
        pulled["hubspot"] = len(hubspot_entries)
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    except VendorError as exc:
        raise dg.Failure(f"could not read a vendor's opt-out list: {exc}") from exc
    store.add_many([*entries, *hubspot_entries])
    frame = SuppressionEntries.validate(store.entries())
    reasons = frame["reason"].value_counts().to_dict()
    sources = frame["source"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "new_entries": len(frame) - before,
            "emails": int((frame["kind"] == "email").sum()),
            "domains": int((frame["kind"] == "domain").sum()),
            "erased_tombstones": int(frame["value"].isna().sum()),
            "pulled_from_lemlist": pulled.get("lemlist", 0),
            "pulled_from_hubspot": pulled.get("hubspot", 0),
            **{f"reason_{k}": int(v) for k, v in sorted(reasons.items())},
            **{f"source_{k}": int(v) for k, v in sorted(sources.items())},
            "latest": dg.MetadataValue.md(
                markdown_table(
                    frame.sort_values("created_at", ascending=False),
                    columns=["kind", "value", "reason", "source", "created_at"],
                )
            ),
        },
    )


suppression_job = dg.define_asset_job(
    "suppression_sync_job",
    tags=vendor_tags("lemlist", "hubspot"),
    selection=dg.AssetSelection.assets(suppression_list),
    description="Fold lemlist's unsubscribe list and HubSpot's opt-outs into the suppression list.",
)

suppression_schedule = dg.ScheduleDefinition(
    name="suppression_sync_hourly",
    job=suppression_job,
    cron_schedule="23 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
