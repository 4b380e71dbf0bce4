"""The scenarios the contract tests record: each vendor client's whole public surface, the simulators'
refusals and faults as the clients meet them, and a whole product day.

What belongs here: the calls, with the arguments the product really sends, and the small tracker that proves
a scenario called every public method. Which exchanges must follow which document is the checkers'
business (`openapi_contracts.py`, `sdk_contracts.py`); the recordings are session fixtures (`conftest.py`).
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anthropic
import pytest
from pydantic import BaseModel

from resources.claude import AnthropicResource, BatchRequest, ClaudeClient
from resources.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
)
from resources.explorium import BusinessFilters, ExploriumClient, ExploriumResource, ProspectFilters
from resources.http import VendorHttpClient
from resources.hubspot import HubSpotClient, HubSpotResource
from resources.hubspot.models import NoteInput, PropertyDefinition, TaskInput
from resources.lemlist import LemlistClient, LemlistResource
from resources.lemlist.models import LeadInput
from resources.sandbox import SANDBOX_API_KEY, Sandbox

MODEL = "claude-haiku-4-5"


def public_methods(cls: type) -> set[str]:
    """The public methods a vendor client class adds over the shared HTTP base: its callable surface."""
    shared = set(dir(VendorHttpClient))
    return {
        name
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in shared
    }


class Tracked:
    """A client whose public method calls are noted, so a test can prove the scenario called each one."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.called: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.called.add(name)
            return attr(*args, **kwargs)

        return call


def _quick(resource: type[Any], path: Path, **fields: Any) -> Any:
    """A client over the in-process sandbox that gives up fast: two attempts, millisecond backoff."""
    fields.setdefault("api_key", SANDBOX_API_KEY)
    return resource(
        sandbox_state=str(path), backoff_base=0.001, backoff_max=0.01, max_attempts=2, **fields
    ).create_client()


def _storm_then_outage(sandbox: Sandbox, vendor: str, call: Any, status: int) -> None:
    """A 429 storm, then a run of 5xx answers, each outlasting the client's retries."""
    sandbox.store.set_faults(vendor, rate_limit_next=2, rate_limit_retry_after=0.01)
    with pytest.raises(RateLimitedError):
        call()
    sandbox.store.set_faults(vendor, server_error_next=2, server_error_status=status)
    with pytest.raises(ServerError):
        call()


# --- Explorium ---------------------------------------------------------------------------------------------


def explorium_client(path: Path, **fields: Any) -> ExploriumClient:
    return _quick(ExploriumResource, path, **fields)


def explorium_surface(client: Any, sandbox: Sandbox) -> None:
    """Every public method of the client once, with arguments the product really sends."""
    world = sandbox.world
    companies = world.companies[:60]
    ids = [c.business_id for c in companies]
    client.credits()
    filters = BusinessFilters(country_code=["us"], company_size=["51-200"], has_website=True)
    client.fetch_businesses(filters, max_results=120)
    list(client.iter_business_pages(filters, page_size=50, max_results=50))
    client.businesses_stats(filters)
    client.autocomplete_businesses(field="linkedin_category", query="soft")
    client.match_businesses([{"name": c.name, "domain": c.domain} for c in companies[:55]])
    client.business_events(
        business_ids=ids[:45],
        event_types=["new_funding_round", "hiring_in_engineering_department"],
        timestamp_from=sandbox.store.now() - timedelta(days=60),
    )
    client.enrich_businesses("firmographics", ids[:55])
    client.enrich_firmographics(ids[:3])
    client.enrich_technographics(ids[:3])
    client.enrich_funding_and_acquisition(ids[:3])
    client.enrich_workforce_trends(ids[:3])
    prospects = ProspectFilters(business_id=ids[:20], job_level=["c-suite", "vice president"], has_email=True)
    found = client.fetch_prospects(prospects, max_results=60)
    list(client.iter_prospect_pages(prospects, page_size=25, max_results=25))
    people = [p.prospect_id for p in found.records]
    client.match_prospects(
        [
            {"full_name": f"{p.first_name} {p.last_name}", "company_name": c.name}
            for p, c in zip(world.people[:5], companies[:5], strict=False)
        ]
    )
    client.enrich_contacts(people[:55])
    client.enrich_prospect_profiles(people[:3])
    now = datetime.now(UTC)
    client.billed_between(now - timedelta(hours=2), now)
    client.credit_aggregation(now - timedelta(days=2), now, mode="timely")


