"""The code location loads, validates with Dagster's own CLI, and its assets run against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from resources.mode import build_vendor_resources
from resources.sandbox import Sandbox
from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.common.seller import VARIABLES as SELLER_VARIABLES
from sales_assets.common.seller import live_required_variables
from sales_assets.definitions import build_definitions, defs
from sales_assets.operations.vendor_status import vendor_status
from sales_assets.startup import STARTUP_JOBS

ROOT = Path(__file__).resolve().parents[1]


def test_definitions_load_and_name_their_jobs() -> None:
    dg.Definitions.validate_loadable(defs)
    for job in STARTUP_JOBS:
        assert defs.resolve_job_def(job) is not None
    assert set(defs.resources) >= {
        "explorium",
        "hubspot",
        "lemlist",
        "anthropic",
        "pipeline_store",
        "icp_profiles",
        "seller",
    }
    groups = {spec.group_name for spec in defs.resolve_all_asset_specs()}
    assert groups >= {"operations", "outbound"}


def test_dagster_definitions_validate_passes(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "SANDBOX_STATE": str(tmp_path / "state.sqlite")}
    env.pop("SALES_MODE", None)
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-m", "sales_assets.definitions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_live_mode_without_keys_refuses_to_load(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_ACCESS_TOKEN")) and k not in SELLER_VARIABLES.values()
    }
    env.update({"SALES_MODE": "live", "DAGSTER_HOME": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", "import sales_assets.definitions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    # One error, on one line, names every variable: the vendor keys and the seller's.
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("resources.errors.ConfigurationError")]
    for name in ("EXPLORIUM_API_KEY", "HUBSPOT_ACCESS_TOKEN", "LEMLIST_API_KEY", "ANTHROPIC_API_KEY"):
        assert name in line
    for name in live_required_variables():
        assert name in line


def test_vendor_status_materializes_against_the_sandbox(sandbox_path: Path) -> None:
    resources = build_vendor_resources(environ={}, sandbox_state=sandbox_path)
    result = dg.materialize([vendor_status], resources=resources)
    assert result.success
    frame = result.output_for_node("vendor_status")
    assert list(frame["vendor"]) == ["explorium", "hubspot", "lemlist", "anthropic"]
    assert frame["ok"].all()
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["vendors_ok"].value == 4
    assert metadata["explorium_credits_remaining"].value > 0
    # One authenticated call per vendor, read from the sandbox's own ledger.
    store = Sandbox.at(sandbox_path).store
    assert {v: store.totals(v).calls for v in ("explorium", "hubspot", "lemlist", "anthropic")} == {
        "explorium": 1,
        "hubspot": 1,
        "lemlist": 1,
        "anthropic": 1,
    }


def test_refused_credentials_fail_the_asset_naming_the_variable(sandbox_path: Path) -> None:
    resources = build_vendor_resources(environ={}, sandbox_state=sandbox_path)
    resources["hubspot"] = type(resources["hubspot"])(api_key="wrong", sandbox_state=str(sandbox_path))
    result = dg.materialize([vendor_status], resources=resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "HUBSPOT_ACCESS_TOKEN" in str(failure.event_specific_data.error)


def test_vendor_limits_are_pools_not_run_tags() -> None:
    """Every vendor-calling step claims its vendor's pool, and no job needs a tag for the run queue: a run
    launched from the UI is held to the same limits."""
    import dagster as dg

    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    pools = {pool for k in graph.get_all_asset_keys() for pool in graph.get(k).pools or ()}
    assert pools == {"explorium", "hubspot", "lemlist", "anthropic"}
    for job in defs.resolve_all_job_defs():
        assert not [t for t in job.tags if t.startswith("sales/")], job.name
    assert dg.AssetKey("qualified_leads") in graph.get_all_asset_keys()


def test_the_graph_draws_where_data_flows_between_stages() -> None:
    """Outbound, engagement and inbound are not islands: the gates and the enrollment read the suppression
    list, and the day's activities and stats read the campaigns every ICP enrolled into that day."""
    import dagster as dg

    from sales_assets.definitions import defs

    graph = defs.resolve_asset_graph()

    def parents(key: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(dg.AssetKey(key)).parent_keys}

    assert "suppression_list" in parents("qualified_leads")
    assert "suppression_list" in parents("campaign_enrollments")
    for daily in ("lemlist_activities", "campaign_stats"):
        assert "campaign_enrollments" in parents(daily)
        node = graph.get(dg.AssetKey(daily))
        mapping = graph.get_partition_mapping(dg.AssetKey(daily), dg.AssetKey("campaign_enrollments"))
        upstream = mapping.get_upstream_mapped_partitions_result_for_partitions(
            node.partitions_def.subset_with_partition_keys(["2026-12-02"]),  # type: ignore[union-attr]
            node.partitions_def,
            graph.get(dg.AssetKey("campaign_enrollments")).partitions_def,
        )
        keys = {str(k) for k in upstream.partitions_subset.get_partition_keys()}
        assert keys and all(k.startswith("2026-12-02|") for k in keys)


def test_the_startup_sensor_requests_each_startup_run_once_per_start() -> None:
    """`startup_runs` asks for the vendor check and today's outbound run of every ICP once per start of
    `sales-pipeline up`, each with a run key of the day and its partition, so the UI shows them as launched
    by the sensor and a second start the same day launches nothing twice."""
    from datetime import UTC, datetime

    from sales_assets.startup import startup_requests

    now = datetime(2026, 12, 3, 15, 4, tzinfo=UTC)
    start = "2026-12-03T15:00:00+00:00"
    result = startup_requests(None, start, now)
    assert isinstance(result, dg.SensorResult) and result.cursor == start
    requested = [(r.job_name, r.partition_key, r.run_key) for r in result.run_requests or []]
    assert requested == [
        ("vendor_status_job", None, "startup:2026-12-03:vendor_status_job"),
        *(
            ("outbound_daily_job", f"2026-12-03|{icp}", f"startup:2026-12-03:2026-12-03|{icp}")
            for icp in sorted(ICP_PROFILES)
        ),
    ]
    # No tags of its own: Dagster tags each run with its partition and the sensor that launched it.
    assert all(not r.tags for r in result.run_requests or [])
    assert isinstance(startup_requests(start, start, now), dg.SkipReason)
    later = startup_requests(start, "2026-12-03T18:00:00+00:00", now)
    assert isinstance(later, dg.SensorResult)
    assert [r.run_key for r in later.run_requests or []] == [key for _, _, key in requested]
    # Switched on by hand (no start mark from `up`): one start, then nothing.
    manual = startup_requests(None, None, now)
    assert isinstance(manual, dg.SensorResult) and manual.cursor == "manual"
    assert isinstance(startup_requests("manual", None, now), dg.SkipReason)


def test_the_startup_sensor_runs_by_default_only_under_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from sales_assets.operations.defs import startup_sensor
    from sales_assets.outbound.defs import outbound_daily_job
    from sales_assets.startup import STARTUP_VARIABLE

    monkeypatch.delenv(STARTUP_VARIABLE, raising=False)
    assert defs.resolve_sensor_def("startup_runs").default_status == dg.DefaultSensorStatus.STOPPED
    monkeypatch.setenv(STARTUP_VARIABLE, "2026-12-03T15:00:00+00:00")
    sensor = startup_sensor([outbound_daily_job])
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert {job.name for job in sensor.jobs} == set(STARTUP_JOBS)
    with pytest.raises(ValueError, match="start-up sensor needs the jobs"):
        startup_sensor([])
