"""The checks of `outreach_copy`: its pandera schema, and `held_back_share`, which stops everything
downstream when more than `max_held_back_share` of a partition's leads was held back (something systemic),
both blocking; and `within_claude_budget`, a warning with the leads the partition's Claude budget left
without copy.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import warnings

import dagster as dg
import pandas as pd

from sales_assets.common.copy_models import OutreachCopy
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import outbound_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.outbound.copy_settings import CopySettings
from sales_assets.outbound.copywriting import outreach_copy

# Partitioned asset checks are "preview" in Dagster 1.13; without them a check would load every partition.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)


@dg.asset_check(
    asset=outreach_copy,
    name="held_back_share",
    blocking=True,
    partitions_def=outbound_partitions,
    description="At most `max_held_back_share` of the partition's leads are held back (copy that failed "
    "the lint or was not valid JSON twice); more means something systemic, so nothing downstream runs.",
)
def held_back_share(
    context: dg.AssetCheckExecutionContext,
    outreach_copy: pd.DataFrame,
    copy_settings: CopySettings,
) -> dg.AssetCheckResult:
    rows = len(outreach_copy)
    held = outreach_copy[outreach_copy["status"] == "held_back"]
    share = len(held) / rows if rows else 0.0
    return dg.AssetCheckResult(
        passed=share <= copy_settings.max_held_back_share,
        metadata={
            "rows": rows,
            "held_back": len(held),
            "written": int((outreach_copy["status"] == "written").sum()),
            "cached": int((outreach_copy["status"] == "cached").sum()),
            "held_back_share": round(share, 4),
            "max_held_back_share": float(copy_settings.max_held_back_share),
            "held_back_preview": dg.MetadataValue.md(
                markdown_table(held, columns=["prospect_id", "email", "attempts", "hold_reason"])
            ),
        },
    )


@dg.asset_check(
    asset=outreach_copy,
    name="within_claude_budget",
    blocking=False,
    partitions_def=outbound_partitions,
    description="Warns, with the rows, when the partition's Claude budget (`daily_budget_usd`) left leads "
    "without copy: they are not enrolled until a run with budget left writes them.",
)
def within_claude_budget(outreach_copy: pd.DataFrame) -> dg.AssetCheckResult:
    over = outreach_copy[outreach_copy["status"] == "over_budget"]
    return dg.AssetCheckResult(
        passed=over.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "over_budget": len(over),
            "preview": dg.MetadataValue.md(
                markdown_table(over, columns=["prospect_id", "email", "hold_reason"])
            ),
        },
    )


def outreach_copy_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking checks of `outreach_copy` (its pandera schema and the held-back share) and the budget
    warning."""
    return [schema_check("outreach_copy", OutreachCopy), held_back_share, within_claude_budget]
