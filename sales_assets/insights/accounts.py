"""`pipeline_accounts`: each company the pipeline reached for an ICP, with its firmographics and what its
leads became, the ground the look-alike pattern and the ICP suggestions are learnt on.

What belongs here: the asset and `accounts_of`, which folds `pipeline_outcomes` (one row per lead) into one
row per ICP and company. A company is known by its domain, else its Explorium id, else its name; leads no
ICP claims (an inbound lead that fits no profile) are left out. A company converted when any of its leads
booked a meeting or won a deal.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from typing import Any

import dagster as dg
import pandas as pd

from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.insights.pipeline_funnel import stages_of
from sales_assets.insights.schemas import PipelineAccounts

ACCOUNT_COLUMNS = list(PipelineAccounts.to_schema().columns)
FIRMOGRAPHICS = (
    "business_id",
    "domain",
    "company_name",
    "industry",
    "employees_range",
    "revenue_range",
    "country",
)


def _first(values: pd.Series) -> Any:
    present = values.dropna()
    return present.iloc[0] if len(present) else None


def _union(values: pd.Series) -> list[str]:
    return sorted({str(v) for items in values if isinstance(items, list | tuple) for v in items})


def company_key(frame: pd.DataFrame) -> pd.Series:
    name = frame["company_name"].map(
        lambda n: f"name:{str(n).strip().lower()}" if isinstance(n, str) and n.strip() else None
    )
    return frame["domain"].fillna(frame["business_id"]).fillna(name)


def accounts_of(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per ICP and company of the outcomes, in ICP then key order."""
    if outcomes.empty:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype="int64"
                    if c in ("leads", "meetings", "won")
                    else bool
                    if c == "converted"
                    else object
                )
                for c in ACCOUNT_COLUMNS
            }
        )
    stages = stages_of(outcomes.reset_index(drop=True))
    frame = outcomes.reset_index(drop=True).assign(
        company_key=lambda f: company_key(f),
        met=stages["meeting"].to_numpy(),
        closed=stages["won"].to_numpy(),
    )
    frame = frame[frame["icp"].notna() & frame["company_key"].notna()]
    groups = frame.groupby(["icp", "company_key"], sort=True)
    out = groups.agg(
        **{column: (column, _first) for column in FIRMOGRAPHICS},
        technologies=("technologies", _union),
        signals=("signals", _union),
        leads=("lead_id", "count"),
        meetings=("met", "sum"),
        won=("closed", "sum"),
    ).reset_index()
    out["country_code"] = out["country"]
    out["meetings"] = out["meetings"].astype("int64")
    out["won"] = out["won"].astype("int64")
    out["leads"] = out["leads"].astype("int64")
    out["converted"] = (out["meetings"] > 0) | (out["won"] > 0)
    return out[ACCOUNT_COLUMNS]


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"pandas"},
    metadata={"dagster/column_schema": table_schema(PipelineAccounts)},
)
def pipeline_accounts(
    context: dg.AssetExecutionContext, pipeline_outcomes: pd.DataFrame
) -> dg.MaterializeResult:
    """Each company the pipeline reached per ICP, with its industry, size, revenue, country, technologies
    and signals, how many of its leads booked a meeting and won, and whether it converted."""
    accounts = accounts_of(pipeline_outcomes)
    per_icp = accounts.groupby("icp").agg(accounts=("company_key", "count"), converted=("converted", "sum"))
    metadata: dict[str, Any] = {"accounts": len(accounts), "converted": int(accounts["converted"].sum())}
    for icp, row in per_icp.iterrows():
        metadata[f"{icp}/accounts"] = int(row["accounts"])
        metadata[f"{icp}/converted"] = int(row["converted"])
    metadata["preview"] = dg.MetadataValue.md(
        markdown_table(
            accounts.sort_values(["converted", "meetings"], ascending=False).head(20),
            columns=["icp", "company_key", "industry", "employees_range", "leads", "meetings", "won"],
        )
    )
    return dg.MaterializeResult(value=accounts, metadata=metadata)
