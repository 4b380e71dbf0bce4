"""The HubSpot simulator: CRM objects, associations, properties, owners, forms and form submissions,
communication preferences and account info, on HubSpot's real paths, payloads, status codes and limits.

Every versioned route is served twice, with the same behaviour: on the legacy path (CRM v3, associations v4,
account info and communication preferences v3) and on the date-versioned path of each version in
`DATE_VERSIONS` (`/crm/objects/2026-09/...`, `/crm/associations/2026-09/...`, `/account-info/2026-09/...`).
Where the documents of the two differ, each answers as its own document says (see `_batch_response`).
Forms, form submissions and the public submit endpoint have no date-versioned document and keep one path.
Deals are one more object type; their pipelines and the deal engine that plays the world's planted outcomes
into the portal live in `deals.py`.

The package holds one module per API area, each a mixin over the shared record layer (`records.py`) and
portal (`portal.py`); `HubSpotSimulator` joins them, and the base pipeline collects every area's routes.
What belongs here: how HubSpot answers (batch 200/201/207 with per-record StandardErrors, search filters and
paging with its 10,000-result cap, the 190-per-10-s and 5-per-second buckets and their headers and 429 bodies,
error bodies `{status, message, correlationId, category, ...}`), and the portal's seed from the world's
`crm_contacts` / `crm_companies` / `owners`. Records live in the store under `hubspot.*` namespaces. What the
world contains belongs in `world.py`; the request pipeline in `app.py`.
"""

from __future__ import annotations

from resources.sandbox.hubspot.account import AccountApi
from resources.sandbox.hubspot.associations import AssociationsApi
from resources.sandbox.hubspot.deals import DealsApi
from resources.sandbox.hubspot.forms import FormsApi
from resources.sandbox.hubspot.limits import (
    ASSOCIATION_BATCH_LIMIT,
    ASSOCIATION_PAGE,
    BATCH_LIMIT,
    BURST_LIMIT,
    BURST_WINDOW,
    DAILY_LIMIT,
    DATE_VERSIONS,
    PUBLIC_KEY,
    PUBLIC_SUBMIT_PREFIX,
    SEARCH_CAP,
    SEARCH_LIMIT,
    api_route,
    crm_route,
)
from resources.sandbox.hubspot.objects import ObjectsApi
from resources.sandbox.hubspot.portal import HubSpotPortal
from resources.sandbox.hubspot.properties import PropertiesApi
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    ASSOCIATION_TYPES,
    OBJECT_TYPES,
    READ_ONLY_TOKEN_PREFIX,
    STANDARD_PROPERTIES,
    TYPE_IDS,
)
from resources.sandbox.hubspot.search import SearchApi

__all__ = [
    "ASSOCIATION_BATCH_LIMIT",
    "ASSOCIATION_PAGE",
    "ASSOCIATION_TYPES",
    "BATCH_LIMIT",
    "BURST_LIMIT",
    "BURST_WINDOW",
    "DAILY_LIMIT",
    "DATE_VERSIONS",
    "OBJECT_TYPES",
    "PUBLIC_KEY",
    "PUBLIC_SUBMIT_PREFIX",
    "READ_ONLY_TOKEN_PREFIX",
    "SEARCH_CAP",
    "SEARCH_LIMIT",
    "STANDARD_PROPERTIES",
    "TYPE_IDS",
    "HubSpotPortal",
    "HubSpotRecords",
    "HubSpotSimulator",
    "api_route",
    "crm_route",
]


class HubSpotSimulator(ObjectsApi, SearchApi, AssociationsApi, PropertiesApi, AccountApi, FormsApi, DealsApi):
    """HubSpot CRM for one portal (Professional tier), seeded once per state file from the world."""
