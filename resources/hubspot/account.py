"""The portal itself: its owners (users), the communication preferences of an address, account info.

What belongs here: `/crm/.../owners`, `/communication-preferences/...` and `/account-info/...`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from resources.hubspot.base_client import HubSpotBaseClient
from resources.hubspot.models import AccountInfo, Owner, SubscriptionStatus


class AccountAPI(HubSpotBaseClient):
    """Owners, subscription status and account details."""

    def list_owners(self, *, email: str | None = None) -> list[Owner]:
        """Every active owner (paged `GET /crm/v3/owners`, `/crm/owners/2026-09`)."""
        params: dict[str, Any] = {"limit": 100, "email": email}
        return [Owner.model_validate(o) for o in self._paged_get(self._crm("owners"), params)]

    def get_subscription_status(self, email: str) -> SubscriptionStatus:
        """Communication preferences of one email address: the authoritative "may we email" answer."""
        address = quote(email.strip().lower(), safe="@")
        path = self._api("communication-preferences", f"/status/email/{address}")
        # The endpoint name keeps the address out of stats and logs.
        endpoint = f"GET {self._api('communication-preferences', '/status/email/{email}')}"
        response = self.request("GET", path, endpoint=endpoint)
        return SubscriptionStatus.model_validate(response.json())

    def account_info(self) -> AccountInfo:
        """Portal id and time zone: one cheap call that proves the token works."""
        return AccountInfo.model_validate(self.request("GET", self._api("account-info", "/details")).json())
