"""`discovered_companies` and `scored_companies`: the companies Explorium finds for a profile, and the ICP
score that decides which of them are worth looking for people at.

What belongs here: the two company-level assets and the frame building they need (search records to rows,
events to signals). The scores themselves are `scoring.py`'s; the cache and budget are
`common/spend.py`'s.

At this stage the ICP score is an upper bound: reachability is taken as perfect until the contacts are
verified, and `enriched_contacts` recomputes the score with each lead's real reachability. A company that
cannot reach the threshold even so, that HubSpot already holds as a customer or open opportunity, or that
has no domain is dropped here, before anything is paid for its people.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd

from resources.explorium.models import (
    DEFAULT_PAGE_SIZE,
    ENRICH_BATCH,
    MAX_EXCLUDED,
    BusinessFilters,
    ExistsFilter,
    IncludesFilter,
)
from resources.explorium.pricing import ENRICHMENT_RECORD, FETCH_RECORD
from resources.explorium.resource import ExploriumResource
from resources.hubspot.client import normalize_domain
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.countries import country_code
from sales_assets.common.fit import fit_components
from sales_assets.common.icp import IcpProfile, IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema
from sales_assets.common.spend import PaidCalls
from sales_assets.common.vocabulary import ALL_SIGNAL_EVENTS, event_kind, event_summary
from sales_assets.outbound.schemas import DiscoveredCompanies, ScoredCompanies
from sales_assets.outbound.scoring import icp_score, intent_components

#: HubSpot lifecycle stages of companies that are already being sold to: no cold outreach there.
ACTIVE_LIFECYCLE_STAGES = ("opportunity", "customer", "evangelist")
CRM_COMPANY_PROPERTIES = ("name", "domain", "hubspot_owner_id", "lifecyclestage")

DISCOVERED_COLUMNS = list(DiscoveredCompanies.to_schema().columns)
SCORED_COLUMNS = list(ScoredCompanies.to_schema().columns)


def industry_quotas(profile: IcpProfile) -> dict[str, int]:
    """`max_companies` split evenly over the profile's industries (earlier industries take the remainder),
    so one large industry cannot crowd the others out of the cap."""
    base, extra = divmod(profile.max_companies, len(profile.industries))
    return {industry: base + (1 if i < extra else 0) for i, industry in enumerate(profile.industries)}


def business_filters(profile: IcpProfile, industry: str) -> BusinessFilters:
    """Hard filters of the search: one industry, the countries, the employee ranges, and a website (no
    domain, no email). Revenue and technology are scored, not filtered, so near misses still show."""
    return BusinessFilters(
        linkedin_category=IncludesFilter(values=[industry]),
        country_code=IncludesFilter(values=list(profile.countries)),
        company_size=IncludesFilter(values=list(profile.employee_ranges)),
        has_website=ExistsFilter(value=True),
    )


def companies_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Search records (Explorium's `Business` plus the `industry` searched for) as rows, one per business."""
    rows = [
        {
            "business_id": r["business_id"],
            "company_name": r.get("name") or "",
            "domain": normalize_domain(r.get("domain") or r.get("website")) or None,
            "website": r.get("website"),
            "industry": r["industry"],
            "country_name": r.get("country_name"),
            "country_code": country_code(r.get("country_name")),
            "city": r.get("city_name"),
            "employees_range": r.get("number_of_employees_range"),
            "revenue_range": r.get("yearly_revenue_range"),
            "naics_description": r.get("naics_description"),
            "description": r.get("business_description"),
        }
        for r in records
    ]
    frame = pd.DataFrame(rows, columns=DISCOVERED_COLUMNS)
    return frame.drop_duplicates("business_id").reset_index(drop=True)


