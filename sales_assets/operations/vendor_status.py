"""`vendor_status`: one cheap, authenticated call per vendor, so a person sees at a glance that every
credential works, how fast each vendor answers and how many Explorium credits are left.

An authentication failure fails the asset loudly (it is systemic: every later run would fail too); any other
vendor error is recorded on that vendor's row, and the asset still materializes.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import time
from collections.abc import Callable
from typing import Any

import dagster as dg
import pandas as pd

from resources.claude.resource import AnthropicResource
from resources.errors import AuthenticationError, VendorError
from resources.explorium.resource import ExploriumResource
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.resource import LemlistResource
from sales_assets.common.metadata import markdown_table

COLUMNS = ["vendor", "ok", "latency_ms", "detail", "error"]


def _probe(vendor: str, call: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = call()
        error = None
    except AuthenticationError:
        raise
    except VendorError as exc:
        detail, error = "", str(exc)
    return {
        "vendor": vendor,
        "ok": error is None,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "detail": detail,
        "error": error,
    }


@dg.asset(
    group_name="operations",
    kinds={"python", "pandas"},
    description=__doc__,
)
def vendor_status(
    context: dg.AssetExecutionContext,
    explorium: ExploriumResource,
    hubspot: HubSpotResource,
    lemlist: LemlistResource,
    anthropic: AnthropicResource,
) -> dg.MaterializeResult:
    credits: dict[str, float] = {}

    def explorium_probe() -> str:
        balance = explorium.get_client().credits()
        credits["remaining"] = float(balance.remaining_credits)
        credits["allocated"] = float(balance.allocated_credits)
        return f"{balance.remaining_credits:,.0f} of {balance.allocated_credits:,.0f} credits left"

    def hubspot_probe() -> str:
        account = hubspot.get_client().account_info()
        return f"portal {account.portal_id} ({account.time_zone})"

    def lemlist_probe() -> str:
        team = lemlist.get_client().team()
        return f"team {team.name}"

    def anthropic_probe() -> str:
        client = anthropic.get_client()
        tokens = client.count_tokens(
            model=anthropic.fast_model, system=None, messages=[{"role": "user", "content": "ping"}]
        )
        return f"{anthropic.fast_model} reachable ({tokens} tokens counted)"

    failures: list[str] = []
    rows = []
    for vendor, probe in (
        ("explorium", explorium_probe),
        ("hubspot", hubspot_probe),
        ("lemlist", lemlist_probe),
        ("anthropic", anthropic_probe),
    ):
        try:
            rows.append(_probe(vendor, probe))
        except AuthenticationError as exc:
            failures.append(str(exc))
    if failures:
        raise dg.Failure(description="Vendor credentials were refused:\n" + "\n".join(failures))

    frame = pd.DataFrame(rows, columns=COLUMNS)
    for row in rows:
        context.log.info("%s: %s", row["vendor"], row["detail"] or row["error"])
    metadata: dict[str, Any] = {
        "dagster/row_count": len(frame),
        "vendors_ok": int(frame["ok"].sum()),
        "preview": dg.MetadataValue.md(markdown_table(frame)),
    }
    metadata.update({f"latency_ms/{r['vendor']}": float(r["latency_ms"]) for r in rows})
    if credits:
        metadata["explorium_credits_remaining"] = credits["remaining"]
    return dg.MaterializeResult(metadata=metadata, value=frame)
