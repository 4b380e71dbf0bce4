"""Explorium AgentSource v1: the client, its payload models and the Dagster resource.

`ExploriumResource` (resource.py) builds an `ExploriumClient` (client.py, one module per API area) against
the real API or the sandbox; `filters.py` holds the filters and `models.py` the records it returns.
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
