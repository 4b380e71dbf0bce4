"""`icp_suggestions`: a proposed change to each ICP profile, each line with the counts behind it, and the
whole proposal as a unified diff of the profile file that a person reviews and applies (`git apply`). The
pipeline never applies it.

What belongs here: the asset and `suggestions_frame`. Which values are proposed and how the diff is
written are `suggestions.py`'s; the accounts and whether each converted are `pipeline_accounts`'.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from sales_assets.common.icp import IcpProfile, IcpProfilesResource, icp_file
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.insights.schemas import IcpSuggestions
from sales_assets.insights.settings import InsightsSettings
from sales_assets.insights.suggestions import SuggestionSettings, propose, propose_weights, yaml_diff

SUGGESTION_COLUMNS = list(IcpSuggestions.to_schema().columns)


def suggestions_frame(
    accounts: pd.DataFrame,
    profiles: Mapping[str, IcpProfile],
    text: str,
    settings: SuggestionSettings,
    path: str = "icp_profiles.yaml",
) -> pd.DataFrame:
    """One row per proposed line of every profile, with its evidence and the profile's whole diff."""
    rows: list[dict[str, Any]] = []
    for name in sorted(profiles):
        mine = accounts[accounts["icp"] == name].reset_index(drop=True)
        if mine.empty:
            continue
        converted = mine["converted"].astype(bool)
        changes = propose(profiles[name], mine, converted, settings)
        changes += propose_weights(profiles[name], mine, converted, settings)
        diff = yaml_diff(text, profiles[name], changes, path=path)
        rows.extend(
            {
                "icp": name,
                "field": change.field,
                "action": change.action,
                "value": change.value,
                "converted": change.evidence.converted,
                "accounts": change.evidence.accounts,
                "lift": round(change.evidence.lift, 4),
                "reason": change.reason,
                "diff": diff,
            }
            for change in changes
        )
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
    return frame.astype({"converted": "int64", "accounts": "int64", "lift": "float64"})


@dg.asset(
    partitions_def=daily_partitions,
    group_name="insights",
    kinds={"pandas", "yaml"},
    metadata={"dagster/column_schema": table_schema(IcpSuggestions)},
)
def icp_suggestions(
    context: dg.AssetExecutionContext,
    pipeline_accounts: pd.DataFrame,
    icp_profiles: IcpProfilesResource,
    insights_settings: InsightsSettings,
) -> dg.MaterializeResult:
    """Per ICP profile: industries, sizes, revenues, countries, technologies and signals to add (converters
    have them clearly more often) or to drop (reached many, converted clearly less), signal weights to move
    by their lift, each with its counts, and the proposal as a diff of the profile file. Never applied by
    the pipeline."""
    path = Path(icp_profiles.path or icp_file())
    frame = suggestions_frame(
        pipeline_accounts,
        icp_profiles.profiles(),
        path.read_text(),
        insights_settings.suggestions(),
        path.name,
    )
    metadata: dict[str, Any] = {"lines": len(frame)}
    for icp, group in frame.groupby("icp"):
        metadata[f"{icp}/additions"] = int((group["action"] == "add").sum())
        metadata[f"{icp}/removals"] = int((group["action"] == "remove").sum())
        metadata[f"{icp}/diff"] = dg.MetadataValue.md(f"```diff\n{group['diff'].iloc[0]}```")
    metadata["lines_table"] = dg.MetadataValue.md(
        markdown_table(frame, columns=["icp", "action", "field", "value", "reason"])
    )
    return dg.MaterializeResult(value=frame, metadata=metadata)
