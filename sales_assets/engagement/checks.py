"""The checks of the reply side: a blocking schema check per asset (`lemlist_activities`,
`reply_classifications`, `reply_actions`), `nothing_left_behind` on `reply_actions`, and its
deliverability warning. The campaign statistics have their own (`stats.py`).
"""

import dagster as dg

from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import schema_check
from sales_assets.engagement.activities import LemlistActivities
from sales_assets.engagement.replies import ReplyClassifications
from sales_assets.engagement.reply_action_run import ReplyActions
from sales_assets.engagement.reply_actions import reply_actions_deliverability


def engagement_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema checks of the reply side, and the deliverability warning."""
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
    ]
