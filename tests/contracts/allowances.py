"""The allow-list: each place where the sandbox's traffic departs from a vendor's published document, and why.

What belongs here: one `Allowance` per known difference, each with its reason (the document is silent, the
document is wrong, or the vendor documents the behaviour elsewhere). `resources/VENDOR_NOTES.md` says the
same in prose. Every allowance must still be needed: the tests fail on one that excused nothing, so the
list cannot rot into a blanket excuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.openapi_contracts import Violation


@dataclass
class Allowance:
    """Excuses violations of one `kind` for one vendor, narrowed by operation, path, status and detail."""

    vendor: str
    kind: str
    reason: str
    operation: str | None = None  # `METHOD template` as the document writes it; None: any
    path_prefix: str | None = None  # for undocumented routes, which have no operation
    statuses: frozenset[int] | None = None
    detail: str | None = None  # a regular expression searched in the violation's detail
    used: int = 0

    def excuses(self, v: Violation) -> bool:
        return (
            v.vendor == self.vendor
            and v.kind == self.kind
            and (self.operation is None or v.operation == self.operation)
            and (self.path_prefix is None or v.path.startswith(self.path_prefix))
            and (self.statuses is None or v.status in self.statuses)
            and (self.detail is None or re.search(self.detail, v.detail) is not None)
        )

    def excuses_route(self, vendor: str, route: str) -> bool:
        """Whether this allowance covers a whole undocumented route (as the usage ledger names it)."""
        return (
            self.vendor == vendor
            and self.kind == "undocumented"
            and self.path_prefix is not None
            and route.startswith(self.path_prefix)
        )

    @property
    def label(self) -> str:
        parts = [self.vendor, self.kind, self.operation or self.path_prefix or "any operation"]
        if self.statuses is not None:
            parts.append("/".join(str(s) for s in sorted(self.statuses)))
        if self.detail:
            parts.append(repr(self.detail))
        return " / ".join(parts)


def allowances() -> list[Allowance]:
    """A fresh list (each test counts its own uses)."""
    return [
        Allowance(
            "explorium",
            "status",
            "Explorium's document lists only 200 and 422 for each operation. Its error and rate-limit pages "
            "document 401 (bad key), 403 (no credits left), 429 (over 200 requests a minute) and 5xx, with "
            "bodies the document has no schema for; the client reads them as the prose pages describe.",
            statuses=frozenset({401, 403, 429, 500, 502, 503, 504}),
        ),
        Allowance(
            "lemlist",
            "status",
            "lemlist documents its rate limit (429 with Retry-After and X-RateLimit-* headers) in the "
            "document's introduction and its 5xx answers in its error table, not per operation; the bodies "
            "are not described anywhere.",
            statuses=frozenset({429, 500, 502, 503, 504}),
        ),
        Allowance(
            "lemlist",
            "status",
            "lemlist documents no answer for a lead that `deduplicate=true` skips because the address is in "
            "another campaign (reference: could not confirm). The sandbox answers 409 with a text body and "
            "the client reports the lead as skipped_duplicate.",
            operation="POST /campaigns/{campaignId}/leads/",
            statuses=frozenset({409}),
        ),
        Allowance(
            "hubspot",
            "request",
            "HubSpot's search documents type `sorts` items as strings, but its search guide and the official "
            "SDKs' examples send objects `{propertyName, direction}`, which is what the client sends: the "
            "document is wrong here (the sandbox accepts both).",
            detail=r"^sorts/\d+: .* is not of type 'string'$",
        ),
        Allowance(
            "hubspot",
            "response",
            "HubSpot answers null for a requested property that has no value. The 2026-09 documents type "
            "property values as nullable strings; the v3 documents (and the 2026-09 upsert results) as plain "
            "strings. The sandbox answers null as HubSpot does; the client reads null and absent alike.",
            detail=r"/properties/[^/:]+: None (for not nullable|is not of type 'string')$",
        ),
        Allowance(
            "hubspot",
            "response",
            "HubSpot's StandardError types `subCategory` as an object, while its top-level Error types it as "
            "a string and HubSpot sends strings in both (`crm.associations.NO_ASSOCIATIONS_FOUND`); the "
            "sandbox sends the string HubSpot sends.",
            detail=r"errors/\d+/subCategory: '[^']*' is not of type 'object'$",
        ),
        Allowance(
            "hubspot",
            "undocumented",
            "Form submissions are read from HubSpot's legacy form-integrations v1 endpoint: no OpenAPI "
            "document is published for it, and no newer reader of submissions exists (contracts README).",
            path_prefix="/form-integrations/v1/submissions/forms/",
        ),
        Allowance(
            "hubspot",
            "undocumented",
            "The public form submit endpoint (api.hsforms.com, v3 integration submit) has no published "
            "OpenAPI document (contracts README); only the sandbox demo and tests submit forms.",
            path_prefix="/submissions/v3/integration/submit/",
        ),
        *(
            Allowance(
                "hubspot",
                "undocumented",
                "No deals or pipelines document is published among the contracts; deals follow the companies "
                "document's shapes (tests/test_hubspot_deals_contract.py holds them to it), pipelines the "
                "API reference (VENDOR_NOTES.md).",
                path_prefix=prefix,
            )
            for prefix in ("/crm/v3/objects/deals", "/crm/v3/pipelines/", "/crm/pipelines/2026-09/")
        ),
    ]
