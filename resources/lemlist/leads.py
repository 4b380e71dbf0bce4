"""lemlist leads: adding them to campaigns, updating, pausing, resuming, marking interest, removing.

What belongs here: the `/campaigns/{id}/leads/...` and `/leads/...` routes, and which refusals of a lead
are a skip (already in a campaign, unsubscribed) rather than an error.
"""

from __future__ import annotations

import logging
from typing import Any

from resources.errors import NotFoundError, RecordValidationError
from resources.lemlist.base_client import LemlistBaseClient, bool_param, rows_of, segment
from resources.lemlist.models import CampaignLead, Lead, LeadAddResult, LeadInCampaign, LeadInput

logger = logging.getLogger(__name__)

CAMPAIGN_LEADS_MAX = 500


class LeadsAPI(LemlistBaseClient):
    """Leads in campaigns. lemlist has no bulk add: one request per lead."""

    def add_lead(self, campaign_id: str, lead: LeadInput, *, deduplicate: bool = True) -> LeadAddResult:
        """Add one lead to a campaign (lemlist has no bulk add). Adding an email already in the same
        campaign returns that lead. With `deduplicate`, an email already in another campaign of the team
        is skipped (`status="skipped_duplicate"`); an unsubscribed email is `skipped_unsubscribed`."""
        endpoint = "POST /campaigns/{campaignId}/leads/"
        try:
            data = self._send(
                "POST",
                f"/campaigns/{segment(campaign_id)}/leads/",
                endpoint=endpoint,
                json=lead.to_body(),
                params={"deduplicate": bool_param(deduplicate)},
            )
        except RecordValidationError as exc:
            skipped = _skip_reason(exc)
            if skipped is None:
                raise
            logger.info("lemlist: lead %s not added to %s: %s", lead.email, campaign_id, exc.message)
            return LeadAddResult(email=lead.email, status=skipped, message=exc.message)
        return LeadAddResult(email=lead.email, status="added", lead=Lead.model_validate(data))

    def update_lead(self, campaign_id: str, lead_id: str, *, fields: dict[str, str]) -> Lead:
        """Update standard fields or custom variables of a lead in a campaign (body must not be empty)."""
        data = self._send(
            "PATCH",
            f"/campaigns/{segment(campaign_id)}/leads/{segment(lead_id)}",
            endpoint="PATCH /campaigns/{campaignId}/leads/{leadId}",
            json=fields,
        )
        return Lead.model_validate(data)

    def list_campaign_leads(
        self, campaign_id: str, *, state: str | None = None, limit: int = CAMPAIGN_LEADS_MAX
    ) -> list[CampaignLead]:
        """Leads of a campaign (`{_id, contactId, state}`). lemlist pages this route by `limit` only
        (max 500): campaigns with more leads are read through the activities or the leads export."""
        data = self._get(
            f"/campaigns/{segment(campaign_id)}/leads/",
            endpoint="GET /campaigns/{campaignId}/leads/",
            params={"state": state, "limit": min(limit, CAMPAIGN_LEADS_MAX)},
        )
        return [CampaignLead.model_validate(r) for r in rows_of(data, "leads")]

    def get_lead(self, email: str) -> list[LeadInCampaign]:
        """The lead in every campaign it belongs to (empty when lemlist does not know the email)."""
        try:
            data = self._get(
                f"/leads/{segment(email)}", endpoint="GET /leads/{email}", params={"version": "v2"}
            )
        except NotFoundError:
            return []
        rows = data if isinstance(data, list) else [data]
        return [LeadInCampaign.model_validate(r) for r in rows]

    def pause_lead(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Pause a lead (id or email) in one campaign, or in all of them without `campaign_id`."""
        return self._lead_action("/leads/pause/", "POST /leads/pause/{leadIdOrEmail}", lead, campaign_id)

    def resume_lead(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Resume a paused lead (id or email) in one campaign, or in all of them."""
        return self._lead_action("/leads/start/", "POST /leads/start/{leadIdOrEmail}", lead, campaign_id)

    def mark_interested(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Mark a lead (id or email) interested in one campaign, or in all of them."""
        return self._interest(lead, campaign_id, "interested")

    def mark_not_interested(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Mark a lead (id or email) not interested in one campaign, or in all of them."""
        return self._interest(lead, campaign_id, "notinterested")

    def unsubscribe_lead(self, campaign_id: str, email: str) -> Lead:
        """Unsubscribe a lead: it stops receiving emails from the campaign (the lead stays)."""
        data = self._send(
            "DELETE",
            f"/campaigns/{segment(campaign_id)}/leads/{segment(email)}",
            endpoint="DELETE /campaigns/{campaignId}/leads/{leadIdOrEmail}",
        )
        return Lead.model_validate(data)

    def delete_lead(self, campaign_id: str, lead: str) -> Lead:
        """Remove a lead (id or email) and its statistics from a campaign (`action=remove`)."""
        data = self._send(
            "DELETE",
            f"/campaigns/{segment(campaign_id)}/leads/{segment(lead)}",
            endpoint="DELETE /campaigns/{campaignId}/leads/{leadIdOrEmail}",
            params={"action": "remove"},
        )
        return Lead.model_validate(data)

    def _lead_action(self, prefix: str, endpoint: str, lead: str, campaign_id: str | None) -> list[Lead]:
        data = self._send(
            "POST", f"{prefix}{segment(lead)}", endpoint=endpoint, params={"campaignId": campaign_id}
        )
        rows = data if isinstance(data, list) else [data]
        return [Lead.model_validate(r) for r in rows if isinstance(r, dict)]

    def _interest(self, lead: str, campaign_id: str | None, verb: str) -> list[Lead]:
        # Each mark is an activity in lemlist: one that got no answer is not sent again (the caller checks the
        # lead's state first, see `sales_assets/engagement/reply_action_run.py`).
        if campaign_id:
            data = self._send(
                "POST",
                f"/campaigns/{segment(campaign_id)}/leads/{segment(lead)}/{verb}",
                endpoint=f"POST /campaigns/{{campaignId}}/leads/{{leadIdOrEmail}}/{verb}",
                idempotent=False,
            )
        else:
            data = self._send(
                "POST",
                f"/leads/{verb}/{segment(lead)}",
                endpoint=f"POST /leads/{verb}/{{leadIdOrEmail}}",
                idempotent=False,
            )
        rows = data if isinstance(data, list) else [data]
        return [Lead.model_validate(r) for r in rows if isinstance(r, dict)]


def _skip_reason(exc: RecordValidationError) -> Any:
    """Map lemlist's refusals of a lead to a skipped status (None: a real error)."""
    text = (exc.message or "").lower()
    if exc.status_code == 409 or ("already" in text and "campaign" in text):
        return "skipped_duplicate"
    if "unsubscribe" in text:
        return "skipped_unsubscribed"
    return None
