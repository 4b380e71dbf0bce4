"""`outbound_daily_summary`: one row per ICP for a UTC day, so the UI plots each ICP over days.

What belongs here: the asset, its pandera model and check, and `summary_rows`, which reads what the day's
outbound runs recorded: the latest materialization of each outbound asset for each `day|icp` partition
(its row count and a few of its numeric metadata) and the credits of the partition in the spend ledger.
The outbound assets are partitioned `icp x day`, so their own plots put every ICP's days on one axis; this
asset is partitioned by day and writes one metadata figure per ICP and measure
(`revops_saas/qualified_leads`), which Dagster plots as one line per figure over the daily partitions. It
is materialized by `outbound_summary_job` after each successful outbound run of the day (a run-status
sensor in `defs.py`).
"""

from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import ICP_PROFILES, daily_partitions
from sales_assets.common.schemas import schema_check, table_schema

#: (asset, metadata key, column): what each outbound asset contributes; "dagster/row_count" is its rows.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("discovered_companies", "dagster/row_count", "companies"),
    ("enriched_contacts", "dagster/row_count", "contacts"),
    ("qualified_leads", "dagster/row_count", "qualified_leads"),
    ("qualified_leads", "pass_rate", "pass_rate"),
    ("crm_sync_results", "dagster/row_count", "crm_rows"),
    ("campaign_enrollments", "leads_added", "leads_added"),
)
COLUMNS = ["icp", "ran", *dict.fromkeys(column for _, _, column in FIGURES), "credits"]


class OutboundDailySummary(pa.DataFrameModel):
    """One row per ICP profile for the day: whether its outbound run materialized, and its figures."""

    icp: Series[str] = pa.Field(unique=True)
    ran: Series[bool]
    companies: Series[float] = pa.Field(ge=0)
    contacts: Series[float] = pa.Field(ge=0)
    qualified_leads: Series[float] = pa.Field(ge=0)
    pass_rate: Series[float] = pa.Field(ge=0, le=1)
    crm_rows: Series[float] = pa.Field(ge=0)
    leads_added: Series[float] = pa.Field(ge=0)
    credits: Series[float] = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = True


def _number(value: Any) -> float:
    raw = getattr(value, "value", value)
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else 0.0


def summary_rows(
    instance: dg.DagsterInstance, store: PipelineStoreResource, day: str, icps: list[str]
) -> pd.DataFrame:
    """The day's figures per ICP from the instance's materializations and the spend ledger."""
    rows = []
    for icp in icps:
        partition = f"{day}|{icp}"
        row: dict[str, Any] = {"icp": icp, "ran": False}
        latest: dict[str, dg.AssetMaterialization | None] = {}
        for asset in dict.fromkeys(asset for asset, _, _ in FIGURES):
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
            ).records
            latest[asset] = records[0].asset_materialization if records else None
        row["ran"] = any(m is not None for m in latest.values())
        for asset, key, column in FIGURES:
            materialization = latest[asset]
            row[column] = _number(materialization.metadata.get(key)) if materialization is not None else 0.0
        spend = store.ledger.entries(partition=partition)
        row["credits"] = float(spend.loc[~spend["cached"], "credits"].sum()) if len(spend) else 0.0
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


@dg.asset(
    partitions_def=daily_partitions,
    group_name="outbound",
    kinds={"pandas"},
    metadata={"dagster/column_schema": table_schema(OutboundDailySummary)},
    deps=[
        "discovered_companies",
        "enriched_contacts",
        "qualified_leads",
        "crm_sync_results",
        "campaign_enrollments",
    ],
)
def outbound_daily_summary(
    context: dg.AssetExecutionContext, pipeline_store: PipelineStoreResource
) -> dg.MaterializeResult:
    """Each ICP's outbound day in one row (companies, contacts, qualified leads and pass rate, CRM rows,
    leads added to lemlist, credits), with one metadata figure per ICP and measure for the UI's plots."""
    day = context.partition_key
    frame = summary_rows(context.instance, pipeline_store, day, sorted(ICP_PROFILES))
    figures = {
        f"{row['icp']}/{column}": float(row[column])
        for row in frame.to_dict("records")
        for column in COLUMNS[2:]
    }
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            "icps_ran": int(frame["ran"].sum()),
            **figures,
            "preview": dg.MetadataValue.md(markdown_table(frame, columns=COLUMNS)),
        },
    )


def summary_checks() -> list[dg.AssetChecksDefinition]:
    return [schema_check("outbound_daily_summary", OutboundDailySummary, partitions_def=daily_partitions)]
