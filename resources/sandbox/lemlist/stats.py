"""lemlist's campaign statistics: GET /api/v2/campaigns/{id}/stats and POST /api/v2/campaigns/stats/batch,
counted from the activities in a date range, of one A/B version with `ABSelected`.
"""

from __future__ import annotations

from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import LEADS, SEQUENCE_STEPS, STATS_BATCH_MAX, parse_date, text_error
from resources.sandbox.lemlist.engine import LemlistEngine
from resources.sandbox.meetings import VARIANT_FIELD

_BAD_AB = "Bad params: ABSelected must be A or B"


class StatsRoutes(LemlistEngine):
    """Campaign statistics."""

    @route("GET", "/api/v2/campaigns/{campaignId}/stats")
    def campaign_stats(self, req: SimRequest, campaignId: str) -> SimResponse:
        start, end = req.arg("startDate"), req.arg("endDate")
        if not start or not end:
            return text_error("Bad params: startDate and endDate are required", 400)
        try:
            lo, hi = parse_date(start), parse_date(end)
        except ValueError:
            return text_error("Bad params: startDate and endDate must be ISO 8601 dates", 400)
        ab = req.arg("ABSelected")
        if ab is not None and ab not in ("A", "B"):
            return text_error(_BAD_AB, 400)
        campaign = self._campaign(campaignId)
        if campaign is None:
            return text_error("Campaign not found", 404)
        self._sync()
        return json_response(self._stats(campaign, lo or 0.0, hi or 0.0, ab=ab))

    @route("POST", "/api/v2/campaigns/stats/batch")
    def campaign_stats_batch(self, req: SimRequest) -> SimResponse:
        body = req.json()
        if not isinstance(body, dict):
            return text_error("Bad params: body must be an object", 400)
        ids = body.get("campaignIds")
        if not isinstance(ids, list) or not 1 <= len(ids) <= STATS_BATCH_MAX:
            return text_error(
                f"Bad params: campaignIds must contain between 1 and {STATS_BATCH_MAX} ids", 400
            )
        if not body.get("startDate") or not body.get("endDate"):
            return text_error("Bad params: startDate and endDate are required", 400)
        try:
            lo, hi = parse_date(str(body["startDate"])), parse_date(str(body["endDate"]))
        except ValueError:
            return text_error("Bad params: startDate and endDate must be ISO 8601 dates", 400)
        if body.get("ABSelected") is not None and body["ABSelected"] not in ("A", "B"):
            return text_error(_BAD_AB, 400)
        self._sync()
        activities = self._activities()
        results, errors = [], []
        for campaign_id in ids:
            campaign = self._campaign(str(campaign_id))
            if campaign is None:
                errors.append({"campaignId": campaign_id, "error": "Campaign not found"})
                continue
            results.append(
                {
                    "campaignId": campaign_id,
                    **self._stats(
                        campaign, lo or 0.0, hi or 0.0, activities=activities, ab=body.get("ABSelected")
                    ),
                }
            )
        return json_response({"results": results, "errors": errors})

    def _stats(
        self,
        campaign: dict[str, Any],
        lo: float,
        hi: float,
        activities: list[dict[str, Any]] | None = None,
        ab: str | None = None,
    ) -> dict[str, Any]:
        all_leads = [lead for lead in self.store.all(LEADS) if lead["campaignId"] == campaign["_id"]]
        if ab:
            # `ABSelected=A|B`: the leads sent that version (the sandbox reads it from `VARIANT_FIELD`).
            all_leads = [lead for lead in all_leads if lead["fields"].get(VARIANT_FIELD) == ab]
        lead_ids = {lead["_id"] for lead in all_leads}
        rows = [
            a
            for a in (activities if activities is not None else self._activities())
            if a["campaignId"] == campaign["_id"]
            and lo <= a["ts"] <= hi
            and (not ab or a["leadId"] in lead_ids)
        ]

        def leads(*kinds: str) -> int:
            return len({a["leadId"] for a in rows if a["type"] in kinds})

        def count(kind: str, step: int | None = None) -> int:
            return sum(
                1 for a in rows if a["type"] == kind and (step is None or a.get("sequenceStep") == step)
            )

        sent, bounced = count("emailsSent"), count("emailsBounced")
        bounced_leads = {a["leadId"] for a in rows if a["type"] == "emailsBounced"}
        steps = []
        for step in range(SEQUENCE_STEPS):
            step_sent, step_bounced = count("emailsSent", step), count("emailsBounced", step)
            steps.append(
                {
                    "index": step,
                    "sequenceId": campaign["sequenceId"],
                    "sequenceStep": step,
                    "taskType": "email",
                    "invited": 0,
                    "sent": step_sent,
                    "delivered": step_sent - step_bounced,
                    "opened": count("emailsOpened", step),
                    "clicked": count("emailsClicked", step),
                    "replied": count("emailsReplied", step),
                    "notDelivered": step_bounced,
                    "bounced": step_bounced,
                    "unsubscribed": count("emailsUnsubscribed", step),
                    **({"abTest": ab} if ab else {}),
                }
            )
        return {
            "nbLeads": len(all_leads),
            "nbLeadsLaunched": leads("emailsSent"),
            "nbLeadsReached": len({a["leadId"] for a in rows if a["type"] == "emailsSent"} - bounced_leads),
            "nbLeadsOpened": leads("emailsOpened"),
            "nbLeadsInteracted": leads("emailsOpened", "emailsClicked", "emailsReplied"),
            "nbLeadsAnswered": leads("emailsReplied"),
            "nbLeadsInterested": leads("manualInterested"),
            "nbLeadsNotInterested": leads("manualNotInterested"),
            "nbLeadsUnsubscribed": leads("emailsUnsubscribed"),
            "nbLeadsInterrupted": 0,
            "messagesSent": sent,
            "messagesNotSent": 0,
            "messagesBounced": bounced,
            "delivered": sent - bounced,
            "opened": count("emailsOpened"),
            "clicked": count("emailsClicked"),
            "replied": count("emailsReplied"),
            "invitationAccepted": 0,
            "meetingBooked": 0,
            "steps": steps,
        }
