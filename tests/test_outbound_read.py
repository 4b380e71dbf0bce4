"""The outbound read side, materialized against the sandbox for real partitions: discovery, scoring,
contacts, enrichment and the gates; what each asset holds is compared with the sandbox's own world and
accounting (credits, calls), and crafted bad rows must fail a blocking gate and stop what follows it."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from sales_assets.common.icp import load_icp_profiles
from sales_assets.common.partitions import outbound_partitions
from sales_assets.outbound.checks import lead_gate_check, outbound_read_checks
from sales_assets.outbound.qualification import qualified_leads
from sales_assets.outbound.schemas import LEAD_GATES

ROOT = Path(__file__).resolve().parents[1]
ICP = "revops_saas"
DAY = outbound_partitions.get_partition_keys()[-1].keys_by_dimension["day"]
PARTITION = f"{DAY}|{ICP}"
READ_ASSETS = (
    "discovered_companies",
    "scored_companies",
    "company_contacts",
    "enriched_contacts",
    "qualified_leads",
    "disqualified_leads",
)

pytestmark = pytest.mark.slow


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    events = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    assert events, f"{asset} was not materialized"
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def checks(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}


@pytest.fixture(scope="module")
def first(
    tmp_path_factory: pytest.TempPathFactory, make_env: Callable[..., Any]
) -> Iterator[tuple[Any, dg.ExecuteInProcessResult, float, dict]]:
    env = make_env(tmp_path_factory.mktemp("outbound"))
    before = {v: env.calls(v) for v in ("explorium", "hubspot")}
    credits_before = env.credits()
    result = env.run(PARTITION, through="qualified_leads")
    calls = {v: env.calls(v) - before[v] for v in before}
    yield env, result, env.credits() - credits_before, calls
    env.instance.dispose()


def test_the_read_side_runs_and_every_gate_passes(first) -> None:
    env, result, credits, _ = first
    assert result.success
    evaluations = checks(result)
    expected = {f"{a}:schema" for a in READ_ASSETS} | {f"qualified_leads:gate_{g}" for g in LEAD_GATES}
    assert expected | {"scored_companies:icp_gate"} <= set(evaluations)
    assert all(e.passed for e in evaluations.values())
    # What the assets say they spent is what the sandbox charged.
    spent = sum(metadata(result, a)["credits_spent"] for a in READ_ASSETS[:4])
    assert math.isclose(spent, credits)
    assert math.isclose(env.store.ledger.spent(partition=PARTITION), credits)


def test_discovered_companies_match_the_profile_and_the_world(first) -> None:
    env, result, _, _ = first
    profile = load_icp_profiles()[ICP]
    companies = result.asset_value("discovered_companies")
    assert 0 < len(companies) <= profile.max_companies and companies["business_id"].is_unique
    world = {c.business_id: c for c in env.sandbox.world.companies}
    for row in companies.itertuples():
        truth = world[row.business_id]
        assert truth.industry == row.industry and truth.industry in profile.industries
        assert truth.country_code in profile.countries and row.country_code == truth.country_code
        assert truth.employees_range in profile.employee_ranges and row.domain == truth.domain
    # Every matching company of the world was found (the cap is not reached in this profile).
    matching = {
        c.business_id
        for c in env.sandbox.world.companies
        if c.industry in profile.industries
        and c.country_code in profile.countries
        and c.employees_range in profile.employee_ranges
        and c.website
    }
    assert set(companies["business_id"]) == matching
    md = metadata(result, "discovered_companies")
    assert md["dagster/row_count"] == len(companies) and md["credits_spent"] == len(companies)


def test_scored_companies_explain_the_score_and_pick_the_best(first) -> None:
    env, result, _, _ = first
    profile = load_icp_profiles()[ICP]
    scored = result.asset_value("scored_companies")
    w = profile.weights
    recomputed = (
        w.fit * scored["fit_score"]
        + w.intent * scored["intent_score"]
        + w.reachability * scored["reachability_score"]
        + w.freshness * scored["freshness_score"]
    )
    assert (recomputed.round(4) - scored["icp_score"]).abs().max() < 1e-6
    assert scored["rank"].tolist() == list(range(1, len(scored) + 1))
    assert scored["icp_score"].is_monotonic_decreasing
    selected = scored[scored["selected"]]
    assert 0 < len(selected) <= profile.top_companies
    assert (selected["icp_score"] >= profile.gates.min_icp_score).all()
    # Tech stacks are the world's; signals carry the world's event ids.
    world = {c.business_id: c for c in env.sandbox.world.companies}
    assert selected["tech_known"].all()  # bought for every company that goes on
    # ...and only where it could change the decision: the rest never reach the threshold or are customers.
    not_bought = scored[~scored["tech_known"]]
    assert (
        len(not_bought) > 0
        and not_bought["drop_reason"].isin(["below_icp_threshold", "crm_existing_customer"]).all()
    )
    assert metadata(result, "scored_companies")["credits_spent"] == scored["tech_known"].sum()
    for row in scored.head(20).itertuples():
        if row.tech_known:
            assert sorted(row.tech_stack) == sorted(world[row.business_id].tech_stack)
        assert {s["event_id"] for s in row.signals} <= {s.event_id for s in world[row.business_id].signals}
    # Companies HubSpot holds as customers are dropped, whatever their score.
    crm = {c.domain: c for c in env.sandbox.world.crm_companies}
    customers = scored[
        scored["domain"].map(lambda d: d in crm and crm[d].lifecyclestage in ("customer", "opportunity"))
    ]
    assert len(customers) > 0 and (customers["drop_reason"] == "crm_existing_customer").all()
    assert (scored["signal_count"] > 0).sum() > 0 and scored["why_now_event"].notna().sum() > 0
    # The CRM lookup is batched: calls grow with the candidates, never one per company.
    assert metadata(result, "scored_companies")["hubspot_calls"] <= math.ceil(len(scored) / 100) * 2


def test_company_contacts_respect_the_cap_and_the_seniorities(first) -> None:
    _, result, _, _ = first
    profile = load_icp_profiles()[ICP]
    scored = result.asset_value("scored_companies")
    contacts = result.asset_value("company_contacts")
    assert set(contacts["business_id"]) <= set(scored.loc[scored["selected"], "business_id"])
    assert set(contacts["job_level"]) <= set(profile.seniorities)
    chosen = contacts[contacts["selected"]]
    assert chosen.groupby("business_id").size().max() <= profile.contacts_per_company
    assert (chosen["contact_score_max"] >= profile.gates.min_contact_score).all()
    capped = contacts[contacts["drop_reason"] == "over_company_cap"]
    for row in capped.itertuples():  # a capped contact never outranks a chosen one at its company
        assert (
            row.contact_score_max
            <= chosen.loc[chosen["business_id"] == row.business_id, "contact_score_max"].min()
        )


def test_enriched_contacts_carry_verified_details_and_sourced_intelligence(first) -> None:
    env, result, _, _ = first
    enriched = result.asset_value("enriched_contacts")
    contacts = result.asset_value("company_contacts")
    assert set(enriched["prospect_id"]) == set(contacts.loc[contacts["selected"], "prospect_id"])
    people = {p.prospect_id: p for p in env.sandbox.world.people}
    for row in enriched.itertuples():
        truth = people[row.prospect_id]
        assert row.email == truth.email.lower()
        assert row.email_status == truth.email_status  # valid, catch-all, invalid or unknown (no status)
        assert row.enrichment_status == "enriched" and row.enriched_at is not None
    assert {"valid", "catch-all"} <= set(enriched["email_status"])
    # Bulk enrichment: 50 contacts per call.
    assert metadata(result, "enriched_contacts")["vendor_calls"] == math.ceil(len(enriched) / 50)
    scored = result.asset_value("scored_companies").set_index("business_id")
    with_why = enriched[enriched["why_now"].notna()]
    assert len(with_why) > 0
    for row in with_why.itertuples():
        event_ids = {s["event_id"] for s in scored.at[row.business_id, "signals"]}
        assert row.why_now_source.split(":")[-1] in event_ids
        for item in row.pain_hypotheses + row.personalization_hooks:
            assert 0 < item["confidence"] <= 1 and item["source"]
    assert (
        enriched[["icp_score", "data_quality", "contact_score", "reachability_score"]]
        .apply(lambda s: s.between(0, 1).all())
        .all()
    )


def test_qualified_leads_pass_every_gate_and_the_dropped_say_why(first) -> None:
    env, result, _, _ = first
    profile = load_icp_profiles()[ICP]
    qualified = result.asset_value("qualified_leads")
    dropped = result.asset_value("disqualified_leads")
    enriched = result.asset_value("enriched_contacts")
    assert len(qualified) > 0 and len(qualified) + len(dropped) == len(enriched)
    assert (qualified["email_status"] == "valid").all() and qualified["email"].is_unique
    assert (qualified["icp_score"] >= profile.gates.min_icp_score).all()
    assert (qualified["data_quality"] >= profile.gates.min_data_quality).all()
    # Catch-all and unknown addresses are held back, not sent.
    held = dropped[dropped["email_status"].isin(["catch-all", "unknown"])]
    assert len(held) > 0 and held["failed_gates"].str.contains("deliverable_email").all()
    assert held["detail"].str.contains("held back").all()
    # HubSpot's contacts in a sequence or owned by a rep never qualify.
    crm = {c.email.lower(): c for c in env.sandbox.world.crm_contacts}
    for email in qualified["email"]:
        assert email not in crm or (crm[email].owner_id is None and not crm[email].in_sequence)
    worked = dropped[dropped["email"].map(lambda e: e in crm and bool(crm[e].owner_id or crm[e].in_sequence))]
    assert len(worked) > 0
    assert worked["failed_gates"].str.contains("crm_not_owned|crm_not_in_sequence").all()
    md = metadata(result, "qualified_leads")
    assert md["rows_in"] == len(enriched) and md["dagster/row_count"] == len(qualified)
    assert sum(md[f"dropped_{g}"] for g in LEAD_GATES) == len(dropped)
    assert md["hubspot_calls"] == math.ceil(enriched["email"].notna().sum() / 100)


def test_second_materialization_spends_no_credits_and_a_suppressed_lead_is_dropped(first) -> None:
    env, result, credits, _ = first
    assert credits > 0
    victim = result.asset_value("qualified_leads")["email"].iloc[0]
    env.store.suppression.add("email", victim, reason="unsubscribed", source="test")
    before = env.credits()
    again = env.run(PARTITION, through="qualified_leads")
    assert again.success
    assert env.credits() == before  # read from the sandbox's own accounting
    assert math.isclose(env.store.ledger.spent(partition=PARTITION), credits)
    for asset in READ_ASSETS[:4]:
        md = metadata(again, asset)
        assert md["credits_spent"] == 0 and (md["credits_saved"] > 0 or asset == "scored_companies")
    assert metadata(again, "enriched_contacts")["enrichment_cached"] == len(
        again.asset_value("enriched_contacts")
    )
    dropped = again.asset_value("disqualified_leads").set_index("email")
    assert dropped.at[victim, "drop_reason"] == "not_suppressed"
    assert victim not in set(again.asset_value("qualified_leads")["email"])


def test_the_daily_budget_stops_the_paying_and_says_so(tmp_path: Path, make_env) -> None:
    text = (ROOT / "sales_assets/outbound/icp_profiles.yaml").read_text()
    icp_file = tmp_path / "icp.yaml"
    icp_file.write_text(text.replace("daily_budget_credits: 2500", "daily_budget_credits: 600"))
    env = make_env(tmp_path / "env", icp_file)
    result = env.run(PARTITION, through="qualified_leads")
    assert result.success
    assert 0 < env.credits() <= 600
    enriched = metadata(result, "enriched_contacts")
    assert enriched["budget_exhausted"] is True and enriched["enrichment_over_budget"] > 0
    assert enriched["credits_remaining_today"] < 5  # stopped at the budget, not far under
    dropped = result.asset_value("disqualified_leads")
    assert (dropped["drop_reason"] == "enrichment").sum() == enriched["enrichment_over_budget"]
    env.instance.dispose()


def _crafted_asset(key: str, frame: pd.DataFrame) -> dg.AssetsDefinition:
    @dg.asset(name=key, partitions_def=outbound_partitions, group_name="outbound")
    def _crafted() -> pd.DataFrame:
        return frame

    return _crafted


def test_a_schema_gate_fails_on_crafted_rows_and_stops_downstream(first, tmp_path: Path) -> None:
    env, result, _, _ = first
    bad = result.asset_value("enriched_contacts").copy()
    bad.loc[0, "icp_score"] = 1.7  # out of range
    bad.loc[1, "email_status"] = "probably fine"  # not a status
    crafted = _crafted_asset("enriched_contacts", bad)
    schema = next(
        c
        for c in outbound_read_checks()
        if c.check_keys == {dg.AssetCheckKey(dg.AssetKey("enriched_contacts"), "schema")}
    )
    out = dg.materialize(
        [crafted, schema, qualified_leads],
        partition_key=PARTITION,
        resources=env.resources,
        instance=env.instance,
        raise_on_error=False,
    )
    assert not out.success
    evaluation = checks(out)["enriched_contacts:schema"]
    assert not evaluation.passed
    assert evaluation.metadata["failing_columns"].value == "email_status, icp_score"
    assert evaluation.metadata["failure_cases"].value == 2
    assert not [
        e for e in out.get_asset_materialization_events() if e.asset_key.to_user_string() == "qualified_leads"
    ]


def test_a_lead_gate_fails_on_crafted_rows_and_stops_downstream(first) -> None:
    env, result, _, _ = first
    good = result.asset_value("qualified_leads")
    bad = pd.concat([good, good.iloc[[0]].assign(prospect_id="f" * 40)], ignore_index=True)
    crafted = _crafted_asset("qualified_leads", bad)
    reached: list[int] = []

    @dg.asset(partitions_def=outbound_partitions, deps=["qualified_leads"])
    def downstream_of_leads() -> None:
        reached.append(1)

    out = dg.materialize(
        [crafted, lead_gate_check("unique_email"), downstream_of_leads],
        partition_key=PARTITION,
        resources=env.resources,
        instance=env.instance,
        raise_on_error=False,
    )
    evaluation = checks(out)["qualified_leads:gate_unique_email"]
    assert not evaluation.passed and evaluation.metadata["failing_rows"].value == 1
    assert "f" * 40 in evaluation.metadata["failing_preview"].value
    assert not reached and not out.success


def test_a_malformed_icp_file_stops_the_code_location_naming_file_line_profile_and_field(
    tmp_path: Path,
) -> None:
    text = (ROOT / "sales_assets/outbound/icp_profiles.yaml").read_text()
    bad = tmp_path / "icp.yaml"
    bad.write_text(
        text.replace(
            'employee_ranges: ["201-500", "501-1000", "1001-5000"]', 'employee_ranges: ["201-500", "lots"]'
        )
    )
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if '"lots"' in t)
    env = {**os.environ, "SALES_ICP_FILE": str(bad), "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", "import sales_assets.definitions"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert f"{bad}, line {line}: profile 'fintech_eu', field 'employee_ranges.1'" in done.stderr
