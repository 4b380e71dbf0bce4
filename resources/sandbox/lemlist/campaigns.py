"""lemlist's campaigns: list, create, read, start and pause (GET|POST /api/campaigns,
GET /api/campaigns/{id}, POST /api/campaigns/{id}/start|pause).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import CAMPAIGNS, PAGE_MAX, text_error
from resources.sandbox.lemlist.engine import LemlistEngine

_BAD_NAME = "Bad params: name is required"
_REVIEW_CONDITIONS = {"deliverable", "risky", "undeliverable", "unverified"}


class CampaignRoutes(LemlistEngine):
    """Campaign routes."""

    @route("GET", "/api/campaigns")
    def list_campaigns(self, req: SimRequest) -> SimResponse:
        self._seed()
        offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
        # Facts: `version` defaults to v2, which pages by `page`; `offset` is documented as well. `page`
        # (1-based) wins when sent, `offset` serves callers that send no page. Facts ran out on a page below
        # 1 or not a number: refused like lemlist's other bad parameters.
        page = req.arg("page")
        if page:
            try:
                number = int(page)
            except ValueError:
                number = 0
            if number < 1:
                return text_error("Bad params: page must be a positive integer", 400)
            offset = (number - 1) * limit
        rows = self.store.all(CAMPAIGNS)
        status = req.arg("status")
        if status:
            rows = [c for c in rows if c["status"] == status]
        if req.arg("createdBy"):
            rows = [c for c in rows if c["createdBy"] == req.arg("createdBy")]
        rows.sort(key=lambda c: (c["createdAt"], c["_id"]), reverse=req.arg("sortOrder") == "desc")
        # Facts ran out: n8n reads a `totalPage` and a third-party doc shows `{campaigns, pagination}` for
        # version=v2, while lemlist's document shows a bare array. The document's bare array is served for
        # every version; the client reads both shapes.
        return json_response([self._campaign_summary(c) for c in rows[offset : offset + limit]])

    @route("POST", "/api/campaigns")
    def create_campaign(self, req: SimRequest) -> SimResponse:
        self._seed()
        body = req.json() or {}
        if not isinstance(body, dict) or not str(body.get("name") or "").strip():
            return text_error(_BAD_NAME, 400)
        timezone = body.get("timezone") or "Europe/Paris"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return text_error(f"Bad params: unknown timezone {timezone}", 400)
        conditions = body.get("autoReviewConditions") or []
        if not isinstance(conditions, list) or set(conditions) - _REVIEW_CONDITIONS:
            allowed = ", ".join(sorted(_REVIEW_CONDITIONS))
            return text_error(f"Bad params: autoReviewConditions must be among {allowed}", 400)
        campaign = self._new_campaign(str(body["name"]).strip(), timezone, self.store.timestamp())
        campaign["autoReview"] = bool(body.get("autoReview", False))
        self.store.put(CAMPAIGNS, campaign["_id"], campaign)
        # The spec's create example shows state "running"; in the product a new campaign sends nothing
        # until it is launched with senders and a sequence, so here it starts as a draft until
        # POST /campaigns/{id}/start. The pipeline's own flow (create, add leads, start) relies on that.
        return json_response(
            {
                "_id": campaign["_id"],
                "name": campaign["name"],
                "sequenceId": campaign["sequenceId"],
                "scheduleIds": [campaign["scheduleId"]],
                "teamId": self.team_id,
                "createdBy": self.user_id,
                "createdAt": campaign["createdAt"],
                "state": campaign["status"],
                "status": campaign["status"],
                "timezone": timezone,
                "scannedCount": 0,
                "reviewedCount": 0,
                "inSequenceLeadCount": 0,
                "variableKeys": [],
                "senders": [self.user_id],
                "sendUsers": [{"userId": self.user_id, "mailboxId": self.mailbox_id}],
                # No `emoji` key: the document types it as a string (not nullable) and a campaign created
                # without one has none.
                "stopOnEmailReplied": True,
                "unsubscribe": "campaign",
                "autoReview": campaign["autoReview"],
                "labels": [],
            }
        )

    @route("GET", "/api/campaigns/{campaignId}")
    def get_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        campaign = self._campaign(campaignId)
        if campaign is None:
            return text_error("Campaign not found", 404)
        return json_response(
            {
                **self._campaign_summary(campaign),
                "creator": {"userId": self.user_id, "userEmail": self.sender_email},
                "senders": [
                    {"id": self.user_id, "email": self.sender_email, "sendUserMailboxId": self.mailbox_id}
                ],
            }
        )

    @route("POST", "/api/campaigns/{campaignId}/start")
    def start_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        return self._set_running(campaignId, running=True)

    @route("POST", "/api/campaigns/{campaignId}/pause")
    def pause_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        return self._set_running(campaignId, running=False)

    def _campaign_summary(self, campaign: dict[str, Any]) -> dict[str, Any]:
        return {
            "_id": campaign["_id"],
            "name": campaign["name"],
            "timezone": campaign["timezone"],
            "labels": campaign.get("labels", []),
            "createdAt": campaign["createdAt"],
            "createdBy": campaign["createdBy"],
            "status": campaign["status"],
            "hasError": False,
        }
