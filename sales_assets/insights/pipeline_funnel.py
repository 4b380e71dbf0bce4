"""`pipeline_funnel`: counts, conversions and waits per ICP, inbound tier, source, intelligence signal and
copy variant, over the look-back window's leads.

What belongs here: the asset and `funnel_report`, which turns `pipeline_outcomes` into the long frame of
`PipelineFunnel` (one row per dimension and group) with the pure `funnel.py` functions. A lead with several
signals counts once under each of them; a lead with none, or with no variant, is left out of that
dimension rather than put in a catch-all group.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import dagster as dg
import numpy as np
import pandas as pd

from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.insights.funnel import funnel, lead_stages
from sales_assets.insights.schemas import DIMENSIONS, PipelineFunnel

FUNNEL_COLUMNS = list(PipelineFunnel.to_schema().columns)


def stages_of(outcomes: pd.DataFrame) -> pd.DataFrame:
    """`funnel.lead_stages` of the outcomes: a deal row per lead that has one."""
    deals = outcomes.loc[
        outcomes["deal_id"].notna(), ["deal_id", "lead_id", "is_won", "deal_created_at", "closed_at"]
    ]
    return lead_stages(outcomes, deals.rename(columns={"deal_created_at": "created_at"}))


def _response_hours(leads: pd.DataFrame) -> np.ndarray:
    return ((leads["responded_at"] - leads["first_touch_at"]).dt.total_seconds() / 3600.0).to_numpy()


#: What a dimension's funnel reads of each lead (copying only these keeps a million rows cheap).
TIMES = ["first_touch_at", "first_reply_at", "meeting_at", "responded_at"]


def _dimension(outcomes: pd.DataFrame, stages: pd.DataFrame, dimension: str) -> pd.DataFrame:
    if dimension == "signal":
        exploded = outcomes["signals"].explode().dropna()
        rows = outcomes.index.get_indexer(exploded.index)
        leads = outcomes[TIMES].take(rows).assign(signal=exploded.astype(str).to_numpy())
        reached = stages.take(rows)
    else:
        present = outcomes[dimension].notna().to_numpy()
        leads, reached = outcomes.loc[present, [*TIMES, dimension]], stages[present]
    if leads.empty:
        return empty_report()
    leads, reached = leads.reset_index(drop=True), reached.reset_index(drop=True)
    frame = funnel(leads, reached, [dimension]).rename(columns={dimension: "group"})
    frame.insert(0, "dimension", dimension)
    hours = pd.Series(_response_hours(leads))
    responses = hours.groupby(leads[dimension].astype(str).to_numpy()).median()
    frame["response_hours_median"] = frame["group"].map(responses).astype("float64")
    contacted = frame["contacted"].where(frame["contacted"] > 0)
    frame["reply_rate"] = (frame["replied"] / contacted).astype("float64")
    frame["meeting_per_contacted"] = (frame["meeting"] / contacted).astype("float64")
    return frame[FUNNEL_COLUMNS]


def empty_report() -> pd.DataFrame:
    counts = ("leads", "contacted", "replied", "meeting", "deal", "won")
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype=object if c in ("dimension", "group") else "int64" if c in counts else "float64"
            )
            for c in FUNNEL_COLUMNS
        }
    )


def funnel_report(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Every dimension's funnel, one row per group, in `DIMENSIONS` order then by group."""
    if outcomes.empty:
        return empty_report()
    outcomes = outcomes.reset_index(drop=True)
    stages = stages_of(outcomes)
    frames = [_dimension(outcomes, stages, d) for d in DIMENSIONS]
    frame = pd.concat([f for f in frames if len(f)] or [empty_report()], ignore_index=True)
    for column in ("dimension", "group"):
        frame[column] = frame[column].astype(str)
    return frame


def icp_metadata(report: pd.DataFrame) -> dict[str, float | int]:
    """One numeric entry per ICP and figure, so the UI plots each ICP's funnel over the days."""
    out: dict[str, float | int] = {}
    for row in report[report["dimension"] == "icp"].to_dict("records"):
        icp = row["group"]
        for stage in ("leads", "contacted", "replied", "meeting", "won"):
            out[f"{icp}/{stage}"] = int(row[stage])
        for rate in ("reply_rate", "meeting_per_contacted"):
            if pd.notna(row[rate]):
                out[f"{icp}/{rate}"] = round(float(row[rate]), 4)
        if pd.notna(row["reply_hours_median"]):
            out[f"{icp}/reply_hours_median"] = round(float(row["reply_hours_median"]), 2)
    return out


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"pandas"},
    metadata={"dagster/column_schema": table_schema(PipelineFunnel)},
)
def pipeline_funnel(
    context: dg.AssetExecutionContext, pipeline_outcomes: pd.DataFrame
) -> dg.MaterializeResult:
    """Per ICP, inbound tier, source, intelligence signal and copy variant: how many leads reached each
    stage (contacted, replied, meeting, deal, won), the conversion between stages, and the median and p90
    hours from first touch to first reply and to meeting (and, for inbound tiers, to the first response)."""
    report = funnel_report(pipeline_outcomes)
    shown = ["dimension", "group", "leads", "contacted", "replied", "meeting", "won", "reply_rate"]
    return dg.MaterializeResult(
        value=report,
        metadata={
            "leads": len(pipeline_outcomes),
            "groups": len(report),
            **icp_metadata(report),
            "funnel": dg.MetadataValue.md(markdown_table(report, columns=shown)),
        },
    )
