"""The records every lemlist area reads or writes: campaigns (and the two the team had before the
pipeline), contacts and the team's unsubscribe list, and activities.
"""

from __future__ import annotations

from typing import Any

from resources.sandbox.lemlist.base import LemlistBase
from resources.sandbox.lemlist.common import (
    ACTIVITIES,
    CAMPAIGNS,
    CONTACTS,
    SEQUENCE_STEPS,
    UNSUBSCRIBES,
    iso,
    short_id,
)


class LemlistRecords(LemlistBase):
    """Campaign, contact, unsubscribe and activity records in the store."""

    def _seed(self) -> None:
        """Two campaigns the team had before the pipeline, once per state file (no leads: history only)."""
        if self.store.get_meta("once:lemlist.seed") is not None or not self.store.once("lemlist.seed"):
            return
        epoch = self.store.epoch.timestamp()
        day = 86400.0
        old = self._new_campaign("Q1 outbound - DACH SaaS", "Europe/Berlin", epoch - 120 * day)
        old.update(status="ended", runs=[[epoch - 110 * day, epoch - 60 * day]])
        webinar = self._new_campaign("Webinar follow-up", "Europe/Paris", epoch - 45 * day)
        webinar.update(status="paused", runs=[[epoch - 40 * day, epoch - 20 * day]])
        for campaign in (old, webinar):
            self.store.put(CAMPAIGNS, campaign["_id"], campaign)

    def _new_campaign(self, name: str, timezone: str, created: float) -> dict[str, Any]:
        n = self.store.next_id("lemlist.seq.campaign")
        cid = f"cam_{short_id(self.store.seed, 'campaign', n)}"
        return {
            "_id": cid,
            "name": name,
            "timezone": timezone,
            "status": "draft",
            "createdAt": iso(created),
            "createdBy": self.user_id,
            "labels": [],
            "sequenceId": f"seq_{short_id(cid, 'sequence')}",
            "scheduleId": f"skd_{short_id(cid, 'schedule')}",
            # [start, end or None] intervals in which the campaign was running (sandbox timestamps).
            "runs": [],
        }

    def _campaign(self, campaign_id: str) -> dict[str, Any] | None:
        self._seed()
        return self.store.get(CAMPAIGNS, campaign_id)

    def _contact_id(self, email: str) -> str:
        """The lemlist contact an address makes (one per address, shared by its leads in all campaigns)."""
        return f"ctc_{short_id(self.store.seed, 'contact', email.strip().lower())}"

    def _unsubscribed(self, email: str) -> bool:
        """Whether lemlist refuses the address: it or its `@domain` is on the list, or its contact is marked
        do-not-contact (facts ran out on whether lemlist refuses the latter at add time; it is refused)."""
        email = email.strip().lower()
        domain = "@" + email.rsplit("@", 1)[-1]
        if any(self.store.get(UNSUBSCRIBES, value) is not None for value in (email, domain)):
            return True
        return self._do_not_contact(self._contact_id(email))

    def _unsubscribe(self, value: str, source: str, ts: float) -> tuple[dict[str, Any], bool]:
        existing = self.store.get(UNSUBSCRIBES, value)
        if existing is not None:
            return existing, False
        record = {
            "_id": f"uns_{short_id(self.store.seed, 'unsub', value)}",
            "value": value,
            "source": source,
            "createdAt": iso(ts),
            "ts": ts,
        }
        self.store.put(UNSUBSCRIBES, value, record)
        return record, True

    def _do_not_contact(self, contact_id: str) -> bool:
        record = self.store.get(CONTACTS, contact_id)
        return bool(record and record["doNotContact"])

    def _activities(self) -> list[dict[str, Any]]:
        rows = self.store.all(ACTIVITIES)
        rows.sort(key=lambda a: (a["ts"], a["_id"]))
        return rows

    def _manual_activity(self, lead: dict[str, Any], kind: str, ts: float, **extra: Any) -> None:
        n = self.store.next_id("lemlist.seq.manual")
        activity = self._activity(lead, kind, f"manual:{n}", ts, extra)
        self.store.put(ACTIVITIES, activity["_id"], activity, key=lead["_id"])

    def _activity(
        self, lead: dict[str, Any], kind: str, event_key: str, ts: float, extra: dict[str, Any]
    ) -> dict[str, Any]:
        fields = lead["fields"]
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"]) or {"name": None, "sequenceId": None}
        activity: dict[str, Any] = {
            "_id": f"act_{short_id(lead['_id'], event_key)}",
            "type": kind,
            "createdAt": iso(ts),
            "teamId": self.team_id,
            "leadId": lead["_id"],
            "contactId": lead["contactId"],
            "campaignId": lead["campaignId"],
            "campaignName": campaign["name"],
            "name": campaign["name"],
            "sequenceId": campaign["sequenceId"],
            "totalSequenceStep": SEQUENCE_STEPS,
            "isFirst": kind not in {a.split(":")[0] for a in lead.get("emitted", [])},
            "stopped": False,
            "bot": False,
            "createdBy": self.user_id,
            "sendUserId": self.user_id,
            "sendUserName": self.sender_name,
            "sendUserEmail": self.sender_email,
            "sendUserMailboxId": self.mailbox_id,
            "leadEmail": lead["email"],
            "leadFirstName": fields.get("firstName"),
            "leadLastName": fields.get("lastName"),
            "leadCompanyName": fields.get("companyName"),
            "leadPhone": fields.get("phone"),
            "ts": ts,
        }
        activity.update(extra)
        return activity
