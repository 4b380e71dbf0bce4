"""`ExploriumSimulator`: the Explorium AgentSource v1 simulator, composed of one mixin per API area.

What belongs here: the composition only. Shared behaviour is in `core.py`; each endpoint in its area's
module.
"""

from __future__ import annotations

from resources.sandbox.explorium.account import AccountRoutes
from resources.sandbox.explorium.autocomplete import AutocompleteRoutes
from resources.sandbox.explorium.business_enrichments import BusinessEnrichmentRoutes
from resources.sandbox.explorium.events import EventRoutes
from resources.sandbox.explorium.fetch import FetchRoutes
from resources.sandbox.explorium.match import MatchRoutes
from resources.sandbox.explorium.prospect_enrichments import ProspectEnrichmentRoutes
from resources.sandbox.explorium.stats import StatsRoutes


class ExploriumSimulator(
    FetchRoutes,
    StatsRoutes,
    AutocompleteRoutes,
    MatchRoutes,
    EventRoutes,
    BusinessEnrichmentRoutes,
    ProspectEnrichmentRoutes,
    AccountRoutes,
):
    """Explorium AgentSource v1 over the sandbox world."""
