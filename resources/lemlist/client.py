"""`LemlistClient`: the lemlist REST API (https://api.lemlist.com/api) over the shared HTTP policy.

What belongs here: only the composition. The HTTP-sending core (auth, the limit, paging, error reading) is
`base_client.py`; each API area is its own module: `campaigns.py` (and their stats), `leads.py`,
`activities.py` (and the inbox), `unsubscribes.py`. Payload models are in `models.py`; the Dagster resource
that builds this client is in `resource.py`. The names other modules import from here are re-exported.
"""

from __future__ import annotations

from resources.lemlist.activities import ActivitiesAPI
from resources.lemlist.base_client import DEFAULT_BASE_URL, DEFAULT_LIMIT, PAGE_SIZE, parse_js_date_delay
from resources.lemlist.campaigns import CampaignsAPI
from resources.lemlist.leads import LeadsAPI
from resources.lemlist.unsubscribes import UnsubscribesAPI, parse_unsubscribe_csv, unsubscribe_candidates


class LemlistClient(CampaignsAPI, LeadsAPI, ActivitiesAPI, UnsubscribesAPI):
    """Typed access to the lemlist endpoints the pipeline uses."""


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMIT",
    "PAGE_SIZE",
    "LemlistClient",
    "parse_js_date_delay",
    "parse_unsubscribe_csv",
    "unsubscribe_candidates",
]
