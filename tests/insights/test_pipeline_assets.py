"""The insights assets over a sandbox day: every ICP's outbound run (sending on) and the day's inbound
forms, then 100 days of the sandbox clock, so replies, meetings, deals and closes play out; then the
insights job. The funnel is checked against a hand count over the simulator's own records (lemlist leads
and activities, HubSpot contacts, associations and deals), not against the product's readers.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
import pytest

from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.common.icp import icp_file
from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.definitions import build_definitions
from sales_assets.insights.defs import INSIGHTS_ASSETS
from sales_assets.insights.schemas import PipelineFunnel

TODAY = datetime.now(UTC).date().isoformat()
CAMPAIGN_PREFIX = "sales-pipeline "


@dataclass
class Day:
    env: Any
    result: dg.ExecuteInProcessResult

    def output(self, name: str) -> pd.DataFrame:
        return self.result.output_for_node(name)

    def insights(self) -> dg.ExecuteInProcessResult:
        defs = build_definitions(resources=self.env.resources)
        job = defs.resolve_job_def("insights_daily_job")
        return job.execute_in_process(partition_key=TODAY, instance=self.env.instance, raise_on_error=False)


@pytest.fixture(scope="module")
def day(make_env: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> Day:
    env = make_env(tmp_path_factory.mktemp("insights"))
    env.resources["enrollment_settings"] = EnrollmentSettings(sending_enabled=True)
    for icp in sorted(ICP_PROFILES):
        assert env.run(f"{TODAY}|{icp}").success, icp
    # The world's form submissions come all day long: minutes after midnight UTC the day has none yet, so
    # the sandbox clock moves to the day's last hour before the inbound run reads the day's forms.
    late = datetime.fromisoformat(TODAY).replace(tzinfo=UTC) + timedelta(hours=23)
    if env.sandbox.store.now() < late:
        env.sandbox.store.advance(late - env.sandbox.store.now())
    defs = build_definitions(resources=env.resources)
    inbound = defs.resolve_job_def("inbound_job")
    assert inbound.execute_in_process(partition_key=TODAY, instance=env.instance).success
    env.sandbox.store.advance(days=100)
    run = Day(env, None)  # type: ignore[arg-type]
    run.result = run.insights()
    assert run.result.success
    return run


def _hand_count(sandbox: Any, inbound: pd.DataFrame) -> pd.DataFrame:
    """Per ICP, from the simulator's records: leads in the ICP's campaign, those sent an email, those who
    replied, contacts with a meeting booked, with a deal, with a won deal. `inbound` names the inbound
    leads and the ICP each fits (the product's tiering decides that, the simulator cannot); what became of
    them is read from the simulator's HubSpot records like the rest. An inbound lead's first touch is its
    submission; its replies are not in lemlist, so only a meeting marks it replied."""
    store = sandbox.store
    campaigns = {c["_id"]: c["name"][len(CAMPAIGN_PREFIX) :] for c in store.all("lemlist.campaigns")}
    leads = {(lead["campaignId"], lead["email"].lower()) for lead in store.all("lemlist.leads")}
    acts = store.all("lemlist.activities")
    sent = {(a["campaignId"], a["leadEmail"].lower()) for a in acts if a["type"] == "emailsSent"}
    replied = {(a["campaignId"], a["leadEmail"].lower()) for a in acts if a["type"] == "emailsReplied"}
    contacts = {c["properties"].get("email", "").lower(): c for c in store.all("hubspot.contacts")}
    deals = {d["id"]: d for d in store.all("hubspot.deals")}
    deal_of: dict[str, list[dict[str, Any]]] = {}
    for association in store.all("hubspot.associations"):
        if association["fromType"] == "deals" and association["toType"] == "contacts":
            deal = deals.get(association["fromId"])
            if deal is not None:
                deal_of.setdefault(association["toId"], []).append(deal)
    people = [(campaigns[c], c, e) for c, e in leads] + [
        (icp, None, email) for icp, email in zip(inbound["icp"], inbound["email"], strict=True) if icp
    ]
    rows = []
    for icp, campaign_id, email in people:
        contact = contacts.get(email)
        booked = bool(contact and contact["properties"].get("engagements_last_meeting_booked"))
        mine = deal_of.get(contact["id"], []) if contact else []
        won = any(d["properties"].get("dealstage") == "closedwon" for d in mine)
        deal = bool(mine)
        meeting = booked or deal
        rows.append(
            {
                "icp": icp,
                "leads": 1,
                "contacted": campaign_id is None
                or (campaign_id, email) in sent
                or (campaign_id, email) in replied
                or meeting,
                "replied": (campaign_id, email) in replied or meeting,
                "meeting": meeting,
                "deal": deal,
                "won": won,
            }
        )
    return pd.DataFrame(rows).groupby("icp").sum().astype("int64").sort_index()


def test_the_funnel_equals_a_hand_count_over_the_simulators_records(day: Day) -> None:
    report = day.output("pipeline_funnel")
    PipelineFunnel.validate(report)
    ours = report[report["dimension"] == "icp"].set_index("group")
    ours = ours[["leads", "contacted", "replied", "meeting", "deal", "won"]].sort_index()
    ours.index.name = "icp"
    outcomes = day.output("pipeline_outcomes")
    truth = _hand_count(day.env.sandbox, outcomes[outcomes["source"] == "inbound"])
    pd.testing.assert_frame_equal(ours, truth)
    # Something happened at every stage, so the comparison compared something.
    assert truth["replied"].sum() > 0 and truth["contacted"].sum() == truth["leads"].sum()
    # The other dimensions add up to the same leads: by source, and by tier for inbound.
    by_source = report[report["dimension"] == "source"].set_index("group")["leads"]
    assert by_source.to_dict() == outcomes["source"].value_counts().to_dict()
    tiers = report[report["dimension"] == "tier"]
    inbound = outcomes[outcomes["source"] == "inbound"]
    assert int(tiers["leads"].sum()) == len(inbound) > 0
    # Each inbound lead was answered by a task created after its submission.
    answered = inbound.dropna(subset=["responded_at"])
    assert len(answered) and (answered["responded_at"] >= answered["first_touch_at"]).all()


def test_each_icp_is_plotted_over_time_and_every_asset_has_a_blocking_schema_check(day: Day) -> None:
    funnel_metadata = day.result.asset_materializations_for_node("pipeline_funnel")[0].metadata
    for icp in ICP_PROFILES:
        assert isinstance(funnel_metadata[f"{icp}/contacted"], dg.IntMetadataValue), icp
    defs = build_definitions(resources=day.env.resources)
    graph = defs.resolve_asset_graph()
    for asset in INSIGHTS_ASSETS:
        for key in asset.keys:
            checks = [c for c in graph.asset_check_keys if c.asset_key == key and c.name == "schema"]
            assert checks, key
            assert graph.get_check_spec(checks[0]).blocking, key
    evaluations = day.result.get_asset_check_evaluations()
    assert {e.asset_key.to_user_string() for e in evaluations if e.passed} >= {
        k.to_user_string() for a in INSIGHTS_ASSETS for k in a.keys
    }


def test_a_funnel_that_breaks_its_model_is_refused() -> None:
    bad = pd.DataFrame({"dimension": ["planet"], "group": ["mars"]})
    with pytest.raises(pa.errors.SchemaErrors):
        PipelineFunnel.validate(bad, lazy=True)


def test_a_rerun_spends_nothing_and_finds_the_same(day: Day) -> None:
    env = day.env
    before_ledger = len(env.store.ledger.entries())
    before = {v: env.sandbox.store.totals(v) for v in ("explorium", "anthropic")}
    again = day.insights()
    assert again.success
    assert len(env.store.ledger.entries()) == before_ledger
    for vendor, totals in before.items():
        now = env.sandbox.store.totals(vendor)
        assert (now.credits, now.input_tokens, now.output_tokens) == (
            totals.credits,
            totals.input_tokens,
            totals.output_tokens,
        )
    pd.testing.assert_frame_equal(again.output_for_node("pipeline_funnel"), day.output("pipeline_funnel"))


def test_the_icp_suggestions_apply_to_the_profile_file(day: Day, tmp_path: Path) -> None:
    suggestions = day.output("icp_suggestions")
    source = Path(icp_file())
    for diff in suggestions.drop_duplicates("icp")["diff"]:
        (tmp_path / source.name).write_text(source.read_text())
        patch = tmp_path / "change.diff"
        patch.write_text(diff)
        subprocess.run(["git", "apply", "--check", "-p1", str(patch)], cwd=tmp_path, check=True)
    accounts = day.output("pipeline_accounts")
    assert accounts["leads"].sum() == day.output("pipeline_outcomes")["icp"].notna().sum()
