"""Explorium AgentSource v1: the client, its payload models and the Dagster resource.

`ExploriumResource` (resource.py) builds an `ExploriumClient` (client.py) against the real API or the
sandbox; `models.py` holds the filters and the records it returns.
"""

from resources.explorium.client import DEFAULT_BASE_URL, DEFAULT_LIMIT, ExploriumClient
from resources.explorium.models import BusinessFilters, ProspectFilters
from resources.explorium.resource import ExploriumResource

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMIT",
    "BusinessFilters",
    "ExploriumClient",
    "ExploriumResource",
    "ProspectFilters",
]
