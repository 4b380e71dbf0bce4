"""`company_contacts` and `enriched_contacts`: the people at the selected companies, then the chosen ones
with verified contact details, final scores and the intelligence their copy will be written from.

What belongs here: the two contact-level assets and the frame building they need. A prospect search
returns no contact details (only a hash of the work email); details are bought in bulk (50 per call) only
for the contacts picked per company, from the cache when already bought in the last 30 days.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from resources.explorium.models import (
    DEFAULT_PAGE_SIZE,
    ENRICH_BATCH,
    MAX_EXCLUDED,
    ContactType,
    IncludesFilter,
    ProspectFilters,
)
from resources.explorium.pricing import FETCH_RECORD, contacts_price
from resources.explorium.resource import ExploriumResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.icp import IcpProfile, IcpProfilesResource, ReachabilityWeights
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema
from sales_assets.common.spend import PaidCalls
from sales_assets.outbound.gates import normalize_emails, valid_email_syntax
from sales_assets.outbound.intelligence import derive_intelligence
from sales_assets.outbound.schemas import CompanyContacts, EnrichedContacts
from sales_assets.outbound.scoring import (
    EMAIL_CONFIDENCE,
    SENIORITY_SCORE,
    contact_components,
    data_quality,
    icp_score,
    present,
    title_match,
)

CONTACT_COLUMNS = list(CompanyContacts.to_schema().columns)
ENRICHED_COLUMNS = list(EnrichedContacts.to_schema().columns)
#: Explorium takes at most 300 values in one filter.
FILTER_VALUES = 300


def prospect_filters(profile: IcpProfile, business_ids: list[str]) -> ProspectFilters:
    """People at these companies at the profile's seniorities (and departments, when it names any).
    Titles are scored rather than filtered: Explorium advises against mixing title and level filters."""
    return ProspectFilters(
        business_id=IncludesFilter(values=business_ids),
        job_level=IncludesFilter(values=list(profile.seniorities)),
        job_department=IncludesFilter(values=list(profile.departments)) if profile.departments else None,
    )


def contacts_frame(records: list[dict[str, Any]], companies: pd.DataFrame) -> pd.DataFrame:
    """Prospect records as rows, with their company's name, ICP score and rank."""
    company = companies.set_index("business_id")
    rows = []
    for r in records:
        business_id = r.get("business_id")
        if business_id not in company.index:
            continue
        linkedin = r.get("linkedin") or next(iter(r.get("linkedin_url_array") or []), None)
        rows.append(
            {
                "prospect_id": r["prospect_id"],
                "business_id": business_id,
                "company_name": company.at[business_id, "company_name"],
                "first_name": r.get("first_name"),
                "last_name": r.get("last_name"),
                "full_name": r.get("full_name"),
                "job_title": r.get("job_title"),
                "job_level": r.get("job_level_main") or next(iter(r.get("job_level_array") or []), None),
                "department": r.get("job_department_main")
                or next(iter(r.get("job_department_array") or []), None),
                "linkedin_url": linkedin or None,
                "country_name": r.get("country_name"),
                # Cells of the float icp_score and int rank columns.
                "company_icp_score": float(company.at[business_id, "icp_score"]),  # type: ignore[arg-type]
                "company_rank": int(company.at[business_id, "rank"]),  # type: ignore[arg-type]
                "company_linkedin": r.get("company_linkedin"),
            }
        )
    return pd.DataFrame(rows, columns=CONTACT_COLUMNS).drop_duplicates("prospect_id")


def pick_contacts(contacts: pd.DataFrame, profile: IcpProfile) -> pd.DataFrame:
    """Scores a prospect can reach (title, seniority, LinkedIn; the email counted as verified, since it is
    not bought yet) and the best `contacts_per_company` per company above the contact threshold."""
    out = contacts.copy()
    w = profile.contact_weights
    out["title_score"] = title_match(out["job_title"], profile.titles)
    out["seniority_score"] = out["job_level"].fillna("").str.lower().map(SENIORITY_SCORE).fillna(0.4)
    out["linkedin_score"] = out["linkedin_url"].fillna("").str.len().gt(0).astype(float)
    out["contact_score_max"] = (
        w.title * out["title_score"]
        + w.seniority * out["seniority_score"]
        + w.verified_email
        + w.linkedin * out["linkedin_score"]
    ).round(4)
    out = out.sort_values(
        ["company_rank", "contact_score_max", "prospect_id"], ascending=[True, False, True]
    ).reset_index(drop=True)
    reason = pd.Series(None, index=out.index, dtype=object)
    reason[out["contact_score_max"] < profile.gates.min_contact_score] = "below_contact_threshold"
    place = reason.isna().groupby(out["business_id"]).cumsum()
    # A cumsum of bools counts; the stubs keep it Series[bool].
    reason[reason.isna() & (place > profile.contacts_per_company)] = "over_company_cap"  # type: ignore[operator]
    out["drop_reason"] = reason
    out["selected"] = reason.isna()
    return out


