"""Deals have no published document among the contracts: the simulator's deal routes are held to the
companies document's shapes instead (HubSpot serves every CRM object type on the same object API), on both
CRM versions. Each deals exchange is checked as if it were the same call on companies: path parameters,
request body, status and response schema, with the allowances the companies traffic has.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.allowances import allowances
from contracts.openapi_contracts import check
from contracts.scenarios import hubspot_client
from resources.sandbox import Sandbox
from resources.sandbox.sandbox import Exchange, recording

pytestmark = pytest.mark.contract


def _as_companies(exchange: Exchange) -> Exchange:
    parts = exchange.path.split("/")
    return replace(exchange, path="/".join("companies" if p == "deals" else p for p in parts))


@pytest.mark.parametrize("version", ["v3", "2026-09"])
def test_deal_exchanges_follow_the_companies_document(tmp_path: Path, version: str) -> None:
    path = tmp_path / "state.sqlite"
    Sandbox.at(path)
    client = hubspot_client(path, version)
    objects = "/crm/v3/objects" if version == "v3" else f"/crm/objects/{version}"
    with recording() as log:
        contact = client.upsert_contacts([{"email": "deal.contract@pipeline-test.example"}]).results[0]
        company = client.create_companies([{"name": "Deal Co", "domain": "deal-co.example"}]).results[0]
        created = client.create_deals(
            [
                {
                    "dealname": "Contract",
                    "dealstage": "qualifiedtobuy",
                    "closedate": datetime(2026, 6, 1, tzinfo=UTC),
                }
            ],
            contact_ids=[contact.id],
            company_ids=[company.id],
        ).results
        deal_id = created[0].id
        client.update_deals({deal_id: {"dealstage": "closedwon", "amount": 500}})
        client.read_deals([deal_id, "999999999"])
        client.search_deals(
            filter_groups=[
                {"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"}]}
            ]
        )
        single = client.request(
            "POST",
            f"{objects}/deals",
            json={
                "properties": {"dealname": "Single", "dealstage": "appointmentscheduled"},
                "associations": [],
            },
        ).json()
        client.request("GET", f"{objects}/deals", params={"limit": 5})
        client.request("PATCH", f"{objects}/deals/{single['id']}", json={"properties": {"amount": "10"}})
        client.request("GET", f"{objects}/deals/{single['id']}", params={"properties": "dealstage,amount"})
    deals = [e for e in log if "/deals" in e.path and "/associations" not in e.path and e.vendor == "hubspot"]
    checked = [check(_as_companies(e)) for e in deals]
    operations = {c.operation.key for c in checked if c.operation is not None}
    assert len(operations) == 8, operations
    # The differences the companies traffic is already allowed (null property values, object sorts).
    excuses = allowances()
    problems = [str(v) for c in checked for v in c.violations if not any(a.excuses(v) for a in excuses)]
    assert not problems, "\n".join(problems)
    statuses = sorted({e.status for e in deals})
    assert statuses[0] in (200, 201) and all(s < 400 for s in statuses)
