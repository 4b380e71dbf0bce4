"""The blocking asset checks of the outbound read side: a schema check per asset (its pandera model), the
company ICP gate, and one check per lead gate on `qualified_leads`.

What belongs here: the check definitions. The gate logic is `gates.py`'s, run again over the asset's
output; a check that fails stops everything downstream of its asset in that run, and its metadata shows
the failing rows and how many there are.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import warnings
from collections.abc import Sequence

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.outbound.gates import lead_gate_failures
from sales_assets.outbound.schemas import (
    LEAD_GATES,
    CompanyContacts,
    CrmSyncResults,
    DiscoveredCompanies,
    DisqualifiedLeads,
    EnrichedContacts,
    QualifiedLeads,
    ScoredCompanies,
)

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)

SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "discovered_companies": DiscoveredCompanies,
    "scored_companies": ScoredCompanies,
    "company_contacts": CompanyContacts,
    "enriched_contacts": EnrichedContacts,
    "qualified_leads": QualifiedLeads,
    "disqualified_leads": DisqualifiedLeads,
    "crm_sync_results": CrmSyncResults,
}

#: What each lead gate's failing rows show, besides who they are.
GATE_FIGURES: dict[str, list[str]] = {
    "enrichment": ["enrichment_status"],
    "email_syntax": ["email_status"],
    "deliverable_email": ["email_status"],
    "unique_email": [],
    "not_suppressed": ["suppression_reason"],
    "crm_not_in_sequence": ["crm_contact_id"],
    "crm_not_owned": ["crm_owner_id"],
    "icp_threshold": ["icp_score"],
    "contact_threshold": ["contact_score"],
    "data_quality": ["data_quality"],
}
_WHO = ["prospect_id", "full_name", "email"]


def _failing(
    frame: pd.DataFrame, mask: pd.Series, columns: Sequence[str]
) -> dict[str, int | dg.MarkdownMetadataValue]:
    failing = frame[mask.to_numpy()]
    return {
        "rows": len(frame),
        "failing_rows": len(failing),
        "failing_preview": dg.MetadataValue.md(markdown_table(failing, columns=[*_WHO, *columns])),
    }


@dg.asset_check(
    asset="scored_companies",
    name="icp_gate",
    blocking=True,
    partitions_def=outbound_partitions,
    description="Every company selected for contact search reaches the profile's ICP threshold, has a "
    "domain and is not a HubSpot customer or open opportunity.",
)
def scored_companies_icp_gate(
    context: dg.AssetCheckExecutionContext,
    scored_companies: pd.DataFrame,
    icp_profiles: IcpProfilesResource,
) -> dg.AssetCheckResult:
    profile = icp_profiles.profile(OutboundPartition.from_context(context).icp)
    selected = scored_companies["selected"]
    bad = selected & (
        (scored_companies["icp_score"] < profile.gates.min_icp_score)
        | scored_companies["domain"].isna()
        | scored_companies["crm_lifecyclestage"].isin(("opportunity", "customer", "evangelist"))
    )
    failing = scored_companies[bad]
    return dg.AssetCheckResult(
        passed=not bad.any(),
        metadata={
            "rows": len(scored_companies),
            "selected": int(selected.sum()),
            "failing_rows": len(failing),
            "threshold": profile.gates.min_icp_score,
            "failing_preview": dg.MetadataValue.md(
                markdown_table(
                    failing,
                    columns=["business_id", "company_name", "icp_score", "domain", "crm_lifecyclestage"],
                )
            ),
        },
    )


def lead_gate_check(gate: str) -> dg.AssetChecksDefinition:
    """A blocking check that no row of `qualified_leads` fails `gate`. The suppression gate reads the
    latest suppression list, not the flag set when the asset ran."""

    @dg.asset_check(
        asset="qualified_leads",
        name=f"gate_{gate}",
        blocking=True,
        partitions_def=outbound_partitions,
        description=f"No qualified lead fails the '{gate}' gate.",
    )
    def _check(
        context: dg.AssetCheckExecutionContext,
        qualified_leads: pd.DataFrame,
        icp_profiles: IcpProfilesResource,
        pipeline_store: PipelineStoreResource,
    ) -> dg.AssetCheckResult:
        profile = icp_profiles.profile(OutboundPartition.from_context(context).icp)
        frame = qualified_leads
        if gate == "not_suppressed" and len(frame):
            hits = pipeline_store.suppression.lookup(frame["email"].dropna().tolist())
            latest = [hits.get(e) if isinstance(e, str) else None for e in frame["email"]]
            frame = frame.assign(
                suppressed=frame["suppressed"].to_numpy() | [h is not None for h in latest],
                suppression_reason=[
                    h.reason if h is not None else r
                    for h, r in zip(latest, frame["suppression_reason"], strict=True)
                ],
            )
        failures = lead_gate_failures(frame, profile.gates, verify=True)
        mask = failures[gate]
        return dg.AssetCheckResult(passed=not mask.any(), metadata=_failing(frame, mask, GATE_FIGURES[gate]))

    return _check


def outbound_read_checks() -> list[dg.AssetChecksDefinition]:
    return [
        *(schema_check(name, model) for name, model in SCHEMAS.items()),
        scored_companies_icp_gate,
        *(lead_gate_check(gate) for gate in LEAD_GATES),
    ]
