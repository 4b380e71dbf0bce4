"""The Explorium client and simulator against Explorium's published OpenAPI document (AgentSource 0.2.273).

One recording holds the client's whole public surface plus the simulator's error answers (a bad key, a
refused filter, a rate-limit storm, a server error); every exchange in it is held to the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from contracts.allowances import allowances
from contracts.conftest import Tracked, public_methods
from contracts.openapi_contracts import distinct, judge
from resources.errors import AuthenticationError, RateLimitedError, RecordValidationError, ServerError
from resources.explorium import BusinessFilters, ExploriumClient, ExploriumResource, ProspectFilters
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.sandbox import Exchange, recording


def _client(path: Path, **fields: Any) -> ExploriumClient:
    return ExploriumResource(
        api_key=fields.pop("api_key", SANDBOX_API_KEY),
        sandbox_state=str(path),
        backoff_base=0.001,
        backoff_max=0.01,
        max_attempts=fields.pop("max_attempts", 2),
        **fields,
    ).create_client()


def whole_surface(client: Any, sandbox: Sandbox) -> None:
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


def refused_requests(path: Path) -> None:
    """Requests made wrong on purpose, to see the simulator refuse them the documented way."""
    with pytest.raises(RecordValidationError):
        _client(path).fetch_businesses({"no_such_filter": {"values": ["x"]}}, max_results=10)


def error_answers(path: Path, sandbox: Sandbox) -> None:
    """The simulator's refusals and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        _client(path, api_key="not-a-sandbox-key").credits()
    client = _client(path)
    sandbox.store.set_faults("explorium", rate_limit_next=2, rate_limit_retry_after=0.01)
    with pytest.raises(RateLimitedError):
        client.credits()
    sandbox.store.set_faults("explorium", server_error_next=2, server_error_status=503)
    with pytest.raises(ServerError):
        client.credits()


@dataclass
class Traffic:
    client: Tracked
    log: list[Exchange]
    refused: list[Exchange]


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("explorium") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(_client(path))
    with recording() as log:
        whole_surface(client, sandbox)
        error_answers(path, sandbox)
    with recording() as refused:
        refused_requests(path)
    return Traffic(client, log, refused)


def test_the_scenario_calls_every_public_method_of_the_client(traffic: Traffic) -> None:
    assert public_methods(ExploriumClient) - traffic.client.called == set()


def test_every_exchange_follows_the_published_document(traffic: Traffic) -> None:
    verdict = judge(traffic.log, allowances(), vendors=["explorium"])
    assert len(verdict.checked) > 20
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_refusals_of_bad_requests_are_documented_answers(traffic: Traffic) -> None:
    verdict = judge(traffic.refused, allowances(), vendors=["explorium"], requests=False)
    assert [c.exchange.status for c in verdict.checked] == [422]
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))
