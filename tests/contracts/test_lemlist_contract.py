"""The lemlist client and simulator against lemlist's published OpenAPI document.

The recording (`conftest.lemlist_traffic`) holds the client's whole public surface, with a campaign running
over sandbox days so activities, inbox messages and stats are real, plus the simulator's error answers (a
refused key, an unknown campaign, a duplicate lead, a rate-limit storm, a server error). Every exchange is
held to the document; the retired unsubscribe routes are never called (the checker would call them
deprecated).
"""

from __future__ import annotations

import pytest

from contracts.allowances import allowances
from contracts.conftest import Traffic
from contracts.openapi_contracts import distinct, judge
from contracts.scenarios import public_methods
from resources.lemlist import LemlistClient

pytestmark = pytest.mark.contract


def test_the_scenario_calls_every_public_method_of_the_client(lemlist_traffic: Traffic) -> None:
    assert public_methods(LemlistClient) - lemlist_traffic.called == set()


def test_every_exchange_follows_the_published_document(lemlist_traffic: Traffic) -> None:
    verdict = judge(lemlist_traffic.log, allowances(), vendors=["lemlist"])
    assert len(verdict.checked) > 40
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_no_retired_route_is_called(lemlist_traffic: Traffic) -> None:
    verdict = judge(lemlist_traffic.log, allowances(), vendors=["lemlist"])
    assert not [c for c in verdict.checked if c.operation is None or c.operation.deprecated]
    assert {"GET /v2/unsubscribes/exports/variables", "GET /v2/unsubscribes/variables/{value}"} <= (
        verdict.operations("lemlist")
    )