def signals_frame(events: list[dict[str, Any]]) -> pd.DataFrame:
    """Explorium events as signals: kind (for the intent weights), time, id, data and a one-line summary."""
    rows = []
    for event in events:
        kind = event_kind(event["event_name"])
        if kind is None or not event.get("event_time"):
            continue
        data = event.get("data") or {}
        rows.append(
            {
                "business_id": event["business_id"],
                "kind": kind,
                "event_name": event["event_name"],
                "occurred_at": pd.Timestamp(event["event_time"]).tz_convert(UTC)
                if pd.Timestamp(event["event_time"]).tzinfo
                else pd.Timestamp(event["event_time"], tz=UTC),
                "event_id": event.get("event_id") or "",
                "data": data,
                "summary": event_summary(event["event_name"], data),
            }
        )
    columns = ["business_id", "kind", "event_name", "occurred_at", "event_id", "data", "summary"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    return frame


def _signal_records(signals: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """Each company's signals as a list of plain dicts (kept on the row for the intelligence step)."""
    out: pd.Series = pd.Series([[] for _ in range(len(ids))], index=ids, dtype=object)
    if signals.empty:
        return out
    records = signals.assign(occurred_at=signals["occurred_at"].map(lambda t: t.isoformat()))
    for business_id, group in records.groupby("business_id"):
        if business_id in out.index:
            # A list per cell: the stubs take scalars only.
            out.at[business_id] = group.drop(columns="business_id").to_dict("records")  # type: ignore[assignment]
    return out


def _why_now(signals: pd.DataFrame, profile: IcpProfile, ids: pd.Index) -> pd.Series:
    """The strongest, then freshest, signal of each company as "YYYY-MM-DD: summary"."""
    out = pd.Series(None, index=ids, dtype=object)
    if signals.empty:
        return out
    weights = profile.signal_weights.model_dump()
    ranked = signals.assign(weight=signals["kind"].map(weights)).sort_values(
        ["weight", "occurred_at"], ascending=[False, False]
    )
    top = ranked.drop_duplicates("business_id").set_index("business_id")
    shared = top.index.intersection(ids)
    out.loc[shared] = (
        top.loc[shared, "occurred_at"].dt.strftime("%Y-%m-%d") + ": " + top.loc[shared, "summary"]
    )
    return out


def _metadata(frame: pd.DataFrame, paid: PaidCalls, extra: dict[str, Any], preview: list[str]) -> dict:
    return {
        "dagster/row_count": len(frame),
        **paid.tally.metadata(),
        "credits_remaining_today": round(paid.remaining(), 2),
        "budget_exhausted": paid.budget_exhausted,
        **extra,
        "preview": dg.MetadataValue.md(markdown_table(frame, columns=preview)),
    }


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"explorium", "pandas"},
    metadata={"dagster/column_schema": table_schema(DiscoveredCompanies)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def discovered_companies(
    context: dg.AssetExecutionContext,
    explorium: ExploriumResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
) -> dg.MaterializeResult:
    """Businesses matching the profile (industry, country, employee range, with a website), every page, up
    to the profile's `max_companies`, split evenly across its industries. Searches are cached for the
    profile's `search_refresh_days`; re-materializing a partition pays nothing."""
    part = OutboundPartition.from_context(context)
    profile = icp_profiles.profile(part.icp)
    client = explorium.get_client()
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=part.key,
        asset="discovered_companies",
        budget_credits=profile.daily_budget_credits,
        run_id=context.run.run_id,
        account=client,
    )
    records: list[dict[str, Any]] = []
    per_industry: dict[str, int] = {}
    for industry, quota in industry_quotas(profile).items():
        filters = business_filters(profile, industry)

        def fetch(n: int, exclude: list[str], filters: BusinessFilters = filters) -> tuple[list, float, int]:
            # Explorium takes at most 1,000 excluded ids; a cache beyond that is topped up without them.
            result = client.fetch_businesses(filters, max_results=n, exclude=exclude[:MAX_EXCLUDED])
            return (
                [b.model_dump(mode="json") for b in result.records],
                result.spend.credits,
                result.spend.calls,
            )

        found = paid.search(
            "POST /businesses",
            {"filters": filters.to_api()},
            quota,
            fetch,
            unit_credits=FETCH_RECORD,
            id_field="business_id",
            ttl=timedelta(days=profile.search_refresh_days),
            page=DEFAULT_PAGE_SIZE,
            max_excluded=MAX_EXCLUDED,
        )
        per_industry[industry] = len(found)
        records.extend({**r, "industry": industry} for r in found)
    frame = companies_frame(records)
    if paid.budget_exhausted:
        context.log.warning(
            f"{part.icp}: the daily budget of {profile.daily_budget_credits} credits ran out during discovery"
        )
    return dg.MaterializeResult(
        value=frame,
        metadata=_metadata(
            frame,
            paid,
            {f"companies_{k.replace(' ', '_')}": v for k, v in per_industry.items()},
            ["company_name", "domain", "industry", "country_code", "employees_range", "revenue_range"],
        ),
    )


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"explorium", "hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(ScoredCompanies)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def scored_companies(
    context: dg.AssetExecutionContext,
    discovered_companies: pd.DataFrame,
    explorium: ExploriumResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
) -> dg.MaterializeResult:
    """The ICP score of every discovered company with each component as a column (fit parts, intent from
    Explorium events, freshness, reachability as an upper bound), its HubSpot status looked up by domain
    in batches, and whether it goes on to contact search (`selected`) or why not (`drop_reason`)."""
    part = OutboundPartition.from_context(context)
    profile = icp_profiles.profile(part.icp)
    as_of = part.as_of(datetime.now(UTC))
    client = explorium.get_client()
    crm = hubspot.get_client()
    crm_calls_before = crm.stats.total_calls
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=part.key,
        asset="scored_companies",
        budget_credits=profile.daily_budget_credits,
        run_id=context.run.run_id,
        account=client,
    )
    frame = discovered_companies.set_index("business_id", drop=False).rename_axis(None)
    ids = list(frame.index)

    events_calls_before = client.stats.total_calls
    events = (
        client.business_events(
            business_ids=ids,
            event_types=ALL_SIGNAL_EVENTS,
            timestamp_from=as_of - timedelta(days=profile.freshness_days),
            timestamp_to=as_of,
        ).events
        if ids
        else []
    )
    paid.free("POST /businesses/events", client.stats.total_calls - events_calls_before)
    signals = signals_frame([e.model_dump(mode="json") for e in events])
    intent = intent_components(signals, frame.index, profile, as_of)

    existing = crm.find_companies_by_domains(
        frame["domain"].dropna().tolist(), properties=CRM_COMPANY_PROPERTIES
    )
    first = {domain: matches[0] for domain, matches in existing.items() if matches}
    frame["crm_company_id"] = frame["domain"].map(lambda d: first[d].id if d in first else None)
    frame["crm_owner_id"] = frame["domain"].map(
        lambda d: first[d].get("hubspot_owner_id") if d in first else None
    )
    frame["crm_lifecyclestage"] = frame["domain"].map(
        lambda d: first[d].get("lifecyclestage") if d in first else None
    )

    # Technographics are paid for only where they can change the decision: companies that would reach
    # the threshold with a perfect technology fit, have a domain and are not already customers.
    # A list per cell: the stubs take scalars only.
    best_case = fit_components(frame.assign(tech_stack=[[] for _ in ids]), profile)  # type: ignore[misc]
    best_case["fit_score"] += profile.fit_weights.technology * (1.0 - best_case["fit_technology"])
    ceiling = icp_score(pd.concat([best_case, intent], axis=1).assign(reachability_score=1.0), profile)
    worth_buying = (
        (ceiling >= profile.gates.min_icp_score)
        & frame["domain"].notna()
        & ~frame["crm_lifecyclestage"].isin(ACTIVE_LIFECYCLE_STAGES)
    )

    def technographics(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_technographics(batch)
        return (
            {i: list(t.full_tech_stack) for i, t in result.by_id().items()},
            result.spend.credits,
            result.spend.calls,
        )

    tech = paid.by_id(
        "POST /businesses/technographics/bulk_enrich",
        frame.index[worth_buying].tolist(),
        technographics,
        unit_credits=ENRICHMENT_RECORD,
        chunk=ENRICH_BATCH,
    )
    frame["tech_stack"] = [list(tech.values.get(i) or []) for i in ids]
    frame["tech_known"] = [i in tech.values for i in ids]

    fit = fit_components(frame, profile)
    # Unknown technology (not bought: out of reach, or out of budget) scores neutral, not as a mismatch.
    unknown = ~frame["tech_known"]
    if profile.technologies and unknown.any():
        w = profile.fit_weights.technology
        fit.loc[unknown, "fit_score"] += w * (0.5 - fit.loc[unknown, "fit_technology"])
        fit.loc[unknown, "fit_technology"] = 0.5
    scored = pd.concat([frame, fit, intent], axis=1)
    scored["reachability_score"] = 1.0
    scored["icp_score"] = icp_score(scored, profile).clip(0, 1)
    scored["why_now_event"] = _why_now(signals, profile, frame.index)
    scored["signals"] = _signal_records(signals, frame.index)

    scored = scored.sort_values(["icp_score", "business_id"], ascending=[False, True]).reset_index(drop=True)
    scored["rank"] = np.arange(1, len(scored) + 1)
    reason = pd.Series(None, index=scored.index, dtype=object)
    reason[scored["domain"].isna()] = "no_domain"
    reason[reason.isna() & scored["crm_lifecyclestage"].isin(ACTIVE_LIFECYCLE_STAGES)] = (
        "crm_existing_customer"
    )
    reason[reason.isna() & (scored["icp_score"] < profile.gates.min_icp_score)] = "below_icp_threshold"
    eligible = reason.isna().cumsum()
    # A cumsum of bools counts; the stubs keep it Series[bool].
    reason[reason.isna() & (eligible > profile.top_companies)] = "not_in_top_companies"  # type: ignore[operator]
    scored["drop_reason"] = reason
    scored["selected"] = reason.isna()
    scored["signal_count"] = scored["signal_count"].astype(int)
    scored = scored[SCORED_COLUMNS]

    dropped = scored["drop_reason"].value_counts().to_dict()
    extra = {
        "rows_in": len(discovered_companies),
        "selected": int(scored["selected"].sum()),
        **{
            f"dropped_{r}": int(dropped.get(r, 0))
            for r in ("no_domain", "crm_existing_customer", "below_icp_threshold", "not_in_top_companies")
        },
        "in_hubspot": int(scored["crm_company_id"].notna().sum()),
        "technographics_bought_or_cached": int(scored["tech_known"].sum()),
        "with_signals": int((scored["signal_count"] > 0).sum()),
        "mean_icp_score_selected": float(scored.loc[scored["selected"], "icp_score"].mean() or 0.0)
        if scored["selected"].any()
        else 0.0,
        "hubspot_calls": crm.stats.total_calls - crm_calls_before,
    }
    return dg.MaterializeResult(
        value=scored,
        metadata=_metadata(
            scored,
            paid,
            extra,
            [
                "rank",
                "company_name",
                "icp_score",
                "fit_score",
                "intent_score",
                "freshness_score",
                "top_signal",
                "why_now_event",
                "drop_reason",
            ],
        ),
    )
