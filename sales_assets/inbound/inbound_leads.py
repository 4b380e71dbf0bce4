"""`inbound_leads`: each valid, de-duplicated form submission enriched and given a tier with a reason.

What belongs here: the asset and its enrichment: the Explorium company match and firmographics (through
`PaidCalls`, so a company bought once is never bought again), the best ICP fit over every profile, and the
existing HubSpot contact and its owner. How a lead is tiered is `tiers.py`'s. Typed fields that read as
instructions to a machine (`validation.flagged_fields`) are never used as facts: not to match the company
and not to tier.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Iterable, Sequence
from typing import Any, cast

import dagster as dg
import pandas as pd

from resources.explorium.models import ENRICH_BATCH
from resources.explorium.pricing import ENRICHMENT_RECORD
from resources.explorium.resource import ExploriumResource
from resources.hubspot.client import HubSpotClient
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.countries import country_code
from sales_assets.common.fit import fit_components
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.spend import PaidCalls
from sales_assets.common.text import text_or_none
from sales_assets.inbound.schemas import LEAD_COLUMNS, InboundLeads, object_columns
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.tiers import TIERS, LeadFacts, tier_lead
from sales_assets.inbound.validation import email_domain, flagged_fields

COMPANY_COLUMNS = [
    "domain",
    "business_id",
    "company_name",
    "industry",
    "employees_range",
    "revenue_range",
    "country_code",
    "enrichment_status",
]
CRM_PROPERTIES = ["email", "firstname", "lastname", "hubspot_owner_id", "lifecyclestage"]


def best_fit(companies: pd.DataFrame, icp_profiles: IcpProfilesResource) -> pd.DataFrame:
    """The best ICP fit of each company over every profile, and which profile gave it. Technology is not
    bought for inbound leads, so it scores neutral (0.5) as discovery scores an unknown stack."""
    if companies.empty:
        return pd.DataFrame({"icp_fit": pd.Series(dtype=float), "icp_profile": pd.Series(dtype=object)})
    # A list per cell: the stubs take scalars only.
    frame = companies.assign(tech_stack=[[] for _ in range(len(companies))])  # type: ignore[misc]
    best = pd.Series(-1.0, index=companies.index)
    which = pd.Series(None, index=companies.index, dtype=object)
    for name, profile in sorted(icp_profiles.profiles().items()):
        fit = fit_components(frame, profile)
        score = fit["fit_score"]
        if profile.technologies:
            score = score + profile.fit_weights.technology * (0.5 - fit["fit_technology"])
        better = score > best
        best[better] = score[better]
        which[better] = name
    return pd.DataFrame({"icp_fit": best.clip(0, 1).round(4), "icp_profile": which})


def enrich_companies(
    leads: pd.DataFrame, explorium: ExploriumResource, paid: PaidCalls
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Explorium match (by domain and name; by name alone for free-mail leads) and firmographics, both
    through `PaidCalls`, so a company bought once is never bought again. One row per lead."""
    client = explorium.get_client()
    keys: list[str | None] = []
    inputs: dict[str, dict[str, str]] = {}
    # to_dict types record keys Hashable; these columns are str.
    for row in cast(list[dict[str, Any]], leads.to_dict("records")):
        domain = None if row["free_mail"] else email_domain(row["email"]) or None
        company = None if "company" in flagged_fields(row) else text_or_none(row.get("company"))
        if domain:
            key = f"domain:{domain}"
            inputs[key] = {"domain": domain, **({"name": company} if company else {})}
        elif company:
            key = f"name:{company.lower()}"
            inputs[key] = {"name": company}
        else:
            key = None
        keys.append(key)

    def match(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.match_businesses([inputs[k] for k in batch])
        ids = {k: m.business_id for k, m in zip(batch, result.matches, strict=False)}
        return ids, result.spend.credits, result.spend.calls

    matched = paid.by_id("POST /businesses/match", list(inputs), match, unit_credits=0.0)
    business_ids = sorted({b for b in matched.values.values() if b})

    def firmographics(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_firmographics(batch)
        values = {i: f.model_dump(mode="json") for i, f in result.by_id().items()}
        return values, result.spend.credits, result.spend.calls

    firmo = paid.by_id(
        "POST /businesses/firmographics/bulk_enrich",
        business_ids,
        firmographics,
        unit_credits=ENRICHMENT_RECORD,
        chunk=ENRICH_BATCH,
    )
    rows = []
    for key in keys:
        business_id = matched.values.get(key) if key else None
        data = firmo.values.get(business_id) if business_id else None
        if key is None:
            status = "no_company"
        elif not business_id:
            status = "no_match"
        elif business_id in firmo.skipped:
            status = "over_budget"
        elif data is None:
            status = "no_match"
        else:
            status = "cached" if business_id in firmo.cached and key in matched.cached else "enriched"
        data = data or {}
        rows.append(
            {
                "domain": key.split(":", 1)[1] if key and key.startswith("domain:") else None,
                "business_id": business_id,
                "company_name": text_or_none(data.get("name")),
                "industry": text_or_none(data.get("linkedin_industry_category")),
                "employees_range": text_or_none(data.get("number_of_employees_range")),
                "revenue_range": text_or_none(data.get("yearly_revenue_range")),
                "country_code": country_code(data.get("country_name")),
                "enrichment_status": status,
            }
        )
    counts = {"matched": len(business_ids), "match_inputs": len(inputs)}
    return pd.DataFrame(rows, index=leads.index, columns=COMPANY_COLUMNS), counts


def crm_contacts(client: HubSpotClient, emails: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """Existing HubSpot contacts by email (batch read by email, 100 per call)."""
    if not emails:
        return {}
    result = client.read_contacts(list(dict.fromkeys(emails)), properties=CRM_PROPERTIES)
    out: dict[str, dict[str, str | None]] = {}
    for contact in result.results:
        if contact.email:
            out[contact.email.lower()] = {
                "id": contact.id,
                "owner": contact.get("hubspot_owner_id"),
                "stage": contact.get("lifecyclestage"),
            }
    return out


@dg.asset(
    partitions_def=daily_partitions,
    group_name="inbound",
    kinds={"explorium", "hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(InboundLeads)},
    pool="explorium",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def inbound_leads(
    context: dg.AssetExecutionContext,
    form_submissions: pd.DataFrame,
    explorium: ExploriumResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
    inbound_settings: InboundSettings,
) -> dg.MaterializeResult:
    """Each valid, de-duplicated submission enriched (Explorium company match and firmographics, cached;
    the HubSpot contact and its owner, if one exists) and given a tier with a written reason: ICP fit of the
    company, seniority of the title, the form's intent, the message's intent, free-mail and role
    penalties; spam is UNQUALIFIED."""
    frame = form_submissions[form_submissions["status"] == "valid"].reset_index(drop=True)
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=f"inbound:{context.partition_key}",
        asset="inbound_leads",
        budget_credits=inbound_settings.daily_budget_credits,
        run_id=context.run.run_id,
        account=explorium.get_client(),
    )
    companies, match_counts = enrich_companies(frame, explorium, paid)
    fits = best_fit(companies[companies["industry"].notna()], icp_profiles)
    client = hubspot.get_client()
    calls_before = client.stats.total_calls
    contacts = crm_contacts(client, frame["email"].tolist())
    policy = inbound_settings.policy()
    rows = []
    # reset_index above: the labels are ints. fits' cells are a float and a profile name or None.
    for i, row in cast(Iterable[tuple[int, pd.Series]], frame.iterrows()):
        company = companies.loc[i]
        fit = float(fits.loc[i, "icp_fit"]) if i in fits.index else None  # type: ignore[arg-type]
        profile = cast(str | None, fits.loc[i, "icp_profile"]) if i in fits.index else None
        crm = contacts.get(row["email"], {})
        tiering = tier_lead(
            LeadFacts(
                form_name=row["form_name"],
                job_title=row["job_title"],
                message=row["message"],
                icp_fit=fit,
                icp_profile=profile,
                free_mail=bool(row["free_mail"]),
                role_address=bool(row["role_address"]),
                spam=bool(row["spam"]),
                spam_reason=row["spam_reason"],
                flagged_fields=tuple(flagged_fields(row)),
            ),
            policy,
        )
        rows.append(
            {
                **{c: row[c] for c in LEAD_COLUMNS if c in row.index},
                **company.drop(labels=["revenue_range"]).to_dict(),
                "icp_fit": fit,
                "icp_profile": profile,
                "crm_contact_id": crm.get("id"),
                "crm_owner_id": crm.get("owner"),
                "crm_lifecyclestage": crm.get("stage"),
                "seniority": tiering.seniority,
                "message_intent": tiering.message_intent,
                "tier": tiering.tier,
                "tier_score": tiering.score,
                "tier_reason": tiering.reason,
            }
        )
    leads = pd.DataFrame(rows, columns=LEAD_COLUMNS)
    leads["submitted_at"] = pd.to_datetime(leads["submitted_at"], utc=True).astype("datetime64[ns, UTC]")
    leads = leads.astype(
        {
            "free_mail": bool,
            "role_address": bool,
            "spam": bool,
            "icp_fit": float,
            "seniority": float,
            "message_intent": float,
            "tier_score": float,
            "duplicate_count": "int64",
        }
    )
    # None, not NaN, for a missing value: the stubs leave None out of where().
    leads["icp_fit"] = leads["icp_fit"].astype(object).where(leads["icp_fit"].notna(), None).astype(float)  # type: ignore[call-overload]
    leads = object_columns(leads, LEAD_COLUMNS)
    tiers = leads["tier"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=leads,
        metadata={
            "dagster/row_count": len(leads),
            **{f"tier_{t.lower()}": int(tiers.get(t, 0)) for t in TIERS},
            **paid.tally.metadata(),
            **match_counts,
            "crm_existing_contacts": int(leads["crm_contact_id"].notna().sum()),
            "hubspot_calls": client.stats.total_calls - calls_before,
            "mean_tier_score": round(float(leads["tier_score"].mean()), 4) if len(leads) else 0.0,
            "preview": dg.MetadataValue.md(
                markdown_table(leads, columns=["email", "company_name", "tier", "tier_score", "tier_reason"])
            ),
        },
    )
