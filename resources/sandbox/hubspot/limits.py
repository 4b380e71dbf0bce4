"""HubSpot's limits and the shape of its versioned paths, as the simulator enforces and serves them.

What belongs here: the rate-limit tiers, batch and page sizes, search caps, the date versions served next
to the legacy paths and the `crm_route` / `api_route` decorators that route a handler at both.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from resources.sandbox.app import Handler, SimRequest, route

# --- limits ----------------------------------------------------------------------------------------------

#: Professional tier: 190 requests per 10 s per app, 625,000 per day per account.
BURST_LIMIT = 190
BURST_WINDOW = 10.0
DAILY_LIMIT = 625_000
#: Search: 5 per second per token (current docs; the older changelog said 4).
SEARCH_LIMIT = 5
#: CRM object batch endpoints: 100 inputs (community answer; the spec is silent).
BATCH_LIMIT = 100
#: v4 association batches: batch read is capped at 1,000 (changelog); the create cap (2,000, third-party) is
#: not confirmed, so the confirmed 1,000 is used for every association batch. (A third-party report of the
#: same changelog post reads 100 for batch read; the client sends 100, which fits either.)
ASSOCIATION_BATCH_LIMIT = 1000
#: Associations per record per page of an association batch read. Not documented; the v4 GET listing's
#: default `limit` (500) is used.
ASSOCIATION_PAGE = 500
SEARCH_PAGE_MAX = 200
SEARCH_PAGE_DEFAULT = 10
SEARCH_CAP = 10_000
# Facts ran out on filter limits (spec: 6 groups; 2024 changelog: 5 groups x 10 filters, 25 in all; current
# docs as quoted: 5 x 6, 18 in all). The stricter reading is enforced.
MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS_TOTAL = 18
SUBMISSIONS_DEFAULT = 20
SUBMISSIONS_MAX = 50

# --- versions --------------------------------------------------------------------------------------------

#: The date versions served next to the legacy paths. Their shapes follow the 2026-09 documents (the only
#: date-versioned ones in ../shared/contracts); another date is one entry here once its documents are read.
DATE_VERSIONS = ("2026-09",)
_DATE = re.compile(r"\d{4}-\d{2}")


def crm_route(method: str, area: str, rest: str = "", *, legacy: str = "v3") -> Callable[[Handler], Handler]:
    """Route a handler at the legacy CRM path `/crm/{legacy}/{area}{rest}` and at `/crm/{area}/{date}{rest}`
    for each date version (the date versions put the version after the area)."""

    def mark(fn: Handler) -> Handler:
        fn = route(method, f"/crm/{legacy}/{area}{rest}")(fn)
        for version in DATE_VERSIONS:
            fn = route(method, f"/crm/{area}/{version}{rest}")(fn)
        return fn

    return mark


def api_route(method: str, area: str, rest: str) -> Callable[[Handler], Handler]:
    """Route a handler outside `/crm` at `/{area}/v3{rest}` and `/{area}/{date}{rest}` for each date."""

    def mark(fn: Handler) -> Handler:
        fn = route(method, f"/{area}/v3{rest}")(fn)
        for version in DATE_VERSIONS:
            fn = route(method, f"/{area}/{version}{rest}")(fn)
        return fn

    return mark


def _dated(req: SimRequest) -> bool:
    """True when the request came in on a date-versioned path (`/crm/objects/2026-09/...`,
    `/account-info/2026-09/...`), False on a legacy one (`/crm/v3/...`, `/crm/v4/...`,
    `/account-info/v3/...`)."""
    parts = req.path.split("/")
    index = 3 if len(parts) > 1 and parts[1] == "crm" else 2
    return len(parts) > index and _DATE.fullmatch(parts[index]) is not None


PUBLIC_SUBMIT_PREFIX = "/submissions/v3/integration/submit/"
#: The public submit endpoint needs no token (as in reality); the base pipeline insists on one, so requests to
#: it are given this key, which only ever reaches that handler.
PUBLIC_KEY = "sandbox-public-forms"
