"""The HubSpot client and simulator against HubSpot's published OpenAPI documents, on both CRM versions the
resource can be set to: the legacy `v3` (with v4 associations) and the current date version `2026-09`.

One recording per version holds the client's whole public surface plus the simulator's error answers (a
refused token, a 207 of partly failed inputs, a rate-limit storm, a server error); every exchange in it is
held to the documents of that version (forms, which have no date version, to the v3 forms document).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from contracts.allowances import allowances
from contracts.conftest import Tracked, public_methods
from contracts.openapi_contracts import distinct, judge
from resources.errors import AuthenticationError, RateLimitedError, ServerError
from resources.hubspot import HubSpotClient, HubSpotResource
from resources.hubspot.models import NoteInput, PropertyDefinition, TaskInput
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.sandbox import Exchange, recording

pytestmark = pytest.mark.contract

VERSIONS = ("v3", "2026-09")


def _client(path: Path, version: str, **fields: Any) -> HubSpotClient:
    return HubSpotResource(
        api_key=fields.pop("api_key", SANDBOX_API_KEY),
        sandbox_state=str(path),
        crm_version=version,
        backoff_base=0.001,
        backoff_max=0.01,
        max_attempts=2,
    ).create_client()


def whole_surface(client: Any, sandbox: Sandbox) -> None:
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
    client.search_objects("tasks", properties=["hs_task_subject"])
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


def error_answers(path: Path, sandbox: Sandbox, version: str) -> None:
    """The simulator's refusals, partial failures and faults, as the client meets them."""
    with pytest.raises(AuthenticationError):
        _client(path, version, api_key="not-a-sandbox-key").account_info()
    client = _client(path, version)
    sandbox.store.set_faults("hubspot", partial_failure_rate=0.5)
    client.upsert_contacts([{"email": f"partial.{i}@pipeline-test.example"} for i in range(6)])
    client.read_contacts(["nobody.at.all@pipeline-test.example"])
    sandbox.store.set_faults(
        "hubspot", partial_failure_rate=0.0, rate_limit_next=2, rate_limit_retry_after=0.01
    )
    with pytest.raises(RateLimitedError):
        client.list_owners()
    sandbox.store.set_faults("hubspot", server_error_next=2, server_error_status=502)
    with pytest.raises(ServerError):
        client.list_owners()


@dataclass
class Traffic:
    version: str
    client: Tracked
    log: list[Exchange]


@pytest.fixture(scope="module", params=VERSIONS)
def traffic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    version = request.param
    path = tmp_path_factory.mktemp(f"hubspot-{version}") / "state.sqlite"
    sandbox = Sandbox.at(path)
    client = Tracked(_client(path, version))
    with recording() as log:
        whole_surface(client, sandbox)
        error_answers(path, sandbox, version)
    return Traffic(version, client, log)


def test_the_scenario_calls_every_public_method_of_the_client(traffic: Traffic) -> None:
    assert public_methods(HubSpotClient) - traffic.client.called == set()


def test_every_exchange_follows_the_published_documents(traffic: Traffic) -> None:
    verdict = judge(traffic.log, allowances(), vendors=["hubspot"])
    assert len(verdict.checked) > 30
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_each_version_uses_only_its_own_documents(traffic: Traffic) -> None:
    verdict = judge(traffic.log, allowances(), vendors=["hubspot"])
    used = {c.operation.document.split("/")[1] for c in verdict.checked if c.operation is not None}
    # Forms have no date-versioned document: they stay on marketing v3 in both.
    assert used == ({"v3", "v4"} if traffic.version == "v3" else {"2026-09", "v3"})
    if traffic.version == "2026-09":
        v3_calls = {
            c.operation.key for c in verdict.checked if c.operation and "/v3/" in c.operation.document
        }
        assert v3_calls == {"GET /marketing/v3/forms"}
