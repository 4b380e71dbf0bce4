"""`email_reverification`: enrolled contacts whose email check is older than 90 days, checked again through
Explorium; addresses that became invalid go on the suppression list.

What belongs here: the asset, its settings (`ReverificationSettings`), its pandera model, and the pure
helpers it is made of (the last check per contact, who is due, what a fresh check means). Its job and
weekly schedule are in `defs.py`.

Where the check time is known: in the enrichment cache. Every address the product holds was bought through
Explorium's contacts_information bulk enrichment, which `PaidCalls` caches per prospect with its
`fetched_at` (namespace `explorium:POST /prospects/contacts_information/bulk_enrich[:<variant>]`). The last
check of a contact is its newest entry in any of those namespaces; a re-check is written there too (the
email-only variant), so it counts as the new check time. No second table has to be kept in step with the
cache. Consequence: purging the cache must spare these entries (`ResultCache.purge` is not called by the
product today), or contacts whose last check was purged are never re-checked.

Who is due: contacts the product enrolled in a lemlist campaign (the enrollment ledger) whose last check is
older than `max_age_days`, and who are not suppressed already. Contacts that come back through the daily
outbound run are bought again anyway once their cache entry is 30 days old; enrolled ones are not, and
they are the ones lemlist may still send follow-ups to.

Cost: email only (2 credits per contact), 50 per call, under a budget per run recorded in the spend ledger
as partition `<day>|reverification`. A re-run of the day finds no one due: it spends nothing.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import Field

from resources.explorium.models import ENRICH_BATCH, ContactType
from resources.explorium.pricing import contacts_price
from resources.explorium.resource import ExploriumResource
from resources.pipeline_store import PipelineStoreResource, normalise_email
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import UtcTimestamp, schema_check, table_schema
from sales_assets.common.spend import PaidCalls
from sales_assets.outbound.contacts import contact_details

ENDPOINT = "POST /prospects/contacts_information/bulk_enrich"
CACHE_NAMESPACE = f"explorium:{ENDPOINT}"
CONTACT_TYPES: list[ContactType] = ["email"]
SUPPRESSION_SOURCE = "explorium_reverification"
OUTCOMES = ("still_valid", "became_invalid", "still_invalid", "risky", "no_data", "over_budget")
EMAIL_STATUSES = ("valid", "catch-all", "unknown", "invalid", "missing")


class ReverificationSettings(dg.ConfigurableResource):
    """How old an email check may get, and what one re-verification run may spend."""

    max_age_days: int = Field(
        default=90, ge=1, description="Re-check addresses checked longer ago than this."
    )
    budget_credits: float = Field(
        default=1_000, ge=0, description="Explorium credits one run may spend (email only: 2 per contact)."
    )


class ReverifiedContacts(pa.DataFrameModel):
    """One row per contact that was due: its previous check, the fresh one, and what was done."""

    prospect_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    previous_status: Series[str] = pa.Field(isin=EMAIL_STATUSES)
    previous_checked_at: Series[UtcTimestamp]
    status: Series[str] = pa.Field(nullable=True, isin=EMAIL_STATUSES)
    checked_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    outcome: Series[str] = pa.Field(isin=OUTCOMES)
    suppressed: Series[bool]
    reason: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False


COLUMNS = list(ReverifiedContacts.to_schema().columns)


# --- pure helpers -----------------------------------------------------------------------------------------


def _status(details: dict[str, Any]) -> str:
    status = details["email_status"]
    return status if status in EMAIL_STATUSES else "unknown"


def last_checks(entries: Iterable[tuple[str, Any, datetime]]) -> pd.DataFrame:
    """The last email check per prospect from contacts_information cache entries `(prospect_id, value,
    fetched_at)`: when it was, its status, and the newest address known for the prospect."""
    latest: dict[str, dict[str, Any]] = {}
    for prospect_id, value, fetched_at in sorted(entries, key=lambda e: e[2]):
        details = contact_details(value)
        row = latest.setdefault(prospect_id, {"prospect_id": prospect_id, "email": None})
        row["checked_at"] = fetched_at
        row["status"] = _status(details) if value else "missing"
        if details["email"]:
            row["email"] = normalise_email(details["email"])
    frame = pd.DataFrame(list(latest.values()), columns=["prospect_id", "email", "status", "checked_at"])
    frame["checked_at"] = pd.to_datetime(frame["checked_at"], utc=True)
    return frame


def due(
    checks: pd.DataFrame, enrolled: set[str], suppressed: set[str], *, now: datetime, max_age: timedelta
) -> pd.DataFrame:
    """The checks older than `max_age` of enrolled, not yet suppressed addresses, oldest first."""
    cutoff = pd.Timestamp(now - max_age)
    mask = (
        checks["email"].notna()
        & checks["email"].isin(enrolled)
        & ~checks["email"].isin(suppressed)
        & (checks["checked_at"] < cutoff)
    )
    return checks[mask].sort_values(["checked_at", "prospect_id"]).reset_index(drop=True)


def outcome_of(previous: str, fresh: str | None, skipped: bool) -> str:
    """What a fresh check means for an address last seen with `previous` status."""
    if skipped:
        return "over_budget"
    if fresh is None or fresh == "missing":
        return "no_data"
    if fresh == "invalid":
        return "still_invalid" if previous == "invalid" else "became_invalid"
    return "still_valid" if fresh == "valid" else "risky"


# --- store reads ------------------------------------------------------------------------------------------


def cached_checks(store: PipelineStoreResource) -> list[tuple[str, Any, datetime]]:
    """Every contacts_information entry of the result cache, whatever contact types it was bought with."""
    rows = store.database().query(
        "SELECT key, value, fetched_at FROM cache WHERE namespace = ? OR namespace LIKE ?",
        (CACHE_NAMESPACE, CACHE_NAMESPACE + ":%"),
    )
    return [(r["key"], json.loads(r["value"]), datetime.fromisoformat(r["fetched_at"])) for r in rows]


def enrolled_emails(store: PipelineStoreResource) -> set[str]:
    entries = store.enrollments.entries()
    return set(entries.loc[entries["status"] == "added", "email"].map(normalise_email))


# --- the asset --------------------------------------------------------------------------------------------


@dg.asset(
    partitions_def=daily_partitions,
    group_name="reverification",
    kinds={"explorium", "pandas"},
    metadata={"dagster/column_schema": table_schema(ReverifiedContacts)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def email_reverification(
    context: dg.AssetExecutionContext,
    explorium: ExploriumResource,
    pipeline_store: PipelineStoreResource,
    reverification_settings: ReverificationSettings,
) -> dg.MaterializeResult:
    """Enrolled contacts whose email was last checked more than 90 days ago, checked again through
    Explorium (email only, 50 per call); an address that became invalid goes on the suppression list with
    the reason and the source `explorium_reverification`."""
    settings = reverification_settings
    day = date.fromisoformat(context.partition_key)
    now = datetime.now(UTC)
    checks = last_checks(cached_checks(pipeline_store))
    enrolled = enrolled_emails(pipeline_store)
    emails = [e for e in checks["email"].dropna() if e in enrolled]
    suppressed = set(pipeline_store.suppression.lookup(emails)) if emails else set()
    todo = due(checks, enrolled, suppressed, now=now, max_age=timedelta(days=settings.max_age_days))

    client = explorium.get_client()
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=f"{day.isoformat()}|reverification",
        asset="email_reverification",
        budget_credits=settings.budget_credits,
        run_id=context.run.run_id,
        # A fresh fetch: nothing cached counts, since the cached answer is the check being redone.
        ttl=timedelta(0),
        account=client,
    )

    def buy(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_contacts(batch, contact_types=CONTACT_TYPES)
        stamp = datetime.now(UTC).isoformat()
        values = {i: {**c.model_dump(mode="json"), "_fetched_at": stamp} for i, c in result.by_id().items()}
        return values, result.spend.credits, result.spend.calls

    bought = paid.by_id(
        ENDPOINT,
        todo["prospect_id"].tolist(),
        buy,
        unit_credits=contacts_price(CONTACT_TYPES),
        variant={"contact_types": CONTACT_TYPES},
        chunk=ENRICH_BATCH,
    )
    checked_at = datetime.now(UTC)
    skipped = set(bought.skipped)
    rows: list[dict[str, Any]] = []
    to_suppress: list[dict[str, Any]] = []
    for check in todo.to_dict("records"):
        pid, email, previous = check["prospect_id"], check["email"], check["status"]
        fetched = pid not in skipped
        details = contact_details(bought.values.get(pid)) if fetched else None
        fresh = _status(details) if details and bought.values.get(pid) else ("missing" if fetched else None)
        outcome = outcome_of(previous, fresh, not fetched)
        reason: str | None = None
        suppress = False
        new_email = normalise_email(details["email"]) if details and details["email"] else None
        if new_email and new_email != email:
            reason = f"Explorium now gives another address ({new_email}); {email} was not re-checked"
            outcome = "no_data"
        elif outcome in ("became_invalid", "still_invalid"):
            reason = (
                f"email re-verification on {checked_at.date().isoformat()}: invalid "
                f"(was {previous} on {check['checked_at'].date().isoformat()})"
            )
            suppress = True
            to_suppress.append(
                {"kind": "email", "value": email, "reason": reason, "source": SUPPRESSION_SOURCE}
            )
        elif outcome == "risky":
            reason = f"now {fresh}: held back from new campaigns by the deliverability gate"
        elif outcome == "over_budget":
            reason = f"budget of {settings.budget_credits:g} credits for this run spent"
        rows.append(
            {
                "prospect_id": pid,
                "email": email,
                "previous_status": previous,
                "previous_checked_at": check["checked_at"],
                "status": fresh,
                "checked_at": checked_at if fetched else None,
                "outcome": outcome,
                "suppressed": suppress,
                "reason": reason,
            }
        )
    if to_suppress:
        pipeline_store.suppression.add_many(to_suppress)
        context.log.warning(f"{len(to_suppress)} enrolled address(es) are invalid now and were suppressed")

    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("previous_checked_at", "checked_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame = frame.astype(
        {c: object for c in ("prospect_id", "email", "previous_status", "status", "outcome", "reason")}
    )
    counts = frame["outcome"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "contacts_checked_before": len(checks),
            "enrolled_contacts": len(enrolled),
            "due": len(todo),
            **{f"outcome_{o}": int(counts.get(o, 0)) for o in OUTCOMES},
            "suppressed": len(to_suppress),
            "max_age_days": settings.max_age_days,
            **paid.tally.metadata(),
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame,
                    columns=[
                        "email",
                        "previous_status",
                        "previous_checked_at",
                        "status",
                        "outcome",
                        "reason",
                    ],
                )
            ),
        },
    )


def reverification_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema check of `email_reverification`."""
    return [schema_check("email_reverification", ReverifiedContacts, partitions_def=daily_partitions)]