def explorium_refused_requests(path: Path) -> None:
    """Requests made wrong on purpose, to see the simulator refuse them the documented way."""
    with pytest.raises(RecordValidationError):
        explorium_client(path).fetch_businesses({"no_such_filter": {"values": ["x"]}}, max_results=10)
    now = datetime.now(UTC)
    with pytest.raises(RecordValidationError):
        explorium_client(path).credit_aggregation(now - timedelta(days=30), now)  # hourly: 7 days at most


def explorium_error_answers(path: Path, sandbox: Sandbox) -> None:
    """The simulator's refusals and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        explorium_client(path, api_key="not-a-sandbox-key").credits()
    client = explorium_client(path)
    _storm_then_outage(sandbox, "explorium", client.credits, 503)


# --- HubSpot -----------------------------------------------------------------------------------------------


def hubspot_client(path: Path, version: str, **fields: Any) -> HubSpotClient:
    return _quick(HubSpotResource, path, crm_version=version, **fields)


def hubspot_surface(client: Any, sandbox: Sandbox) -> None:
    """Every public method of the client once, with arguments the product really sends."""
    due = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    people = [{"email": f"contract.{i}@pipeline-test.example", "firstname": f"N{i}"} for i in range(3)]
    upserted = client.upsert_contacts(people).results
    client.read_contacts([p["email"] for p in people], properties=["email", "hs_lead_status"])
    client.search_contacts(
        filter_groups=[
            {"filters": [{"propertyName": "email", "operator": "EQ", "value": people[0]["email"]}]}
        ],
        properties=["email"],
    )
    known = sandbox.world.crm_companies[:3]
    client.find_companies_by_domains([c.domain for c in known] + ["contract-new.example"])
    client.search_companies(
        filter_groups=[{"filters": [{"propertyName": "domain", "operator": "EQ", "value": known[0].domain}]}]
    )
    created = client.create_companies([{"name": "Contract Test", "domain": "contract-test.example"}]).results
    client.update_companies({created[0].id: {"industry": "COMPUTER_SOFTWARE"}})
    client.read_companies([created[0].id])
    client.associate_contacts_to_companies([(upserted[0].id, created[0].id), (upserted[1].id, created[0].id)])
    client.read_associations("contacts", [p.id for p in upserted], "companies")
    client.list_associations("companies", created[0].id, "contacts")
    client.create_tasks(
        [
            TaskInput(
                subject="Reply: interested",
                due=due,
                contact_ids=[upserted[0].id],
                company_ids=[created[0].id],
                body="Call back",
                priority="HIGH",
            )
        ]
    )
    client.create_notes(
        [NoteInput(body="Sourced by the pipeline", timestamp=due, contact_ids=[upserted[1].id])]
    )
    client.list_property_groups("contacts")
    client.ensure_property_group("contacts", name="contract_tests", label="Contract tests", display_order=3)
    client.list_properties("contacts")
    client.ensure_properties(
        "contacts",
        [
            PropertyDefinition(
                name="contract_score",
                label="Contract score",
                type="number",
                field_type="number",
                group_name="contract_tests",
            ),
            {
                "name": "contract_tier",
                "label": "Tier",
                "type": "enumeration",
                "fieldType": "select",
                "groupName": "contract_tests",
                "options": [{"label": "A", "value": "A"}, {"label": "B", "value": "B"}],
            },
        ],
    )
    client.list_owners()
    client.account_info()
    client.get_subscription_status(people[0]["email"])
    tasks = client.search_objects("tasks", properties=["hs_task_subject"])
    client.read_objects("tasks", [t.id for t in tasks.results][:5] or ["1"], properties=["hs_task_subject"])
    forms = client.list_forms()
    client.list_form_submissions(forms[0].id)
    portal = sandbox.simulator("hubspot").portal_id  # type: ignore[attr-defined]
    fields = {
        "email": "ada@contract-test.example",
        "firstname": "Ada",
        "lastname": "Lovelace",
        "company": "Contract Test",
        "numemployees": "25-50",
    }
    client.submit_form(portal, forms[0].id, fields, {"pageUri": "https://www.relaypoint.io/demo"})
    deal = {"dealname": "Contract deal", "dealstage": "qualifiedtobuy", "amount": 1200, "closedate": due}
    deals = client.create_deals([deal], contact_ids=[upserted[0].id], company_ids=[created[0].id]).results
    client.update_deals({deals[0].id: {"dealstage": "closedwon"}})
    client.read_deals([deals[0].id])
    client.search_deals()
    client.deal_associations([deals[0].id], "contacts")
    client.funnel_deals()
    client.deal_pipelines()


def hubspot_error_answers(path: Path, sandbox: Sandbox, version: str) -> None:
    """The simulator's refusals, partial failures and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        hubspot_client(path, version, api_key="not-a-sandbox-key").account_info()
    client = hubspot_client(path, version)
    sandbox.store.set_faults("hubspot", partial_failure_rate=0.5)
    client.upsert_contacts([{"email": f"partial.{i}@pipeline-test.example"} for i in range(6)])
    client.read_contacts(["nobody.at.all@pipeline-test.example"])
    sandbox.store.set_faults("hubspot", partial_failure_rate=0.0)
    _storm_then_outage(sandbox, "hubspot", client.list_owners, 502)


