"""`LemlistResource`: the Dagster resource that builds the lemlist client.

What belongs here: the lemlist-specific configuration (its rate limit) on top of `VendorResource`, and
`create_client()`. Endpoints belong in the area modules that `client.py` composes.
"""

from __future__ import annotations

from pydantic import Field

from resources.http import RateLimit
from resources.lemlist.client import DEFAULT_BASE_URL, DEFAULT_LIMIT, LemlistClient
from resources.vendor_resource import VendorResource


class LemlistResource(VendorResource):
    """lemlist campaigns, leads, activities, stats and the unsubscribe list. Bind `api_key` to
    `dg.EnvVar("LEMLIST_API_KEY")`."""

    requests_per_2s: int = Field(
        default=20, description="Client-side limit per 2 s window; lemlist allows 20 per 2 s per key."
    )

    def rate_limits(self) -> list[RateLimit]:
        if self.requests_per_2s == DEFAULT_LIMIT.requests:
            return [DEFAULT_LIMIT]
        # Same small margin on the window as the default limit.
        return [RateLimit(DEFAULT_LIMIT.name, self.requests_per_2s, DEFAULT_LIMIT.per_seconds)]

    def create_client(self) -> LemlistClient:
        return LemlistClient(
            self.api_key,
            base_url=self.base_url or DEFAULT_BASE_URL,
            policy=self.http_policy(),
            limits=self.rate_limits(),
            transport=self.httpx_transport(),
        )
