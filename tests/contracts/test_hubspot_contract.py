"""The HubSpot client and simulator against HubSpot's published OpenAPI documents, on both CRM versions the
resource can be set to: the legacy `v3` (with v4 associations) and the current date version `2026-09`.

Each recording (`conftest.hubspot_*_traffic`) holds the client's whole public surface plus the simulator's
error answers (a refused token, a batch with failed inputs, a rate-limit storm, a server error); every
exchange is held to the documents of its version (forms, which have no date version, to the v3 forms one).
"""

from __future__ import annotations

import pytest

from contracts.allowances import allowances
from contracts.conftest import Traffic
from contracts.openapi_contracts import distinct, judge
from contracts.scenarios import public_methods
from resources.hubspot import HubSpotClient

pytestmark = pytest.mark.contract


@pytest.fixture(params=["v3", "2026-09"])
def traffic(request: pytest.FixtureRequest) -> tuple[str, Traffic]:
    version = request.param
    return version, request.getfixturevalue(f"hubspot_{version.replace('-', '_')}_traffic")


def test_the_scenario_calls_every_public_method_of_the_client(traffic: tuple[str, Traffic]) -> None:
    _, recorded = traffic
    assert public_methods(HubSpotClient) - recorded.called == set()


def test_every_exchange_follows_the_published_documents(traffic: tuple[str, Traffic]) -> None:
    _, recorded = traffic
    verdict = judge(recorded.log, allowances(), vendors=["hubspot"])
    assert len(verdict.checked) > 30
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_each_version_uses_only_its_own_documents(traffic: tuple[str, Traffic]) -> None:
    version, recorded = traffic
    verdict = judge(recorded.log, allowances(), vendors=["hubspot"])
    used = {c.operation.document.split("/")[1] for c in verdict.checked if c.operation is not None}
    # Forms have no date-versioned document: they stay on marketing v3 in both.
    assert used == ({"v3", "v4"} if version == "v3" else {"2026-09", "v3"})
    if version == "2026-09":
        v3_calls = {
            c.operation.key for c in verdict.checked if c.operation and "/v3/" in c.operation.document
        }
        assert v3_calls == {"GET /marketing/v3/forms"}
