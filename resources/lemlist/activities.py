"""lemlist activities and the inbox: what happened to leads, and the conversations with reply bodies.

What belongs here: `GET /activities` (offset-paged) and `GET /inbox/{contactId}`.
"""

from __future__ import annotations

from resources.lemlist.base_client import PAGE_SIZE, DateLike, LemlistBaseClient, iso_param, rows_of, segment
from resources.lemlist.models import Activity, InboxMessage


class ActivitiesAPI(LemlistBaseClient):
    """Activities and inbox messages."""

    def activities(
        self,
        *,
        type: str | None = None,
        campaign_id: str | None = None,
        lead_id: str | None = None,
        min_date: DateLike | None = None,
        max_date: DateLike | None = None,
    ) -> list[Activity]:
        """Every activity matching the filters, walking offset pages of 100 until a short page."""
        params = {
            "version": "v2",
            "type": type,
            "campaignId": campaign_id,
            "leadId": lead_id,
            "minDate": iso_param(min_date),
            "maxDate": iso_param(max_date),
        }
        rows = self._walk_offset("/activities", endpoint="GET /activities", params=params)
        return [Activity.model_validate(r) for r in rows]

    def inbox_messages(self, contact_id: str) -> list[InboxMessage]:
        """The conversation with a contact: sent emails and replies, with bodies. The activities API
        carries no reply text; this is where reply bodies are read."""
        out: list[InboxMessage] = []
        skip = 0
        while True:
            data = self._get(
                f"/inbox/{segment(contact_id)}",
                endpoint="GET /inbox/{contactId}",
                params={"limit": PAGE_SIZE, "skip": skip},
            )
            rows = rows_of(data, "data")
            out.extend(InboxMessage.model_validate(r) for r in rows)
            pagination = data.get("pagination") if isinstance(data, dict) else None
            if len(rows) < PAGE_SIZE or (isinstance(pagination, dict) and not pagination.get("nextPage")):
                return out
            skip += len(rows)