def contact_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """Email, its verification status and a phone number from one contacts_information answer."""
    if not details:
        return {"email": None, "email_status": "missing", "phone": None}
    email = details.get("professions_email")  # sic: Explorium's field name
    if not email:
        email = next(
            (
                e.get("address")
                for e in details.get("emails") or []
                if e.get("type") == "current_professional"
            ),
            None,
        )
    phone = details.get("mobile_phone") or next(
        (p.get("phone_number") for p in details.get("phone_numbers") or [] if p.get("phone_number")), None
    )
    # Explorium's status enum has no "unknown": a found address without a status could not be verified.
    status = details.get("professional_email_status") or ("unknown" if email else "missing")
    return {"email": email, "email_status": status, "phone": phone}


def reachability(frame: pd.DataFrame, weights: ReachabilityWeights | None = None) -> pd.Series:
    """0..1: the email's confidence, plus a phone and a LinkedIn profile as second routes, weighted (the
    profile's `reachability_weights`)."""
    w = weights or ReachabilityWeights()
    return (
        w.email * frame["email_status"].map(EMAIL_CONFIDENCE).fillna(0.0)
        + w.phone * present(frame["phone"])
        + w.linkedin * present(frame["linkedin_url"])
    ).round(4)


def signals_from_companies(companies: pd.DataFrame) -> pd.DataFrame:
    """The signals kept on `scored_companies` rows, back as one row per signal."""
    rows = [
        {**signal, "business_id": business_id}
        for business_id, signals in zip(companies["business_id"], companies["signals"], strict=True)
        for signal in signals or []
    ]
    columns = ["business_id", "kind", "event_name", "occurred_at", "event_id", "data", "summary"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    return frame


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"explorium", "pandas"},
    metadata={"dagster/column_schema": table_schema(CompanyContacts)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def company_contacts(
    context: dg.AssetExecutionContext,
    scored_companies: pd.DataFrame,
    explorium: ExploriumResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
) -> dg.MaterializeResult:
    """Prospects at the selected companies at the profile's seniorities and departments, scored on title,
    seniority and LinkedIn, with the best `contacts_per_company` per company marked `selected`."""
    part = OutboundPartition.from_context(context)
    profile = icp_profiles.profile(part.icp)
    client = explorium.get_client()
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=part.key,
        asset="company_contacts",
        budget_credits=profile.daily_budget_credits,
        run_id=context.run.run_id,
        account=client,
    )
    selected = scored_companies[scored_companies["selected"]]
    ids = selected["business_id"].tolist()
    records: list[dict[str, Any]] = []
    for start in range(0, len(ids), FILTER_VALUES):
        chunk = sorted(ids[start : start + FILTER_VALUES])
        filters = prospect_filters(profile, chunk)
        # Enough to hold everyone matching at these companies; the cap per company is applied after
        # scoring, on our side, because Explorium has no per-company limit.
        wanted = len(chunk) * 25

        def fetch(n: int, exclude: list[str], filters: ProspectFilters = filters) -> tuple[list, float, int]:
            result = client.fetch_prospects(filters, max_results=n, exclude=exclude[:MAX_EXCLUDED])
            return (
                [p.model_dump(mode="json") for p in result.records],
                result.spend.credits,
                result.spend.calls,
            )

        records.extend(
            paid.search(
                "POST /prospects",
                {"filters": filters.to_api()},
                wanted,
                fetch,
                unit_credits=FETCH_RECORD,
                id_field="prospect_id",
                page=DEFAULT_PAGE_SIZE,
                max_excluded=MAX_EXCLUDED,
            )
        )
    frame = pick_contacts(contacts_frame(records, selected), profile)
    frame = frame[CONTACT_COLUMNS]
    dropped = frame["drop_reason"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "companies_in": len(selected),
            "companies_with_contacts": int(frame["business_id"].nunique()),
            "selected": int(frame["selected"].sum()),
            "dropped_below_contact_threshold": int(dropped.get("below_contact_threshold", 0)),
            "dropped_over_company_cap": int(dropped.get("over_company_cap", 0)),
            **paid.tally.metadata(),
            "credits_remaining_today": round(paid.remaining(), 2),
            "budget_exhausted": paid.budget_exhausted,
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame,
                    columns=[
                        "company_name",
                        "full_name",
                        "job_title",
                        "job_level",
                        "contact_score_max",
                        "selected",
                        "drop_reason",
                    ],
                )
            ),
        },
    )


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"explorium", "pandas"},
    metadata={"dagster/column_schema": table_schema(EnrichedContacts)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def enriched_contacts(
    context: dg.AssetExecutionContext,
    company_contacts: pd.DataFrame,
    scored_companies: pd.DataFrame,
    explorium: ExploriumResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
) -> dg.MaterializeResult:
    """The selected contacts with their work email and its verification status (valid, catch-all,
    invalid, unknown), phone and LinkedIn, bought in bulk 50 at a time (or read from the 30-day cache);
    the company's firmographics and technographics; the final contact score, reachability, ICP score and
    data quality; and intelligence (pain hypotheses, hooks, why-now) each with its confidence and source."""
    part = OutboundPartition.from_context(context)
    profile = icp_profiles.profile(part.icp)
    now = datetime.now(UTC)
    client = explorium.get_client()
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=part.key,
        asset="enriched_contacts",
        budget_credits=profile.daily_budget_credits,
        run_id=context.run.run_id,
        account=client,
    )
    chosen = company_contacts[company_contacts["selected"]].reset_index(drop=True)
    types: list[ContactType] = ["email", "phone"] if profile.enrich_phone else ["email"]

    def buy(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_contacts(batch, contact_types=types)
        stamp = datetime.now(UTC).isoformat()
        values = {i: {**c.model_dump(mode="json"), "_fetched_at": stamp} for i, c in result.by_id().items()}
        return values, result.spend.credits, result.spend.calls

    bought = paid.by_id(
        "POST /prospects/contacts_information/bulk_enrich",
        chosen["prospect_id"].tolist(),
        buy,
        unit_credits=contacts_price(types),
        variant={"contact_types": types},
        chunk=ENRICH_BATCH,
    )
    skipped = set(bought.skipped)
    details = [bought.values.get(i) for i in chosen["prospect_id"]]
    frame = chosen.join(pd.DataFrame([contact_details(d) for d in details], index=chosen.index))
    frame["email"] = normalize_emails(frame["email"])
    frame.loc[frame["email"].notna() & ~valid_email_syntax(frame["email"]), "email_status"] = "invalid_syntax"
    frame["enrichment_status"] = [
        "over_budget"
        if i in skipped
        else "no_data"
        if not d
        else "cached"
        if i in bought.cached
        else "enriched"
        for i, d in zip(chosen["prospect_id"], details, strict=True)
    ]
    frame["enriched_at"] = pd.to_datetime(
        # ISO strings, or None for a lead without details.
        [(d or {}).get("_fetched_at") for d in details],  # type: ignore[arg-type]
        utc=True,
        format="ISO8601",
    )

    company_cols = [
        "business_id",
        "domain",
        "website",
        "industry",
        "employees_range",
        "revenue_range",
        "country_code",
        "city",
        "description",
        "tech_stack",
        "fit_score",
        "intent_score",
        "freshness_score",
        "crm_company_id",
    ]
    frame = frame.merge(scored_companies[company_cols], on="business_id", how="left", validate="many_to_one")
    frame = frame.join(contact_components(frame, profile)[["email_score", "contact_score"]])
    frame["reachability_score"] = reachability(frame, profile.reachability_weights)
    frame["icp_score"] = icp_score(frame, profile).clip(0, 1)
    frame["data_quality"] = data_quality(frame, profile.data_quality_weights)

    intel = derive_intelligence(
        frame[["business_id", "department", "job_title", "first_name"]],
        scored_companies,
        signals_from_companies(scored_companies),
        as_of=part.as_of(now),
        max_age_days=profile.freshness_days,
    )
    frame = frame.join(intel)
    frame = frame[ENRICHED_COLUMNS]

    statuses = frame["enrichment_status"].value_counts().to_dict()
    email_mix = frame["email_status"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "rows_in": len(chosen),
            **{
                f"enrichment_{s}": int(statuses.get(s, 0))
                for s in ("enriched", "cached", "no_data", "over_budget")
            },
            **{
                f"email_{s.replace('-', '_')}": int(email_mix.get(s, 0))
                for s in ("valid", "catch-all", "unknown", "invalid", "invalid_syntax", "missing")
            },
            "with_phone": int(frame["phone"].notna().sum()),
            "with_why_now": int(frame["why_now"].notna().sum()),
            "mean_data_quality": float(frame["data_quality"].mean()) if len(frame) else 0.0,
            **paid.tally.metadata(),
            "credits_remaining_today": round(paid.remaining(), 2),
            "budget_exhausted": paid.budget_exhausted,
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame,
                    columns=[
                        "full_name",
                        "company_name",
                        "email",
                        "email_status",
                        "contact_score",
                        "icp_score",
                        "data_quality",
                        "why_now",
                    ],
                )
            ),
        },
    )
