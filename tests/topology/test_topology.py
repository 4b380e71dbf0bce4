"""The production split, for real: PostgreSQL, the gRPC code server, dagster-webserver and dagster-daemon,
started from the repository's dagster.yaml and workspace.yaml (see `stack.py`). Everything is asserted
through the webserver's GraphQL API with Dagster's own GraphQL client: the instance is the Postgres one
with the queue and the pools of dagster.yaml; a schedule tick run by the daemon and a form lead picked up
by the inbound sensor both end in successful runs whose assets have the rows they should; the daily
outbound job, its last step alone and the reply job run in processes of their own with the pipeline store
in Postgres and asset values in an S3-compatible store, nothing on a shared disk."""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest
import yaml
from dagster_graphql import DagsterGraphQLClient
from topology.stack import BIN, LOCATION, ROOT, SEEDED_SCHEDULE, Stack, asset_objects

from resources.sandbox import Sandbox

pytestmark = [pytest.mark.topology, pytest.mark.slow]

VENDOR_POOLS = ("explorium", "hubspot", "lemlist", "anthropic")

RUNS_QUERY = """
query Runs($filter: RunsFilter) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs { results { runId status jobName creationTime startTime tags { key value } } }
    ... on PythonError { message }
  }
}
"""

MATERIALIZATIONS_QUERY = """
query Materializations($key: AssetKeyInput!) {
  assetOrError(assetKey: $key) {
    __typename
    ... on Asset {
      assetMaterializations(limit: 20) {
        runId
        partition
        metadataEntries {
          label
          __typename
          ... on IntMetadataEntry { intValue }
          ... on FloatMetadataEntry { floatValue }
          ... on MarkdownMetadataEntry { mdStr }
          ... on TextMetadataEntry { text }
        }
      }
    }
  }
}
"""

SENSOR_TICKS_QUERY = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 3) { status timestamp error { message } } } }
  }
}
"""

DONE = {"SUCCESS", "FAILURE", "CANCELED"}


def failed_sensor_tick(client: DagsterGraphQLClient, sensor: str, since: float) -> str | None:
    """The error of the sensor's newest tick since `since`, if that tick failed."""
    selector = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__", "sensorName": sensor}
    data = client._execute(SENSOR_TICKS_QUERY, {"selector": selector})["sensorOrError"]
    assert data["__typename"] == "Sensor", data
    ticks = [t for t in data["sensorState"]["ticks"] if t["timestamp"] >= since]
    if ticks and ticks[0]["status"] == "FAILURE":
        return ticks[0]["error"]["message"] if ticks[0]["error"] else "failed without an error"
    return None


def runs(client: DagsterGraphQLClient, **filters: Any) -> list[dict[str, Any]]:
    tags = filters.pop("tags", {})
    run_filter = {**filters, "tags": [{"key": k, "value": v} for k, v in tags.items()]}
    data = client._execute(RUNS_QUERY, {"filter": run_filter})["runsOrError"]
    assert data["__typename"] == "Runs", data
    return data["results"]


def wait_for_finished_run(
    client: DagsterGraphQLClient, tags: dict[str, str], timeout: float, what: str
) -> dict[str, Any]:
    """The first run with `tags` once it has finished (whatever its status; the caller asserts it)."""
    deadline = time.monotonic() + timeout
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        seen = runs(client, tags=tags)
        finished = [r for r in seen if r["status"] in DONE]
        if finished:
            return finished[-1]
        time.sleep(1.0)
    raise AssertionError(f"no finished run of {what} within {timeout:.0f} s; runs seen: {seen}")


def materializations(client: DagsterGraphQLClient, asset: str) -> list[dict[str, Any]]:
    data = client._execute(MATERIALIZATIONS_QUERY, {"key": {"path": [asset]}})["assetOrError"]
    assert data["__typename"] == "Asset", f"{asset}: {data}"
    return data["assetMaterializations"]


