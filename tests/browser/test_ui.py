"""The Dagster UI of the production stack, as a person uses it, in headless Chromium: the asset graph shows
the product's groups and the edges between them; one partition of an asset launched from its page
materializes; the asset page then shows that materialization's metadata; the stack's equivalent of
`sales-pipeline up` (the sandbox in demo mode, the `startup_runs` sensor switched on) gives the engagement
group a materialization with data and the day's outbound summary one plot per ICP. Screenshots of each step
go to test-artifacts/."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dagster_graphql import DagsterGraphQLClient
from topology.stack import LOCATION, ROOT, Stack

from sales_assets.common.partitions import ICP_PROFILES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GROUPS = ("outbound", "operations", "inbound", "engagement")
ASSET = "discovered_companies"
ICP = "revops_saas"


def test_the_asset_graph_shows_the_product_groups(stack: Stack, page: Any, artifacts: Path) -> None:
    page.goto(f"{stack.url}/asset-groups")
    for group in GROUPS:
        page.get_by_text(group, exact=True).first.wait_for()
    # The graph's group boxes say how many assets each holds.
    page.get_by_text(re.compile(r"^\d+ assets?")).first.wait_for()
    page.get_by_text("fetching statuses").first.wait_for(state="hidden")
    page.screenshot(path=str(artifacts / "asset-graph.png"))
    shown = page.inner_text("body")
    missing = [group for group in GROUPS if group not in shown]
    assert not missing, f"groups not in the asset graph: {missing}"


#: Edges between stages, as (asset, lineage direction shown on its page, assets of another group at the
#: other end): the suppression list into the gates, every ICP's enrollments into the day's engagement.
CROSS_GROUP_EDGES = (
    ("qualified_leads", "upstream", "engagement", ("suppression_list",)),
    ("campaign_enrollments", "downstream", "engagement", ("lemlist_activities", "campaign_stats")),
)
EDGE = "svg path[marker-end]"


def test_the_asset_graph_draws_the_edges_between_groups(stack: Stack, page: Any, artifacts: Path) -> None:
    page.goto(f"{stack.url}/asset-groups")
    page.get_by_text("outbound", exact=True).first.wait_for()
    page.get_by_text("fetching statuses").first.wait_for(state="hidden")
    # Collapsed, the groups are joined by their edges: outbound -> engagement (enrollments into the day's
    # activities and stats) and engagement -> outbound (the suppression list into the gates).
    wait_for_count(page, EDGE, at_least=2)
    page.screenshot(path=str(artifacts / "asset-graph-edges.png"))
    for asset, direction, group, others in CROSS_GROUP_EDGES:
        page.goto(f"{stack.url}/assets/{asset}?view=lineage&lineageScope={direction}&lineageDepth=1")
        page.get_by_text(group, exact=True).first.wait_for()
        for other in others:
            page.get_by_text(other, exact=True).first.wait_for()
        wait_for_count(page, EDGE, at_least=len(others))
        page.screenshot(path=str(artifacts / f"lineage-{asset}-{direction}.png"))


def test_one_partition_materializes_from_the_ui_and_its_metadata_shows(
    stack: Stack, page: Any, artifacts: Path
) -> None:
    page.goto(f"{stack.url}/assets/{ASSET}")
    page.locator("button", has_text="Materialize").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Latest").click()
    dialog.get_by_text("Select a partition or create one").click()
    page.locator("span", has_text=re.compile(rf"^{ICP}$")).first.click()
    launch = dialog.get_by_role("button", name="Launch 1 run")
    launch.wait_for()
    page.screenshot(path=str(artifacts / "launch-one-partition.png"))
    launch.click()
    toast = page.get_by_text(re.compile(r"Launched run [0-9a-f]{8}"))
    toast.wait_for()
    prefix = re.search(r"Launched run ([0-9a-f]{8})", toast.inner_text()).group(1)  # type: ignore[union-attr]

    # The run goes through the daemon's queue; its page says when it has succeeded.
    client = DagsterGraphQLClient("127.0.0.1", port_number=stack.web_port, timeout=60)
    run = wait_for_run(client, prefix, timeout=240)
    assert run["status"] == "SUCCESS", run
    partition = {t["key"]: t["value"] for t in run["tags"]}["dagster/partition"]
    assert partition.endswith(f"|{ICP}")
    page.goto(f"{stack.url}/runs/{run['runId']}")
    page.get_by_text("Success", exact=True).first.wait_for()
    page.screenshot(path=str(artifacts / "run-succeeded.png"))

    # The asset page shows the materialization's metadata (row count, credits, preview).
    page.goto(f"{stack.url}/assets/{ASSET}?view=events&partition={partition}")
    page.get_by_text("dagster/row_count").first.wait_for()
    page.get_by_text("credits_spent").first.wait_for()
    page.screenshot(path=str(artifacts / "asset-metadata.png"), full_page=True)


def test_startup_gives_engagement_data_and_the_summary_a_plot_per_icp(
    stack: Stack, page: Any, artifacts: Path
) -> None:
    """What `sales-pipeline up` does, on the production stack: the sandbox in demo mode, then a person
    switches the `startup_runs` sensor on; its runs fill the outbound group, the demo starts the campaigns
    they filled, and the replies sensor's run gives `lemlist_activities` rows."""
    demo = [sys.executable, "-m", "resources.sandbox", "--state", str(stack.sandbox_state), "demo"]
    subprocess.run([*demo, "on"], cwd=ROOT, env=stack.env, check=True, capture_output=True, timeout=120)
    client = DagsterGraphQLClient("127.0.0.1", port_number=stack.web_port, timeout=60)
    try:
        page.goto(f"{stack.url}/locations/{LOCATION}/sensors/startup_runs")
        page.get_by_text("Start-up runs:").first.wait_for()
        switch = page.locator("input[type=checkbox]").first
        assert not switch.is_checked(), "startup_runs runs by default outside `sales-pipeline up`"
        page.locator("label:has(input[type=checkbox])").first.click()
        page.wait_for_function("() => document.querySelector('input[type=checkbox]').checked")
        page.screenshot(path=str(artifacts / "startup-sensor-on.png"))

        runs = wait_for_sensor_runs(client, "startup_runs", count=1 + len(ICP_PROFILES), timeout=1500)
        assert {r["jobName"] for r in runs} == {"vendor_status_job", "outbound_daily_job"}
        assert all(r["status"] == "SUCCESS" for r in runs), runs
        day = datetime.now(UTC).date().isoformat()
        keys = {t["value"] for r in runs for t in r["tags"] if t["key"] == "dagster/run_key"}
        assert keys == {f"startup:{day}:vendor_status_job"} | {
            f"startup:{day}:{day}|{icp}" for icp in ICP_PROFILES
        }
        page.goto(f"{stack.url}/runs")
        page.get_by_text("startup_runs").first.wait_for()
        page.screenshot(path=str(artifacts / "startup-runs.png"))

        # The engagement group: the replies sensor's run of the day, with the demo's activities.
        activities = wait_for_materialization(
            client, "lemlist_activities", lambda m: m.get("dagster/row_count", 0) > 0, timeout=900
        )
        partition = activities["partition"]
        page.goto(f"{stack.url}/assets/lemlist_activities?view=events&partition={partition}")
        page.get_by_text("activities_emailsSent").first.wait_for()
        page.screenshot(path=str(artifacts / "engagement-activities.png"), full_page=True)

        # The day's summary: one plot per ICP and measure, each ICP its own line over the days.
        wait_for_materialization(
            client, "outbound_daily_summary", lambda m: m.get("icps_ran") == len(ICP_PROFILES), timeout=600
        )
        page.goto(f"{stack.url}/assets/outbound_daily_summary")
        page.get_by_placeholder("Filter metadata keys").wait_for()
        page.get_by_role("button", name="Plots").click()
        titles = [page.get_by_text(f"{icp}/qualified_leads", exact=True) for icp in sorted(ICP_PROFILES)]
        for title in titles:
            title.first.wait_for()
        # Every figure of every ICP is a chart of its own (7 measures per ICP).
        wait_for_count(page, "canvas", at_least=7 * len(ICP_PROFILES))
        titles[0].first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "summary-plots-per-icp.png"))
    finally:
        # The session's stack is shared with tests/topology: leave it as quiet as it was.
        stop_sensor(client, "startup_runs")
        subprocess.run([*demo, "off"], cwd=ROOT, env=stack.env, check=False, capture_output=True, timeout=120)


