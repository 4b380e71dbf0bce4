"""`HubSpotClient`: the httpx client of the HubSpot CRM APIs this pipeline uses, one class over every area.

What belongs here: only the composition. The HTTP-sending core (versions, auth, limits, batch concurrency,
error reading) is `base_client.py`; each API area is its own module: `objects.py` (batch create, upsert,
update, read), `search.py`, `associations.py`, `properties.py`, `forms.py`, `account.py` (owners,
communication preferences, account info) and `deals.py` (deals and their pipelines). Python values become
HubSpot strings in `values.py`; payload models are in `models.py`. The names other modules import from here
are re-exported below.
"""

from __future__ import annotations

from resources.hubspot.account import AccountAPI
from resources.hubspot.associations import AssociationsAPI
from resources.hubspot.base_client import (
    DAILY_WAIT,
    DEFAULT_BASE_URL,
    DEFAULT_CONCURRENCY,
    DEFAULT_CRM_VERSION,
    DEFAULT_LIMIT,
    DEFAULT_SEARCH_LIMIT,
    LEGACY_CRM_VERSION,
    SECONDLY_WAIT,
    TEN_SECONDLY_WAIT,
    check_crm_version,
    crm_path,
)
from resources.hubspot.deals import DealsAPI
from resources.hubspot.forms import FormsAPI
from resources.hubspot.models import BATCH_SIZE, COMPANY_TO_CONTACT, CONTACT_TO_COMPANY
from resources.hubspot.objects import CrmObjectsAPI
from resources.hubspot.properties import PropertiesAPI
from resources.hubspot.search import SearchAPI
from resources.hubspot.values import normalize_domain, property_value


class HubSpotClient(CrmObjectsAPI, SearchAPI, AssociationsAPI, PropertiesAPI, FormsAPI, AccountAPI, DealsAPI):
    """HubSpot CRM objects, associations, properties, owners, forms, communication preferences and account
    info, over one httpx client, in one API version (`crm_version`: `v3` or a date such as `2026-09`).

    Batch methods take any number of inputs and send them 100 at a time; per-record failures come back in
    the result's `errors`, never as exceptions. Search walks every page and re-windows past HubSpot's
    10,000-result cap when it controls the sort order.
    """


__all__ = [
    "BATCH_SIZE",
    "COMPANY_TO_CONTACT",
    "CONTACT_TO_COMPANY",
    "DAILY_WAIT",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_CRM_VERSION",
    "DEFAULT_LIMIT",
    "DEFAULT_SEARCH_LIMIT",
    "LEGACY_CRM_VERSION",
    "SECONDLY_WAIT",
    "TEN_SECONDLY_WAIT",
    "HubSpotClient",
    "check_crm_version",
    "crm_path",
    "normalize_domain",
    "property_value",
]
