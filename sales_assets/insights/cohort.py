"""`pipeline_leads`: the day's cohort, each lead the pipeline first reached that day, with its company.

What belongs here: the cohort asset and the pure functions that build it from the other stages' asset
values of the same day, read as inputs (lineage in the graph, no import of another stage's code):

- outbound: every ICP's `campaign_enrollments` of the day (rows `added`: the day a lead was first
  enrolled), joined to `qualified_leads` for the company and to `scored_companies` for its signal kinds;
- inbound: the day's `inbound_leads` (every valid submission, with its tier).

A partition that was not materialized (an ICP whose run did not happen, a day without forms) is skipped
with a warning, not a failure: the cohort is what exists. Outcomes are read later, for the whole look-back
window at once, by `pipeline_outcomes`.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg
import pandas as pd

from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.text import text_or_none
from sales_assets.insights.schemas import PipelineLeads

#: An upstream partition that was never materialized is left out (a warning in the run's log).
MISSING_OK = {"allow_missing_partitions": True}
LEAD_COLUMNS = list(PipelineLeads.to_schema().columns)


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list | tuple):
        return []
    return sorted({str(v).strip() for v in values if isinstance(v, str) and v.strip()})


def signal_kinds(records: Any) -> list[str]:
    """The distinct signal kinds of a company's signal records (dicts with `kind`)."""
    if not isinstance(records, list | tuple):
        return []
    return sorted({str(r["kind"]) for r in records if isinstance(r, Mapping) and r.get("kind")})


def _icp_of(partition_key: str) -> str:
    # Multi-partition keys print their dimensions in name order: "2026-11-23|revops_saas".
    return partition_key.split("|", 1)[1] if "|" in partition_key else partition_key


def empty_cohort() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LEAD_COLUMNS})
    frame["reached_at"] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame


def outbound_cohort(
    enrollments: Mapping[str, pd.DataFrame],
    qualified: Mapping[str, pd.DataFrame],
    scored: Mapping[str, pd.DataFrame],
    reached_at: pd.Timestamp,
) -> pd.DataFrame:
    """The leads first enrolled in each partition (`added`), with their company's firmographics and
    signal kinds. `reached_at` is the day's start: lemlist's first send is `pipeline_outcomes`' to read."""
    rows: list[dict[str, Any]] = []
    for key, frame in sorted(enrollments.items()):
        icp = _icp_of(key)
        added = frame[frame["outcome"] == "added"]
        leads = qualified[key].set_index("prospect_id", drop=False) if key in qualified else None
        companies = scored.get(key)
        signals = (
            companies.set_index("business_id")["signals"].map(signal_kinds).to_dict()
            if companies is not None and len(companies)
            else {}
        )
        for row in added.to_dict("records"):
            email = text_or_none(row.get("email"))
            if email is None:
                continue
            lead: Mapping[str, Any] = (
                leads.loc[row["prospect_id"]].to_dict()
                if leads is not None and row["prospect_id"] in leads.index
                else {}
            )
            business_id = text_or_none(lead.get("business_id"))
            rows.append(
                {
                    "lead_id": f"outbound:{icp}:{email.lower()}",
                    "email": email.lower(),
                    "source": "outbound",
                    "icp": icp,
                    "tier": None,
                    "campaign_id": text_or_none(row.get("campaign_id")),
                    "reached_at": reached_at,
                    "business_id": business_id,
                    "domain": text_or_none(lead.get("domain")),
                    "company_name": text_or_none(lead.get("company_name")),
                    "industry": text_or_none(lead.get("industry")),
                    "employees_range": text_or_none(lead.get("employees_range")),
                    "revenue_range": text_or_none(lead.get("revenue_range")),
                    "country": text_or_none(lead.get("country_code")),
                    "technologies": _strings(lead.get("tech_stack")),
                    "signals": list(signals.get(business_id, [])) if business_id else [],
                }
            )
    return _frame(rows)


def inbound_cohort(leads: pd.DataFrame | None) -> pd.DataFrame:
    """Each valid inbound submission of the day, with its tier and the ICP it fits best (if any)."""
    if leads is None or leads.empty:
        return empty_cohort()
    rows: list[dict[str, Any]] = [
        {
            "lead_id": f"inbound:{row['conversion_id']}",
            "email": str(row["email"]).lower(),
            "source": "inbound",
            "icp": text_or_none(row.get("icp_profile")),
            "tier": text_or_none(row.get("tier")),
            "campaign_id": None,
            "reached_at": pd.Timestamp(row["submitted_at"]),
            "business_id": text_or_none(row.get("business_id")),
            "domain": text_or_none(row.get("domain")),
            "company_name": text_or_none(row.get("company_name")),
            "industry": text_or_none(row.get("industry")),
            "employees_range": text_or_none(row.get("employees_range")),
            "revenue_range": None,
            "country": text_or_none(row.get("country_code")),
            "technologies": [],
            "signals": [],
        }
        for row in leads.to_dict("records")
    ]
    return _frame(rows)


def _frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=LEAD_COLUMNS)
    if frame.empty:
        return empty_cohort()
    frame["reached_at"] = pd.to_datetime(frame["reached_at"], utc=True)
    return frame.astype({c: object for c in LEAD_COLUMNS if c != "reached_at"})


def _partitions(value: Mapping[str, pd.DataFrame] | pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """An input mapped to several upstream partitions arrives as {partition key: frame} (None: none)."""
    if value is None:
        return {}
    if isinstance(value, pd.DataFrame):
        return {"": value}
    return dict(value)


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"pandas"},
    # The outbound inputs are `icp x day`: Dagster maps this day to every ICP's partition of the day.
    ins={
        "campaign_enrollments": dg.AssetIn(metadata=MISSING_OK),
        "qualified_leads": dg.AssetIn(metadata=MISSING_OK),
        "scored_companies": dg.AssetIn(metadata=MISSING_OK),
        "inbound_leads": dg.AssetIn(metadata=MISSING_OK),
    },
    metadata={"dagster/column_schema": table_schema(PipelineLeads)},
)
def pipeline_leads(
    context: dg.AssetExecutionContext,
    campaign_enrollments: Any,
    qualified_leads: Any,
    scored_companies: Any,
    inbound_leads: Any,
) -> dg.MaterializeResult:
    """The leads the pipeline first reached this day: enrolled by any ICP's outbound run, or a valid inbound
    submission; with the company's firmographics, technologies and signal kinds as those stages found them."""
    day = pd.Timestamp(context.partition_key, tz="UTC")
    inbound = _partitions(inbound_leads)
    frame = pd.concat(
        [
            outbound_cohort(
                _partitions(campaign_enrollments),
                _partitions(qualified_leads),
                _partitions(scored_companies),
                day,
            ),
            inbound_cohort(next(iter(inbound.values())) if inbound else None),
        ],
        ignore_index=True,
    )
    frame = frame.drop_duplicates("lead_id").reset_index(drop=True)
    by_icp = frame.groupby(frame["icp"].fillna("(none)"))["lead_id"].count()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "leads": len(frame),
            "outbound": int((frame["source"] == "outbound").sum()),
            "inbound": int((frame["source"] == "inbound").sum()),
            "outbound_partitions": len(_partitions(campaign_enrollments)),
            **{f"leads_{icp}": int(n) for icp, n in by_icp.items()},
            "preview": dg.MetadataValue.md(
                markdown_table(frame.head(20), columns=["lead_id", "source", "icp", "tier", "company_name"])
            ),
        },
    )
