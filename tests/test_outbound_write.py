"""The whole daily outbound job for one partition against the sandbox, end to end: contacts land in
HubSpot, leads land in a draft lemlist campaign with their Claude-written copy as variables, nothing is
sent, and running the partition again spends 0 credits and 0 tokens and duplicates nothing anywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from resources.sandbox.store import Usage
from sales_assets.common.partitions import outbound_partitions

DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|revops_saas"

pytestmark = pytest.mark.slow


def tokens(usage: Usage) -> int:
    return usage.input_tokens + usage.output_tokens + usage.cache_read_tokens + usage.cache_write_tokens


@pytest.fixture(scope="module")
def daily(tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]):
    env = make_env(tmp_path_factory.mktemp("daily"))
    result = env.run(PARTITION)
    assert result.success
    yield env, result
    env.instance.dispose()


def test_one_partition_end_to_end(daily) -> None:
    env, result = daily
    leads = result.asset_value("qualified_leads")
    copy = result.asset_value("outreach_copy").set_index("prospect_id")
    enrolled = result.asset_value("campaign_enrollments").set_index("prospect_id")
    assert len(leads) > 0 and set(copy.index) == set(leads["prospect_id"])
    # Contacts are in HubSpot.
    crm = env.resources["hubspot"].create_client()
    read = crm.read_contacts(list(leads["email"]), properties=["email", "sp_icp_profile"])
    assert not read.not_found and {c.get("sp_icp_profile") for c in read.results} == {"revops_saas"}
    # Leads are in one draft lemlist campaign, with their copy as variables.
    lemlist = env.resources["lemlist"].create_client()
    (campaign_id,) = set(enrolled["campaign_id"])
    assert lemlist.get_campaign(campaign_id).status == "draft"
    added = enrolled[enrolled["outcome"] == "added"]
    assert len(added) > 0
    assert len(lemlist.list_campaign_leads(campaign_id)) == len(added)
    for prospect_id, row in added.head(10).iterrows():
        (stored,) = [s for s in lemlist.get_lead(row["email"]) if s.campaign and s.campaign.id == campaign_id]
        assert stored.variables["emailSubject"] == copy.at[prospect_id, "subject"]
        assert stored.variables["emailBody"] == copy.at[prospect_id, "body"]
    # Draft by default: days pass in the sandbox and nothing is sent.
    env.sandbox.store.advance(days=5)
    assert [a for a in lemlist.activities(campaign_id=campaign_id) if a.type == "emailsSent"] == []


def test_rerun_spends_nothing_and_duplicates_nothing(daily) -> None:
    env, result = daily
    explorium = env.sandbox.store.totals("explorium").credits
    anthropic = tokens(env.sandbox.store.totals("anthropic"))
    lemlist = env.resources["lemlist"].create_client()
    (campaign_id,) = set(result.asset_value("campaign_enrollments")["campaign_id"])
    leads_before = len(lemlist.list_campaign_leads(campaign_id))
    campaigns_before = len(lemlist.list_campaigns())

    again = env.run(PARTITION)
    assert again.success
    assert env.sandbox.store.totals("explorium").credits == explorium
    assert tokens(env.sandbox.store.totals("anthropic")) == anthropic
    assert (again.asset_value("outreach_copy")["status"] != "written").all()
    # What the first run completed is not written again; what it left half-done (a write the sandbox's rate
    # limit refused past its retries on a loaded machine) is repaired, never failed again.
    before = result.asset_value("crm_sync_results")
    left = (
        before[
            (before["outcome"] == "failed")
            | (before["associated"] == False)  # noqa: E712 (None means "no company", not a failure)
            | (
                (before["outcome"] == "created")
                & (before["record_type"] == "contact")
                & ~before["note_created"]
            )
        ]
        .set_index(["record_type", "key"])
        .index
    )
    synced = again.asset_value("crm_sync_results").set_index(["record_type", "key"])
    moved = synced[(synced["outcome"] != "unchanged") & ~synced.index.isin(left)]
    assert moved.empty, moved.reset_index().to_dict("records")
    assert (synced.loc[synced.index.intersection(left), "outcome"] != "failed").all()
    assert len(lemlist.list_campaign_leads(campaign_id)) == leads_before
    assert len(lemlist.list_campaigns()) == campaigns_before
    outcomes = set(again.asset_value("campaign_enrollments")["outcome"])
    assert "added" not in outcomes
    emails = list(again.asset_value("qualified_leads")["email"])
    crm = env.resources["hubspot"].create_client()
    for email in emails[:20]:
        found = crm.search_contacts(
            filter_groups=[{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}]
        )
        assert len(found.results) == 1


def test_the_days_summary_has_one_figure_per_icp_and_follows_each_run(daily) -> None:
    import dagster as dg

    from sales_assets.definitions import build_definitions
    from sales_assets.outbound.defs import outbound_summary_sensor

    env, result = daily
    # The sensor asks for the day's summary after the successful outbound run, once per run.
    run = env.instance.get_run_by_id(result.run_id)
    context = dg.build_run_status_sensor_context(
        sensor_name="outbound_summary_after_each_run",
        dagster_instance=env.instance,
        dagster_run=run,
        dagster_event=env.instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)[
            0
        ].dagster_event,
    )
    request = outbound_summary_sensor(context)
    assert isinstance(request, dg.RunRequest) and request.partition_key == DAY
    assert request.run_key == f"{DAY}:{result.run_id}"

    job = build_definitions(resources=env.resources).resolve_job_def("outbound_summary_job")
    summary = job.execute_in_process(partition_key=DAY, instance=env.instance)
    assert summary.success
    frame = summary.asset_value("outbound_daily_summary").set_index("icp")
    leads = result.asset_value("qualified_leads")
    assert frame.at["revops_saas", "ran"] and frame.at["revops_saas", "qualified_leads"] == len(leads)
    assert frame.at["revops_saas", "credits"] > 0
    assert not frame.drop(index="revops_saas")["ran"].any()
    (materialization,) = summary.asset_materializations_for_node("outbound_daily_summary")
    assert materialization.metadata["revops_saas/qualified_leads"].value == len(leads)
    assert "fintech_eu/qualified_leads" in materialization.metadata
