"""`pipeline_outcomes`: every lead of the look-back window with when it reached each stage, read from the
vendors that hold the facts.

What belongs here: the asset and the pure joins it is made of. The cohorts are the `pipeline_leads`
partitions of the last `LOOKBACK_DAYS` days; their outcomes are read fresh on every run, in batches:

- lemlist: the first email sent and the first reply of each outbound lead (`GET /activities` per
  campaign, from the window's start);
- HubSpot: each lead's contact (lifecycle stage, lead status, `engagements_last_meeting_booked`, batch
  reads of 100 by email), the deals associated with those contacts (one search walk and association batch
  reads) and, for inbound leads, when their owner's task was created (the product's first response);
- the pipeline store: the copy variant each outbound lead was sent, where enrollment recorded it.

Inbound leads start at their submission (`first_touch_at`); their conversation happens in the owner's
mailbox, not in lemlist, so `first_reply_at` stays empty for them and a meeting marks them replied.
Reading is free (no credits, no tokens), so a re-run spends nothing.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd

from resources.hubspot.client import HubSpotClient
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.client import LemlistClient
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.ledger_kinds import INBOUND_TASK_KIND
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema
from sales_assets.insights.cohort import MISSING_OK, empty_cohort
from sales_assets.insights.schemas import PipelineOutcomes

#: How many daily cohorts the funnel follows: a B2B deal takes weeks to months to close.
LOOKBACK_DAYS = 90
with warnings.catch_warnings():
    # Beta in Dagster 1.13, and needed: the first 89 days' windows reach before the partitions' start.
    warnings.simplefilter("ignore", dg.BetaWarning)
    WINDOW = dg.TimeWindowPartitionMapping(
        start_offset=-(LOOKBACK_DAYS - 1), end_offset=0, allow_nonexistent_upstream_partitions=True
    )
OUTCOME_COLUMNS = list(PipelineOutcomes.to_schema().columns)
CONTACT_READ = ("email", "lifecyclestage", "hs_lead_status", "engagements_last_meeting_booked")
TASK_READ = ("hs_createdate", "hs_task_status")
TIME_COLUMNS = (
    "first_touch_at",
    "first_reply_at",
    "responded_at",
    "meeting_at",
    "deal_created_at",
    "closed_at",
)


def when(value: Any) -> pd.Timestamp | None:
    """A HubSpot or lemlist time: ISO 8601, or epoch milliseconds (HubSpot's datetime properties)."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if text.isdigit():
        return pd.Timestamp(int(text), unit="ms", tz="UTC")
    stamp = pd.Timestamp(text)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def first_activities(client: LemlistClient, campaign_ids: Iterable[str], since: pd.Timestamp) -> pd.DataFrame:
    """Per campaign and lead email: the first email sent and the first reply (lemlist activities)."""
    rows: list[dict[str, Any]] = []
    for campaign_id in sorted(set(campaign_ids)):
        for kind, column in (("emailsSent", "first_touch_at"), ("emailsReplied", "first_reply_at")):
            found = client.activities(type=kind, campaign_id=campaign_id, min_date=since.to_pydatetime())
            rows.extend(
                {
                    "campaign_id": campaign_id,
                    "email": activity.lead_email.strip().lower(),
                    "column": column,
                    "at": pd.Timestamp(activity.created_at).tz_convert("UTC"),
                }
                for activity in found
                if activity.lead_email
            )
    if not rows:
        return pd.DataFrame(columns=["campaign_id", "email", "first_touch_at", "first_reply_at"])
    frame = pd.DataFrame(rows)
    firsts = frame.groupby(["campaign_id", "email", "column"])["at"].min().unstack("column")
    for column in ("first_touch_at", "first_reply_at"):
        if column not in firsts.columns:
            firsts[column] = pd.NaT
    return firsts.reset_index()[["campaign_id", "email", "first_touch_at", "first_reply_at"]]


def contact_states(client: HubSpotClient, emails: Sequence[str]) -> pd.DataFrame:
    """Per email: the HubSpot contact id, lifecycle stage, lead status and last meeting booked."""
    records = client.read_contacts(list(dict.fromkeys(emails)), properties=list(CONTACT_READ)).results
    return pd.DataFrame(
        [
            {
                "email": (r.email or "").strip().lower(),
                "contact_id": r.id,
                "lifecyclestage": r.get("lifecyclestage") or None,
                "lead_status": r.get("hs_lead_status") or None,
                "meeting_at": when(r.get("engagements_last_meeting_booked")),
            }
            for r in records
        ],
        columns=["email", "contact_id", "lifecyclestage", "lead_status", "meeting_at"],
    )


def contact_deals(client: HubSpotClient, contact_ids: Iterable[str]) -> pd.DataFrame:
    """Per contact of `contact_ids`: its deal (a won one if any, else the latest opened)."""
    wanted = set(contact_ids)
    rows = [
        {
            "contact_id": contact_id,
            "deal_id": deal.id,
            "deal_stage": deal.stage,
            "deal_created_at": pd.Timestamp(deal.created_at) if deal.created_at else None,
            "is_won": bool(deal.is_won),
            "closed_at": pd.Timestamp(deal.closed_at) if deal.closed_at and deal.is_won else None,
        }
        for deal in client.funnel_deals()
        for contact_id in deal.contact_ids
        if contact_id in wanted
    ]
    columns = ["contact_id", "deal_id", "deal_stage", "deal_created_at", "is_won", "closed_at"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=columns)
    frame["deal_created_at"] = pd.to_datetime(frame["deal_created_at"], utc=True)
    frame = frame.sort_values(["contact_id", "is_won", "deal_created_at"], ascending=[True, False, False])
    return frame.drop_duplicates("contact_id")


def inbound_responses(client: HubSpotClient, tasks: pd.DataFrame) -> pd.DataFrame:
    """Per inbound lead email: when its owner's task was created in HubSpot (`tasks` is the store's ledger
    of inbound tasks: `detail` holds the email and the task id)."""
    created = tasks[tasks["status"] == "created"] if len(tasks) else tasks
    ids = (
        {str(d["id"]): str(d.get("email") or "").lower() for d in created["detail"] if d.get("id")}
        if len(created)
        else {}
    )
    if not ids:
        return pd.DataFrame(columns=["email", "responded_at"])
    read = client.read_objects("tasks", list(ids), properties=list(TASK_READ)).results
    frame = pd.DataFrame(
        [{"email": ids.get(r.id, ""), "responded_at": when(r.get("hs_createdate"))} for r in read],
        columns=["email", "responded_at"],
    )
    frame = frame[frame["email"] != ""].dropna(subset=["responded_at"])
    frame["responded_at"] = pd.to_datetime(frame["responded_at"], utc=True)
    return frame.groupby("email")["responded_at"].min().reset_index()


def join_outcomes(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    contacts: pd.DataFrame,
    deals: pd.DataFrame,
    responses: pd.DataFrame,
    variants: pd.DataFrame,
) -> pd.DataFrame:
    """The window's leads with their stage times. Pure: every frame is keyed as its reader returns it."""
    frame = leads.copy()
    outbound = frame["source"] == "outbound"
    acts = activities.set_index(["campaign_id", "email"]) if len(activities) else None
    keys = list(zip(frame["campaign_id"], frame["email"], strict=True))
    for column in ("first_touch_at", "first_reply_at"):
        values = acts[column].reindex(keys).to_numpy() if acts is not None else np.full(len(frame), None)
        frame[column] = pd.to_datetime(pd.Series(values, index=frame.index), utc=True).where(outbound)
    # An inbound lead's first touch is its own submission.
    frame.loc[~outbound, "first_touch_at"] = frame.loc[~outbound, "reached_at"]
    by_email = contacts.drop_duplicates("email").set_index("email") if len(contacts) else None
    for column in ("contact_id", "lifecyclestage", "lead_status", "meeting_at"):
        frame[column] = frame["email"].map(by_email[column]) if by_email is not None else None
    by_contact = deals.set_index("contact_id") if len(deals) else None
    for column in ("deal_id", "deal_stage", "deal_created_at", "is_won", "closed_at"):
        frame[column] = frame["contact_id"].map(by_contact[column]) if by_contact is not None else None
    frame["is_won"] = frame["is_won"].astype("boolean").fillna(False).astype(bool)
    answered = responses.set_index("email")["responded_at"] if len(responses) else None
    frame["responded_at"] = frame["email"].map(answered).where(~outbound) if answered is not None else None
    sent = (
        variants.drop_duplicates(["campaign_id", "email"]).set_index(["campaign_id", "email"])
        if len(variants)
        else None
    )
    frame["variant"] = sent["variant"].reindex(keys).to_numpy() if sent is not None else None
    for column in TIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("variant", "contact_id", "lifecyclestage", "lead_status", "deal_id", "deal_stage"):
        frame[column] = [v if isinstance(v, str) else None for v in frame[column]]
    return frame[OUTCOME_COLUMNS].reset_index(drop=True)


def sent_variants(store: PipelineStoreResource) -> pd.DataFrame:
    """The copy variant each enrolled lead was sent, as enrollment recorded it (none outside experiments)."""
    frame = store.enrollments.variants().dropna(subset=["variant"])[["campaign_id", "email", "variant"]]
    return frame.assign(email=frame["email"].str.lower())


def _window(value: Any) -> pd.DataFrame:
    frames = (
        [f for f in (value or {}).values() if f is not None and len(f)] if isinstance(value, Mapping) else []
    )
    if isinstance(value, pd.DataFrame):
        frames = [value]
    if not frames:
        return empty_cohort()
    return pd.concat(frames, ignore_index=True).drop_duplicates("lead_id", keep="first")


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"hubspot", "lemlist", "pandas"},
    ins={"pipeline_leads": dg.AssetIn(partition_mapping=WINDOW, metadata=MISSING_OK)},
    metadata={"dagster/column_schema": table_schema(PipelineOutcomes)},
    pool="hubspot",
    retry_policy=VENDOR_STEP_RETRY,
)
def pipeline_outcomes(
    context: dg.AssetExecutionContext,
    pipeline_leads: Any,
    hubspot: HubSpotResource,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
) -> dg.MaterializeResult:
    """Every lead of the last 90 days' cohorts with when it was first emailed, first replied, got its
    first response (inbound), booked a meeting, got a deal and closed it, read fresh from lemlist and
    HubSpot in batches; and the copy variant it was sent."""
    leads = _window(pipeline_leads)
    day = pd.Timestamp(context.partition_key, tz="UTC")
    since = day - pd.Timedelta(days=LOOKBACK_DAYS - 1)
    crm, mail = hubspot.get_client(), lemlist.get_client()
    try:
        campaigns = leads.loc[leads["source"] == "outbound", "campaign_id"].dropna()
        activities = first_activities(mail, campaigns, since)
        contacts = contact_states(crm, leads["email"].tolist()) if len(leads) else contact_states(crm, [])
        deals = contact_deals(crm, contacts["contact_id"])
        responses = inbound_responses(crm, pipeline_store.actions.entries(INBOUND_TASK_KIND))
    finally:
        crm.close()
        mail.close()
    frame = join_outcomes(leads, activities, contacts, deals, responses, sent_variants(pipeline_store))
    reached = {
        "contacted": int(frame["first_touch_at"].notna().sum()),
        "replied": int(frame["first_reply_at"].notna().sum()),
        "meetings": int(frame["meeting_at"].notna().sum()),
        "deals": int(frame["deal_id"].notna().sum()),
        "won": int(frame["is_won"].sum()),
    }
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "leads": len(frame),
            "cohorts": len(pipeline_leads) if isinstance(pipeline_leads, Mapping) else 0,
            "window_start": since.date().isoformat(),
            **reached,
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame.head(20),
                    columns=["lead_id", "icp", "first_touch_at", "first_reply_at", "meeting_at"],
                )
            ),
        },
    )
