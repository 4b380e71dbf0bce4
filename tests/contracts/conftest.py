"""The recordings the contract tests judge, made once per session: each vendor client's whole surface (both
HubSpot versions), the simulators' refusals, and a whole product day. See `scenarios.py` for the calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import pytest

from contracts.scenarios import (
    Tracked,
    anthropic_client,
    anthropic_error_answers,
    anthropic_routes_beyond_the_client,
    anthropic_surface,
    explorium_client,
    explorium_error_answers,
    explorium_refused_requests,
    explorium_routes_beyond_the_client,
    explorium_surface,
    hubspot_client,
    hubspot_error_answers,
    hubspot_routes_beyond_the_client,
    hubspot_surface,
    lemlist_client,
    lemlist_error_answers,
    lemlist_routes_beyond_the_client,
    lemlist_surface,
)
from resources.sandbox import Sandbox
from resources.sandbox.claude import AnthropicSimulator
from resources.sandbox.sandbox import Exchange, recording
from sales_assets.common.campaigns import enrollment_settings_from_env
from sales_assets.common.partitions import outbound_partitions
from sales_assets.definitions import build_definitions
from sales_assets.engagement.defs import campaign_safety_sensor, replies_sensor
from sales_assets.engagement.sensors import RepliesCursor
from sales_assets.inbound.defs import form_leads_sensor


@dataclass
class Traffic:
    """One recording: the exchanges, the client methods the scenario called, and the exchanges of requests
    made wrong on purpose (only their answers are held to the document)."""

    log: list[Exchange]
    called: set[str] = field(default_factory=set)
    refused: list[Exchange] = field(default_factory=list)


@pytest.fixture(scope="session")
def explorium_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("contract-explorium") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(explorium_client(path))
    with recording() as log:
        explorium_surface(client, sandbox)
        explorium_error_answers(path, sandbox)
    with recording() as refused:
        explorium_refused_requests(path)
    return Traffic(log, client.called, refused)


def _hubspot(tmp_path_factory: pytest.TempPathFactory, version: str) -> Traffic:
    path = tmp_path_factory.mktemp(f"contract-hubspot-{version}") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(hubspot_client(path, version))
    with recording() as log:
        hubspot_surface(client, sandbox)
        hubspot_error_answers(path, sandbox, version)
    return Traffic(log, client.called)


@pytest.fixture(scope="session")
def hubspot_v3_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    return _hubspot(tmp_path_factory, "v3")


@pytest.fixture(scope="session")
def hubspot_2026_09_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    return _hubspot(tmp_path_factory, "2026-09")


@pytest.fixture(scope="session")
def lemlist_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("contract-lemlist") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(lemlist_client(path))
    with recording() as log:
        lemlist_surface(client, sandbox)
        lemlist_error_answers(path, sandbox)
    return Traffic(log, client.called)


@pytest.fixture(scope="session")
def anthropic_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("contract-anthropic") / "state.sqlite"
    sandbox = Sandbox.at(path)
    with pytest.MonkeyPatch.context() as patch, recording() as log:
        # Tier-1's 50 requests a minute is not under test here.
        patch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 5000)
        called = anthropic_surface(anthropic_client(path), sandbox)
        anthropic_error_answers(path, sandbox)
    return Traffic([e for e in log if e.vendor == "anthropic"], called)


@pytest.fixture(scope="session")
def beyond_the_clients_traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    """The documented routes the simulators serve and no client method calls (see `scenarios.py`)."""
    path = tmp_path_factory.mktemp("contract-beyond") / "state.sqlite"
    sandbox = Sandbox.at(path)
    with pytest.MonkeyPatch.context() as patch, recording() as log:
        patch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 5000)
        explorium_routes_beyond_the_client(path, sandbox)
        for version in ("v3", "2026-09"):
            hubspot_routes_beyond_the_client(path, sandbox, version)
        lemlist_routes_beyond_the_client(path, sandbox)
        anthropic_routes_beyond_the_client(path, sandbox)
    return Traffic(log)


@dataclass
class ProductDay:
    env: Any
    log: list[Exchange]
    runs: dict[str, int]


def _sense(sensor: dg.SensorDefinition, env: Any, cursor: str | None = None) -> Any:
    with dg.build_sensor_context(cursor=cursor, resources=env.resources, instance=env.instance) as context:
        return sensor(context)


@pytest.fixture(scope="session")
def product_day(
    tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]
) -> Iterator[ProductDay]:
    """What the product really sends in a day: the vendor check, one ICP's outbound day with sending on (so
    the campaign runs and replies come back; the sandbox sends nothing anywhere), the replies days that
    follow (sensor, then the reply job per day), the suppression sync, campaign stats, the safety sensor and
    its job, and the inbound form leads (sensor, then the inbound job)."""
    env = make_env(tmp_path_factory.mktemp("contract-product-day"))
    env.resources["enrollment_settings"] = enrollment_settings_from_env({"SALES_SENDING_ENABLED": "true"})
    defs = build_definitions(resources=env.resources)
    runs: dict[str, int] = {}
    day = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]

    def run(job: str, **kwargs: Any) -> None:
        result = defs.resolve_job_def(job).execute_in_process(instance=env.instance, **kwargs)
        assert result.success, job
        runs[job] = runs.get(job, 0) + 1

    # The clock goes back a week first, so the replies of the following days fall in partitions that exist.
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    with pytest.MonkeyPatch.context() as patch, recording() as log:
        # Tier-1's 50 requests a minute would make the day's copy take minutes; the limit is not under test.
        patch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 5000)
        run("vendor_status_job")
        run("outbound_daily_job", partition_key=f"{day}|revops_saas")
        env.sandbox.store.advance(days=6)
        replies = _sense(replies_sensor, env, RepliesCursor(after=started).dump())
        assert isinstance(replies, dg.SensorResult) and replies.run_requests
        for request in replies.run_requests:
            run("engagement_replies_job", partition_key=request.partition_key, tags=request.tags)
        run("suppression_sync_job")
        run("campaign_stats_job", partition_key=env.sandbox.store.now().date().isoformat())
        safety = _sense(campaign_safety_sensor, env)
        for request in getattr(safety, "run_requests", None) or []:
            run("campaign_safety_job", run_config=request.run_config, tags=request.tags)
        leads = _sense(form_leads_sensor, env)
        for request in getattr(leads, "run_requests", None) or []:
            run("inbound_job", partition_key=request.partition_key, tags=request.tags)
    yield ProductDay(env, log, runs)
    env.instance.dispose()
