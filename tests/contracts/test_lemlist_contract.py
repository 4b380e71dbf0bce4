"""The lemlist client and simulator against lemlist's published OpenAPI document.

One recording holds the client's whole public surface (campaigns running over sandbox days, so activities,
inbox messages and stats are real) plus the simulator's error answers (a refused key, an unknown campaign,
a duplicate lead, a rate-limit storm, a server error); every exchange in it is held to the document. The
retired unsubscribe routes are never called: the checker would report them as deprecated.
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
from resources.errors import AuthenticationError, NotFoundError, RateLimitedError, ServerError
from resources.lemlist import LemlistClient, LemlistResource
from resources.lemlist.models import LeadInput
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.sandbox import Exchange, recording

pytestmark = pytest.mark.contract


def _client(path: Path, **fields: Any) -> LemlistClient:
    return LemlistResource(
        api_key=fields.pop("api_key", SANDBOX_API_KEY),
        sandbox_state=str(path),
        backoff_base=0.001,
        backoff_max=0.01,
        max_attempts=2,
    ).create_client()


def whole_surface(client: Any, sandbox: Sandbox) -> None:
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


def error_answers(path: Path, sandbox: Sandbox) -> None:
    """The simulator's refusals and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        _client(path, api_key="not-a-sandbox-key").team()
    client = _client(path)
    with pytest.raises(NotFoundError):
        client.get_campaign("cam_doesnotexist")
    other = client.create_campaign("Contract duplicates")
    person = sandbox.world.people[0]
    assert client.add_lead(other.id, LeadInput(email=person.email)).status == "skipped_duplicate"
    sandbox.store.set_faults("lemlist", rate_limit_next=2, rate_limit_retry_after=0.01)
    with pytest.raises(RateLimitedError):
        client.team()
    sandbox.store.set_faults("lemlist", server_error_next=2, server_error_status=503)
    with pytest.raises(ServerError):
        client.team()


@dataclass
class Traffic:
    client: Tracked
    log: list[Exchange]


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("lemlist") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(_client(path))
    with recording() as log:
        whole_surface(client, sandbox)
        error_answers(path, sandbox)
    return Traffic(client, log)


def test_the_scenario_calls_every_public_method_of_the_client(traffic: Traffic) -> None:
    assert public_methods(LemlistClient) - traffic.client.called == set()


def test_every_exchange_follows_the_published_document(traffic: Traffic) -> None:
    verdict = judge(traffic.log, allowances(), vendors=["lemlist"])
    assert len(verdict.checked) > 40
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_no_retired_route_is_called(traffic: Traffic) -> None:
    verdict = judge(traffic.log, allowances(), vendors=["lemlist"])
    assert not [c for c in verdict.checked if c.operation is None or c.operation.deprecated]
    assert {"GET /v2/unsubscribes/exports/variables", "GET /v2/unsubscribes/variables/{value}"} <= (
        verdict.operations("lemlist")
    )