def wait_for_count(page: Any, selector: str, *, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = page.locator(selector).count()
        if count >= at_least:
            return count
        time.sleep(0.5)
    raise AssertionError(f"{count} of {selector!r} on {page.url}, expected at least {at_least}")


SENSOR_RUNS_QUERY = """
query SensorRuns($filter: RunsFilter) {
  runsOrError(filter: $filter) { ... on Runs { results { runId jobName status tags { key value } } } }
}
"""


def wait_for_sensor_runs(
    client: DagsterGraphQLClient, sensor: str, *, count: int, timeout: float
) -> list[dict[str, Any]]:
    """The sensor's runs once `count` of them exist and all have finished."""
    deadline = time.monotonic() + timeout
    runs: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        tags = [{"key": "dagster/sensor_name", "value": sensor}]
        runs = client._execute(SENSOR_RUNS_QUERY, {"filter": {"tags": tags}})["runsOrError"]["results"]
        if len(runs) >= count and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
            return runs
        time.sleep(5.0)
    raise AssertionError(f"{sensor}: {count} finished runs expected within {timeout:.0f} s: {runs}")


MATERIALIZATIONS_QUERY = """
query Materializations($key: AssetKeyInput!) {
  assetOrError(assetKey: $key) { ... on Asset { assetMaterializations(limit: 20) {
    partition
    metadataEntries { label ... on IntMetadataEntry { intValue } ... on FloatMetadataEntry { floatValue } }
  } } }
}
"""


def wait_for_materialization(
    client: DagsterGraphQLClient, asset: str, wanted: Any, *, timeout: float
) -> dict[str, Any]:
    """The newest materialization of `asset` whose numeric metadata satisfies `wanted`."""
    deadline = time.monotonic() + timeout
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        data = client._execute(MATERIALIZATIONS_QUERY, {"key": {"path": [asset]}})["assetOrError"]
        seen = []
        for event in data.get("assetMaterializations") or []:
            figures = {
                e["label"]: e.get("intValue", e.get("floatValue"))
                for e in event["metadataEntries"]
                if "intValue" in e or "floatValue" in e
            }
            seen.append({"partition": event["partition"], **figures})
        match = next((m for m in seen if wanted(m)), None)
        if match is not None:
            return match
        time.sleep(5.0)
    raise AssertionError(f"no materialization of {asset} as wanted within {timeout:.0f} s: {seen[:3]}")


def stop_sensor(client: DagsterGraphQLClient, sensor: str) -> None:
    selector = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__", "sensorName": sensor}
    query = "query S($s: SensorSelector!) { sensorOrError(sensorSelector: $s) { ... on Sensor { id } } }"
    found = client._execute(query, {"s": selector})["sensorOrError"]
    if found.get("id"):
        client._execute(
            "mutation Stop($id: String) { stopSensor(id: $id) { __typename } }", {"id": found["id"]}
        )


RUN_QUERY = """
query Runs { runsOrError(limit: 50) { ... on Runs { results { runId status tags { key value } } } } }
"""


def wait_for_run(client: DagsterGraphQLClient, prefix: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    run: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        matches = [
            r for r in client._execute(RUN_QUERY)["runsOrError"]["results"] if r["runId"].startswith(prefix)
        ]
        run = matches[0] if matches else None
        if run and run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            return run
        time.sleep(1.0)
    raise AssertionError(f"run {prefix} launched from the UI did not finish within {timeout:.0f} s: {run}")
