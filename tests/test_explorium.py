"""The Explorium client against the Explorium simulator: paging, batching, credits, errors and faults.

Every test runs the real `ExploriumClient` (built by `ExploriumResource`) against the sandbox, in process
through the resource's `sandbox_state`, or over a socket through `SandboxServer`.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from resources.errors import (
    AuthenticationError,
    InsufficientCreditsError,
    RecordValidationError,
    ServerError,
)
from resources.explorium import BusinessFilters, ExploriumClient, ExploriumResource, ProspectFilters
from resources.sandbox import Sandbox
from resources.sandbox.server import SandboxServer

FETCH = "POST /v1/businesses"
PROSPECTS = "POST /v1/prospects"
CONTACTS = "POST /v1/prospects/contacts_information/bulk_enrich"


def client_for(path: Path, **fields: Any) -> ExploriumClient:
    fields.setdefault("api_key", "sandbox-key")
    return ExploriumResource(sandbox_state=str(path), **fields).get_client()


def calls(sandbox: Sandbox, endpoint: str) -> int:
    return sum(u.calls for u in sandbox.store.usage("explorium") if u.endpoint == endpoint)


def credits(sandbox: Sandbox, endpoint: str) -> float:
    return sum(u.credits for u in sandbox.store.usage("explorium") if u.endpoint == endpoint)


def fast(**extra: Any) -> dict[str, Any]:
    """Resource fields for fault tests: tiny backoff and timeouts."""
    return {"backoff_base": 0.001, "backoff_max": 0.01, "read_timeout": 2.0, **extra}


# --- search --------------------------------------------------------------------------------------------


def test_fetch_businesses_walks_every_page(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    sizes = ["51-200", "201-500"]
    result = client.fetch_businesses(BusinessFilters(country_code=["us"], company_size=sizes), page_size=25)

    expected = [
        c.business_id
        for c in sandbox.world.companies
        if c.country_code == "us" and c.employees_range in sizes
    ]
    assert len(expected) > 100
    ids = [b.business_id for b in result.records]
    assert ids == expected  # every record, in the simulator's deterministic order
    assert len(set(ids)) == len(ids)
    assert result.total_results == len(expected)
    assert result.pages == math.ceil(len(expected) / 25)
    assert calls(sandbox, FETCH) == result.pages
    # Mode "full" costs one credit per record returned; the client saw the same spend as the ledger.
    assert credits(sandbox, FETCH) == len(expected) == result.spend.credits
    first = result.records[0]
    company = sandbox.world.company(first.business_id)
    assert company is not None
    assert (first.name, first.domain, first.country_name) == (company.name, company.domain, "united states")
    assert first.naics == int(company.naics)


def test_fetch_filters_and_negate_follow_the_world(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    filters = BusinessFilters(
        country_code={"values": ["us"], "negate": True},
        company_tech_stack_tech=["Salesforce", "HubSpot"],
        events={"values": ["new_funding_round"], "last_occurrence": 60},
    )
    result = client.fetch_businesses(filters, page_size=100)

    now = sandbox.store.now()

    def funded(company: Any) -> bool:
        return any(
            s.event_name == "new_funding_round"
            and now - timedelta(days=60) <= sandbox.store.epoch - timedelta(days=s.offset_days) <= now
            for s in company.signals
        )

    expected = [
        c.business_id
        for c in sandbox.world.companies
        if c.country_code != "us" and {"Salesforce", "HubSpot"} & set(c.tech_stack) and funded(c)
    ]
    assert expected
    assert [b.business_id for b in result.records] == expected
    assert all("new_funding_round" in (b.events or []) for b in result.records)


def test_max_results_shrinks_the_page_to_the_size(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    result = client.fetch_businesses({"country_code": ["de"]}, page_size=100, max_results=30)
    assert len(result.records) == 30
    assert result.pages == 1
    assert credits(sandbox, FETCH) == 30


def test_prospects_by_business_id_accept_old_and_new_job_levels(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    bids = [c.business_id for c in sandbox.world.companies[:40]]
    people = [p for b in bids for p in sandbox.world.people_at(b)]

    new_vp = client.fetch_prospects(ProspectFilters(business_id=bids, job_level=["vice president"]))
    old_vp = client.fetch_prospects(ProspectFilters(business_id=bids, job_level=["vp"]))
    new_cxo = client.fetch_prospects({"business_id": bids, "job_level": ["c-suite"]})
    old_cxo = client.fetch_prospects({"business_id": bids, "job_level": ["cxo"]})

    vps = {p.prospect_id for p in people if p.job_level == "vice president"}
    cxos = {p.prospect_id for p in people if p.job_level == "c-suite"}
    assert vps and cxos
    assert {p.prospect_id for p in new_vp.records} == {p.prospect_id for p in old_vp.records} == vps
    assert {p.prospect_id for p in new_cxo.records} == {p.prospect_id for p in old_cxo.records} == cxos
    for record in new_vp.records:
        assert record.business_id in bids
        assert record.job_level_main == "vice president"
        assert record.job_seniority_level == ["vp"]
        person = sandbox.world.person(record.prospect_id)
        assert person is not None
        # Search results carry no contact details, only a hash of the work email.
        assert record.professional_email_hashed == hashlib.sha256(person.email.lower().encode()).hexdigest()
        assert "email" not in record.model_dump()


def test_prospect_title_department_and_email_filters(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    bids = [c.business_id for c in sandbox.world.companies[:60]]
    titled = client.fetch_prospects(ProspectFilters(business_id=bids, job_title=["cto"], has_email=True))
    assert titled.records
    assert all(r.job_title == "Chief Technology Officer" for r in titled.records)
    sales = client.fetch_prospects(ProspectFilters(business_id=bids, job_department=["Sales"]))
    expected = {p.prospect_id for b in bids for p in sandbox.world.people_at(b) if p.department == "sales"}
    assert {r.prospect_id for r in sales.records} == expected


# --- enrichment and batching ---------------------------------------------------------------------------


def test_enrich_contacts_of_120_prospects_is_3_calls_and_240_credits(
    sandbox: Sandbox, sandbox_path: Path
) -> None:
    client = client_for(sandbox_path)
    prospects = client.fetch_prospects({"company_country_code": ["us"]}, max_results=120).records
    ids = [p.prospect_id for p in prospects]
    assert len(ids) == 120
    before = client.credits().remaining

    result = client.enrich_contacts(ids, contact_types=("email",))

    assert calls(sandbox, CONTACTS) == 3
    assert credits(sandbox, CONTACTS) == 240
    assert result.spend.calls == 3 and result.spend.credits == 240
    assert client.credits().remaining == before - 240
    by_id = result.by_id()
    assert set(by_id) == set(ids)
    for pid, contacts in by_id.items():
        person = sandbox.world.person(pid)
        assert person is not None
        assert contacts.professions_email == person.email
        expected_status = None if person.email_status == "unknown" else person.email_status
        assert contacts.professional_email_status == expected_status
        assert contacts.phone_numbers is None  # not asked for, not paid for


def test_bulk_endpoints_batch_by_their_limits(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    companies = sandbox.world.companies[:60]
    firmo = client.enrich_firmographics([c.business_id for c in companies])
    assert calls(sandbox, "POST /v1/businesses/{kind}/bulk_enrich") == 2
    assert len(firmo.rows) == 60 and firmo.spend.credits == 60
    assert firmo.by_id()[companies[0].business_id].name == companies[0].name

    matched = client.match_businesses(
        [{"name": c.name, "domain": c.domain} for c in companies]
        + [{"name": "No Such Company", "domain": "no-such-company.example"}]
    )
    assert calls(sandbox, "POST /v1/businesses/match") == 2
    assert [m.business_id for m in matched.matches] == [c.business_id for c in companies] + [None]


def test_events_respect_the_time_window(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    companies = [c for c in sandbox.world.companies if c.signals][:45]
    ids = [c.business_id for c in companies]
    types = sorted({s.event_name for c in companies for s in c.signals})
    now = sandbox.store.now()
    since, until = now - timedelta(days=45), now - timedelta(days=5)

    result = client.business_events(
        business_ids=ids, event_types=types, timestamp_from=since, timestamp_to=until
    )

    assert calls(sandbox, "POST /v1/businesses/events") == 2  # 45 ids in chunks of 40
    expected = {
        s.event_id
        for c in companies
        for s in c.signals
        if since <= sandbox.store.epoch - timedelta(days=s.offset_days) <= until
    }
    assert expected
    assert {e.event_id for e in result.events} == expected
    for event in result.events:
        assert event.business_id in ids
        assert event.data["event_name"] == event.event_name

    later = now + timedelta(days=1)
    future = client.business_events(business_ids=ids, event_types=types, timestamp_from=later)
    assert future.events == []  # signals scheduled after "now" have not happened yet


# --- errors --------------------------------------------------------------------------------------------


def test_422_size_below_page_size_is_a_record_validation_error(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    with pytest.raises(RecordValidationError) as caught:
        client.request("POST", "/businesses", json={"mode": "full", "size": 10, "page_size": 20, "page": 1})
    assert "'size' must be greater than or equal to 'page_size'" in str(caught.value)
    assert caught.value.status_code == 422

    with pytest.raises(RecordValidationError, match="value is not a valid enumeration member"):
        client.fetch_businesses({"company_size": ["huge"]})
    with pytest.raises(RecordValidationError, match=r"body\.prospect_ids\.1: none is not an allowed value"):
        client.request(
            "POST", "/prospects/contacts_information/bulk_enrich", json={"prospect_ids": ["a" * 40, None]}
        )
    assert calls(sandbox, FETCH) == 2  # validation errors are not retried


def test_server_error_storm_gives_up_after_max_attempts(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path, **fast(max_attempts=3))
    sandbox.store.set_faults("explorium", server_error_next=10)
    with pytest.raises(ServerError) as caught:
        client.credits()
    assert calls(sandbox, "GET /v1/credits") == 3
    assert caught.value.correlation_id  # read from Explorium's {"details", "correlation_id"} body


def test_server_errors_then_success(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path, **fast())
    sandbox.store.set_faults("explorium", server_error_next=2)
    result = client.credits()
    assert result.remaining == result.allocated == 100_000
    assert calls(sandbox, "GET /v1/credits") == 3
    assert client.stats.retries["GET /credits"] == 2


def test_rate_limit_storm_is_waited_out(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path, **fast())
    sandbox.store.set_faults("explorium", rate_limit_next=1, rate_limit_retry_after=1)
    started = time.monotonic()
    result = client.fetch_businesses({"country_code": ["se"]}, max_results=5)
    assert time.monotonic() - started >= 1.0
    assert len(result.records) == 5
    assert calls(sandbox, FETCH) == 2


def test_wrong_key_fails_fast_naming_the_variable(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path, api_key="wrong")
    with pytest.raises(AuthenticationError) as caught:
        client.fetch_businesses({"country_code": ["us"]})
    assert "EXPLORIUM_API_KEY" in str(caught.value)
    assert "UNAUTHORIZED" in str(caught.value)
    assert calls(sandbox, FETCH) == 1


def test_insufficient_credits(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    sandbox.simulator("explorium").set_credits(10)  # type: ignore[attr-defined]
    with pytest.raises(InsufficientCreditsError, match="insufficient credits"):
        client.fetch_businesses({"country_code": ["us"]}, page_size=50)
    assert calls(sandbox, FETCH) == 1
    assert client.credits().remaining == 10  # a refused call takes nothing


# --- socket and determinism ----------------------------------------------------------------------------


@pytest.mark.server
def test_same_answers_over_a_socket(sandbox: Sandbox, sandbox_path: Path) -> None:
    in_process = client_for(sandbox_path)
    filters = BusinessFilters(country_code=["nl"], company_size=["11-50", "51-200"])
    local = in_process.fetch_businesses(filters, page_size=20)
    with SandboxServer(sandbox) as server:
        remote_client = ExploriumResource(
            api_key="sandbox-key", base_url=f"{server.url}/explorium/v1", read_timeout=5.0
        ).get_client()
        try:
            remote = remote_client.fetch_businesses(filters, page_size=20)
            raw = remote_client.request("POST", "/businesses/stats", json={"filters": filters.to_api()})
            wrong = ExploriumResource(api_key="wrong", base_url=f"{server.url}/explorium/v1").get_client()
            with pytest.raises(AuthenticationError):
                wrong.credits()
            wrong.close()
        finally:
            remote_client.close()
    assert [b.model_dump() for b in remote.records] == [b.model_dump() for b in local.records]
    assert remote.pages == local.pages and remote.pages > 1
    assert raw.json()["total_results"] == local.total_results
    assert raw.headers["X-RateLimit-Limit"] == "200"
    assert int(raw.headers["X-RateLimit-Remaining"]) < 200
    assert int(raw.headers["X-RateLimit-Reset"]) >= int(time.time())


def test_two_fresh_sandboxes_give_identical_results(tmp_path: Path) -> None:
    answers = []
    for name in ("one", "two"):
        client = client_for(tmp_path / name / "state.sqlite")
        result = client.fetch_businesses(BusinessFilters(country_code=["fr", "es"]), page_size=100)
        people = client.fetch_prospects(ProspectFilters(company_country_code=["fr"], job_level=["director"]))
        answers.append(([b.model_dump() for b in result.records], [p.model_dump() for p in people.records]))
    assert answers[0] == answers[1]
    assert answers[0][0] and answers[0][1]
