"""The inbound stage's definitions: the form-lead assets and their checks, the sensor that polls HubSpot
(and the webhook's landings) for new submissions, and the job it starts.

What belongs here: every asset, check, job, schedule and sensor of `sales_assets/inbound/`, gathered in
`defs()`, and `settings()`, the stage's own settings resources. The sensor is declared here (name, job,
interval, resources); what a tick does is `sensors.py`'s. `sales_assets/definitions.py` merges the stages'
definitions and binds the resources.
"""

# No `from __future__ import annotations`: Dagster reads the sensor's parameter annotations at definition
# time to find the context and the resources.
from collections.abc import Mapping
from typing import Any

import dagster as dg

from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.inbound.checks import inbound_checks
from sales_assets.inbound.form_submissions import form_submissions
from sales_assets.inbound.inbound_leads import inbound_leads
from sales_assets.inbound.inbound_routing import inbound_routing
from sales_assets.inbound.sensors import poll_form_leads
from sales_assets.inbound.settings import InboundSettings, inbound_settings_from_env

INBOUND_ASSETS = [form_submissions, inbound_leads, inbound_routing]

#: Short enough for the speed-to-lead target (a task within 60 s of the submission at p95).
MINIMUM_INTERVAL_SECONDS = 15

inbound_job = dg.define_asset_job(
    "inbound_job",
    selection=dg.AssetSelection.groups("inbound"),
    # Three short steps in a chain: a process per step would add seconds of imports to the speed to lead.
    executor_def=dg.in_process_executor,
    description="One day of inbound form leads: read and validate the submissions, enrich and tier the "
    "leads, and route each new one to its owner (HubSpot task with a drafted reply) exactly once.",
)


@dg.sensor(
    job=inbound_job,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="New HubSpot submissions of the allow-listed forms (and signed webhook deliveries) -> a run "
    "of the inbound job for each day partition they fall on.",
)
def form_leads_sensor(
    context: dg.SensorEvaluationContext,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    inbound_settings: InboundSettings,
) -> dg.SensorResult:
    return poll_form_leads(context, hubspot, pipeline_store, inbound_settings)


def defs() -> dg.Definitions:
    """The inbound stage, without resources."""
    return dg.Definitions(
        assets=INBOUND_ASSETS, asset_checks=inbound_checks(), jobs=[inbound_job], sensors=[form_leads_sensor]
    )


def settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The inbound stage's own settings resources: the forms, tiers and reply switch (from the environment,
    see `inbound_settings_from_env`)."""
    return {"inbound_settings": inbound_settings_from_env(environ)}
