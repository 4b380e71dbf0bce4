"""Contract coverage, and an allow-list that cannot rot.

Coverage per vendor = operations the contract tests hold to the document without an unexcused violation /
operations the product calls, where "the product calls" is every operation a public client method reaches
(the surface recordings, which a test proves call every public method) together with every operation a
whole product day really sent. The figures go to `test-artifacts/contract-coverage.json`.

Every allowance must excuse at least one violation somewhere in these recordings: one that excuses nothing
describes a difference that is gone, and is removed rather than kept as a blanket excuse.
"""

from __future__ import annotations

import json

import pytest

from contracts.allowances import allowances
from contracts.conftest import ProductDay, Traffic
from contracts.openapi_contracts import REPO, Verdict, judge
from contracts.sdk_contracts import OPERATIONS, check, operation_of

pytestmark = [pytest.mark.slow, pytest.mark.contract]

VENDORS = ("explorium", "hubspot", "lemlist")


def _clean(verdict: Verdict, vendor: str) -> set[str]:
    return verdict.operations(vendor) - verdict.failed_operations(vendor)


def test_coverage_and_every_allowance_is_still_needed(
    explorium_traffic: Traffic,
    hubspot_v3_traffic: Traffic,
    hubspot_2026_09_traffic: Traffic,
    lemlist_traffic: Traffic,
    anthropic_traffic: Traffic,
    product_day: ProductDay,
) -> None:
    allowed = allowances()
    surface = judge(
        explorium_traffic.log + hubspot_v3_traffic.log + hubspot_2026_09_traffic.log + lemlist_traffic.log,
        allowed,
    )
    judge(explorium_traffic.refused, allowed, requests=False)
    day = judge(product_day.log, allowed)

    report: dict[str, dict[str, object]] = {}
    for vendor in VENDORS:
        called = surface.operations(vendor) | day.operations(vendor)
        clean = _clean(surface, vendor) | _clean(day, vendor)
        report[vendor] = {
            "operations_called_in_a_product_day": len(day.operations(vendor)),
            "operations_the_clients_can_call": len(surface.operations(vendor)),
            "operations_held_to_the_document": len(clean & called),
            "coverage": round(len(clean & called) / len(called), 4),
            "product_day_operations_outside_the_client_tests": sorted(
                day.operations(vendor) - surface.operations(vendor)
            ),
            "operations": sorted(called),
        }
    sdk_clean = {operation_of(e) for e in anthropic_traffic.log if not check(e)}
    sdk_called = {operation_of(e) for e in anthropic_traffic.log} | {
        operation_of(e) for e in product_day.log if e.vendor == "anthropic"
    }
    report["anthropic"] = {
        "operations_the_clients_can_call": len(sdk_called),
        "operations_held_to_the_sdk_types": len(sdk_clean & sdk_called),
        "coverage": round(len(sdk_clean & sdk_called) / len(sdk_called), 4),
        "operations": sorted(o for o in sdk_called if o),
    }
    report["allowances"] = {a.label: a.used for a in allowed}
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "contract-coverage.json").write_text(json.dumps(report, indent=2) + "\n")

    for vendor in (*VENDORS, "anthropic"):
        assert report[vendor]["coverage"] == 1.0, (vendor, report[vendor])
    for vendor in VENDORS:
        assert not report[vendor]["product_day_operations_outside_the_client_tests"], vendor
    assert sdk_called <= set(OPERATIONS)
    unused = [a.label for a in allowed if a.used == 0]
    assert not unused, f"allowances that excuse nothing any more (remove them): {unused}"
