"""A whole product day in the sandbox, recorded and held to the vendors' published documents.

The recording holds what the product really sends, not what a client test chose to call: the vendor check,
one ICP's outbound day with sending switched on (so the campaign runs), the days of replies, bounces and
unsubscribes that follow (sensor, then the reply job per day), the suppression sync, campaign stats, the
safety sensor and its job, and a day of inbound form leads (sensor, then the inbound job). Every exchange
must follow the documents; no deprecated operation may be called, which the sandbox's own usage ledger
shows as well.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
import pytest

from contracts.allowances import allowances
from contracts.openapi_contracts import REPO, distinct, judge, operations_for_route
from resources.sandbox.claude import AnthropicSimulator
from resources.sandbox.sandbox import Exchange, recording
from sales_assets.definitions import build_definitions
from sales_assets.engagement.safety import campaign_safety_sensor
from sales_assets.engagement.sensors import RepliesCursor, replies_sensor
from sales_assets.inbound.sensors import form_leads_sensor
from sales_assets.outbound.enrollment import enrollment_settings_from_env
from sales_assets.outbound.partitions import outbound_partitions

pytestmark = pytest.mark.slow

DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|revops_saas"


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
    env = make_env(tmp_path_factory.mktemp("product-day"))
    # Sending on, so the campaign runs and replies come back; the sandbox still sends nothing anywhere.
    env.resources["enrollment_settings"] = enrollment_settings_from_env({"SALES_SENDING_ENABLED": "true"})
    defs = build_definitions(resources=env.resources)
    runs: dict[str, int] = {}

    def run(job: str, **kwargs: Any) -> dg.ExecuteInProcessResult:
        result = defs.resolve_job_def(job).execute_in_process(instance=env.instance, **kwargs)
        assert result.success, job
        runs[job] = runs.get(job, 0) + 1
        return result

    # The clock goes back a week first, so the replies of the following days fall in partitions that exist.
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    with pytest.MonkeyPatch.context() as patch, recording() as log:
        # Tier-1's 50 requests a minute would make the day's copy take minutes; the limit is not under test.
        patch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 5000)
        run("vendor_status_job")
        run("outbound_daily_job", partition_key=PARTITION)
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


def test_the_day_ran_every_stage(product_day: ProductDay) -> None:
    assert {
        "outbound_daily_job",
        "engagement_replies_job",
        "suppression_sync_job",
        "campaign_stats_job",
    } <= set(product_day.runs)
    vendors = {e.vendor for e in product_day.log}
    assert vendors == {"explorium", "hubspot", "lemlist", "anthropic"}


def test_every_exchange_of_the_day_follows_the_published_documents(product_day: ProductDay) -> None:
    verdict = judge(product_day.log, allowances())
    assert len(verdict.checked) > 100
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_the_usage_ledger_shows_no_deprecated_or_undocumented_operation(product_day: ProductDay) -> None:
    """The sandbox's own ledger (one row per simulator route) agrees: every route the day called is a
    documented operation that is not deprecated, and no call fell through to an unknown route."""
    store = product_day.env.sandbox.store
    called = [(u.vendor, u.endpoint) for u in store.usage() if u.vendor != "anthropic" and u.calls]
    assert called
    problems = []
    for vendor, endpoint in called:
        method, _, route = endpoint.partition(" ")
        operations = operations_for_route(vendor, method, route) if route else []
        if not operations:
            if not any(a.excuses_route(vendor, route) for a in allowances()):
                problems.append(f"{vendor} {endpoint}: undocumented")
        elif all(op.deprecated for op in operations):
            problems.append(f"{vendor} {endpoint}: deprecated ({operations[0].document})")
    assert not problems, problems


def test_coverage_report(product_day: ProductDay) -> None:
    """Which documented operations the product calls, written where the closing note and a person can
    read them (`test-artifacts/contract-operations.json`)."""
    verdict = judge(product_day.log, allowances())
    report = {vendor: sorted(verdict.operations(vendor)) for vendor in ("explorium", "hubspot", "lemlist")}
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "contract-operations-product-day.json").write_text(json.dumps(report, indent=2) + "\n")
    assert all(report.values())
