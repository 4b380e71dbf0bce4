"""The Explorium client and simulator against Explorium's published OpenAPI document (AgentSource 0.2.273).

The recording (`conftest.explorium_traffic`) holds the client's whole public surface plus the simulator's
error answers (a bad key, a rate-limit storm, a server error); every exchange in it is held to the document.
A refused filter is recorded apart: only its 422 answer is held to the document.
"""

from __future__ import annotations

import pytest

from contracts.allowances import allowances
from contracts.conftest import Traffic
from contracts.openapi_contracts import distinct, judge
from contracts.scenarios import public_methods
from resources.explorium import ExploriumClient

pytestmark = pytest.mark.contract


def test_the_scenario_calls_every_public_method_of_the_client(explorium_traffic: Traffic) -> None:
    assert public_methods(ExploriumClient) - explorium_traffic.called == set()


def test_every_exchange_follows_the_published_document(explorium_traffic: Traffic) -> None:
    verdict = judge(explorium_traffic.log, allowances(), vendors=["explorium"])
    assert len(verdict.checked) > 20
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_refusals_of_bad_requests_are_documented_answers(explorium_traffic: Traffic) -> None:
    verdict = judge(explorium_traffic.refused, allowances(), vendors=["explorium"], requests=False)
    assert [c.exchange.status for c in verdict.checked] == [422, 422]
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))
