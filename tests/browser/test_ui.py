"""The Dagster UI of the production stack, as a person uses it, in headless Chromium: the asset graph shows
the product's groups; one partition of an asset launched from its page materializes; the asset page then
shows that materialization's metadata. Screenshots of each step go to test-artifacts/."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from dagster_graphql import DagsterGraphQLClient
from topology.stack import Stack

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