# --- lemlist -----------------------------------------------------------------------------------------------


def lemlist_client(path: Path, **fields: Any) -> LemlistClient:
    return _quick(LemlistResource, path, **fields)


def lemlist_surface(client: Any, sandbox: Sandbox) -> None:
    """Every public method of the client once, with arguments the product really sends."""
    people = sandbox.world.people[:6]
    client.team()
    campaign = client.create_campaign("Contract outbound", timezone="Europe/Berlin")
    client.get_campaign(campaign.id)
    leads = []
    for person in people:
        added = client.add_lead(
            campaign.id,
            LeadInput(
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                variables={"emailSubject": "Scaling outbound", "emailBody": "Hello " * 40},
            ),
        )
        leads.append(added.lead)
    client.update_lead(campaign.id, leads[0].id, fields={"icebreaker": "Congrats on the round"})
    client.start_campaign(campaign.id)
    sandbox.store.advance(days=4)
    client.list_campaigns()
    client.list_campaigns(status="running")
    client.list_campaign_leads(campaign.id)
    client.get_lead(people[0].email)
    now = sandbox.store.now()
    client.activities(campaign_id=campaign.id, min_date=now - timedelta(days=5), max_date=now)
    client.inbox_messages(leads[0].contact_id)
    client.campaign_stats(campaign.id, start=now - timedelta(days=5), end=now)
    client.campaign_stats_batch([campaign.id, "cam_doesnotexist"], start=now - timedelta(days=5), end=now)
    client.campaign_stats(campaign.id, start=now - timedelta(days=5), end=now, ab_selected="A")
    client.campaign_stats_batch([campaign.id], start=now - timedelta(days=5), end=now, ab_selected="B")
    client.pause_lead(people[1].email, campaign_id=campaign.id)
    client.resume_lead(people[1].email, campaign_id=campaign.id)
    client.mark_interested(people[2].email, campaign_id=campaign.id)
    client.mark_interested(people[2].email)
    client.mark_not_interested(people[3].email, campaign_id=campaign.id)
    client.mark_not_interested(people[3].email)
    client.unsubscribe_lead(campaign.id, people[4].email)
    client.delete_lead(campaign.id, people[5].email)
    client.add_unsubscribe(people[4].email)
    client.add_unsubscribe("@blocked-domain.example")
    client.add_unsubscribes(["bulk.one@example.com", "bulk.two@example.com"])
    client.get_unsubscribe(people[4].email)
    client.is_unsubscribed("someone@blocked-domain.example")
    client.is_unsubscribed("nobody@nowhere.example")
    client.unsubscribe_page(limit=2)
    list(client.iter_unsubscribes())
    client.unsubscribes()
    client.export_unsubscribes()
    client.mark_do_not_contact(leads[1].contact_id)
    client.contact_subscription(leads[1].contact_id)
    client.is_do_not_contact(leads[0].contact_id)
    client.pause_campaign(campaign.id)


