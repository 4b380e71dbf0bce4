"""The contract checker fails on purpose: a deprecated route, an undocumented route, a body the document
refuses and an answer it does not describe are each reported, and an allowance excuses only what it names.

Without these, a checker that quietly matched nothing would pass every other contract test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.allowances import Allowance, allowances
from contracts.openapi_contracts import Violation, check, documented, judge
from resources.errors import NotFoundError
from resources.lemlist import LemlistResource
from resources.sandbox import SANDBOX_API_KEY
from resources.sandbox.sandbox import Exchange, recording

pytestmark = pytest.mark.contract

BEARER = {"authorization": "Bearer sandbox-key", "content-type": "application/json"}


def _kinds(violations: list[Violation]) -> set[str]:
    return {v.kind for v in violations}


def test_a_deprecated_lemlist_route_fails_even_though_the_client_can_call_it(tmp_path: Path) -> None:
    client = LemlistResource(
        api_key=SANDBOX_API_KEY, sandbox_state=str(tmp_path / "s.sqlite")
    ).create_client()
    with recording() as log, pytest.raises(NotFoundError):
        # The legacy list lemlist retired on 2026-11-01; the simulator answers it 404 as lemlist does now.
        client.request("GET", "/unsubscribes", params={"limit": 100})
    verdict = judge(log, allowances())
    assert "deprecated" in _kinds(verdict.failures)
    (deprecated,) = [v for v in verdict.failures if v.kind == "deprecated"]
    assert deprecated.operation == "GET /unsubscribes"


def test_an_undocumented_route_fails(tmp_path: Path) -> None:
    client = LemlistResource(
        api_key=SANDBOX_API_KEY, sandbox_state=str(tmp_path / "s.sqlite")
    ).create_client()
    with recording() as log, pytest.raises(NotFoundError):
        client.request("GET", "/campaigns/cam_x/secret-stats")
    verdict = judge(log, allowances())
    assert _kinds(verdict.failures) == {"undocumented"}


def test_a_body_the_document_refuses_fails() -> None:
    body = json.dumps({"inputs": [{"idProperty": "email", "properties": {"email": "a@b.co"}}]}).encode()
    exchange = Exchange(
        "hubspot", "POST", "/crm/v3/objects/contacts/batch/upsert", "", BEARER, body, 200, {}, b"{}"
    )
    result = check(exchange)
    assert (
        result.operation is not None and result.operation.key == "POST /crm/v3/objects/contacts/batch/upsert"
    )
    details = [v.detail for v in result.violations if v.kind == "request"]
    assert any("'id' is a required property" in d for d in details), details


def test_an_answer_the_document_does_not_describe_fails() -> None:
    answer = json.dumps({"results": [{"id": "1"}]}).encode()  # no status, no startedAt/completedAt
    exchange = Exchange(
        "hubspot",
        "POST",
        "/crm/v3/objects/contacts/batch/read",
        "",
        BEARER,
        json.dumps({"inputs": [{"id": "1"}], "properties": ["email"], "propertiesWithHistory": []}).encode(),
        200,
        {"content-type": "application/json"},
        answer,
    )
    result = check(exchange)
    assert {v.kind for v in result.violations} == {"response"}


def test_a_wrong_auth_scheme_fails() -> None:
    exchange = Exchange(
        "lemlist", "GET", "/api/team", "", {"authorization": "Bearer sandbox-key"}, b"", 200, {}, b"{}"
    )
    assert "auth" in _kinds(check(exchange).violations)


def test_an_allowance_excuses_only_what_it_names() -> None:
    v = Violation("explorium", "status", "GET", "/v1/credits", "GET /v1/credits", 429, "not documented")
    narrow = Allowance("explorium", "status", "why", statuses=frozenset({401}))
    broad = Allowance("explorium", "status", "why", statuses=frozenset({429}))
    other_vendor = Allowance("lemlist", "status", "why")
    assert not narrow.excuses(v) and broad.excuses(v) and not other_vendor.excuses(v)
    detail = Allowance("hubspot", "response", "why", detail=r"properties/[^/:]+: None ")
    assert detail.excuses(
        Violation("hubspot", "response", "POST", "/x", None, 200, "results/0/properties/email: None for not")
    )
    assert not detail.excuses(
        Violation("hubspot", "response", "POST", "/x", None, 200, "results/0/id: None x")
    )


def test_every_allowance_has_a_reason_and_the_operations_it_names_exist() -> None:
    for allowance in allowances():
        assert len(allowance.reason) > 40, allowance.label
        if allowance.operation is not None:
            assert documented(allowance.vendor, allowance.operation), allowance.label
