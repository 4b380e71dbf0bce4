"""Every answer a simulator can give is held to its vendor's contract, not only those the clients ask for.

Each route a simulator serves must be hit somewhere in the recordings (the clients' surfaces, their error
answers, a product day, and `scenarios.*_routes_beyond_the_client` for documented routes no client calls),
except the few it serves only for tolerance, listed here with the reason. The routes beyond the clients
are held to the documents (to the SDK's types for Anthropic) like everything else.
"""

from __future__ import annotations

import pytest

from contracts.allowances import allowances
from contracts.conftest import ProductDay, Traffic
from contracts.openapi_contracts import distinct, judge
from contracts.sdk_contracts import check
from resources.sandbox.sandbox import SIMULATORS, Exchange

pytestmark = [pytest.mark.slow, pytest.mark.contract]

#: Routes a simulator serves that no document describes, and why they are served anyway. Nothing here is
#: called by the product; the contract tests would report it as undocumented if it were.
TOLERATED = {
    ("explorium", "GET", "/v1/healthcheck/http"): "the healthcheck is documented at the root; this alias "
    "answers clients built on the /v1 base URL",
    ("lemlist", "POST", "/api/campaigns/{campaignId}/leads/{email}"): "the legacy add-lead path with the "
    "email in the path, still used by n8n and Pipedream (reference 2.3); the current document puts the "
    "email in the body, which is what the client sends",
}


def _routes() -> dict[str, list[tuple[str, str, object]]]:
    import importlib

    out: dict[str, list[tuple[str, str, object]]] = {}
    for vendor, (module, name) in SIMULATORS.items():
        simulator = getattr(importlib.import_module(module), name)
        out[vendor] = [(method, pattern, regex) for method, pattern, regex, _ in simulator._routes]
    return out


def _hit(exchange: Exchange, routes: list[tuple[str, str, object]]) -> str | None:
    """`METHOD pattern` of the route that answered an exchange (routes are ordered as the simulator
    matches them: literal segments first)."""
    for method, pattern, regex in routes:
        if method == exchange.method and regex.match(exchange.path):  # type: ignore[attr-defined]
            return f"{method} {pattern}"
    return None


def test_every_simulator_route_is_exercised(
    explorium_traffic: Traffic,
    hubspot_v3_traffic: Traffic,
    hubspot_2026_09_traffic: Traffic,
    lemlist_traffic: Traffic,
    anthropic_traffic: Traffic,
    beyond_the_clients_traffic: Traffic,
    product_day: ProductDay,
) -> None:
    recorded = [
        *explorium_traffic.log,
        *explorium_traffic.refused,
        *hubspot_v3_traffic.log,
        *hubspot_2026_09_traffic.log,
        *lemlist_traffic.log,
        *anthropic_traffic.log,
        *beyond_the_clients_traffic.log,
        *product_day.log,
    ]
    missing = []
    for vendor, routes in _routes().items():
        hit = {_hit(e, routes) for e in recorded if e.vendor == vendor}
        missing += [
            f"{vendor} {method} {pattern}"
            for method, pattern, _ in routes
            if f"{method} {pattern}" not in hit and (vendor, method, pattern) not in TOLERATED
        ]
    assert not missing, missing


def test_routes_beyond_the_clients_follow_the_contracts(beyond_the_clients_traffic: Traffic) -> None:
    verdict = judge(beyond_the_clients_traffic.log, allowances())
    assert len(verdict.checked) > 30
    assert not verdict.failures, "\n".join(str(v) for v in distinct(verdict.failures))
    problems = [p for e in beyond_the_clients_traffic.log if e.vendor == "anthropic" for p in check(e)]
    assert not problems, problems
