"""The campaign engine: turns leads in running campaigns into activities over sandbox time (sends, opens,
clicks, replies, bounces, unsubscribes, spam complaints as unsubscribes of source `abuse`) from the
world's engagement model (`resources.sandbox.engagement`), and the email bodies those activities carry.

Nothing is "sent" when a lead is added. Each lead has a plan computed from the campaign's running
intervals, the lead's pauses and the engagement outcome of its email; events of the plan become
activities once the sandbox clock passes them (`_sync`, run before every read). Starting or pausing a
campaign (`_set_running`) opens or closes one of those running intervals and re-plans its leads.
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from typing import Any

from resources.sandbox import demo
from resources.sandbox.app import SimResponse, json_response
from resources.sandbox.engagement import engagement_for
from resources.sandbox.lemlist.common import (
    ACTIVITIES,
    CAMPAIGNS,
    FOLLOW_UP_DAYS,
    LEADS,
    NEXT_DUE,
    fraction,
    iso,
    short_id,
    text_error,
)
from resources.sandbox.lemlist.records import LemlistRecords
from resources.sandbox.lemlist.schedule import complement, next_start, sending_window, zone_of
from resources.sandbox.meetings import VARIANT_FIELD, planted_record, record_meeting
from resources.sandbox.outcomes import outcome_of, with_variant

#: Lead states by progress; a lead shows the furthest one it reached (`emailsBounced` etc. override).
_PROGRESS = {
    "emailsSent": "contacted",
    "emailsOpened": "hooked",
    "emailsClicked": "attracted",
    "emailsReplied": "warmed",
}
_RANK = {"imported": 0, "contacted": 1, "hooked": 2, "attracted": 3, "warmed": 4}

#: (time, key, activity type, extra fields) of one planned event of a lead.
Event = tuple[float, str, str, dict[str, Any]]


class LemlistEngine(LemlistRecords):
    """Starts and pauses campaigns, plans each lead's sequence and emits its due events as activities."""

    def _set_running(self, campaign_id: str, *, running: bool) -> SimResponse:
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            campaign = self._campaign(campaign_id)
            if campaign is None:
                return text_error("Campaign not found", 404)
            if campaign["status"] in ("ended", "archived"):
                return text_error(f"Bad params: campaign is {campaign['status']}", 400)
            runs = campaign["runs"]
            is_open = bool(runs) and runs[-1][1] is None
            if running and not is_open:
                runs.append([now, None])
            elif not running and is_open:
                runs[-1][1] = now
            campaign["status"] = "running" if running else "paused"
            self.store.put(CAMPAIGNS, campaign_id, campaign)
            self._touch(campaign_id)
        return json_response({"_id": campaign_id, "state": campaign["status"]})

    def _touch(self, campaign_id: str | None) -> None:
        """Mark leads (of one campaign, or all) for re-planning at the next sync."""
        for lead in self.store.all(LEADS):
            mine = campaign_id is None or lead["campaignId"] == campaign_id
            if mine and lead.get("nextDue") != 0:
                lead["nextDue"] = 0
                self.store.put(LEADS, lead["_id"], lead, key=lead["email"])
        self.store.set_meta(NEXT_DUE, "0")

    def _sync(self) -> None:
        """Turn every planned event whose time has come into an activity (idempotent, any process)."""
        demo.start_due_campaigns(self)
        now = self.store.timestamp()
        due = float(self.store.get_meta(NEXT_DUE, "0") or 0)
        if now < due:
            return
        with self._sync_lock, self.store.transaction():
            now = self.store.timestamp()
            next_due = math.inf
            campaigns: dict[str, dict[str, Any] | None] = {}
            for lead in self.store.all(LEADS):
                lead_due = lead.get("nextDue")
                if lead_due is None or lead_due > now:
                    if lead_due is not None:
                        next_due = min(next_due, lead_due)
                    continue
                cid = lead["campaignId"]
                if cid not in campaigns:
                    campaigns[cid] = self.store.get(CAMPAIGNS, cid)
                campaign = campaigns[cid]
                if campaign is None:
                    continue
                pending = self._advance_lead(lead, campaign, now)
                if pending is not None:
                    next_due = min(next_due, pending)
            self.store.set_meta(NEXT_DUE, repr(next_due if next_due != math.inf else 9e18))

    def _advance_lead(self, lead: dict[str, Any], campaign: dict[str, Any], now: float) -> float | None:
        """Emit the lead's due events; return when its next event is due (None: nothing planned)."""
        events = demo.paced(campaign, lead, self._plan(lead, campaign))
        emitted = set(lead["emitted"])
        pending: float | None = None
        for ts, key, kind, extra in events:
            if key in emitted:
                continue
            if ts > now:
                pending = ts if pending is None else min(pending, ts)
                continue
            activity = self._activity(lead, kind, key, ts, extra)
            self.store.put(ACTIVITIES, activity["_id"], activity, key=lead["_id"])
            lead["emitted"].append(key)
            emitted.add(key)
            self._apply(lead, kind, ts, extra)
        lead["nextDue"] = pending
        self.store.put(LEADS, lead["_id"], lead, key=lead["email"])
        return pending

    def _apply(self, lead: dict[str, Any], kind: str, ts: float, extra: dict[str, Any]) -> None:
        """What an event does to the lead and the team's unsubscribe list."""
        if kind == "emailsBounced":
            # An email-only campaign moves a (hard-)bounced lead to the unsubscribe list.
            if extra.get("bounceType") == "hard":
                self._unsubscribe(lead["email"], "bounced", ts)
            lead["state"] = "emailsBounced"
        elif kind == "emailsUnsubscribed":
            self._unsubscribe(lead["email"], extra.get("_source") or "lead", ts)
            lead["state"] = "emailsUnsubscribed"
        if kind == "emailsReplied" and extra.get("_planted"):
            record_meeting(self.store, extra["_planted"])
        if kind in _PROGRESS and _RANK[_PROGRESS[kind]] > _RANK.get(lead["state"], 99):
            lead["state"] = _PROGRESS[kind]

    def _plan(self, lead: dict[str, Any], campaign: dict[str, Any]) -> list[Event]:
        """Every event of the lead's sequence, as (time, key, activity type, extra fields)."""
        stop = lead.get("stoppedAt")
        # A small deterministic delay after the lead is added (lemlist spaces sends out within the schedule).
        delay = 120 + fraction(lead["_id"], "delay") * 3480
        t0 = self._send_slot(lead["addedAt"] + delay, campaign, lead)
        if t0 is None or (stop is not None and t0 >= stop):
            return []
        outcome = self._outcome(lead, campaign, t0)
        subject = outcome["subject"]
        events: list[Event] = []
        message_id = f"<{short_id(lead['_id'], 'msg0', n=24)}@mail.lemlist.com>"
        sent0 = {
            "sequenceStep": 0,
            "emailId": f"eml_{short_id(lead['_id'], 0)}",
            "messageId": message_id,
            "subject": subject,
            "message": outcome["sent_message"],
        }
        events.append((t0, "emailsSent:0", "emailsSent", sent0))
        if outcome["bounce_after"] is not None:
            # Facts ran out on where lemlist puts the SMTP answer of a bounce: `errorMessage` is used. Any
            # bounce stops the lead's sequence; only a hard one (dead mailbox) goes on the unsubscribe list.
            events.append(
                (
                    t0 + outcome["bounce_after"],
                    "emailsBounced:0",
                    "emailsBounced",
                    {
                        "sequenceStep": 0,
                        "errorMessage": outcome["bounce_message"],
                        "bounceType": "hard" if outcome["bounce_hard"] else "soft",
                        "relatedSentAt": iso(t0),
                    },
                )
            )
            return events
        related = {"sequenceStep": 0, "relatedSentAt": iso(t0)}
        for i, after in enumerate(outcome["opens"]):
            events.append((t0 + after, f"emailsOpened:{i}", "emailsOpened", dict(related)))
        for i, after in enumerate(outcome["clicks"]):
            events.append((t0 + after, f"emailsClicked:{i}", "emailsClicked", dict(related)))
        ended: float | None = None
        if outcome["reply_after"] is not None:
            replied_at = t0 + outcome["reply_after"]
            if outcome["reply_stops"]:
                ended = replied_at
            events.append(
                (
                    replied_at,
                    "emailsReplied:0",
                    "emailsReplied",
                    {
                        **related,
                        "text": outcome["reply_text"],
                        "subject": outcome["reply_subject"],
                        "message": outcome["reply_text"],
                        **({"_planted": outcome["planted"]} if outcome.get("planted") else {}),
                    },
                )
            )
        if outcome["complaint_after"] is not None:
            # Facts ran out on how lemlist reports a spam complaint: the documented unsubscribe source
            # `abuse` is used, with the lead's `emailsUnsubscribed` activity; it replaces a plain unsubscribe.
            t_abuse = t0 + outcome["complaint_after"]
            ended = t_abuse if ended is None else min(ended, t_abuse)
            events.append(
                (t_abuse, "emailsUnsubscribed:abuse", "emailsUnsubscribed", {**related, "_source": "abuse"})
            )
        elif outcome["unsubscribe_after"] is not None:
            t_unsub = t0 + outcome["unsubscribe_after"]
            ended = t_unsub if ended is None else min(ended, t_unsub)
            events.append((t_unsub, "emailsUnsubscribed:0", "emailsUnsubscribed", dict(related)))
        # The follow-up goes out FOLLOW_UP_DAYS later unless the lead replied, unsubscribed or was stopped.
        t1 = self._send_slot(t0 + FOLLOW_UP_DAYS * 86400, campaign, lead)
        if t1 is not None and (ended is None or t1 < ended) and (stop is None or t1 < stop):
            events.append(
                (
                    t1,
                    "emailsSent:1",
                    "emailsSent",
                    {
                        "sequenceStep": 1,
                        "emailId": f"eml_{short_id(lead['_id'], 1)}",
                        "messageId": f"<{short_id(lead['_id'], 'msg1', n=24)}@mail.lemlist.com>",
                        "subject": f"Re: {subject}",
                        "message": outcome["follow_up_message"],
                    },
                )
            )
        return events

    def _send_slot(self, earliest: float, campaign: dict[str, Any], lead: dict[str, Any]) -> float | None:
        """The first time >= `earliest` at which the campaign runs, the lead is not paused, and the
        campaign's sending window (Mon-Fri 09:00-18:00 in its timezone) is open. None: not (yet) ever."""
        tz = zone_of(campaign.get("timezone"))
        jitter = fraction(lead["_id"], "window") * 3000
        t = earliest
        for _ in range(64):
            t = sending_window(t, tz, jitter)
            start = next_start(campaign["runs"], t)
            if start is None:
                return None
            if start > t:
                t = start + jitter / 10
                continue
            resume = next_start(complement(lead["pauses"]), t)
            if resume is None:
                return None
            if resume > t:
                t = resume
                continue
            return t
        return None

    def _outcome(self, lead: dict[str, Any], campaign: dict[str, Any], sent_at: float) -> dict[str, Any]:
        """What the lead does with the first email, from the world's engagement model (in seconds)."""
        fields = lead["fields"]
        person = self.world.person_by_email(lead["email"])
        first_name = fields.get("firstName") or (person.first_name if person else None)
        # The campaign's first step would template the subject from a custom variable; the product sends
        # `emailSubject`, hand-made campaigns often `subject`.
        subject = (
            fields.get("emailSubject")
            or fields.get("subject")
            or (f"Quick question, {first_name}" if first_name else f"{campaign['name']} - quick question")
        )
        language = fields.get("language") or (person.language if person else "en")
        engagement = engagement_for(
            self.store.seed,
            lead["email"],
            email_status=person.email_status if person else "unknown",
            language=language,
            first_name=first_name,
            sender_name=self.sender_name,
            original_subject=subject,
            today=datetime.fromtimestamp(sent_at, UTC).date(),
        )
        # The copy variant the product sent (a custom variable), through the planted outcomes.
        variant = fields.get(VARIANT_FIELD)
        engagement = with_variant(
            self.store.seed,
            lead["email"],
            variant,
            engagement,
            language=language,
            first_name=first_name,
            sender_name=self.sender_name,
            original_subject=subject,
            today=datetime.fromtimestamp(sent_at, UTC).date(),
        )
        hour = 3600.0
        out: dict[str, Any] = {
            "subject": subject,
            "sent_message": _html(_sent_body(fields, first_name, self.sender_name)),
            "follow_up_message": _html(_follow_up_body(first_name, self.sender_name)),
            "bounce_after": None,
            "bounce_message": None,
            "bounce_hard": False,
            "opens": [h * hour for h in engagement.opens_after_hours],
            "clicks": [h * hour for h in engagement.clicks_after_hours],
            "reply_after": None,
            "reply_text": None,
            "reply_subject": None,
            "reply_stops": False,
            "unsubscribe_after": None,
            "complaint_after": None,
        }
        if engagement.bounce is not None:
            out.update(
                bounce_after=engagement.bounce.after_minutes * 60.0 + 5.0,
                bounce_message=engagement.bounce.smtp_text,
                bounce_hard=engagement.bounce.hard,
            )
        if engagement.reply is not None:
            reply = engagement.reply
            # Facts ran out on auto-reply handling: out-of-office and ticket confirmations are recorded as
            # emailsReplied (lemlist does not classify them) but do not stop the sequence; human replies do.
            planted = outcome_of(self.world, lead["email"], variant, engagement)
            out["planted"] = planted_record(lead, planted, sent_at) if planted else None
            out.update(
                reply_after=reply.after_hours * hour,
                reply_text=_html(reply.text),
                reply_subject=reply.subject,
                reply_stops=reply.label not in ("out_of_office", "auto_reply"),
            )
        if engagement.unsubscribe_after_hours is not None:
            out["unsubscribe_after"] = engagement.unsubscribe_after_hours * hour
        if engagement.spam_complaint:
            # A complaint is filed when the email is read: 1 to 30 hours after the send.
            out["complaint_after"] = (1.0 + fraction(lead["_id"], "complaint") * 29.0) * hour
        return out


def _html(text: str) -> str:
    """Plain text as the HTML body of an email (lemlist serves message bodies as HTML)."""
    return '<div dir="ltr">' + html.escape(text, quote=False).replace("\n", "<br>") + "</div>"


def _sent_body(fields: dict[str, str], first_name: str | None, sender_name: str) -> str:
    """The first email as the lead received it: the pipeline's own copy when it set one."""
    for name in ("body", "emailBody", "message", "email_body"):
        if fields.get(name):
            return fields[name]
    opener = fields.get("icebreaker") or (
        "I noticed your team has been growing and wanted to share how we help companies like yours find "
        "and reach the right buyers."
    )
    return (
        f"Hi {first_name or 'there'},\n\n{opener}\n\n"
        f"Would it make sense to talk for 15 minutes next week?\n\n{sender_name}"
    )


def _follow_up_body(first_name: str | None, sender_name: str) -> str:
    return (
        f"Hi {first_name or 'there'},\n\nJust bumping this up in your inbox in case it got buried. "
        f"Worth a quick chat?\n\n{sender_name}"
    )
