"""lemlist's leads: add (current and legacy path), list, update and delete leads of a campaign, mark
them interested or not, pause and resume them, and look them up by email or id.
"""

from __future__ import annotations

from typing import Any

from resources.sandbox import demo
from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import (
    ACTIVITIES,
    CAMPAIGN_LEADS_MAX,
    CAMPAIGNS,
    LEADS,
    NEXT_DUE,
    iso,
    short_id,
    text_error,
)
from resources.sandbox.lemlist.engine import LemlistEngine

_FINAL = {
    "emailsBounced": "emailsBounced",
    "emailsUnsubscribed": "emailsUnsubscribed",
    "manualInterested": "interested",
    "manualNotInterested": "notInterested",
}


class LeadRoutes(LemlistEngine):
    """Lead routes, under /api/campaigns/{id}/leads and /api/leads."""

    @route("POST", "/api/campaigns/{campaignId}/leads")
    def add_lead(self, req: SimRequest, campaignId: str) -> SimResponse:
        body = req.json() or {}
        if not isinstance(body, dict):
            return text_error("Bad params: body must be an object", 400)
        return self._add_lead(req, campaignId, str(body.get("email") or ""), body, legacy=False)

    @route("POST", "/api/campaigns/{campaignId}/leads/{email}")
    def add_lead_legacy(self, req: SimRequest, campaignId: str, email: str) -> SimResponse:
        # The legacy path (email in the URL) is still what n8n and Pipedream send.
        body = req.json() or {}
        if not isinstance(body, dict):
            return text_error("Bad params: body must be an object", 400)
        return self._add_lead(req, campaignId, email, body, legacy=True)

    @route("GET", "/api/campaigns/{campaignId}/leads")
    def list_campaign_leads(self, req: SimRequest, campaignId: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return text_error("Campaign not found", 404)
        self._sync()
        try:
            limit = int(req.arg("limit") or 100)
        except ValueError:
            return text_error("Bad params: limit must be a number", 400)
        if limit < 1 or limit > CAMPAIGN_LEADS_MAX:
            return text_error(f"Bad params: limit must be between 1 and {CAMPAIGN_LEADS_MAX}", 400)
        leads = [lead for lead in self.store.all(LEADS) if lead["campaignId"] == campaignId]
        wanted = set(filter(None, (req.arg("state") or "").split(",")))
        rows = [{"_id": r["_id"], "contactId": r["contactId"], "state": r["state"]} for r in leads]
        if wanted:
            rows = [r for r in rows if r["state"] in wanted]
        return json_response(rows[:limit])

    @route("PATCH", "/api/campaigns/{campaignId}/leads/{lead}")
    def update_lead(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return text_error("Campaign not found", 404)
        body = req.json()
        if not isinstance(body, dict) or not body:
            return text_error("Bad params: body is required", 400)
        with self.store.transaction():
            record = self._lead_in(campaignId, lead)
            if record is None:
                return text_error("Lead not found", 404)
            for key, value in body.items():
                if key in ("email", "_id", "contactId", "campaignId"):
                    continue
                if value is None:
                    record["fields"].pop(key, None)
                else:
                    record["fields"][key] = str(value)
            record["updatedAt"] = self.store.timestamp()
            self.store.put(LEADS, record["_id"], record, key=record["email"])
        view = self._lead_view(record)
        view.update({"leadUrl": self._lead_url(record), "emailStatus": self._email_status(record["email"])})
        return json_response(view)

    @route("DELETE", "/api/campaigns/{campaignId}/leads/{lead}")
    def delete_lead(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return text_error("Campaign not found", 404)
        self._sync()
        record = self._lead_in(campaignId, lead)
        if record is None:
            return text_error("Lead not found", 404)
        out = {
            "email": record["email"],
            "_id": record["_id"],
            "isPaused": record["isPaused"],
            "campaignId": campaignId,
            "contactId": record["contactId"],
        }
        if req.arg("action") == "remove":
            with self.store.transaction():
                self.store.delete(LEADS, record["_id"])
                for activity in self.store.find(ACTIVITIES, record["_id"]):
                    self.store.delete(ACTIVITIES, activity["_id"])
            return json_response(out)
        # Without action=remove the lead is unsubscribed; the legacy docs say from every campaign it is in.
        now = self.store.timestamp()
        with self.store.transaction():
            for other in self.store.find(LEADS, record["email"]):
                if other.get("stoppedAt") is None:
                    other["stoppedAt"] = now
                    self._manual_activity(other, "emailsUnsubscribed", now, userName="api")
                    other["state"] = "emailsUnsubscribed"
                    other["nextDue"] = 0
                    self.store.put(LEADS, other["_id"], other, key=other["email"])
        return json_response(out)

    @route("POST", "/api/campaigns/{campaignId}/leads/{lead}/interested")
    def interested_in_campaign(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        return self._interest(campaignId, lead, "manualInterested", single=True)

    @route("POST", "/api/campaigns/{campaignId}/leads/{lead}/notinterested")
    def not_interested_in_campaign(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        return self._interest(campaignId, lead, "manualNotInterested", single=True)

    @route("POST", "/api/leads/interested/{lead}")
    def interested(self, req: SimRequest, lead: str) -> SimResponse:
        return self._interest(req.arg("campaignId"), lead, "manualInterested", single=False)

    @route("POST", "/api/leads/notinterested/{lead}")
    def not_interested(self, req: SimRequest, lead: str) -> SimResponse:
        return self._interest(req.arg("campaignId"), lead, "manualNotInterested", single=False)

    @route("POST", "/api/leads/pause/{lead}")
    def pause_lead(self, req: SimRequest, lead: str) -> SimResponse:
        return self._pause_lead(req.arg("campaignId"), lead, pause=True)

    @route("POST", "/api/leads/start/{lead}")
    def resume_lead(self, req: SimRequest, lead: str) -> SimResponse:
        return self._pause_lead(req.arg("campaignId"), lead, pause=False)

    @route("GET", "/api/leads/{email}")
    def get_lead(self, req: SimRequest, email: str) -> SimResponse:
        self._sync()
        leads = self._leads_of(email)
        if req.arg("campaignId"):
            leads = [lead for lead in leads if lead["campaignId"] == req.arg("campaignId")]
        if not leads:
            return text_error("Lead not found", 404)
        if req.arg("version") == "v1":
            return json_response(self._lead_view(leads[0]))
        return json_response([self._lead_v2(lead) for lead in leads])

    @route("GET", "/api/leads")
    def find_lead(self, req: SimRequest) -> SimResponse:
        self._sync()
        if req.arg("id"):
            record = self.store.get(LEADS, req.arg("id") or "")
            leads = [record] if record else []
        elif req.arg("email"):
            leads = self._leads_of(req.arg("email") or "")
        else:
            return text_error("Bad params: email or id is required", 400)
        if not leads:
            return text_error("Lead not found", 404)
        view = self._lead_view(leads[0])
        view["emailStatus"] = self._email_status(leads[0]["email"])
        return json_response(view)

    def _add_lead(
        self, req: SimRequest, campaign_id: str, email: str, body: dict[str, Any], *, legacy: bool
    ) -> SimResponse:
        email = email.strip().lower()
        if not email or "@" not in email or email.startswith("@") or " " in email:
            return text_error("Bad params: a valid email is required", 400)
        campaign = self._campaign(campaign_id)
        if campaign is None:
            return text_error("Campaign not found", 404)
        fields: dict[str, str] = {}
        for key, value in body.items():
            if key == "email" or value is None:
                continue
            if isinstance(value, (dict, list)):
                return text_error(f"Bad params: {key} must be a string", 400)
            fields[key] = str(value)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            existing = self._leads_of(email)
            same = next((lead for lead in existing if lead["campaignId"] == campaign_id), None)
            if same is not None:
                # The same email added twice to one campaign: lemlist keeps one lead; the new fields and
                # variables are merged into it and the existing lead is returned (no second lead, no 409).
                same["fields"].update(fields)
                same["updatedAt"] = now
                self.store.put(LEADS, same["_id"], same, key=email)
                return json_response(self._add_view(same, campaign, legacy))
            if req.arg("deduplicate") == "true" and existing:
                # Facts ran out: lemlist documents that a deduplicated lead is "not inserted" but not the
                # answer. 409 with a text body is served; the client reports it as skipped, not as a failure.
                return text_error("Lead already exists in another campaign", 409)
            if self._unsubscribed(email):
                # Facts ran out: refused rather than added paused, so that a bounced or opted-out address is
                # never silently queued again; worded like lemlist's other "Bad params" errors.
                return text_error("Bad params: lead email is in the unsubscribe list", 400)
            lead: dict[str, Any] = {
                "_id": f"lea_{short_id(campaign_id, email)}",
                "campaignId": campaign_id,
                "email": email,
                "contactId": self._contact_id(email),
                "fields": fields,
                "addedAt": now,
                "updatedAt": now,
                "isPaused": False,
                "pauses": [],
                "stoppedAt": None,
                "state": "imported",
                "emitted": [],
                "nextDue": 0,
            }
            self.store.put(LEADS, lead["_id"], lead, key=email)
            self.store.set_meta(NEXT_DUE, "0")
            demo.lead_added(self.store, campaign, now)
        return json_response(self._add_view(lead, campaign, legacy))

    def _add_view(self, lead: dict[str, Any], campaign: dict[str, Any], legacy: bool) -> dict[str, Any]:
        view = self._lead_view(lead)
        view["campaignName"] = campaign["name"]
        if legacy:
            view["leadUrl"] = self._lead_url(lead)
        return view

    def _lead_view(self, lead: dict[str, Any]) -> dict[str, Any]:
        fields = lead["fields"]
        view: dict[str, Any] = {"campaignId": lead["campaignId"], "email": lead["email"]}
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"])
        if campaign:
            view["campaignName"] = campaign["name"]
        for name in ("firstName", "lastName", "companyName", "jobTitle", "companyDomain"):
            if name in fields:
                view[name] = fields[name]
        view.update({"_id": lead["_id"], "isPaused": lead["isPaused"], "contactId": lead["contactId"]})
        return view

    def _lead_v2(self, lead: dict[str, Any]) -> dict[str, Any]:
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"]) or {}
        return {
            "_id": lead["_id"],
            "updatedAt": iso(lead["updatedAt"]),
            "isPaused": lead["isPaused"],
            "state": lead["state"],
            "status": "paused" if lead["isPaused"] else ("done" if lead.get("stoppedAt") else "inProgress"),
            "personalized": False,
            "source": "api",
            "variables": {"email": lead["email"], **lead["fields"]},
            "contactId": lead["contactId"],
            "enrichment": {"emailStatus": self._email_status(lead["email"])},
            "campaign": {
                "id": lead["campaignId"],
                "name": campaign.get("name"),
                "status": campaign.get("status"),
            },
            "sendingUser": {"id": self.user_id, "email": self.sender_email},
        }

    def _lead_url(self, lead: dict[str, Any]) -> str:
        email = lead["email"].replace("@", "%40")
        return f"https://app.lemlist.com/teams/{self.team_id}/leads/{email}"

    def _leads_of(self, email: str) -> list[dict[str, Any]]:
        return self.store.find(LEADS, email.strip().lower())

    def _lead_in(self, campaign_id: str, lead: str) -> dict[str, Any] | None:
        """A lead of a campaign by id or email."""
        if lead.startswith("lea_"):
            record = self.store.get(LEADS, lead)
            return record if record and record["campaignId"] == campaign_id else None
        return next((r for r in self._leads_of(lead) if r["campaignId"] == campaign_id), None)

    def _resolve(self, campaign_id: str | None, lead: str) -> list[dict[str, Any]]:
        if lead.startswith("lea_"):
            record = self.store.get(LEADS, lead)
            records = [record] if record else []
        else:
            records = self._leads_of(lead)
        if campaign_id:
            records = [r for r in records if r["campaignId"] == campaign_id]
        return records

    def _pause_lead(self, campaign_id: str | None, lead: str, *, pause: bool) -> SimResponse:
        if campaign_id and self._campaign(campaign_id) is None:
            return text_error("Campaign not found", 404)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            records = self._resolve(campaign_id, lead)
            if not records:
                return text_error("Lead not found", 404)
            for record in records:
                pauses = record["pauses"]
                is_open = bool(pauses) and pauses[-1][1] is None
                if pause and not is_open:
                    pauses.append([now, None])
                    self._manual_activity(record, "paused", now, userName="api")
                elif not pause and is_open:
                    pauses[-1][1] = now
                    self._manual_activity(record, "resumed", now, userName="api")
                record["isPaused"] = pause
                record["nextDue"] = 0
                self.store.put(LEADS, record["_id"], record, key=record["email"])
            self.store.set_meta(NEXT_DUE, "0")
        return json_response([self._lead_view(r) for r in records])

    def _interest(self, campaign_id: str | None, lead: str, kind: str, *, single: bool) -> SimResponse:
        if campaign_id and self._campaign(campaign_id) is None:
            return text_error("Campaign not found", 404)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            records = self._resolve(campaign_id, lead)
            if not records:
                return text_error("Lead not found", 404)
            for record in records:
                self._manual_activity(record, kind, now, userName="api", userId=self.user_id)
                record["state"] = _FINAL[kind]
                # An interested / not-interested lead leaves the sequence: no more follow-ups.
                if record.get("stoppedAt") is None:
                    record["stoppedAt"] = now
                record["nextDue"] = 0
                self.store.put(LEADS, record["_id"], record, key=record["email"])
            self.store.set_meta(NEXT_DUE, "0")
        views = [self._lead_view(r) for r in records]
        return json_response(views[0] if single else views)

    def _email_status(self, email: str) -> str:
        person = self.world.person_by_email(email)
        return person.email_status if person else "unknown"
