"""The blocking checks of the inbound assets: a schema check per asset (its pandera model, `schemas.py`) and
`nothing_left_behind` on `inbound_routing` (the leads a vendor refused or the run could not finish).
"""

import warnings

import dagster as dg

from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.inbound.schemas import FormSubmissions, InboundLeads, InboundRouting

warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)


def inbound_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema checks of the three inbound assets."""
    return [
        schema_check("form_submissions", FormSubmissions, partitions_def=daily_partitions),
        schema_check("inbound_leads", InboundLeads, partitions_def=daily_partitions),
        schema_check("inbound_routing", InboundRouting, partitions_def=daily_partitions),
        left_behind_check(
            "inbound_routing",
            left_behind=lambda f: f["outcome"] == "failed",
            columns=["conversion_id", "email", "tier", "outcome", "reason"],
            what="form leads",
            partitions_def=daily_partitions,
        ),
    ]
