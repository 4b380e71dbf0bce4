"""`HubSpotResource`: the Dagster resource that hands assets a `HubSpotClient`.

What belongs here: HubSpot's configuration on top of the shared `VendorResource` fields (the API version, its
rate-limit tier, the search limit, the portal) and how the client is built. Endpoints belong in the area
modules that `client.py` composes.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from resources.http import RateLimit
from resources.hubspot.client import (
    DEFAULT_BASE_URL,
    DEFAULT_CONCURRENCY,
    DEFAULT_CRM_VERSION,
    DEFAULT_LIMIT,
    DEFAULT_SEARCH_LIMIT,
    HubSpotClient,
    check_crm_version,
)
from resources.vendor_resource import VendorResource


class HubSpotResource(VendorResource):
    """HubSpot CRM: contacts, companies, associations, tasks, notes, properties, owners, form submissions.

    Bind `api_key` to `dg.EnvVar("HUBSPOT_ACCESS_TOKEN")`: a private-app token or service key, sent as Bearer.
    """

    # HubSpot files the v1-v3 CRM paths as legacy: unsupported from September 2027, associations v4 from
    # 2027-03-30. The date versions replace them, so the default is the current one; `v3` stays available
    # for a portal that has to stay on the legacy paths until then.
    crm_version: str = Field(
        default=DEFAULT_CRM_VERSION,
        description="HubSpot API version of every versioned path: a date version 'YYYY-MM' (default "
        f"{DEFAULT_CRM_VERSION!r}, HubSpot's current one: /crm/objects/{DEFAULT_CRM_VERSION}/..., "
        f"/crm/associations/{DEFAULT_CRM_VERSION}/...) or 'v3' for the legacy paths (CRM v3 with "
        "associations v4), which HubSpot stops supporting in September 2027 (associations v4 on "
        "2027-03-30). Forms and form submissions keep their own paths either way.",
    )
    requests_per_10s: int = Field(
        default=190,
        description="Client-side burst limit per 10 s. HubSpot allows 190 on Professional and Enterprise, "
        "100 on Free and Starter, 250 per API limit increase pack.",
    )
    search_requests_per_second: int = Field(
        default=4,
        description="Client-side limit of the search endpoints (HubSpot: 5/s per current docs, 4/s per the "
        "older changelog; 4 is the defensive reading).",
    )
    max_concurrent_requests: int = Field(
        default=DEFAULT_CONCURRENCY,
        description="Batch calls in flight at once (each waits on HubSpot most of its time); the rate "
        "limiter still paces them, so this fills the window without exceeding it.",
    )
    portal_id: int | None = Field(
        default=None,
        description="The HubSpot account (portal) id, for links and public form endpoints; "
        "`account_info()` returns it when unset.",
    )

    @field_validator("crm_version")
    @classmethod
    def _known_version_shape(cls, value: str) -> str:
        return check_crm_version(value)

    def rate_limits(self) -> tuple[list[RateLimit], list[RateLimit]]:
        """(limits on every call, extra limits on search calls)."""
        general = DEFAULT_LIMIT
        if self.requests_per_10s != DEFAULT_LIMIT.requests:
            general = RateLimit(DEFAULT_LIMIT.name, self.requests_per_10s, DEFAULT_LIMIT.per_seconds)
        search = DEFAULT_SEARCH_LIMIT
        if self.search_requests_per_second != DEFAULT_SEARCH_LIMIT.requests:
            search = RateLimit(
                DEFAULT_SEARCH_LIMIT.name, self.search_requests_per_second, DEFAULT_SEARCH_LIMIT.per_seconds
            )
        return [general], [search]

    def create_client(self) -> HubSpotClient:
        limits, search_limits = self.rate_limits()
        return HubSpotClient(
            self.api_key,
            base_url=self.base_url or DEFAULT_BASE_URL,
            policy=self.http_policy(),
            limits=limits,
            search_limits=search_limits,
            transport=self.httpx_transport(),
            max_concurrency=self.max_concurrent_requests,
            crm_version=self.crm_version,
        )

    def get_client(self) -> HubSpotClient:
        return super().get_client()
