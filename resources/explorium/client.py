"""`ExploriumClient`: the httpx client of Explorium AgentSource v1 (businesses, prospects, events).

What belongs here: only the composition. The HTTP-sending core (auth, the limit, the fetch walk, error
reading) is `base_client.py`; each API area is its own module: `businesses.py` (with events and
enrichments), `prospects.py` (with contacts and profiles) and `account.py` (credits). Filters are in
`filters.py`, payload models in `models.py`. The names other modules import from here are re-exported.
"""

from __future__ import annotations

from resources.explorium.account import AccountAPI
from resources.explorium.base_client import DEFAULT_BASE_URL, DEFAULT_LIMIT
from resources.explorium.businesses import ENRICHMENT_MODELS, BusinessesAPI
from resources.explorium.prospects import ProspectsAPI


class ExploriumClient(BusinessesAPI, ProspectsAPI, AccountAPI):
    """Explorium AgentSource v1 over httpx. Methods batch to Explorium's limits and walk every page."""


__all__ = ["DEFAULT_BASE_URL", "DEFAULT_LIMIT", "ENRICHMENT_MODELS", "ExploriumClient"]
