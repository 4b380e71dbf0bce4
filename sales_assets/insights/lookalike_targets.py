"""`lookalike_targets`: companies Explorium finds that look like the accounts that converted, per ICP, each
with a similarity score and the factors that matched; its pandera model and its blocking schema check (its
settings are `lookalike_settings.py`'s).

What belongs here: the asset and what only it uses. It reads `pipeline_accounts` (one row per company the
pipeline reached, with whether it converted: a meeting or a won deal), learns per ICP what converters have
in common (`lookalike.py`: the factor evidence of `learn_pattern`, the segments and signals of
`learn_segments`, all counts), searches Explorium for each segment (`lookalike_search.py`), drops what the
pipeline reached already, what HubSpot holds and what is suppressed, and ranks the rest
(`lookalike_scores`). Every search, enrichment and event read goes through `PaidCalls`, in the ICP's own
outbound spend partition (`day|icp`): one cache, one ledger and one daily budget with discovery, and a
re-run pays nothing.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.explorium.client import ExploriumClient
from resources.explorium.models import ENRICH_BATCH, EVENTS_BATCH, MAX_EXCLUDED
from resources.explorium.pricing import ENRICHMENT_RECORD, EVENTS_CALL, FETCH_RECORD
from resources.explorium.resource import ExploriumResource
from resources.hubspot.client import HubSpotClient, normalize_domain
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.icp import IcpConfigError, IcpProfile, IcpProfilesResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, daily_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import schema_check, table_schema
from sales_assets.common.spend import PaidCalls, SpendTally
from sales_assets.insights.lookalike import (
    Condition,
    Pattern,
    Segment,
    learn_pattern,
    learn_segments,
    lookalike_scores,
)
from sales_assets.insights.lookalike_search import (
    CANDIDATE_COLUMNS,
    candidate_rows,
    searches,
    segment_filters,
    signal_events,
    signal_kinds,
    spellings,
)
from sales_assets.insights.lookalike_settings import LookalikeSettings

ASSET = "lookalike_targets"


class LookalikeTargets(pa.DataFrameModel):
    """Up to `top_n` companies per ICP that look like its converters and that nobody works yet."""

    icp: Series[str]
    rank: Series[int] = pa.Field(ge=1)
    business_id: Series[str] = pa.Field(str_matches=r"^[a-f0-9]{32}$")
    company_name: Series[str]
    domain: Series[str]
    website: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True)
    revenue_range: Series[str] = pa.Field(nullable=True)
    country_code: Series[str] = pa.Field(nullable=True, str_length={"min_value": 2, "max_value": 2})
    technologies: Series[object]
    signals: Series[object]
    segment: Series[str]
    similarity: Series[float] = pa.Field(ge=0.0, le=1.0)
    matched_factors: Series[object]
    evidence: Series[str]

    class Config:
        strict = True
        coerce = False
        unique = ["icp", "business_id"]


COLUMNS = list(LookalikeTargets.to_schema().columns)


@dataclass
class IcpOutcome:
    """One ICP's targets and what a person reading the run wants to know about them."""

    icp: str
    targets: pd.DataFrame
    status: str
    accounts: int = 0
    converted: int = 0
    pattern: Pattern | None = None
    segments: tuple[Segment, ...] = ()
    signals: tuple[Segment, ...] = ()
    tally: SpendTally = field(default_factory=SpendTally)
    budget_exhausted: bool = False
    dropped: dict[str, int] = field(default_factory=dict)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "similarity" else object) for c in COLUMNS}).astype(
        {"rank": int}
    )


def _search(
    paid: PaidCalls,
    client: ExploriumClient,
    icp: str,
    conditions: tuple[Condition, ...],
    accounts: pd.DataFrame,
    exclude: list[str],
    wanted: int,
    profile: IcpProfile,
    settings: LookalikeSettings,
) -> list[dict[str, Any]]:
    """Up to `wanted` companies meeting `conditions` (bought once, then cached for the profile's
    `search_refresh_days`)."""
    filters = segment_filters(conditions, spellings(accounts))
    if filters is None:
        return []

    def fetch(n: int, held: list[str]) -> tuple[list[dict[str, Any]], float, int]:
        # The reached companies are excluded by Explorium itself, so they are never paid for; the ids
        # already bought for this search go first (Explorium takes at most 1,000).
        result = client.fetch_businesses(
            filters, max_results=n, exclude=list(dict.fromkeys([*held, *exclude]))[:MAX_EXCLUDED]
        )
        return [b.model_dump(mode="json") for b in result.records], result.spend.credits, result.spend.calls

    # The ICP is part of the key: the records depend on what that ICP's pipeline reached (excluded above),
    # so they are not the plain answer discovery caches for the same filters.
    return paid.search(
        "POST /businesses",
        {"filters": filters.to_api(), "lookalike_icp": icp},
        wanted,
        fetch,
        unit_credits=FETCH_RECORD,
        id_field="business_id",
        ttl=timedelta(days=profile.search_refresh_days),
        page=settings.page_size,
        max_excluded=MAX_EXCLUDED,
    )


