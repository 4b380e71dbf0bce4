"""The HubSpot client against the HubSpot simulator: batching, 207s, search paging, dedupe by domain,
associations, tasks, properties, form submissions, faults, auth, signatures and the socket server.

Client tests run on both API versions the client speaks: the legacy paths (`crm_version="v3"`: CRM v3,
associations v4) and HubSpot's current date version (`2026-09`), each checked against the endpoint names the
simulator records in its usage ledger."""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from resources.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
)
from resources.hubspot import HubSpotClient, HubSpotResource, NoteInput, PropertyDefinition, TaskInput
from resources.hubspot.client import DAILY_WAIT, SECONDLY_WAIT, TEN_SECONDLY_WAIT
from resources.hubspot.signature import (
    sign_v1,
    sign_v2,
    sign_v3,
    verify_signature,
    verify_signature_v1,
    verify_signature_v2,
    verify_signature_v3,
)
from resources.sandbox import Sandbox
from resources.sandbox.server import SandboxServer
from resources.sandbox.store import SandboxStore
from resources.sandbox.transport import SandboxTransport
from resources.sandbox.world import normalize_domain

#: The usage ledger's endpoint names (the simulator's route patterns) in each API version. Forms and form
#: submissions have no date-versioned document and keep their paths in both.
ENDPOINTS: dict[str, dict[str, str]] = {
    "v3": {
        "upsert": "POST /crm/v3/objects/{objectType}/batch/upsert",
        "create": "POST /crm/v3/objects/{objectType}/batch/create",
        "update": "POST /crm/v3/objects/{objectType}/batch/update",
        "read": "POST /crm/v3/objects/{objectType}/batch/read",
        "search": "POST /crm/v3/objects/{objectType}/search",
        "object": "GET /crm/v3/objects/{objectType}/{objectId}",
        "associate": "POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default",
        "associations": "POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read",
        "properties": "GET /crm/v3/properties/{objectType}",
        "properties_batch": "POST /crm/v3/properties/{objectType}/batch/create",
        "property_post": "POST /crm/v3/properties/{objectType}",
        "groups": "GET /crm/v3/properties/{objectType}/groups",
        "groups_post": "POST /crm/v3/properties/{objectType}/groups",
        "owners": "GET /crm/v3/owners",
        "account": "GET /account-info/v3/details",
        "status": "GET /communication-preferences/v3/status/email/{emailAddress}",
    },
    "2026-09": {
        "upsert": "POST /crm/objects/2026-09/{objectType}/batch/upsert",
        "create": "POST /crm/objects/2026-09/{objectType}/batch/create",
        "update": "POST /crm/objects/2026-09/{objectType}/batch/update",
        "read": "POST /crm/objects/2026-09/{objectType}/batch/read",
        "search": "POST /crm/objects/2026-09/{objectType}/search",
        "object": "GET /crm/objects/2026-09/{objectType}/{objectId}",
        "associate": "POST /crm/associations/2026-09/{fromObjectType}/{toObjectType}/batch/associate/default",
        "associations": "POST /crm/associations/2026-09/{fromObjectType}/{toObjectType}/batch/read",
        "properties": "GET /crm/properties/2026-09/{objectType}",
        "properties_batch": "POST /crm/properties/2026-09/{objectType}/batch/create",
        "property_post": "POST /crm/properties/2026-09/{objectType}",
        "groups": "GET /crm/properties/2026-09/{objectType}/groups",
        "groups_post": "POST /crm/properties/2026-09/{objectType}/groups",
        "owners": "GET /crm/owners/2026-09",
        "account": "GET /account-info/2026-09/details",
        "status": "GET /communication-preferences/2026-09/status/email/{emailAddress}",
    },
}
SUBMISSIONS = "GET /form-integrations/v1/submissions/forms/{formGuid}"
FORMS = "GET /marketing/v3/forms"


