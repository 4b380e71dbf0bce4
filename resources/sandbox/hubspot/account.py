"""The portal's people and settings: owners, account details and communication preferences (subscription
status of an email address).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
)
from resources.sandbox.hubspot.errors import _Failure
from resources.sandbox.hubspot.limits import (
    api_route,
    crm_route,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    _EMAIL,
    SUBSCRIPTIONS,
)
from resources.sandbox.hubspot.values import (
    _iso,
)


class AccountApi(HubSpotRecords):
    """Owners, account info and communication-preference routes."""

    # --- owners, account ------------------------------------------------------------------------------------

    def _owner(self, index: int, owner: Any) -> dict[str, Any]:
        created = _iso(self.store.epoch - timedelta(days=900 - 37 * index))
        return {
            "id": owner.id,
            "email": owner.email,
            "type": "PERSON",
            "firstName": owner.first_name,
            "lastName": owner.last_name,
            "userId": int(owner.id) % 10_000_000 + 1_000_000,
            "userIdIncludingInactive": int(owner.id) % 10_000_000 + 1_000_000,
            "createdAt": created,
            "updatedAt": created,
            "archived": False,
            "teams": [],
        }

    @crm_route("GET", "owners")
    def list_owners(self, req: SimRequest) -> SimResponse:
        def run() -> SimResponse:
            limit = int(req.arg("limit") or 100)
            if not 0 < limit <= 500:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 500")
            owners = [self._owner(i, o) for i, o in enumerate(self.world.owners)]
            if req.arg("archived", "false") == "true":
                owners = []
            email = (req.arg("email") or "").strip().lower()
            if email:
                owners = [o for o in owners if o["email"] == email]
            start = int(req.arg("after") or 0)
            page = owners[start : start + limit]
            out: dict[str, Any] = {"results": page}
            if start + limit < len(owners):
                out["paging"] = {"next": {"after": str(start + limit), "link": f"?after={start + limit}"}}
            return json_response(out)

        return self._guarded(run)

    @crm_route("GET", "owners", "/{ownerId}")
    def get_owner(self, req: SimRequest, ownerId: str) -> SimResponse:
        for i, owner in enumerate(self.world.owners):
            if owner.id == ownerId:
                return json_response(self._owner(i, owner))
        return self._error(404, "OBJECT_NOT_FOUND", f"Owner {ownerId} not found")

    @api_route("GET", "account-info", "/details")
    def account_details(self, req: SimRequest) -> SimResponse:
        return json_response(
            {
                "portalId": self.portal_id,
                "accountType": "STANDARD",
                "timeZone": "Europe/Berlin",
                "companyCurrency": "EUR",
                "additionalCurrencies": ["USD", "GBP"],
                "utcOffset": "+01:00",
                "utcOffsetMilliseconds": 3_600_000,
                "uiDomain": "app-eu1.hubspot.com",
                "dataHostingLocation": "eu1",
            }
        )

    # --- communication preferences --------------------------------------------------------------------------

    @api_route("GET", "communication-preferences", "/status/email/{emailAddress}")
    def subscription_status(self, req: SimRequest, emailAddress: str) -> SimResponse:
        email = unquote(emailAddress).strip().lower()
        if not _EMAIL.match(email):
            return self._error(400, "VALIDATION_ERROR", f"Invalid email address {email}")
        contact = self._find_by("contacts", "email", email)
        opted_out = contact is not None and contact["properties"].get("hs_email_optout") == "true"
        statuses = []
        for sub_id, name, description in SUBSCRIPTIONS:
            item: dict[str, Any] = {"id": sub_id, "name": name, "description": description}
            if opted_out:
                item.update(status="NOT_SUBSCRIBED", sourceOfStatus="PORTAL_WIDE_STATUS")
            elif contact is not None:
                item.update(
                    status="SUBSCRIBED",
                    sourceOfStatus="SUBSCRIPTION_STATUS",
                    legalBasis="LEGITIMATE_INTEREST_CLIENT",
                    legalBasisExplanation="Existing customer relationship",
                )
            else:
                item.update(status="NOT_SUBSCRIBED", sourceOfStatus="SUBSCRIPTION_STATUS")
            statuses.append(item)
        return json_response({"recipient": email, "subscriptionStatuses": statuses})