def _exclusions(
    rows: pd.DataFrame, crm: HubSpotClient, store: PipelineStoreResource
) -> tuple[pd.Series, dict[str, int]]:
    """Which candidates go on (HubSpot holds none of their domains, none is suppressed), with the counts."""
    domains = rows["domain"].tolist()
    existing = crm.find_companies_by_domains(domains, properties=["domain"])
    in_crm = {domain for domain, found in existing.items() if found}
    suppressed = set(store.suppression.lookup_domains(domains))
    crm_hit = rows["domain"].map(lambda d: normalize_domain(d) in in_crm)
    suppressed_hit = rows["domain"].isin(suppressed) & ~crm_hit
    keep = ~(crm_hit | suppressed_hit)
    return keep, {"in_hubspot": int(crm_hit.sum()), "suppressed": int(suppressed_hit.sum())}


def _technographics(paid: PaidCalls, client: ExploriumClient, ids: list[str]) -> dict[str, list[str]]:
    def fetch(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_technographics(batch)
        values = {i: list(t.full_tech_stack) for i, t in result.by_id().items()}
        return values, result.spend.credits, result.spend.calls

    # The same cache as scored_companies': a stack bought there is not bought again here.
    bought = paid.by_id(
        "POST /businesses/technographics/bulk_enrich",
        ids,
        fetch,
        unit_credits=ENRICHMENT_RECORD,
        chunk=ENRICH_BATCH,
    )
    return {i: list(v) for i, v in bought.values.items() if v}


def _signals(
    paid: PaidCalls, client: ExploriumClient, ids: list[str], kinds: list[str], day: date, days: int
) -> dict[str, list[str]]:
    events = signal_events(kinds)
    # Whole days, so every run of the partition asks the same question and finds it in the cache.
    since = day - timedelta(days=days)
    until = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(seconds=1)

    def fetch(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.business_events(
            business_ids=batch, event_types=events, timestamp_from=since, timestamp_to=until
        )
        found = signal_kinds(e.model_dump(mode="json") for e in result.events)
        return {i: found.get(i, []) for i in batch}, result.spend.credits, result.spend.calls

    read = paid.by_id(
        "POST /businesses/events",
        ids,
        fetch,
        unit_credits=EVENTS_CALL,
        variant={"events": events, "from": since.isoformat(), "to": until.isoformat()},
        chunk=EVENTS_BATCH,
    )
    return {i: list(v or []) for i, v in read.values.items()}


def _accounts_of(pipeline_accounts: pd.DataFrame, icp: str) -> tuple[pd.DataFrame, pd.Series]:
    mine = pipeline_accounts[pipeline_accounts["icp"] == icp].rename(columns={"country_code": "country"})
    mine = mine.reset_index(drop=True)
    converted = mine["converted"].fillna(False).astype(bool)
    return mine, converted


def targets_for_icp(
    icp: str,
    pipeline_accounts: pd.DataFrame,
    *,
    day: date,
    client: ExploriumClient,
    crm: HubSpotClient,
    store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
    settings: LookalikeSettings,
    run_id: str | None,
) -> IcpOutcome:
    """One ICP's look-alike targets, or none with the reason in `status`."""
    accounts, converted = _accounts_of(pipeline_accounts, icp)
    out = IcpOutcome(icp, _empty(), "", accounts=len(accounts), converted=int(converted.sum()))
    if out.converted < settings.min_converted:
        out.status = (
            f"too few converted accounts to learn from: {out.converted} of {out.accounts} "
            f"(at least {settings.min_converted})"
        )
        return out
    try:
        profile = icp_profiles.profile(icp)
    except IcpConfigError:
        out.status = "no ICP profile of that name: no budget to search with"
        return out
    least, lift = settings.segment_min_converted, settings.min_lift
    out.pattern = learn_pattern(accounts, converted, min_converted=least, min_lift=lift)
    bounds: dict[str, Any] = {
        "min_converted": least,
        "min_lift": lift,
        "alpha": settings.alpha,
        "max_segments": settings.max_segments,
    }
    out.segments = learn_segments(accounts, converted, **bounds)
    out.signals = learn_segments(accounts, converted, factors=("signals",), pairs=False, **bounds)
    if not out.segments:
        out.status = "no segment converts clearly better than the ICP as a whole"
        return out

    partition = OutboundPartition(icp, day).key
    others = store.ledger.spent(partition=partition, vendor="explorium") - store.ledger.spent(
        partition=partition, vendor="explorium", asset=ASSET
    )
    paid = PaidCalls(
        store,
        vendor="explorium",
        partition=partition,
        asset=ASSET,
        budget_credits=min(profile.daily_budget_credits, others + settings.max_credits),
        run_id=run_id,
        account=client,
    )
    # Reached by any ICP's pipeline: a company another profile already works is nobody's new target.
    # This ICP's own come first in what Explorium is asked to exclude (it takes at most 1,000).
    everyone = pipeline_accounts.assign(own=pipeline_accounts["icp"] != icp).sort_values("own", kind="stable")
    reached_ids = [str(i) for i in dict.fromkeys(everyone["business_id"].dropna())]
    reached_domains = {d for d in (normalize_domain(x) for x in everyone["domain"].dropna()) if d}
    dropped = {"reached": 0, "no_domain": 0, "in_hubspot": 0, "suppressed": 0}
    kept: list[pd.DataFrame] = []
    seen: set[str] = set()
    for conditions in searches(out.segments):
        need = settings.top_n - sum(len(k) for k in kept)
        if need <= 0 or paid.budget_exhausted:
            break
        # Twice what is missing: room for the candidates HubSpot or the suppression list take away, without
        # buying a segment's every company for a handful of targets.
        wanted = min(settings.search_size, 2 * need)
        records = _search(paid, client, icp, conditions, accounts, reached_ids, wanted, profile, settings)
        rows = pd.DataFrame(candidate_rows(records, conditions), columns=CANDIDATE_COLUMNS)
        rows = rows[~rows["business_id"].isin(seen)].drop_duplicates("business_id")
        seen.update(rows["business_id"])
        reached = rows["business_id"].isin(reached_ids) | rows["domain"].isin(reached_domains)
        no_domain = rows["domain"].isna() & ~reached
        dropped["reached"] += int(reached.sum())
        dropped["no_domain"] += int(no_domain.sum())
        rows = rows[~(reached | no_domain)].reset_index(drop=True)
        if rows.empty:
            continue
        keep, counts = _exclusions(rows, crm, store)
        for reason, n in counts.items():
            dropped[reason] += n
        kept.append(rows[keep])
    out.dropped = dropped
    candidates = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=CANDIDATE_COLUMNS)
    ids = candidates["business_id"].tolist()
    if ids and any(f == "technologies" for s in out.segments for f, _ in s.conditions):
        stacks = _technographics(paid, client, ids)
        known = zip(ids, candidates["technologies"], strict=True)
        candidates["technologies"] = [stacks.get(i, t) for i, t in known]
    kinds = [value for s in out.signals for _, value in s.conditions]
    found = _signals(paid, client, ids, kinds, day, settings.signal_days) if ids and kinds else {}
    candidates["signals"] = [found.get(i, []) for i in ids]
    out.tally = paid.tally
    out.budget_exhausted = paid.budget_exhausted
    if candidates.empty:
        out.status = "the search found no company that the pipeline, HubSpot and the suppression list leave"
        if paid.budget_exhausted:
            out.status = "the budget ran out before the search found a company"
        return out

    scores = lookalike_scores(candidates, out.segments, out.signals)
    order = {s.label: i for i, s in enumerate(out.segments)}
    evidence = {s.label: s.describe() for s in out.segments}
    ranked = pd.concat([candidates, scores], axis=1)
    ranked = ranked[ranked["segment"].notna()]
    ranked = ranked.assign(segment_rank=ranked["segment"].map(order)).sort_values(
        ["similarity", "segment_rank", "business_id"], ascending=[False, True, True], kind="stable"
    )
    top = ranked.head(settings.top_n).reset_index(drop=True)
    out.targets = pd.DataFrame(
        {
            "icp": icp,
            "rank": pd.Series(range(1, len(top) + 1), dtype=int),
            "business_id": top["business_id"],
            "company_name": top["company_name"],
            "domain": top["domain"],
            "website": top["website"],
            "industry": top["industry"],
            "employees_range": top["employees_range"],
            "revenue_range": top["revenue_range"],
            "country_code": top["country"],
            "technologies": top["technologies"],
            "signals": top["signals"],
            "segment": top["segment"],
            "similarity": top["similarity"].astype(float),
            "matched_factors": top["matched_factors"],
            "evidence": top["segment"].map(evidence),
        },
        columns=COLUMNS,
    )
    out.status = f"{len(top)} targets from {len(candidates)} candidates"
    if paid.budget_exhausted:
        out.status += f"; the budget ran out ({paid.tally.over_budget} records not bought)"
    return out


def pattern_table(outcome: IcpOutcome) -> str:
    """The evidence behind an ICP's targets as markdown: the segments searched, the signals scored, and
    every factor value `learn_pattern` kept, each with its counts."""
    rows: list[dict[str, Any]] = [
        {
            "kind": kind,
            "pattern": s.label,
            "converted": s.converted,
            "accounts": s.accounts,
            "lift": round(s.lift, 2),
            "lift_at_least": round(s.lift_low, 2),
        }
        for kind, found in (("segment", outcome.segments), ("signal", outcome.signals))
        for s in found
    ]
    if outcome.pattern is not None:
        rows.extend(
            {
                "kind": "factor value",
                "pattern": f"{factor.factor}={v.value}",
                "converted": v.converted,
                "accounts": v.accounts,
                "lift": round(v.lift, 2),
                "lift_at_least": None,
            }
            for factor in outcome.pattern.factors
            for v in factor.values
        )
    head = f"**{outcome.icp}**: {outcome.converted} of {outcome.accounts} converted; {outcome.status}"
    return head + "\n\n" + markdown_table(pd.DataFrame(rows), limit=40)


def _metadata(outcomes: list[IcpOutcome], frame: pd.DataFrame, hubspot_calls: int) -> dict[str, Any]:
    total = SpendTally()
    per_icp: dict[str, Any] = {}
    for o in outcomes:
        for name in ("credits_spent", "credits_saved", "vendor_calls", "cache_hits", "over_budget"):
            setattr(total, name, getattr(total, name) + getattr(o.tally, name))
        top = float(o.targets["similarity"].max()) if len(o.targets) else 0.0
        per_icp.update(
            {
                f"targets_{o.icp}": len(o.targets),
                f"top_similarity_{o.icp}": 0.0 if math.isnan(top) else round(top, 4),
                f"credits_spent_{o.icp}": round(o.tally.credits_spent, 2),
                f"accounts_{o.icp}": o.accounts,
                f"converted_{o.icp}": o.converted,
                f"segments_{o.icp}": len(o.segments),
                f"budget_exhausted_{o.icp}": o.budget_exhausted,
                f"top_pattern_{o.icp}": o.segments[0].label if o.segments else "",
                f"status_{o.icp}": o.status,
                **{f"dropped_{reason}_{o.icp}": n for reason, n in o.dropped.items()},
            }
        )
    return {
        "dagster/row_count": len(frame),
        **total.metadata(),
        "budget_exhausted": any(o.budget_exhausted for o in outcomes),
        "hubspot_calls": hubspot_calls,
        **per_icp,
        "patterns": dg.MetadataValue.md("\n\n".join(pattern_table(o) for o in outcomes) or "_no ICPs_"),
        "preview": dg.MetadataValue.md(
            markdown_table(
                frame,
                columns=["icp", "rank", "company_name", "domain", "similarity", "segment", "matched_factors"],
            )
        ),
    }


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"explorium", "hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(LookalikeTargets)},
    pool="explorium",
    retry_policy=VENDOR_STEP_RETRY,
)
def lookalike_targets(
    context: dg.AssetExecutionContext,
    pipeline_accounts: pd.DataFrame,
    explorium: ExploriumResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
    lookalike_settings: LookalikeSettings,
) -> dg.MaterializeResult:
    """Per ICP, the companies most like its converted accounts (a meeting or a won deal) that the pipeline
    has not reached, HubSpot does not hold and nobody suppressed: the segments converters gather in,
    searched in Explorium strongest first, each target with its similarity in [0, 1], the factors that
    matched and the counts behind its segment. An ICP with too few converters gets none, and says so."""
    day = date.fromisoformat(context.partition_key)
    client = explorium.get_client()
    crm = hubspot.get_client()
    crm_calls_before = crm.stats.total_calls
    outcomes = []
    for icp in sorted(str(i) for i in pipeline_accounts["icp"].dropna().unique()):
        outcome = targets_for_icp(
            icp,
            pipeline_accounts,
            day=day,
            client=client,
            crm=crm,
            store=pipeline_store,
            icp_profiles=icp_profiles,
            settings=lookalike_settings,
            run_id=context.run.run_id,
        )
        if outcome.budget_exhausted:
            context.log.warning(f"{icp}: the look-alike search stopped at the budget: {outcome.status}")
        context.log.info(f"{icp}: {outcome.status}")
        outcomes.append(outcome)
    parts = [o.targets for o in outcomes if len(o.targets)]
    frame = pd.concat(parts, ignore_index=True)[COLUMNS] if parts else _empty()
    return dg.MaterializeResult(
        value=frame, metadata=_metadata(outcomes, frame, crm.stats.total_calls - crm_calls_before)
    )


def lookalike_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema check of `lookalike_targets`."""
    return [schema_check(ASSET, LookalikeTargets, partitions_def=daily_partitions)]
