"""`ExploriumResource`: the Dagster resource that hands assets an `ExploriumClient`.

What belongs here: Explorium's configuration (its rate limit on top of the shared `VendorResource` fields)
and how the client is built. Endpoints belong in the area modules that `client.py` composes.
"""

from __future__ import annotations

from pydantic import Field

from resources.explorium.client import DEFAULT_BASE_URL, ExploriumClient
from resources.http import RateLimit
from resources.vendor_resource import VendorResource

#: Explorium counts its 200/min in a 60 s sliding window; the client's window is this much longer so
#: clock skew between the two cannot push a burst over.
WINDOW_MARGIN_SECONDS = 0.5


class ExploriumResource(VendorResource):
    """Explorium AgentSource: company and prospect search, events, enrichments and contact details."""

    requests_per_minute: int = Field(
        default=200, description="Client-side limit; Explorium allows 200 per minute per API key."
    )

    def create_client(self) -> ExploriumClient:
        return ExploriumClient(
            self.api_key,
            base_url=self.base_url or DEFAULT_BASE_URL,
            policy=self.http_policy(),
            limits=(RateLimit("explorium", self.requests_per_minute, 60.0 + WINDOW_MARGIN_SECONDS),),
            transport=self.httpx_transport(),
        )

    def get_client(self) -> ExploriumClient:
        return super().get_client()
