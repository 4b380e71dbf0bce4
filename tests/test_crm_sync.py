"""`crm_sync_results` against the sandbox HubSpot: records land with their properties, associations and
notes; a re-run writes nothing and duplicates nothing; a 207 partial failure fails only the records
HubSpot names; a run where everything fails fails loudly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.hubspot.client import HubSpotClient
from sales_assets.common.partitions import outbound_partitions
from sales_assets.outbound.crm_properties import CONTACT_PROPERTIES
from sales_assets.outbound.crm_sync import crm_sync_results

DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|revops_saas"

pytestmark = pytest.mark.slow


def hubspot(env: Any) -> HubSpotClient:
    return env.resources["hubspot"].create_client()


def sync_metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "crm_sync_results"
    ]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def materialize_sync(env: Any, leads: pd.DataFrame) -> dg.ExecuteInProcessResult:
    @dg.asset(name="qualified_leads", partitions_def=outbound_partitions, group_name="outbound")
    def crafted() -> pd.DataFrame:
        return leads

    return dg.materialize(
        [crafted, crm_sync_results],
        partition_key=PARTITION,
        resources=env.resources,
        instance=env.instance,
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]):
    env = make_env(tmp_path_factory.mktemp("crm"))
    result = env.run(PARTITION, through="crm_sync_results")
    assert result.success
    yield env, result
    env.instance.dispose()


def test_contacts_land_with_properties_associations_and_notes(synced) -> None:
    env, result = synced
    leads = result.asset_value("qualified_leads")
    frame = result.asset_value("crm_sync_results")
    contacts = frame[frame["record_type"] == "contact"].set_index("key")
    assert set(contacts.index) == set(leads["email"])
    assert (contacts["outcome"].isin(["created", "updated"])).all()
    client = hubspot(env)
    names = [p.name for p in CONTACT_PROPERTIES]
    read = client.read_contacts(list(leads["email"]), properties=["email", "firstname", *names])
    assert not read.not_found
    by_email = {c.email: c for c in read.results}
    for lead in leads.itertuples():
        record = by_email[lead.email]
        assert record.id == contacts.at[lead.email, "hubspot_id"]
        assert record.get("sp_prospect_id") == lead.prospect_id
        assert abs(float(record.get("sp_icp_score")) - lead.icp_score) < 1e-3
        assert record.get("sp_icp_profile") == "revops_saas"
        if lead.why_now:
            assert record.get("sp_why_now") == lead.why_now
    # Every contact is associated to the company of its domain, and that company is unique by domain.
    companies = frame[frame["record_type"] == "company"].set_index("key")
    sample = leads.drop_duplicates("domain").head(10)
    found = client.find_companies_by_domains(list(sample["domain"]))
    for lead in sample.itertuples():
        assert len(found[lead.domain]) == 1
        links = client.list_associations("contacts", contacts.at[lead.email, "hubspot_id"], "companies")
        assert companies.at[lead.domain, "hubspot_id"] in {a.to_id for a in links}
    created = contacts[contacts["outcome"] == "created"]
    assert len(created) > 0 and created["note_created"].all()
    md = sync_metadata(result)
    assert md["notes_created"] == len(created) and md["associations_made"] == len(contacts)


def test_a_rerun_writes_nothing_and_duplicates_nothing(synced) -> None:
    env, result = synced
    leads = result.asset_value("qualified_leads")
    before = env.sandbox.store.totals("hubspot").calls
    again = env.run(PARTITION, through="crm_sync_results")
    assert again.success
    frame = again.asset_value("crm_sync_results")
    assert (frame["outcome"] == "unchanged").all(), frame[frame["outcome"] != "unchanged"].to_string()
    # The read side looks HubSpot up again (companies by domain, contacts by email); the sync adds nothing.
    assert sync_metadata(again)["hubspot_calls"] == 0
    read_side = env.sandbox.store.totals("hubspot").calls - before
    assert read_side <= 6
    found = hubspot(env).find_companies_by_domains(list(leads["domain"].unique()))
    assert all(len(v) == 1 for v in found.values())


def test_a_partial_failure_fails_those_records_and_a_retry_completes_them(
    tmp_path: Path, make_env: Callable[..., Any], synced
) -> None:
    _, first = synced
    leads = first.asset_value("qualified_leads")
    env = make_env(tmp_path / "partial")
    env.sandbox.store.set_faults("hubspot", partial_failure_rate=0.3)
    result = materialize_sync(env, leads)
    assert result.success
    frame = result.asset_value("crm_sync_results")
    failed = frame[frame["outcome"] == "failed"]
    assert 0 < len(failed) < len(frame)
    assert failed["reason"].str.contains("VALIDATION_ERROR").all()
    assert failed["correlation_id"].notna().all()
    assert (frame.loc[frame["outcome"] != "failed", "hubspot_id"]).notna().all()
    # The failures were not remembered as synced: once HubSpot behaves, a re-run completes them.
    env.sandbox.store.clear_faults("hubspot")
    again = materialize_sync(env, leads).asset_value("crm_sync_results")
    assert (again["outcome"] != "failed").all()
    retried = again.set_index(["record_type", "key"]).loc[
        list(failed.set_index(["record_type", "key"]).index)
    ]
    assert retried["outcome"].isin(["created", "updated"]).all()
    env.instance.dispose()


def test_when_every_record_fails_the_run_fails_loudly(
    tmp_path: Path, make_env: Callable[..., Any], synced
) -> None:
    _, first = synced
    env = make_env(tmp_path / "down")
    env.sandbox.store.set_faults("hubspot", partial_failure_rate=1.0)
    result = materialize_sync(env, first.asset_value("qualified_leads").head(5))
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "every one of" in str(failure.event_specific_data.error)
    env.instance.dispose()