class Api:
    """The endpoint names of one API version, and the concrete paths behind them."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.names = ENDPOINTS[version]

    def __getitem__(self, name: str) -> str:
        return self.names[name]

    def path(self, name: str, **params: str) -> str:
        """`api.path("upsert", objectType="contacts")` -> `/crm/v3/objects/contacts/batch/upsert`."""
        return self.names[name].split(" ", 1)[1].format(**params)


def resource_for(path: Path, api_key: str = "sandbox-key", **kwargs: object) -> HubSpotResource:
    settings: dict[str, object] = {"read_timeout": 5.0, "backoff_base": 0.01, "backoff_max": 0.05, **kwargs}
    return HubSpotResource(api_key=api_key, sandbox_state=str(path), **settings)  # type: ignore[arg-type]


@pytest.fixture(params=["v3", "2026-09"])
def api(request: pytest.FixtureRequest) -> Api:
    return Api(request.param)


@pytest.fixture
def client(sandbox: Sandbox, sandbox_path: Path, api: Api) -> Iterator[HubSpotClient]:
    hubspot = resource_for(sandbox_path, crm_version=api.version).get_client()
    yield hubspot
    hubspot.close()


def calls(sandbox: Sandbox, endpoint: str) -> int:
    return sum(u.calls for u in sandbox.store.usage("hubspot") if u.endpoint == endpoint)


def contacts(count: int, tag: str, **extra: str) -> list[dict[str, str]]:
    return [
        {"email": f"{tag}.{i}@pipeline-test.example", "firstname": f"N{i}", **extra} for i in range(count)
    ]


# --- contacts ---------------------------------------------------------------------------------------------


def test_upsert_250_contacts_in_3_calls_and_reupsert_only_updates(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    seeded = len(sandbox.world.crm_contacts)
    first = client.upsert_contacts(contacts(250, "up"))
    assert first.calls == 3 and calls(sandbox, api["upsert"]) == 3
    assert len(first.results) == 250 and not first.errors
    assert all(r.new for r in first.results)
    assert {r.object_write_trace_id for r in first.results} and all(
        r.object_write_trace_id for r in first.results
    )

    # Same people again, emails typed in upper case this time: updates, never duplicates.
    again = client.upsert_contacts(
        [{**c, "email": c["email"].upper(), "jobtitle": "CTO"} for c in contacts(250, "up")]
    )
    assert calls(sandbox, api["upsert"]) == 6
    assert len(again.results) == 250 and not again.errors
    assert all(r.new is False for r in again.results)
    assert {r.id for r in again.results} == {r.id for r in first.results}
    assert sandbox.store.count("hubspot.contacts") == seeded + 250
    found = client.search_contacts(
        filter_groups=[
            {
                "filters": [
                    {
                        "propertyName": "email",
                        "operator": "CONTAINS_TOKEN",
                        "value": "*@pipeline-test.example",
                    }
                ]
            }
        ],
        properties=["email", "jobtitle"],
    )
    assert found.total == 250 and len(found.results) == 250
    assert {r.get("jobtitle") for r in found.results} == {"CTO"}
    assert all(r.email == r.email.lower() for r in found.results)  # type: ignore[union-attr]


def test_duplicate_emails_in_one_call_are_merged_by_the_client(
    sandbox: Sandbox, client: HubSpotClient
) -> None:
    result = client.upsert_contacts(
        [{"email": "Dup@Example.com", "firstname": "A"}, {"email": "dup@example.com", "lastname": "B"}]
    )
    assert len(result.results) == 1 and result.results[0].new
    stored = sandbox.store.find_one("hubspot.contacts", "dup@example.com")
    assert stored is not None
    assert stored["properties"]["firstname"] == "A" and stored["properties"]["lastname"] == "B"


def test_read_contacts_finds_seeded_ones_and_lists_the_missing(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    seeded = sandbox.world.crm_contacts[:40]
    wanted = [c.email.upper() for c in seeded] + ["nobody@nowhere.example", "ghost@nowhere.example"]
    result = client.read_contacts(wanted, properties=["email", "hs_email_optout", "lifecyclestage"])
    assert result.calls == 1 and calls(sandbox, api["read"]) == 1
    assert sorted(result.not_found) == ["ghost@nowhere.example", "nobody@nowhere.example"]
    assert not result.errors
    by_email = {r.email: r for r in result.results}
    assert set(by_email) == {c.email for c in seeded}
    for c in seeded:
        record = by_email[c.email]
        assert record.get("hs_email_optout") == ("true" if c.email_optout else "false")
        assert record.get("lifecyclestage") == c.lifecyclestage


def test_seeded_contacts_are_associated_with_their_crm_company(
    sandbox: Sandbox, client: HubSpotClient
) -> None:
    world = sandbox.world
    crm_business = {c.business_id: c for c in world.crm_companies if c.business_id}
    contact = next(
        c
        for c in world.crm_contacts
        if c.prospect_id and world.person(c.prospect_id).business_id in crm_business  # type: ignore[union-attr]
    )
    company = crm_business[world.person(contact.prospect_id).business_id]  # type: ignore[union-attr,arg-type]
    record = client.read_contacts([contact.email]).results[0]
    links = client.list_associations("contacts", record.id, "companies")
    assert len(links) == 1
    assert {t.type_id for t in links[0].types} == {1, 279}
    found = client.read_companies([links[0].to_id], properties=["domain", "name"]).results[0]
    assert found.domain == company.domain


def test_unknown_and_read_only_properties_fail_per_record(sandbox: Sandbox, client: HubSpotClient) -> None:
    result = client.upsert_contacts(
        [
            {"email": "ok@props.example", "firstname": "Fine"},
            {"email": "bad@props.example", "favourite_colour": "teal"},
            {"email": "optout@props.example", "hs_email_optout": True},
        ]
    )
    assert [r.email for r in result.results] == ["ok@props.example"]
    errors = {e.id: e for e in result.errors}
    assert set(errors) == {"bad@props.example", "optout@props.example"}
    assert 'Property \\"favourite_colour\\" does not exist' in errors["bad@props.example"].message
    assert "read only" in errors["optout@props.example"].message
    assert all(e.category == "VALIDATION_ERROR" and e.trace_id for e in result.errors)

    client.ensure_properties(
        "contacts",
        [{"name": "favourite_colour", "label": "Favourite colour", "groupName": "contactinformation"}],
    )
    retry = client.upsert_contacts([{"email": "bad@props.example", "favourite_colour": "teal"}])
    assert retry.ok and retry.results[0].properties["favourite_colour"] == "teal"


def test_batch_limits_and_unique_keys_are_enforced_by_hubspot(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    inputs = [{"id": f"x{i}@limits.example", "idProperty": "email", "properties": {}} for i in range(101)]
    with pytest.raises(RecordValidationError) as too_many:
        client.request("POST", api.path("upsert", objectType="contacts"), json={"inputs": inputs})
    assert too_many.value.status_code == 400 and "VALIDATION_ERROR" in str(too_many.value)

    same = [{"id": "a@limits.example", "idProperty": "email", "properties": {}}] * 2
    with pytest.raises(RecordValidationError, match="Duplicate IDs"):
        client.request("POST", api.path("upsert", objectType="contacts"), json={"inputs": same})

    by_domain = [{"id": "acme.example", "idProperty": "domain", "properties": {"name": "Acme"}}]
    with pytest.raises(RecordValidationError, match="non-unique 0-2 property domain"):
        client.request("POST", api.path("upsert", objectType="companies"), json={"inputs": by_domain})


def test_partial_failure_comes_back_per_record(sandbox: Sandbox, client: HubSpotClient) -> None:
    sandbox.store.set_faults("hubspot", partial_failure_rate=0.2)
    people = contacts(150, "partial")
    result = client.upsert_contacts(people)
    assert result.calls == 2
    assert len(result.results) + len(result.errors) == 150
    assert 10 <= len(result.errors) <= 55
    sent = {p["email"] for p in people}
    failed = {e.id for e in result.errors}
    assert failed <= sent
    for error in result.errors:
        assert error.trace_id and error.context["objectWriteTraceId"] == [error.trace_id]
        assert error.category == "VALIDATION_ERROR" and error.message
        assert error.index is not None and people[error.index]["email"] == error.id
    assert {r.email for r in result.results} == sent - failed
    assert all(sandbox.store.find_one("hubspot.contacts", email) is None for email in failed)

    # Deterministic: the same inputs fail again; the rest are updates now.
    again = client.upsert_contacts(people)
    assert {e.id for e in again.errors} == failed
    assert all(r.new is False for r in again.results)


# --- search -----------------------------------------------------------------------------------------------


def test_search_walks_every_page(sandbox: Sandbox, client: HubSpotClient, api: Api) -> None:
    client.upsert_contacts(contacts(450, "page", company="Paging Test GmbH"))
    before = calls(sandbox, api["search"])
    found = client.search_contacts(
        filter_groups=[
            {"filters": [{"propertyName": "company", "operator": "EQ", "value": "paging test gmbh"}]}
        ],
        properties=["email", "company"],
    )
    assert calls(sandbox, api["search"]) - before == 3 and found.calls == 3
    assert found.total == 450 and len({r.id for r in found.results}) == 450
    ids = [int(r.id) for r in found.results]
    assert ids == sorted(ids)


def test_search_rewindows_before_the_result_cap(sandbox: Sandbox, client: HubSpotClient, api: Api) -> None:
    client.upsert_contacts(contacts(450, "cap", company="Cap Test Ltd"))
    # The same code path as HubSpot's 10,000 cap, at a size a test can afford.
    simulator = sandbox.simulator("hubspot")
    simulator.search_cap = 300  # type: ignore[attr-defined]
    client.search_result_cap = 300
    group = [{"filters": [{"propertyName": "company", "operator": "EQ", "value": "Cap Test Ltd"}]}]
    found = client.search_contacts(filter_groups=group, properties=["email"])
    assert len({r.id for r in found.results}) == 450 and found.total == 450
    assert found.calls == 3

    with pytest.raises(RecordValidationError, match="pages no further than 300"):
        client.search_contacts(
            filter_groups=group, sorts=[{"propertyName": "createdate", "direction": "DESCENDING"}]
        )
    raw = {"filterGroups": group, "limit": 100, "after": "300"}
    with pytest.raises(RecordValidationError, match="Paging past 300"):
        client.request("POST", api.path("search", objectType="contacts"), json=raw)


def test_search_filter_semantics_and_limits(sandbox: Sandbox, client: HubSpotClient) -> None:
    opted_out = {c.email for c in sandbox.world.crm_contacts if c.email_optout}
    found = client.search_contacts(
        filter_groups=[{"filters": [{"propertyName": "hs_email_optout", "operator": "EQ", "value": "true"}]}],
        properties=["email"],
    )
    assert {r.email for r in found.results} == opted_out

    owners = [o.id for o in sandbox.world.owners[:2]]
    stages = {"customer", "opportunity"}
    either = client.search_contacts(
        filter_groups=[
            {
                "filters": [
                    {"propertyName": "hubspot_owner_id", "operator": "IN", "values": owners},
                    {"propertyName": "lifecyclestage", "operator": "IN", "values": sorted(stages)},
                ]
            },
            {"filters": [{"propertyName": "hs_lead_status", "operator": "EQ", "value": "CONNECTED"}]},
        ],
        properties=["hubspot_owner_id", "lifecyclestage", "hs_lead_status"],
    )
    expected = {
        c.email
        for c in sandbox.world.crm_contacts
        if (c.owner_id in owners and c.lifecyclestage in stages) or c.hs_lead_status == "CONNECTED"
    }
    assert len(either.results) == len(expected) > 0

    cutoff = sandbox.store.epoch - timedelta(days=100)
    recent = client.search_contacts(
        filter_groups=[
            {
                "filters": [
                    {
                        "propertyName": "createdate",
                        "operator": "GTE",
                        "value": str(int(cutoff.timestamp() * 1000)),
                    }
                ]
            }
        ],
    )
    assert len(recent.results) == sum(1 for c in sandbox.world.crm_contacts if c.created_days_ago <= 100)

    six_groups = [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}] * 6
    with pytest.raises(RecordValidationError, match="filter groups"):
        client.search_contacts(filter_groups=six_groups)


def test_search_responses_carry_no_rate_limit_headers(client: HubSpotClient, api: Api) -> None:
    search = client.request("POST", api.path("search", objectType="contacts"), json={"limit": 1})
    assert not [h for h in search.headers if h.lower().startswith("x-hubspot-ratelimit")]
    other = client.request("GET", api.path("account"))
    assert other.headers["x-hubspot-ratelimit-max"] == "190"
    assert other.headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
    assert int(other.headers["x-hubspot-ratelimit-remaining"]) < 190
    assert other.headers["x-hubspot-ratelimit-daily"] == "625000"


# --- companies ---------------------------------------------------------------------------------------------


def test_find_companies_by_domains_matches_www_and_upper_case_variants(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    odd = [c for c in sandbox.world.crm_companies if c.domain != normalize_domain(c.domain)]
    assert any(c.domain.lower().startswith("www.") for c in odd) and any(
        c.domain != c.domain.lower() for c in odd
    )
    plain = [c for c in sandbox.world.crm_companies if c.domain == normalize_domain(c.domain)][
        : 120 - len(odd)
    ]
    candidates = [f"https://{normalize_domain(c.domain).upper()}/about" for c in odd + plain]
    candidates += ["unknown-company.example"]
    before = calls(sandbox, api["search"])
    found = client.find_companies_by_domains(candidates)
    # 121 distinct domains: two IN chunks of at most 100 values, one search call each.
    assert calls(sandbox, api["search"]) - before == math.ceil(121 / 100)
    assert found["unknown-company.example"] == []
    for company in odd + plain:
        key = normalize_domain(company.domain)
        assert [c.domain for c in found[key]] == [company.domain], key


def test_create_update_and_read_companies(sandbox: Sandbox, client: HubSpotClient) -> None:
    created = client.create_companies(
        [
            {"name": "Alpha Test", "domain": "alpha-test.example", "numberofemployees": 42},
            {"name": "Beta Test", "domain": "beta-test.example", "annualrevenue": "not a number"},
        ]
    )
    assert [r.get("name") for r in created.results] == ["Alpha Test"]
    assert created.errors[0].id == "beta-test.example" and "not a valid number" in created.errors[0].message
    company_id = created.results[0].id
    updated = client.update_companies({company_id: {"industry": "Software"}, "999999999": {"name": "Nope"}})
    assert [r.id for r in updated.results] == [company_id]
    assert updated.errors[0].id == "999999999" and updated.errors[0].category == "OBJECT_NOT_FOUND"
    read = client.read_companies(
        [company_id, "999999998"], properties=["name", "industry", "numberofemployees"]
    )
    assert read.results[0].properties == {
        "name": "Alpha Test",
        "industry": "Software",
        "numberofemployees": "42",
        "hs_object_id": company_id,
    }
    assert read.not_found == ["999999998"]


# --- associations, tasks, notes -----------------------------------------------------------------------------


def test_associations_tasks_and_notes_land_and_read_back(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    company = client.create_companies([{"name": "Gamma Test", "domain": "gamma-test.example"}]).results[0]
    people = client.upsert_contacts(contacts(3, "assoc")).results
    linked = client.associate_contacts_to_companies(
        [(p.id, company.id) for p in people] + [("1", company.id)]
    )
    assert sorted(a.from_id for a in linked.results) == sorted(p.id for p in people)  # type: ignore[type-var]
    assert all(a.types[0].type_id == 279 for a in linked.results)
    assert [e.id for e in linked.errors] == [f"1->{company.id}"]
    assert [a.to_id for a in client.list_associations("companies", company.id, "contacts")] == sorted(
        (p.id for p in people), key=int
    )

    owner = sandbox.world.owners[0].id
    due = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    tasks = client.create_tasks(
        [
            TaskInput(
                subject="Positive reply: N0",
                due=due,
                body="Call back",
                priority="HIGH",
                owner_id=owner,
                contact_ids=[people[0].id],
                company_ids=[company.id],
            ),
            TaskInput(subject="Orphan", due=due, contact_ids=["424242"]),
        ]
    )
    assert len(tasks.results) == 1 and tasks.errors[0].index == 1
    assert "does not exist" in tasks.errors[0].message
    task_id = tasks.results[0].id
    assert [a.to_id for a in client.list_associations("contacts", people[0].id, "tasks")] == [task_id]
    assert [a.to_id for a in client.list_associations("companies", company.id, "tasks")] == [task_id]
    task = client.request(
        "GET",
        api.path("object", objectType="tasks", objectId=task_id),
        params={"properties": "hs_task_subject,hs_task_priority,hs_timestamp,hubspot_owner_id"},
    ).json()["properties"]
    assert task["hs_task_subject"] == "Positive reply: N0" and task["hs_task_priority"] == "HIGH"
    assert task["hubspot_owner_id"] == owner and task["hs_timestamp"] == "2026-12-01T09:00:00.000Z"

    notes = client.create_notes(
        [NoteInput(body="Replied: interested", timestamp=due, contact_ids=[people[1].id])]
    )
    assert notes.ok
    links = client.list_associations("contacts", people[1].id, "notes")
    assert [(a.to_id, a.types[0].type_id) for a in links] == [(notes.results[0].id, 201)]


def test_properties_are_ensured_once(sandbox: Sandbox, client: HubSpotClient, api: Api) -> None:
    definitions = [
        PropertyDefinition(
            name="prospect_score",
            label="Prospect score",
            type="number",
            field_type="number",
            group_name="prospecting",
        ),
        PropertyDefinition(
            name="explorium_business_id",
            label="Explorium business id",
            group_name="prospecting",
            has_unique_value=True,
        ),
    ]
    group = client.ensure_property_group("companies", name="prospecting", label="Prospecting")
    assert group.name == "prospecting"
    first = client.ensure_properties("companies", definitions)
    assert sorted(first.created) == ["explorium_business_id", "prospect_score"] and not first.errors
    assert (
        client.ensure_property_group("companies", name="prospecting", label="Prospecting").name
        == "prospecting"
    )
    second = client.ensure_properties("companies", definitions)
    assert sorted(second.existing) == ["explorium_business_id", "prospect_score"] and not second.created
    assert calls(sandbox, api["properties_batch"]) == 1 and calls(sandbox, api["groups_post"]) == 1

    # A unique custom property is a valid upsert key for companies, unlike domain.
    body = {"inputs": [{"id": "b-1", "idProperty": "explorium_business_id", "properties": {"name": "Delta"}}]}
    response = client.request("POST", api.path("upsert", objectType="companies"), json=body)
    assert response.json()["results"][0]["new"] is True


def test_association_reads_page_per_record_and_none_is_empty(
    sandbox: Sandbox, client: HubSpotClient, api: Api
) -> None:
    company = client.create_companies([{"name": "Many Test", "domain": "many-test.example"}]).results[0]
    people = client.upsert_contacts(contacts(5, "many")).results
    assert client.associate_contacts_to_companies([(p.id, company.id) for p in people]).errors == []
    # A small page makes HubSpot's per-record `paging.next.after` show up: 2 + 2 + 1.
    sandbox.simulator("hubspot").association_page = 2  # type: ignore[attr-defined]
    before = calls(sandbox, api["associations"])
    links = client.list_associations("companies", company.id, "contacts")
    assert [a.to_id for a in links] == sorted((p.id for p in people), key=int)
    assert all(a.from_id == company.id and a.types[0].type_id == 280 for a in links)
    assert calls(sandbox, api["associations"]) - before == 3

    # A record with none comes back as HubSpot's NO_ASSOCIATIONS_FOUND error: an empty answer, not a failure.
    lonely = client.create_companies([{"name": "Lonely Test", "domain": "lonely-test.example"}]).results[0]
    assert client.list_associations("companies", lonely.id, "contacts") == []
    both = client.read_associations("companies", [company.id, lonely.id, company.id], "contacts")
    assert not both.errors and both.calls == 3
    assert [a.to_id for a in both.results] == [a.to_id for a in links]


def test_each_version_answers_as_its_document_says(client: HubSpotClient, api: Api) -> None:
    # A batch read with a missing id: v3 documents a 207, 2026-09 a 200 carrying the same errors[].
    body = {
        "inputs": [{"id": "nobody@versions.example"}],
        "idProperty": "email",
        "properties": ["email"],
        "propertiesWithHistory": [],
    }
    read = client.request("POST", api.path("read", objectType="contacts"), json=body)
    assert read.status_code == (207 if api.version == "v3" else 200)
    assert read.json()["numErrors"] == 1 and read.json()["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert client.read_contacts(["nobody@versions.example"]).not_found == ["nobody@versions.example"]

    # 2026-09 requires displayOrder on each property option, v3 does not; the client always sends it.
    option = {"label": "A", "value": "a", "hidden": False}
    definition = {
        "name": "version_tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "contactinformation",
        "options": [option],
    }
    create = api.path("property_post", objectType="contacts")
    if api.version == "v3":
        assert client.request("POST", create, json=definition).status_code == 201
    else:
        with pytest.raises(RecordValidationError, match="displayOrder"):
            client.request("POST", create, json=definition)
    ensured = client.ensure_properties("contacts", [{**definition, "name": "version_tier_2"}])
    assert ensured.created == ["version_tier_2"] and not ensured.errors

    # The v4 GET listing of one record's associations has no 2026-09 counterpart.
    contact = client.upsert_contacts(contacts(1, "listing")).results[0]
    company = client.create_companies([{"name": "Listing Test", "domain": "listing-test.example"}]).results[0]
    client.associate_contacts_to_companies([(contact.id, company.id)])
    if api.version == "v3":
        listing = client.request("GET", f"/crm/v4/objects/contacts/{contact.id}/associations/companies")
        # The document types toObjectId as a string.
        assert listing.json()["results"][0]["toObjectId"] == company.id
    else:
        with pytest.raises(NotFoundError):
            client.request("GET", f"/crm/objects/2026-09/contacts/{contact.id}/associations/companies")


def test_every_call_follows_the_configured_version(sandbox: Sandbox, client: HubSpotClient, api: Api) -> None:
    due = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    people = client.upsert_contacts(contacts(2, "version")).results
    client.read_contacts([p.email or "" for p in people])
    client.search_contacts(
        filter_groups=[{"filters": [{"propertyName": "email", "operator": "EQ", "value": people[0].email}]}]
    )
    company = client.create_companies([{"name": "Version Test", "domain": "version-test.example"}]).results[0]
    client.update_companies({company.id: {"industry": "Software"}})
    client.associate_contacts_to_companies([(people[0].id, company.id)])
    assert [a.to_id for a in client.list_associations("companies", company.id, "contacts")] == [people[0].id]
    client.create_tasks([TaskInput(subject="Version", due=due, contact_ids=[people[0].id])])
    client.create_notes([NoteInput(body="Version", timestamp=due, company_ids=[company.id])])
    client.ensure_property_group("contacts", name="versioning", label="Versioning")
    client.ensure_properties("contacts", [{"name": "version_x", "label": "X", "groupName": "versioning"}])
    assert client.list_owners() and client.account_info().portal_id
    assert client.get_subscription_status(people[0].email or "").recipient == people[0].email
    assert client.list_forms()

    used = {u.endpoint for u in sandbox.store.usage("hubspot")}
    # Every versioned route of this version (the single-object read and the single property create are not
    # client methods), forms on their own path, and nothing of the other version.
    assert used == set(api.names.values()) - {api["object"], api["property_post"]} | {FORMS}
    other = ENDPOINTS["2026-09" if api.version == "v3" else "v3"]
    assert not used & set(other.values())


@pytest.mark.parametrize("bad", ["v4", "v2", "V3", "2026-13", "2026-9", "26-09", "2026-09-01", "latest", ""])
def test_a_malformed_crm_version_is_refused_with_a_clear_error(sandbox_path: Path, bad: str) -> None:
    expected = r"crm_version must be 'v3' \(the legacy v3/v4 paths\) or a date version 'YYYY-MM'"
    with pytest.raises(ValidationError, match=expected):
        resource_for(sandbox_path, crm_version=bad)
    with pytest.raises(ValueError, match=expected):
        HubSpotClient("unused", crm_version=bad)


def test_well_formed_versions_are_accepted(sandbox_path: Path) -> None:
    assert HubSpotResource(api_key="sandbox-key").crm_version == "2026-09"
    for good in ("v3", "2026-03", "2026-09", "2027-03"):
        hubspot = resource_for(sandbox_path, crm_version=good).get_client()
        assert hubspot.crm_version == good
        assert hubspot.associations_version == ("v4" if good == "v3" else good)
        hubspot.close()


# --- owners, forms, subscriptions, account ------------------------------------------------------------------


def test_owners_account_and_subscription_status(sandbox: Sandbox, client: HubSpotClient) -> None:
    assert [o.id for o in client.list_owners()] == [o.id for o in sandbox.world.owners]
    info = client.account_info()
    assert info.portal_id > 0 and info.time_zone
    opted = next(c for c in sandbox.world.crm_contacts if c.email_optout)
    assert client.get_subscription_status(opted.email).unsubscribed_from_all
    fine = next(c for c in sandbox.world.crm_contacts if not c.email_optout)
    status = client.get_subscription_status(fine.email)
    assert not status.unsubscribed_from_all
    assert {s.status for s in status.subscription_statuses} == {"SUBSCRIBED"}


def test_form_submissions_newest_first_with_cursor_and_live_arrivals(
    sandbox: Sandbox, client: HubSpotClient
) -> None:
    forms = client.list_forms()
    assert [f.id for f in forms] == [f.guid for f in sandbox.world.forms]
    guid = sandbox.world.forms[0].guid
    world_subs = sandbox.world.submissions(guid, sandbox.store.epoch, sandbox.store.now())
    before = calls(sandbox, SUBMISSIONS)
    everything = client.list_form_submissions(guid)
    assert len(everything) == len(world_subs) > 50
    assert calls(sandbox, SUBMISSIONS) - before == math.ceil(len(world_subs) / 50)
    stamps = [s.submitted_at for s in everything]
    assert stamps == sorted(stamps, reverse=True)
    assert everything[0].conversion_id == world_subs[-1].conversion_id

    cursor = everything[10].submitted_at
    before = calls(sandbox, SUBMISSIONS)
    newer = client.list_form_submissions(guid, after_ms=cursor)
    assert [s.conversion_id for s in newer] == [s.conversion_id for s in everything[:10]]
    assert calls(sandbox, SUBMISSIONS) - before == 1

    # The public submit endpoint takes no token, as in reality.
    portal = client.account_info().portal_id
    with httpx.Client(transport=SandboxTransport(sandbox)) as public:
        posted = public.post(
            f"https://api.hubapi.com/submissions/v3/integration/submit/{portal}/{guid}",
            json={
                "fields": [
                    {"name": "email", "value": "new.lead@inbound.example"},
                    {"name": "firstname", "value": "New"},
                    {"name": "lastname", "value": "Lead"},
                    {"name": "company", "value": "Inbound Example"},
                ],
                "context": {"pageUri": "https://www.relaypoint.io/demo", "pageName": "Demo"},
            },
        )
        assert posted.status_code == 200, posted.text
        invalid = public.post(
            f"https://api.hubapi.com/submissions/v3/integration/submit/{portal}/{guid}",
            json={"fields": [{"name": "email", "value": "not-an-email"}]},
        )
        assert invalid.status_code == 400
        assert {e["errorType"] for e in invalid.json()["errors"]} >= {"REQUIRED_FIELD", "INVALID_EMAIL"}
    latest = client.list_form_submissions(guid, after_ms=everything[0].submitted_at)
    assert [s.email for s in latest] == ["new.lead@inbound.example"]
    assert latest[0].page_url == "https://www.relaypoint.io/demo"

    sandbox.store.advance(hours=2)
    later = client.list_form_submissions(guid, after_ms=latest[0].submitted_at)
    assert later and all(s.submitted_at > latest[0].submitted_at for s in later)
    assert len(client.list_form_submissions(guid)) == len(everything) + 1 + len(later)


# --- faults, auth, rate-limit policy ------------------------------------------------------------------------


def test_a_429_storm_is_waited_out(sandbox: Sandbox, client: HubSpotClient, api: Api) -> None:
    sandbox.store.set_faults("hubspot", rate_limit_next=2, rate_limit_retry_after=1)
    started = time.monotonic()
    info = client.account_info()
    assert info.portal_id
    assert time.monotonic() - started >= 1.9
    assert client.stats.retries[api["account"]] == 2
    assert calls(sandbox, api["account"]) == 3


def test_429_policies_without_retry_after() -> None:
    def response(body: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.Response(429, json=body, headers=headers or {})

    hubspot = HubSpotClient("unused", base_url="https://api.hubapi.com")
    burst = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "policyName": "TEN_SECONDLY_ROLLING",
        "category": "RATE_LIMITS",
    }
    assert hubspot._retry_after(response(burst)) == TEN_SECONDLY_WAIT
    assert hubspot._retry_after(response(burst, {"Retry-After": "3"})) == 3.0
    search = {"status": "error", "message": "You have reached your secondly limit.", "policyName": "SECONDLY"}
    assert hubspot._retry_after(response(search)) == SECONDLY_WAIT
    daily = {"status": "error", "message": "You have reached your daily limit.", "policyName": "DAILY"}
    error = hubspot._error_from_response(response(daily, {"Retry-After": "5"}), "GET /x")
    # A day is longer than any policy's max_retry_after: the retry loop gives up at once.
    assert (
        isinstance(error, RateLimitedError)
        and error.retry_after == DAILY_WAIT > hubspot.policy.max_retry_after
    )
    hubspot.close()


def test_a_5xx_storm_raises_server_error_after_max_attempts(sandbox: Sandbox, sandbox_path: Path) -> None:
    sandbox.store.set_faults("hubspot", server_error_next=10, server_error_status=502)
    hubspot = resource_for(sandbox_path, max_attempts=3).get_client()
    # The default version is HubSpot's current date version.
    assert hubspot.crm_version == "2026-09"
    with pytest.raises(ServerError) as info:
        hubspot.account_info()
    assert info.value.status_code == 502 and info.value.vendor == "hubspot"
    assert calls(sandbox, ENDPOINTS["2026-09"]["account"]) == 3


def test_401_names_the_variable_after_one_call(sandbox: Sandbox, sandbox_path: Path) -> None:
    hubspot = resource_for(sandbox_path, api_key="pat-na1-not-a-sandbox-token").get_client()
    with pytest.raises(AuthenticationError) as info:
        hubspot.account_info()
    assert "HUBSPOT_ACCESS_TOKEN" in str(info.value) and "INVALID_AUTHENTICATION" in str(info.value)
    assert info.value.correlation_id
    assert sandbox.store.totals("hubspot").calls == 1


def test_403_missing_scopes_names_the_scope(sandbox: Sandbox, sandbox_path: Path, api: Api) -> None:
    hubspot = resource_for(
        sandbox_path, api_key="sandbox-readonly-token", crm_version=api.version
    ).get_client()
    assert hubspot.read_contacts([sandbox.world.crm_contacts[0].email]).results
    with pytest.raises(AuthenticationError) as info:
        hubspot.upsert_contacts(contacts(1, "scope"))
    assert "crm.objects.contacts.write" in str(info.value) and "HUBSPOT_ACCESS_TOKEN" in str(info.value)
    assert calls(sandbox, api["upsert"]) == 1


# --- signatures ---------------------------------------------------------------------------------------------

SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
URI = "https://www.example.com/webhook_uri"
BODY = "{'example_field':'example_value'}"


def test_signature_vectors() -> None:
    ts = 1693657560000
    v3 = "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y="
    assert sign_v3(client_secret=SECRET, method="POST", uri=URI, body=BODY, timestamp_ms=ts) == v3
    assert verify_signature_v3(
        client_secret=SECRET,
        method="POST",
        uri=URI,
        body=BODY,
        timestamp_ms=ts,
        signature=v3,
        now_ms=ts + 1_000,
    )
    v2_post = "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383"
    v2_get = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
    assert sign_v2(client_secret=SECRET, method="POST", uri=URI, body=BODY) == v2_post
    assert sign_v2(client_secret=SECRET, method="GET", uri=URI, body="") == v2_get
    assert verify_signature_v2(client_secret=SECRET, method="GET", uri=URI, body="", signature=v2_get)
    v1 = "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750"
    assert sign_v1(client_secret=SECRET, body=BODY) == v1
    assert verify_signature_v1(client_secret=SECRET, body=BODY.encode(), signature=v1)
    headers = {"X-HubSpot-Signature": v2_post, "X-HubSpot-Signature-Version": "v2"}
    assert verify_signature(client_secret=SECRET, headers=headers, method="POST", uri=URI, body=BODY)


def test_stale_and_forged_signatures_are_refused() -> None:
    ts = 1693657560000
    good = sign_v3(client_secret=SECRET, method="POST", uri=URI, body=BODY, timestamp_ms=ts)
    common = {"client_secret": SECRET, "method": "POST", "uri": URI, "body": BODY, "timestamp_ms": ts}
    assert not verify_signature_v3(**common, signature=good, now_ms=ts + 300_001)  # type: ignore[arg-type]
    assert verify_signature_v3(**common, signature=good, now_ms=ts + 299_000)  # type: ignore[arg-type]
    forged = base64.b64encode(b"\x00" * 32).decode()
    assert not verify_signature_v3(**common, signature=forged, now_ms=ts + 1)  # type: ignore[arg-type]
    tampered = {**common, "body": BODY.replace("value", "VALUE")}
    assert not verify_signature_v3(**tampered, signature=good, now_ms=ts + 1)  # type: ignore[arg-type]
    assert not verify_signature_v1(
        client_secret="other-secret", body=BODY, signature=sign_v1(client_secret=SECRET, body=BODY)
    )
    headers = {"X-HubSpot-Signature-v3": good, "X-HubSpot-Request-Timestamp": str(ts)}
    assert not verify_signature(client_secret=SECRET, headers=headers, method="POST", uri=URI, body=BODY)


# --- socket server and determinism --------------------------------------------------------------------------


@pytest.mark.server
def test_the_socket_server_answers_the_same(sandbox: Sandbox) -> None:
    with SandboxServer(sandbox) as server:
        hubspot = HubSpotResource(
            api_key="sandbox-key", base_url=f"{server.url}/hubspot", read_timeout=5.0
        ).get_client()
        info = hubspot.account_info()
        result = hubspot.upsert_contacts(contacts(3, "socket"))
        assert len(result.results) == 3 and all(r.new for r in result.results)
        assert sorted(
            hubspot.read_contacts([c["email"] for c in contacts(3, "socket")] + ["x@y.example"]).not_found
        ) == ["x@y.example"]
        guid = sandbox.world.forms[1].guid
        newest = hubspot.list_form_submissions(guid, limit=50)[0]
        posted = httpx.post(
            f"{server.url}/hubspot/submissions/v3/integration/submit/{info.portal_id}/{guid}",
            json={
                "fields": [
                    {"name": k, "value": v}
                    for k, v in (
                        ("email", "socket.lead@inbound.example"),
                        ("firstname", "S"),
                        ("lastname", "L"),
                        ("company", "Socket Co"),
                        ("numemployees", "25-50"),
                    )
                ]
            },
        )
        assert posted.status_code == 200 and "inlineMessage" in posted.json()
        fresh = hubspot.list_form_submissions(guid, after_ms=newest.submitted_at)
        assert [s.email for s in fresh] == ["socket.lead@inbound.example"]
        denied = httpx.get(f"{server.url}/hubspot/account-info/v3/details")
        assert denied.status_code == 401 and denied.json()["category"] == "INVALID_AUTHENTICATION"
        hubspot.close()


def test_the_seed_is_deterministic(tmp_path: Path) -> None:
    def seeded(name: str) -> tuple[list[object], ...]:
        sandbox = Sandbox.at(tmp_path / name / "state.sqlite")
        sandbox.simulator("hubspot")
        store = sandbox.store
        return tuple(
            sorted(json.dumps(r, sort_keys=True) for r in store.all(ns))  # type: ignore[misc]
            for ns in ("hubspot.contacts", "hubspot.companies", "hubspot.associations")
        )

    one, two = seeded("a"), seeded("b")
    assert one == two
    assert len(one[0]) == len(Sandbox.at(tmp_path / "a" / "state.sqlite").world.crm_contacts)
    # Another process opening the same state does not seed it twice.
    again = Sandbox(SandboxStore(tmp_path / "a" / "state.sqlite"))
    again.simulator("hubspot")
    assert again.store.count("hubspot.contacts") == len(one[0])