def metadata(materialization: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for entry in materialization["metadataEntries"]:
        for field in ("intValue", "floatValue", "mdStr", "text"):
            if field in entry:
                values[entry["label"]] = entry[field]
    return values


def hubspot_client(stack: Stack) -> Any:
    """The product's HubSpot client on the sandbox every process of the stack shares."""
    from resources.hubspot.resource import HubSpotResource
    from resources.sandbox import SANDBOX_API_KEY

    return HubSpotResource(api_key=SANDBOX_API_KEY, sandbox_state=str(stack.sandbox_state)).create_client()


def submit_demo_request(stack: Stack) -> str:
    """A visitor fills in the sandbox portal's "Request a demo" form (the public submit endpoint, through
    the product's HubSpot client bound to the location's sandbox); returns the email used."""
    client = hubspot_client(stack)
    (form,) = [f for f in client.list_forms() if (f.name or "").lower() == "request a demo"]
    world = Sandbox.at(stack.sandbox_state).simulator("hubspot").world  # type: ignore[attr-defined]
    company = world.companies[3]
    email = f"topology.lead.{int(time.time())}@{company.domain}"
    values = {
        "email": email,
        "firstname": "Ada",
        "lastname": "Topology",
        "company": company.name,
        "jobtitle": "VP Revenue Operations",
        "phone": "+44 20 7946 0000",
        "message": "We would like a demo for our sales team of 40 this quarter.",
    }
    fields = {f.name: values.get(f.name, "Topology test") for f in form.fields}
    client.submit_form(client.account_info().portal_id, form.id, fields, {"pageName": "Request a demo"})
    return email


def test_a_form_lead_is_picked_up_by_the_sensor_and_routed(
    stack: Stack, graphql: DagsterGraphQLClient
) -> None:
    sensors = graphql._execute(
        """{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name } } } } }"""
    )["repositoriesOrError"]["nodes"]
    if "form_leads_sensor" not in {s["name"] for node in sensors for s in node["sensors"]}:
        pytest.skip("the inbound stage (form_leads_sensor) is not in the code location")
    submitted = time.time()
    email = submit_demo_request(stack)
    # The sensor (15 s interval) sees the submission and requests today's inbound run; the queue starts it
    # after the runs it requested before for the sandbox's earlier leads (one run per sensor at a time).
    tags = {"dagster/sensor_name": "form_leads_sensor"}
    deadline = time.monotonic() + 300
    while True:
        error = failed_sensor_tick(graphql, "form_leads_sensor", submitted)
        assert error is None, f"form_leads_sensor failed on its tick after the submission:\n{error}"
        sensor_runs = runs(graphql, tags=tags)
        failed = [r for r in sensor_runs if r["status"] in ("FAILURE", "CANCELED")]
        assert not failed, f"form_leads_sensor runs failed: {failed}"
        requested_after = [r for r in sensor_runs if r["creationTime"] >= submitted]
        if requested_after and all(r["status"] == "SUCCESS" for r in sensor_runs):
            break
        assert time.monotonic() < deadline, f"form_leads_sensor runs not all done within 300 s: {sensor_runs}"
        time.sleep(1.0)
    assert {r["jobName"] for r in sensor_runs} == {"inbound_job"}
    # The lead was routed by a run that started after it arrived: its rows are in that run's assets.
    started_after = {r["runId"] for r in sensor_runs if r["startTime"] and r["startTime"] >= submitted}
    routing = [
        metadata(m) for m in materializations(graphql, "inbound_routing") if m["runId"] in started_after
    ]
    leads = [metadata(m) for m in materializations(graphql, "inbound_leads") if m["runId"] in started_after]
    assert routing and leads, f"no inbound materialization in the runs after the submission {started_after}"
    assert all(m["dagster/row_count"] >= 1 for m in routing + leads)
    assert sum(m["leads_task_created"] for m in routing) >= 1, routing
    assert sum(m["contacts_created"] for m in routing) >= 1, routing
    # In HubSpot the visitor is now a contact with an owner: the form submission alone creates neither.
    contact = hubspot_client(stack).read_contacts([email], properties=["email", "hubspot_owner_id"])
    assert not contact.not_found, f"{email} is not a HubSpot contact after routing"
    (record,) = contact.results
    assert record.get("hubspot_owner_id"), record


def test_the_instance_is_postgres_with_the_queue_and_the_pools(stack: Stack, graphql: DagsterGraphQLClient):
    data = graphql._execute(
        """{ instance {
              info runQueuingSupported
              runQueueConfig { maxConcurrentRuns tagConcurrencyLimitsYaml isOpConcurrencyAware }
              poolConfig { poolGranularity defaultPoolLimit opGranularityRunBuffer }
              daemonHealth { allDaemonStatuses { daemonType healthy } } } }"""
    )["instance"]
    assert "PostgresRunStorage" in data["info"] and "PostgresEventLogStorage" in data["info"]
    assert "PostgresScheduleStorage" in data["info"]
    assert data["runQueuingSupported"]
    production = yaml.safe_load((ROOT / "dagster.yaml").read_text())["concurrency"]
    queue = data["runQueueConfig"]
    assert queue["maxConcurrentRuns"] == production["runs"]["max_concurrent_runs"]
    assert yaml.safe_load(queue["tagConcurrencyLimitsYaml"]) == production["runs"]["tag_concurrency_limits"]
    limited = {limit["key"] for limit in production["runs"]["tag_concurrency_limits"]}
    # Vendor limits are the pools' (below), never run tags a UI launch would lack.
    assert not [key for key in limited if key.startswith("sales/")]
    pools = data["poolConfig"]
    assert pools["poolGranularity"] == "op" and pools["defaultPoolLimit"] == 1
    healthy = {d["daemonType"] for d in data["daemonHealth"]["allDaemonStatuses"] if d["healthy"]}
    assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR"} <= healthy


def test_the_pools_script_sizes_every_vendor_pool(stack: Stack, graphql: DagsterGraphQLClient) -> None:
    script = subprocess.run(
        ["bash", str(ROOT / "deploy" / "pools.sh")],
        env={**stack.env, "DAGSTER": str(BIN / "dagster")},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert script.returncode == 0, script.stdout + script.stderr
    for pool in VENDOR_POOLS:
        info = graphql._execute(
            "query($key: String) { instance { concurrencyLimit(concurrencyKey: $key) "
            "{ concurrencyKey slotCount usingDefaultLimit } } }",
            {"key": pool},
        )["instance"]["concurrencyLimit"]
        assert info["slotCount"] == 1 and info["usingDefaultLimit"] is False, info


def test_a_schedule_tick_runs_through_the_daemon_and_materializes_its_asset(
    stack: Stack, graphql: DagsterGraphQLClient
) -> None:
    # The stack recorded the hourly schedule as running since before its last tick; the daemon, started
    # after, runs that tick (see stack.seed_missed_schedule_tick).
    run = wait_for_finished_run(graphql, {"dagster/schedule_name": SEEDED_SCHEDULE}, 180, SEEDED_SCHEDULE)
    assert run["status"] == "SUCCESS", run
    assert run["jobName"] == "vendor_status_job"
    assert graphql.get_run_status(run["runId"]).value == "SUCCESS"
    (mat,) = [m for m in materializations(graphql, "vendor_status") if m["runId"] == run["runId"]]
    values = metadata(mat)
    assert values["dagster/row_count"] == 4 and values["vendors_ok"] == 4, values
    # The run worker talked to the one sandbox the whole location shares (not a private one of its own).
    usage = Sandbox.at(stack.sandbox_state).store
    assert all(usage.totals(vendor).calls > 0 for vendor in VENDOR_POOLS)


LAUNCH_MUTATION = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { invalidOutputName }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


def launch(
    client: DagsterGraphQLClient, job: str, tags: dict[str, str], assets: list[str] | None = None
) -> str:
    """Launch `job` (only `assets` of it when given) through the webserver, as the UI does; its run id."""
    selector: dict[str, Any] = {
        "repositoryLocationName": LOCATION,
        "repositoryName": "__repository__",
        "jobName": job,
    }
    if assets is not None:
        selector["assetSelection"] = [{"path": [asset]} for asset in assets]
    params = {
        "selector": selector,
        "runConfigData": {},
        "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
    }
    result = client._execute(LAUNCH_MUTATION, {"params": params})["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    return result["run"]["runId"]


def finished(client: DagsterGraphQLClient, run_id: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (run,) = runs(client, runIds=[run_id])
        if run["status"] in DONE:
            return run["status"]
        time.sleep(1.0)
    raise AssertionError(f"run {run_id} not finished within {timeout:.0f} s")


def test_the_daily_and_reply_jobs_keep_their_state_in_postgres_and_their_values_in_the_object_store(
    stack: Stack, graphql: DagsterGraphQLClient
) -> None:
    from resources.pipeline_store import EnrollmentLedger, SpendLedger, open_database

    day = time.strftime("%Y-%m-%d", time.gmtime())
    icp = "revops_saas"
    partition = f"{day}|{icp}"
    tags = {"dagster/partition": partition, "dagster/partition/icp": icp, "dagster/partition/day": day}
    daily = launch(graphql, "outbound_daily_job", tags)
    # The reply job of the same day at the same time, in a process of its own, on the same store.
    replies = launch(graphql, "engagement_replies_job", {"dagster/partition": day})
    assert finished(graphql, daily, 420) == "SUCCESS", stack.log_tails()
    store = open_database(stack.env["SALES_STORE_URL"])
    assert store.schema == "sales_store"
    spend = SpendLedger(store)
    paid = spend.spent(partition=partition)
    assert paid > 0
    enrolled = EnrollmentLedger(store).entries()
    assert len(enrolled), "the daily run enrolled nobody"
    objects = asset_objects(stack)
    for asset in ("qualified_leads", "outreach_copy", "campaign_enrollments"):
        assert [key for key in objects if key.startswith(f"runs/{asset}/")], (asset, objects)
    # The last step alone, in a run process of its own: its inputs can only come from the object store
    # (no process shares a disk with another), and the store's ledgers keep it from enrolling anyone twice.
    again = launch(graphql, "outbound_daily_job", tags, assets=["campaign_enrollments"])
    assert finished(graphql, again, 300) == "SUCCESS", stack.log_tails()
    assert len(EnrollmentLedger(store).entries()) == len(enrolled)
    assert spend.spent(partition=partition) == paid
    assert finished(graphql, replies, 300) == "SUCCESS", stack.log_tails()
    assert [key for key in asset_objects(stack) if key.startswith("runs/reply_classifications/")]
    assert not (stack.root / "store").exists()
    store.close()
