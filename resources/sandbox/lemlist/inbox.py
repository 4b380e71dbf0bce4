"""lemlist's inbox: GET /api/inbox/{contactId}, the emails sent to a contact and its replies."""

from __future__ import annotations

import math
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import LEADS, PAGE_MAX, short_id, text_error
from resources.sandbox.lemlist.engine import LemlistEngine


class InboxRoutes(LemlistEngine):
    """A contact's conversation."""

    @route("GET", "/api/inbox/{contactId}")
    def inbox(self, req: SimRequest, contactId: str) -> SimResponse:
        try:
            limit = int(req.arg("limit") or 10)
            skip = int(req.arg("skip") or 0)
        except ValueError:
            return text_error("Bad params: limit and skip must be numbers", 400)
        limit = max(1, min(limit, PAGE_MAX))
        self._sync()
        if not any(lead["contactId"] == contactId for lead in self.store.all(LEADS)):
            return text_error("Contact not found", 404)
        messages = [
            self._inbox_message(a)
            for a in self._activities()
            if a.get("contactId") == contactId and a["type"] in ("emailsSent", "emailsReplied")
        ]
        page = messages[skip : skip + limit]
        total = len(messages)
        per_page = limit
        current = skip // per_page + 1
        pages = max(1, math.ceil(total / per_page))
        return json_response(
            {
                "data": page,
                "pagination": {
                    "totalItems": total,
                    "currentPage": current,
                    "nextPage": current + 1 if skip + limit < total else None,
                    "previousPage": current - 1 if current > 1 else None,
                    "perPage": per_page,
                    "totalPages": pages,
                },
            }
        )

    def _inbox_message(self, activity: dict[str, Any]) -> dict[str, Any]:
        reply = activity["type"] == "emailsReplied"
        return {
            "_id": activity["_id"],
            "type": activity["type"],
            "messageId": activity.get("messageId") or f"<{short_id(activity['_id'], n=24)}@mail.lemlist.com>",
            "cc": [],
            "createdAt": activity["createdAt"],
            "teamId": self.team_id,
            "leadId": activity["leadId"],
            "campaignId": activity["campaignId"],
            "sendUserId": self.user_id,
            "sendUserName": self.sender_name,
            "sendUserEmail": self.sender_email,
            "sendUserMailboxId": self.mailbox_id,
            "leadEmail": activity["leadEmail"],
            "contactId": activity["contactId"],
            "fromEmail": activity["leadEmail"] if reply else self.sender_email,
            "message": activity.get("message") or "",
            "subject": activity.get("subject") or "",
            "attachments": [],
        }
