"""The code location: every asset, check, job, schedule and sensor, bound to its resources.

`build_definitions()` takes resource overrides so tests can bind resources to their own sandbox state and
store; `defs` is what `dagster dev -m sales_assets.definitions` and the gRPC code server load. The vendor
resources come from `resources.mode`, which picks the sandbox (default) or live mode from `SALES_MODE`.
What is checked before the load, and the runs started once at start-up, are `sales_assets.startup`'s.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg

from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.campaigns import enrollment_settings_from_env
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.common.run_tags import vendor_tags
from sales_assets.common.seller import seller_settings_from_env
from sales_assets.engagement.activities import lemlist_activities
from sales_assets.engagement.replies import reply_classifications
from sales_assets.engagement.reply_actions import engagement_checks, reply_actions
from sales_assets.engagement.safety import (
    campaign_safety_job,
    campaign_safety_sensor,
    safety_settings_from_env,
)
from sales_assets.engagement.sensors import engagement_replies_job, replies_sensor
from sales_assets.engagement.settings import ReplySettings
from sales_assets.engagement.stats import (
    RecommendationSettings,
    campaign_recommendations,
    campaign_stats,
    campaign_stats_job,
    stats_checks,
)
from sales_assets.engagement.suppression import suppression_job, suppression_list, suppression_schedule
from sales_assets.inbound.assets import INBOUND_ASSETS, inbound_checks
from sales_assets.inbound.sensors import form_leads_sensor, inbound_job
from sales_assets.inbound.settings import inbound_settings_from_env
from sales_assets.operations.vendor_status import vendor_status
from sales_assets.outbound.checks import outbound_read_checks
from sales_assets.outbound.contacts import company_contacts, enriched_contacts
from sales_assets.outbound.copywriting import CopySettings, outreach_copy, outreach_copy_checks
from sales_assets.outbound.crm_sync import crm_sync_checks, crm_sync_results
from sales_assets.outbound.discovery import discovered_companies, scored_companies
from sales_assets.outbound.enrollment import campaign_enrollments, enrollment_checks
from sales_assets.outbound.qualification import qualified_leads
from sales_assets.outbound.reverification import (
    ReverificationSettings,
    email_reverification,
    reverification_checks,
    reverification_job,
)
from sales_assets.schedules import campaign_stats_schedule, outbound_schedules, reverification_schedule
from sales_assets.startup import check_environment

OUTBOUND_ASSETS = [
    discovered_companies,
    scored_companies,
    company_contacts,
    enriched_contacts,
    qualified_leads,
    crm_sync_results,
    outreach_copy,
    campaign_enrollments,
]

#: The reply side: a day of lemlist activities, their labels, and what was done about them.
REPLY_ASSETS = [lemlist_activities, reply_classifications, reply_actions]

vendor_status_job = dg.define_asset_job(
    "vendor_status_job",
    selection=dg.AssetSelection.assets(vendor_status),
    description="Check every vendor credential and what is left of the budgets.",
)

outbound_daily_job = dg.define_asset_job(
    "outbound_daily_job",
    tags=vendor_tags("explorium", "hubspot", "anthropic", "lemlist"),
    selection=dg.AssetSelection.groups("outbound"),
    # The steps form a chain, so a process per step would only add seconds of imports per step; runs of
    # different partitions are what execute in parallel (each its own process, bounded by the pools).
    executor_def=dg.in_process_executor,
    description="One ICP's outbound day: discovery, scoring, contacts, enrichment, the gates, the HubSpot "
    "sync, Claude-written copy and lemlist enrollment (draft unless sending is switched on).",
)

vendor_status_schedule = dg.ScheduleDefinition(
    name="vendor_status_hourly",
    job=vendor_status_job,
    cron_schedule="7 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def default_resources(
    *,
    sandbox_state: str | os.PathLike[str] | None = None,
    store_path: str | os.PathLike[str] | None = None,
    icp_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Every resource the code location binds: the vendors and the seller for the current mode (or an
    explicit sandbox state), the local store, the ICP profile file, and the stages' settings. Tests and
    benchmarks pass their own paths.

    In live mode a missing variable stops the load with one error naming all of them, the vendor keys
    and the seller's together, so one restart fixes everything (`sales_assets.startup.check_environment`)."""
    env = os.environ if environ is None else environ
    check_environment(env)
    return {
        **build_vendor_resources(sandbox_state=sandbox_state, environ=env),
        "seller": seller_settings_from_env(env),
        "pipeline_store": PipelineStoreResource(path=str(store_path) if store_path else None),
        "icp_profiles": IcpProfilesResource(path=str(icp_file) if icp_file else None),
        "copy_settings": CopySettings(),
        "enrollment_settings": enrollment_settings_from_env(environ),
        "inbound_settings": inbound_settings_from_env(environ),
        "reply_settings": ReplySettings(),
        "safety_settings": safety_settings_from_env(environ),
        "recommendation_settings": RecommendationSettings(),
        "reverification_settings": ReverificationSettings(),
    }


def build_definitions(*, resources: Mapping[str, Any] | None = None) -> dg.Definitions:
    bound = default_resources() if resources is None else dict(resources)
    return dg.Definitions(
        assets=[
            vendor_status,
            *OUTBOUND_ASSETS,
            *REPLY_ASSETS,
            suppression_list,
            *INBOUND_ASSETS,
            campaign_stats,
            campaign_recommendations,
            email_reverification,
        ],
        asset_checks=[
            *outbound_read_checks(),
            *crm_sync_checks(),
            *outreach_copy_checks(),
            *enrollment_checks(),
            *engagement_checks(),
            *inbound_checks(),
            *stats_checks(),
            *reverification_checks(),
        ],
        jobs=[
            vendor_status_job,
            outbound_daily_job,
            engagement_replies_job,
            suppression_job,
            inbound_job,
            campaign_stats_job,
            campaign_safety_job,
            reverification_job,
        ],
        schedules=[
            vendor_status_schedule,
            suppression_schedule,
            *outbound_schedules(outbound_daily_job, ICP_PROFILES),
            campaign_stats_schedule(campaign_stats_job),
            reverification_schedule(reverification_job),
        ],
        sensors=[replies_sensor, form_leads_sensor, campaign_safety_sensor],
        resources=bound,
    )


defs = build_definitions()
