"""A whole product day in the sandbox, recorded and held to the vendors' published documents.

The recording holds what the product really sends, not what a client test chose to call: the vendor check,
one ICP's outbound day with sending switched on (so the campaign runs), the days of replies, bounces and
unsubscribes that follow (sensor, then the reply job per day), the suppression sync, campaign stats, the
safety sensor and its job, and a day of inbound form leads (sensor, then the inbound job). Every exchange
must follow the documents; no deprecated operation may be called, which the sandbox's own usage ledger
shows as well.
"""

from __future__ import annotations

import json

import pytest
from anthropic._data import DEPRECATED_MODELS

from contracts.allowances import allowances
from contracts.conftest import ProductDay
from contracts.openapi_contracts import distinct, judge, operations_for_route

pytestmark = [pytest.mark.slow, pytest.mark.contract]


def test_the_day_ran_every_stage(product_day: ProductDay) -> None:
    assert {
        "outbound_daily_job",
        "engagement_replies_job",
        "suppression_sync_job",
        "campaign_stats_job",
    } <= set(product_day.runs)
    vendors = {e.vendor for e in product_day.log}
    assert vendors == {"explorium", "hubspot", "lemlist", "anthropic"}


def test_every_exchange_of_the_day_follows_the_published_documents(product_day: ProductDay) -> None:
    verdict = judge(product_day.log, allowances())
    assert len(verdict.checked) > 100
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))


def test_the_usage_ledger_shows_no_deprecated_or_undocumented_operation(product_day: ProductDay) -> None:
    """The sandbox's own ledger (one row per simulator route) agrees: every route the day called is a
    documented operation that is not deprecated, and no call fell through to an unknown route."""
    store = product_day.env.sandbox.store
    called = [(u.vendor, u.endpoint) for u in store.usage() if u.vendor != "anthropic" and u.calls]
    assert called
    problems = []
    for vendor, endpoint in called:
        method, _, route = endpoint.partition(" ")
        operations = operations_for_route(vendor, method, route) if route else []
        if not operations:
            if not any(a.excuses_route(vendor, route) for a in allowances()):
                problems.append(f"{vendor} {endpoint}: undocumented")
        elif all(op.deprecated for op in operations):
            problems.append(f"{vendor} {endpoint}: deprecated ({operations[0].document})")
    assert not problems, problems


def test_no_deprecated_claude_model_is_asked_for(product_day: ProductDay) -> None:
    """Anthropic's operations have no deprecation flag; its models do (the SDK's own table)."""
    models = {
        json.loads(e.request_body).get("model")
        for e in product_day.log
        if e.vendor == "anthropic" and e.path == "/v1/messages"
    }
    batches = [
        r["params"]["model"]
        for e in product_day.log
        if e.vendor == "anthropic" and e.path == "/v1/messages/batches" and e.method == "POST"
        for r in json.loads(e.request_body)["requests"]
    ]
    used = (models | set(batches)) - {None}
    assert used and not used & set(DEPRECATED_MODELS)