def lemlist_error_answers(path: Path, sandbox: Sandbox) -> None:
    """The simulator's refusals and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        lemlist_client(path, api_key="not-a-sandbox-key").team()
    client = lemlist_client(path)
    with pytest.raises(NotFoundError):
        client.get_campaign("cam_doesnotexist")
    other = client.create_campaign("Contract duplicates")
    person = sandbox.world.people[0]
    assert client.add_lead(other.id, LeadInput(email=person.email)).status == "skipped_duplicate"
    _storm_then_outage(sandbox, "lemlist", client.team, 503)


# --- Anthropic ---------------------------------------------------------------------------------------------


class Reply(BaseModel):
    label: str
    reason: str


def anthropic_surface(client: ClaudeClient, sandbox: Sandbox) -> set[str]:
    """Every public method of the client once; returns the names called."""
    called: set[str] = set()

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        called.add(name)
        return getattr(client, name)(*args, **kwargs)

    system = "You label sales replies. Answer as JSON. " * 40
    params = call(
        "message_params",
        model=MODEL,
        system=system,
        messages="Label: 'Sounds good, call me.'",
        max_tokens=200,
        output_schema=Reply,
    )
    result = call(
        "create_message",
        model=MODEL,
        system=system,
        messages="Label: 'Not now.'",
        max_tokens=200,
        output_schema=Reply,
    )
    call("parse_output", result, Reply)
    call(
        "parse_message",
        model=MODEL,
        system=system,
        messages="Label: 'Remove me.'",
        max_tokens=200,
        output_model=Reply,
    )
    call("count_tokens", model=MODEL, system=system, messages="Label: 'Who are you?'")
    call("send_message", params)
    call("list_models")
    batch = call("create_batch", [BatchRequest(custom_id=f"r{i}", params=params) for i in range(3)])
    call("get_batch", batch.id)
    call("list_batches", limit=5)
    sandbox.store.advance(hours=2)
    call("wait_for_batch", batch.id, poll_seconds=0.01, timeout=5)
    call("batch_results", batch.id)
    other = call("create_batch", [BatchRequest(custom_id="c0", params=params)])
    call("cancel_batch", other.id)
    now = datetime.now(UTC)
    call("billed_between", now - timedelta(hours=3), now + timedelta(minutes=1))
    return called


def anthropic_error_answers(path: Path, sandbox: Sandbox) -> None:
    with pytest.raises(AuthenticationError):
        anthropic_client(path, api_key="not-a-sandbox-key").list_models()
    client = anthropic_client(path)
    with pytest.raises(RecordValidationError):
        client.create_message(model=MODEL, system=None, messages=[], max_tokens=10)
    _storm_then_outage(sandbox, "anthropic", client.list_models, 529)
    now = datetime.now(UTC)
    with pytest.raises(AuthenticationError):
        anthropic_client(path, admin_api_key="not-an-admin-key").billed_between(now - timedelta(hours=1), now)
    with pytest.raises(anthropic.BadRequestError):  # 1-minute buckets span at most a day
        client.sdk.with_options(max_retries=0).beta.organization.analytics.usage.list(
            starting_at=now - timedelta(days=3), ending_at=now, time_bucket_width="1m"
        )


def anthropic_client(path: Path, **fields: Any) -> ClaudeClient:
    fields.setdefault("admin_api_key", SANDBOX_API_KEY)
    return _quick(AnthropicResource, path, requests_per_minute=5000, **fields)


# --- simulator routes no client method calls ---------------------------------------------------------------
#
# The simulators serve some documented routes the clients never call (single-object reads, the single enrich
# variants, re-subscribes, ...): a person or an official SDK pointed at the sandbox server can. They are
# called here, with requests the documents accept, so every answer a simulator can give is held to them.


def explorium_routes_beyond_the_client(path: Path, sandbox: Sandbox) -> None:
    client = explorium_client(path)
    company = sandbox.world.companies[0]
    person = next(p for p in sandbox.world.people if p.business_id == company.business_id)
    root = str(client._http.base_url).rstrip("/").removesuffix("/v1")
    client.request("GET", f"{root}/healthcheck/http")
    client.request(
        "POST", "/prospects/stats", json={"filters": {"business_id": {"values": [company.business_id]}}}
    )
    client.request("GET", "/prospects/autocomplete", params={"field": "job_title", "query": "sales"})
    client.request("POST", "/businesses/firmographics/enrich", json={"business_id": company.business_id})
    client.request("POST", "/prospects/contacts_information/enrich", json={"prospect_id": person.prospect_id})
    client.request("POST", "/prospects/profiles/enrich", json={"prospect_id": person.prospect_id})


def hubspot_routes_beyond_the_client(path: Path, sandbox: Sandbox, version: str) -> None:
    client = hubspot_client(path, version)
    objects = "/crm/v3/objects" if version == "v3" else f"/crm/objects/{version}"
    properties = "/crm/v3/properties" if version == "v3" else f"/crm/properties/{version}"
    owners = "/crm/v3/owners" if version == "v3" else f"/crm/owners/{version}"
    links = "/crm/v4/objects" if version == "v3" else f"/crm/objects/{version}"
    batch_links = "/crm/v4/associations" if version == "v3" else f"/crm/associations/{version}"
    tag = version.replace("-", "")
    contact = client.request(
        "POST",
        f"{objects}/contacts",
        json={"properties": {"email": f"single.{tag}@pipeline-test.example"}, "associations": []},
    ).json()
    client.request("GET", f"{objects}/contacts", params={"limit": 5})
    client.request("GET", f"{objects}/contacts/{contact['id']}", params={"properties": "email"})
    client.request(
        "PATCH", f"{objects}/contacts/{contact['id']}", json={"properties": {"firstname": "Single"}}
    )
    company = client.create_companies([{"name": "Single Co", "domain": "single-co.example"}]).results[0]
    client.request("PUT", f"{links}/contacts/{contact['id']}/associations/default/companies/{company.id}")
    client.request(
        "POST",
        f"{batch_links}/contacts/companies/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": contact["id"]},
                    "to": {"id": company.id},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
                }
            ]
        },
    )
    if version == "v3":
        client.request("GET", f"/crm/v4/objects/contacts/{contact['id']}/associations/companies")
    owner = sandbox.world.owners[0]
    client.request("GET", f"{owners}/{owner.id}")
    client.request("GET", f"{properties}/contacts/email")
    client.ensure_property_group("contacts", name="single_group", label="Single group")
    client.request("GET", f"{properties}/contacts/groups/single_group")
    client.request(
        "POST",
        f"{properties}/contacts",
        json={
            "name": f"single_flag_{tag}",
            "label": "Single flag",
            "type": "string",
            "fieldType": "text",
            "groupName": "single_group",
        },
    )
    client.request("GET", f"/marketing/v3/forms/{client.list_forms()[0].id}")


def lemlist_routes_beyond_the_client(path: Path, sandbox: Sandbox) -> None:
    client = lemlist_client(path)
    person = sandbox.world.people[10]
    campaign = client.create_campaign("Routes beyond the client")
    lead = client.add_lead(campaign.id, LeadInput(email=person.email)).lead
    client.request("GET", "/leads", params={"email": person.email})
    client.mark_do_not_contact(lead.contact_id)
    client.request("DELETE", f"/v2/unsubscribes/contacts/{lead.contact_id}")
    client.add_unsubscribe("resubscribe.me@example.com")
    client.request("DELETE", "/v2/unsubscribes/variables/resubscribe.me%40example.com")
    client.request("GET", "/v2/unsubscribes/exports/contacts", headers={"accept": "text/csv"})


def anthropic_routes_beyond_the_client(path: Path, sandbox: Sandbox) -> None:
    client = anthropic_client(path)
    client.sdk.models.retrieve(MODEL)
    params = client.message_params(model=MODEL, system=None, messages="Say hi", max_tokens=20)
    batch = client.create_batch([BatchRequest(custom_id="gone", params=params)])
    client.cancel_batch(batch.id)
    sandbox.store.advance(hours=1)
    client.sdk.messages.batches.delete(batch.id)
