"""The insights stage's asset checks: a blocking schema check on every insights asset's frame.

What belongs here: the checks of the assets in `sales_assets/insights/` that are not their own module's
(the copy experiments, look-alike targets and evaluations modules keep theirs beside the asset).
"""

import dagster as dg

from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.insights.schemas import (
    IcpSuggestions,
    PipelineAccounts,
    PipelineBottlenecks,
    PipelineFunnel,
    PipelineLeads,
    PipelineOutcomes,
)

MODELS = {
    "pipeline_leads": PipelineLeads,
    "pipeline_outcomes": PipelineOutcomes,
    "pipeline_funnel": PipelineFunnel,
    "pipeline_accounts": PipelineAccounts,
    "pipeline_bottlenecks": PipelineBottlenecks,
    "icp_suggestions": IcpSuggestions,
}


def insights_schema_checks() -> list[dg.AssetChecksDefinition]:
    """A blocking schema check per asset: a frame that does not fit stops the assets downstream of it."""
    return [schema_check(name, model, partitions_def=daily_partitions) for name, model in MODELS.items()]
