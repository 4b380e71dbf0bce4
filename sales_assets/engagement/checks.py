"""The checks of the reply side: a blocking schema check per asset (`lemlist_activities`,
`reply_classifications`, `reply_actions`, `out_of_office_returns`), `nothing_left_behind` on
`reply_actions` and `out_of_office_returns`, and the deliverability warning. The campaign statistics have
their own (`stats.py`).
"""

import dagster as dg

from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.engagement.activities import LemlistActivities
from sales_assets.engagement.out_of_office import FAILED, OutOfOfficeReturns
from sales_assets.engagement.replies import ReplyClassifications
from sales_assets.engagement.reply_action_run import ReplyActions
from sales_assets.engagement.reply_actions import reply_actions_deliverability


def engagement_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema and left-behind checks of the reply side, and the deliverability warning."""
    return [
        schema_check("lemlist_activities", LemlistActivities, partitions_def=daily_partitions),
        schema_check("reply_classifications", ReplyClassifications, partitions_def=daily_partitions),
        schema_check("reply_actions", ReplyActions, partitions_def=daily_partitions),
        left_behind_check(
            "reply_actions",
            left_behind=lambda f: f["status"].isin(["failed", "partial"]),
            columns=["activity_id", "email", "label", "status", "detail"],
            what="replies, bounces and unsubscribes",
            partitions_def=daily_partitions,
        ),
        reply_actions_deliverability,
        schema_check("out_of_office_returns", OutOfOfficeReturns, partitions_def=daily_partitions),
        left_behind_check(
            "out_of_office_returns",
            left_behind=lambda f: f["status"] == FAILED,
            columns=["email", "campaign_id", "resume_on", "detail"],
            what="leads due back from an absence",
            partitions_def=daily_partitions,
        ),
    ]
