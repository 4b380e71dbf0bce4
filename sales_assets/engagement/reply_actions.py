"""`reply_actions`: what the product does about each labelled reply, bounce and unsubscribe, once.

What belongs here: the asset and its `no_deliverability_alerts` warning check. What each label leads to is
`reply_plans.py`'s; the calls that carry it out, recorded by activity id so nothing is done twice, and the
pandera model of the rows are `reply_action_run.py`'s.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import dagster as dg
import pandas as pd

from resources.errors import AuthenticationError
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.engagement.reply_action_run import STATUSES, ReplyActionRun, ReplyActions
from sales_assets.engagement.reply_plans import ACTIONS
from sales_assets.engagement.settings import ReplySettings


@dg.asset(
    partitions_def=daily_partitions,
    group_name="engagement",
    kinds={"hubspot", "lemlist", "pandas"},
    metadata={"dagster/column_schema": table_schema(ReplyActions)},
    pool="hubspot",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def reply_actions(
    context: dg.AssetExecutionContext,
    reply_classifications: pd.DataFrame,
    hubspot: HubSpotResource,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
    reply_settings: ReplySettings,
    seller: SellerSettings,
) -> dg.MaterializeResult:
    """Tasks for the owners of interested, meeting-seeking, questioning and referring replies; suppression
    for unsubscribes, refusals, wrong people and dead mailboxes; alerts for policy blocks; nothing twice."""
    run = ReplyActionRun(
        hubspot.get_client(),
        lemlist.get_client(),
        pipeline_store,
        reply_settings,
        context.partition_key,
        log=context.log,
        default_owner=seller.default_owner_id,
    )
    try:
        frame = run.run(reply_classifications)
    except AuthenticationError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    failed = frame[frame["status"] == "failed"]
    if len(frame) and len(failed) == len(frame[frame["action"] != "none"]) and len(failed):
        # Every action failing is systemic (a vendor down, a missing scope), not a bad record.
        raise dg.Failure(f"all {len(failed)} reply actions failed; first: {failed['detail'].iloc[0]}")
    actions = frame["action"].value_counts().to_dict()
    statuses = frame["status"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"action_{a}": int(actions.get(a, 0)) for a in ACTIONS},
            **{f"status_{s}": int(statuses.get(s, 0)) for s in STATUSES},
            "tasks_created": int(((frame["status"] == "done") & frame["hubspot_task_id"].notna()).sum()),
            "suppressed": int(frame["suppressed"].sum()),
            "deliverability_alerts": run.alerts,
            "hubspot_calls": run.calls["hubspot"],
            "lemlist_calls": run.calls["lemlist"],
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["email", "label", "action", "status", "detail"])
            ),
        },
    )


@dg.asset_check(
    asset="reply_actions",
    name="no_deliverability_alerts",
    blocking=False,
    partitions_def=daily_partitions,
    description="Warns when a reply shows a policy block (SMTP 5.7.x): the sending domain or IP is refused.",
)
def reply_actions_deliverability(reply_actions: pd.DataFrame) -> dg.AssetCheckResult:
    alerts = reply_actions[reply_actions["action"] == "alert"]
    return dg.AssetCheckResult(
        passed=alerts.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "alerts": len(alerts),
            "preview": dg.MetadataValue.md(markdown_table(alerts, columns=["email", "label", "detail"])),
        },
    )
