"""The code location: the stages' definitions merged and bound to their resources.

Each stage gathers its assets, checks, jobs, schedules and sensors in its `defs.py`; this module merges them
and binds the resources: the vendors, the seller, the store, the ICP profiles and the campaign settings the
stages share, and each stage's own settings (its `settings()`).

`build_definitions()` takes resource overrides so tests can bind resources to their own sandbox state and
store; `defs` is what `dagster dev -m sales_assets.definitions` and the gRPC code server load. The vendor
resources come from `resources.mode`, which picks the sandbox (default) or live mode from `SALES_MODE`.
What is checked before the load, and the runs started once at start-up, are `sales_assets.startup`'s.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any

import dagster as dg

from resources.asset_values import asset_io_manager
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.campaigns import enrollment_settings_from_env
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.seller import seller_settings_from_env
from sales_assets.engagement import defs as engagement
from sales_assets.inbound import defs as inbound
from sales_assets.insights import defs as insights
from sales_assets.operations import defs as operations
from sales_assets.outbound import defs as outbound
from sales_assets.startup import check_environment

# Dagster 1.13 re-creates every sensor when it binds resources and passes the sensor's (empty) `owners`
# through a beta parameter, so each load warns though no sensor here sets owners: nothing a reader of the
# logs can act on, so this one message (and only it) is not shown.
warnings.filterwarnings(
    "ignore",
    message=r"Parameter `owners` of initializer `SensorDefinition\.__init__` is currently in beta",
    category=dg.BetaWarning,
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
        "enrollment_settings": enrollment_settings_from_env(environ),
        **outbound.settings(environ),
        **inbound.settings(environ),
        **engagement.settings(environ),
        **insights.settings(environ),
        # Asset values: the filesystem unless SALES_ASSET_STORE names an object store every pod reads.
        **asset_io_manager(env),
    }


def build_definitions(*, resources: Mapping[str, Any] | None = None) -> dg.Definitions:
    bound = default_resources() if resources is None else dict(resources)
    return dg.Definitions.merge(
        operations.defs(startup_jobs=[outbound.outbound_daily_job]),
        outbound.defs(),
        engagement.defs(),
        inbound.defs(),
        insights.defs(),
        dg.Definitions(resources=bound),
    )


defs = build_definitions()
