"""`qualified_leads` and `disqualified_leads`: every enriched contact through every gate, split into what
goes on to the CRM and outreach and what does not (with each failed gate and the figures behind it).

What belongs here: the last read-side asset and the lookups its gates need: HubSpot contacts by email in
batches of 100 (never one call per row, never a scan of the CRM: the cost grows with the candidates) and
the product's suppression list, which HubSpot opt-outs seen here also feed.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema
from sales_assets.outbound.gates import (
    failed_gates,
    first_failed_gate,
    gate_details,
    lead_gate_failures,
    preference_order,
    valid_email_syntax,
)
from sales_assets.outbound.schemas import LEAD_GATES, DisqualifiedLeads, QualifiedLeads

QUALIFIED_COLUMNS = list(QualifiedLeads.to_schema().columns)
DISQUALIFIED_COLUMNS = list(DisqualifiedLeads.to_schema().columns)
CRM_CONTACT_PROPERTIES = (
    "email",
    "hubspot_owner_id",
    "hs_sequences_is_enrolled",
    "hs_email_optout",
    "lifecyclestage",
)


def crm_status(leads: pd.DataFrame, hubspot: HubSpotResource) -> pd.DataFrame:
    """HubSpot's record of each lead's email: id, owner, whether it is in a sequence or opted out."""
    emails = leads["email"][leads["email"].notna() & valid_email_syntax(leads["email"])].unique().tolist()
    found = (
        hubspot.get_client().read_contacts(emails, properties=CRM_CONTACT_PROPERTIES).results
        if emails
        else []
    )
    by_email = {c.email.lower(): c for c in found if c.email}
    records = [by_email.get(e) if isinstance(e, str) else None for e in leads["email"]]
    return pd.DataFrame(
        {
            "crm_contact_id": [c.id if c else None for c in records],
            "crm_owner_id": [c.get("hubspot_owner_id") if c else None for c in records],
            "crm_in_sequence": [
                c is not None and c.get("hs_sequences_is_enrolled") == "true" for c in records
            ],
            "crm_email_optout": [c is not None and c.get("hs_email_optout") == "true" for c in records],
        },
        index=leads.index,
    )


def suppression_status(leads: pd.DataFrame, store: PipelineStoreResource) -> pd.DataFrame:
    """Whether each lead's email (or its domain) is on the suppression list, and why."""
    emails = leads["email"].dropna().unique().tolist()
    hits = store.suppression.lookup(emails) if emails else {}
    found = [hits.get(e) if isinstance(e, str) else None for e in leads["email"]]
    return pd.DataFrame(
        {
            "suppressed": [h is not None for h in found],
            "suppression_reason": [h.reason if h is not None else None for h in found],
        },
        index=leads.index,
    )


@dg.multi_asset(
    outs={
        "qualified_leads": dg.AssetOut(
            description="Leads that passed every gate, with what HubSpot already knows of them.",
            metadata={"dagster/column_schema": table_schema(QualifiedLeads)},
            is_required=True,
        ),
        "disqualified_leads": dg.AssetOut(
            description="Enriched contacts that failed a gate: every failed gate, the first as the reason, "
            "and the figures behind it.",
            metadata={"dagster/column_schema": table_schema(DisqualifiedLeads)},
            is_required=True,
        ),
    },
    partitions_def=outbound_partitions,
    group_name="outbound",
    # The gates read the suppression list the engagement stage keeps (through the store, so by key).
    deps=["suppression_list"],
    can_subset=False,
    pool="hubspot",
    retry_policy=VENDOR_STEP_RETRY,
)
def qualified_leads(
    context: dg.AssetExecutionContext,
    enriched_contacts: pd.DataFrame,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
) -> Iterator[dg.MaterializeResult]:
    """Every enriched contact through the gates (enrichment found, email syntax, deliverable email with
    catch-all and unknown held back, one row per email, not suppressed, not in a HubSpot sequence, not
    owned by a rep, ICP, contact and data-quality thresholds)."""
    part = OutboundPartition.from_context(context)
    profile = icp_profiles.profile(part.icp)
    crm_client = hubspot.get_client()
    calls_before = crm_client.stats.total_calls

    leads = enriched_contacts.iloc[preference_order(enriched_contacts)].reset_index(drop=True)
    leads = leads.join(crm_status(leads, hubspot)).join(suppression_status(leads, pipeline_store))
    # A HubSpot opt-out is a suppression the product keeps, so later runs honour it without asking again.
    opted_out = leads[leads["crm_email_optout"] & ~leads["suppressed"]]
    now = datetime.now(UTC)
    pipeline_store.suppression.add_many(
        {"kind": "email", "value": email, "reason": "hubspot_opt_out", "source": "hubspot", "at": now}
        for email in opted_out["email"]
    )
    leads.loc[opted_out.index, "suppressed"] = True
    leads.loc[opted_out.index, "suppression_reason"] = "hubspot_opt_out"

    failures = lead_gate_failures(leads, profile.gates)
    passed = ~failures.any(axis=1)
    kept = leads[passed.to_numpy()]
    qualified = kept[QUALIFIED_COLUMNS].reset_index(drop=True)

    rejected = leads[~passed.to_numpy()].copy()
    rejected_failures = failures[~passed.to_numpy()]
    rejected["drop_reason"] = first_failed_gate(rejected_failures)
    rejected["failed_gates"] = failed_gates(rejected_failures)
    rejected["detail"] = gate_details(rejected, rejected_failures, profile.gates)
    disqualified = rejected[DISQUALIFIED_COLUMNS].reset_index(drop=True)

    reasons = disqualified["drop_reason"].value_counts().to_dict()
    fails_any = failures.sum().to_dict()
    hubspot_calls = crm_client.stats.total_calls - calls_before
    yield dg.MaterializeResult(
        asset_key="qualified_leads",
        value=qualified,
        metadata={
            "dagster/row_count": len(qualified),
            "rows_in": len(leads),
            "dropped": len(disqualified),
            "pass_rate": round(len(qualified) / len(leads), 4) if len(leads) else 0.0,
            **{f"dropped_{gate}": int(reasons.get(gate, 0)) for gate in LEAD_GATES},
            "already_in_hubspot": int(qualified["crm_contact_id"].notna().sum()),
            "mean_icp_score": float(qualified["icp_score"].mean()) if len(qualified) else 0.0,
            "hubspot_calls": hubspot_calls,
            "preview": dg.MetadataValue.md(
                markdown_table(
                    qualified,
                    columns=[
                        "full_name",
                        "job_title",
                        "company_name",
                        "email",
                        "icp_score",
                        "contact_score",
                        "data_quality",
                        "why_now",
                    ],
                )
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="disqualified_leads",
        value=disqualified,
        metadata={
            "dagster/row_count": len(disqualified),
            **{f"failed_{gate}": int(fails_any.get(gate, 0)) for gate in LEAD_GATES},
            "preview": dg.MetadataValue.md(
                markdown_table(
                    disqualified, columns=["full_name", "company_name", "email", "drop_reason", "detail"]
                )
            ),
        },
    )
