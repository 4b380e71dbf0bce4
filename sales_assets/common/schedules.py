"""What the stages' schedules share: the kind of job a schedule factory takes, and the UTC instant of a tick.

What belongs here: `JobLike` and `tick_time`. The schedules themselves are their stage's (the `defs.py` of
outbound, engagement and operations). Every schedule names a partition: outbound
`<UTC day of the tick>|<icp>`, stats the day that just ended, re-verification the day of the tick. The run
key is that partition, so two ticks for the same day start one run.
"""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

#: What a schedule starts: an asset job (unresolved until Definitions binds it) or an op job.
JobLike: TypeAlias = "UnresolvedAssetJobDefinition | dg.JobDefinition"


def tick_time(context: dg.ScheduleEvaluationContext) -> datetime:
    """When the tick was scheduled (now, for a tick evaluated by hand), in UTC."""
    when = context.scheduled_execution_time or datetime.now(UTC)
    return when.astimezone(UTC)
