"""Deals through the HubSpot client against the simulator: create, read, update, search with paging,
associations with contacts and companies, the default pipeline, the calculated won flag; and the deal
engine, which opens and closes deals on the sandbox clock for the planted outcomes of contacts the pipeline
synced to HubSpot and enrolled in lemlist."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resources.hubspot import HubSpotClient, HubSpotResource
from resources.hubspot.deals import DEAL_PROPERTIES
from resources.lemlist import LeadInput, LemlistResource
from resources.sandbox import Sandbox
from resources.sandbox.meetings import VARIANT_FIELD
from resources.sandbox.outcomes import Outcome, outcome_for
from resources.sandbox.world import Person

STAGES = [
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
]


@pytest.fixture(params=["v3", "2026-09"])
def client(sandbox: Sandbox, sandbox_path: Path, request: pytest.FixtureRequest) -> Iterator[HubSpotClient]:
    settings: dict[str, object] = {"read_timeout": 5.0, "backoff_base": 0.01, "backoff_max": 0.05}
    resource = HubSpotResource(
        api_key="sandbox-key",
        sandbox_state=str(sandbox_path),
        crm_version=request.param,
        **settings,  # type: ignore[arg-type]
    )
    hubspot = resource.get_client()
    yield hubspot
    hubspot.close()


def _contact_and_company(client: HubSpotClient, tag: str) -> tuple[str, str]:
    contact = client.upsert_contacts([{"email": f"{tag}@deals-test.example", "firstname": "Ada"}]).results[0]
    company = client.create_companies([{"name": f"{tag} Co", "domain": f"{tag}.example"}]).results[0]
    return contact.id, company.id


def test_deals_are_created_read_updated_and_searched_in_batches(client: HubSpotClient) -> None:
    contact_id, company_id = _contact_and_company(client, "crud")
    inputs = [
        {
            "dealname": f"Deal {i}",
            "dealstage": "closedwon" if i % 3 == 0 else "qualifiedtobuy",
            "amount": 1000 + i,
            "closedate": datetime(2026, 6, 1, tzinfo=UTC),
        }
        for i in range(230)
    ]
    created = client.create_deals(inputs, contact_ids=[contact_id] * 230, company_ids=[company_id] * 230)
    assert created.calls == 3 and not created.errors and len(created.results) == 230
    ids = [d.id for d in created.results]
    first = created.results[0]
    assert first.properties["pipeline"] == "default"

    read = client.read_deals(ids)
    assert read.calls == 3 and len(read.results) == 230
    by_name = {r.properties["dealname"]: r for r in read.results}
    assert by_name["Deal 0"].properties["hs_is_closed_won"] == "true"
    assert by_name["Deal 1"].properties["hs_is_closed_won"] == "false"
    assert set(DEAL_PROPERTIES) <= set(by_name["Deal 1"].properties)

    updated = client.update_deals({by_name["Deal 1"].id: {"dealstage": "closedwon"}})
    assert not updated.errors
    assert client.read_deals([by_name["Deal 1"].id]).results[0].properties["hs_is_closed_won"] == "true"

    won = client.search_deals(
        filter_groups=[{"filters": [{"propertyName": "hs_is_closed_won", "operator": "EQ", "value": "true"}]}]
    )
    assert {r.properties["dealname"] for r in won.results} == {
        f"Deal {i}" for i in range(230) if i % 3 == 0
    } | {"Deal 1"}
    everything = client.search_deals()
    assert everything.calls == 2 and len(everything.results) == 230

    contacts = client.deal_associations(ids, "contacts")
    companies = client.deal_associations(ids, "companies")
    assert all(contacts[i] == [contact_id] for i in ids)
    assert all(companies[i] == [company_id] for i in ids)
    back = client.read_associations("contacts", [contact_id], "deals")
    assert {a.to_id for a in back.results} == set(ids)

    funnel = {d.id: d for d in client.funnel_deals()}
    deal = funnel[by_name["Deal 1"].id]
    assert (deal.stage, deal.is_won, deal.amount) == ("closedwon", True, 1001.0)
    assert deal.contact_ids == [contact_id] and deal.company_ids == [company_id]
    assert deal.closed_at == datetime(2026, 6, 1, tzinfo=UTC)


def test_a_deal_refuses_an_unknown_stage_and_a_written_won_flag(client: HubSpotClient) -> None:
    bad = client.create_deals(
        [
            {"dealname": "Bad stage", "dealstage": "won"},
            {"dealname": "Set flag", "dealstage": "closedwon", "hs_is_closed_won": "true"},
            {"dealstage": "closedwon"},
        ]
    )
    assert not bad.results
    assert len(bad.errors) == 3


def test_the_default_pipeline_has_hubspots_stages_and_probabilities(client: HubSpotClient) -> None:
    pipelines = client.deal_pipelines()
    assert [p.id for p in pipelines] == ["default"]
    stages = pipelines[0].stages
    assert [s.id for s in stages] == STAGES
    assert [s.probability for s in stages] == [0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 0.0]
    assert [s.is_closed for s in stages] == [False] * 5 + [True, True]


# --- the deal engine --------------------------------------------------------------------------------------


def _with_deals(sandbox: Sandbox, count: int, *, won: bool | None = None) -> list[tuple[Person, Outcome]]:
    """World people whose planted outcome, sent variant B, is a deal closed within 120 days."""
    found = []
    for person in sandbox.world.people:
        outcome = outcome_for(sandbox.world, person, "B")
        if outcome.closed_after_hours is None or outcome.closed_after_hours > 120 * 24:
            continue
        if won is not None and outcome.won != won:
            continue
        found.append((person, outcome))
        if len(found) == count:
            return found
    raise AssertionError("the sandbox world has too few planted deals")


def test_planted_meetings_become_deals_on_the_sandbox_clock(sandbox: Sandbox, sandbox_path: Path) -> None:
    winners = _with_deals(sandbox, 1, won=True)
    losers = _with_deals(sandbox, 2, won=False)
    synced = winners + losers[:1]
    unsynced = losers[1]
    hubspot = HubSpotResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    lemlist = LemlistResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    contacts = hubspot.upsert_contacts([{"email": p.email, "firstname": p.first_name} for p, _ in synced])
    ids = {r.email: r.id for r in contacts.results}
    campaign = lemlist.create_campaign("deals")
    for person, _ in [*synced, unsynced]:
        lead = LeadInput(email=person.email, first_name=person.first_name, variables={VARIANT_FIELD: "B"})
        assert lemlist.add_lead(campaign.id, lead).added
    lemlist.start_campaign(campaign.id)
    assert hubspot.funnel_deals() == []

    sandbox.store.advance(days=130)
    deals = hubspot.funnel_deals()
    assert sorted(c for d in deals for c in d.contact_ids) == sorted(ids.values())
    by_contact = {d.contact_ids[0]: d for d in deals}
    winner, loser = by_contact[ids[winners[0][0].email]], by_contact[ids[losers[0][0].email]]
    assert (winner.stage, winner.is_won) == ("closedwon", True)
    assert (loser.stage, loser.is_won) == ("closedlost", False)
    assert winner.amount == winners[0][1].amount
    assert winner.created_at is not None and winner.closed_at is not None
    assert winner.created_at < winner.closed_at <= sandbox.store.now()
    states = {
        r.email: (r.properties["lifecyclestage"], r.properties["hs_lead_status"])
        for r in hubspot.read_contacts(
            list(ids), properties=["email", "lifecyclestage", "hs_lead_status"]
        ).results
    }
    assert states[winners[0][0].email][0] == "customer"
    assert states[losers[0][0].email] == ("opportunity", "BAD_TIMING")

    # A contact the pipeline syncs late gets its deal once it is in HubSpot.
    late = hubspot.upsert_contacts([{"email": unsynced[0].email}]).results[0]
    sandbox.store.advance(hours=2)
    assert any(late.id in d.contact_ids for d in hubspot.funnel_deals())


def test_a_meeting_moves_the_contact_before_any_deal(sandbox: Sandbox, sandbox_path: Path) -> None:
    # One whose deal opens more than a 6-hour step after the meeting.
    person = next(
        p
        for p, o in _with_deals(sandbox, 20)
        if o.deal_after_hours is not None
        and o.meeting_after_hours is not None
        and o.deal_after_hours - o.meeting_after_hours > 12
    )
    hubspot = HubSpotResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    lemlist = LemlistResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    contact = hubspot.upsert_contacts([{"email": person.email}]).results[0]
    campaign = lemlist.create_campaign("meeting")
    lemlist.add_lead(campaign.id, LeadInput(email=person.email, variables={VARIANT_FIELD: "B"}))
    lemlist.start_campaign(campaign.id)
    # The first send waits for the sending window (up to three days over a weekend); the meeting follows
    # the reply by `meeting_after_hours`, the deal comes later still.
    hours = 0.0
    status = None
    while hours < 24 * 14:
        sandbox.store.advance(hours=6)
        hours += 6
        status = hubspot.read_contacts([person.email], properties=["hs_lead_status"]).results[0]
        if status.properties.get("hs_lead_status") == "CONNECTED":
            break
    assert status is not None and status.properties["hs_lead_status"] == "CONNECTED"
    assert status.id == contact.id
    assert hubspot.funnel_deals() == []
    moved = hubspot.read_contacts(
        [person.email], properties=["lifecyclestage", "engagements_last_meeting_booked"]
    ).results[0]
    assert moved.properties["lifecyclestage"] == "salesqualifiedlead"
    booked = datetime.fromisoformat(
        str(moved.properties["engagements_last_meeting_booked"]).replace("Z", "+00:00")
    )
    assert sandbox.store.now() - timedelta(hours=6) <= booked <= sandbox.store.now()
