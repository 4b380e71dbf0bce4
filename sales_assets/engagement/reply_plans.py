"""What each labelled reply, bounce and unsubscribe leads to, decided without a vendor call (pure).

What belongs here: `plan_action`, the action per label, and the small decisions the actions need: the
suppression source, the lead status (forward, never back), the owner and the HubSpot task's text.

- interested / meeting_request / question: a HubSpot task for the contact's owner with the reply, the
  contact's lead status moved forward (never back), and lemlist's lead marked interested;
- referral: the referred person becomes a HubSpot contact (a candidate, unless suppressed) and the owner
  gets a task to reach out;
- unsubscribe / not_interested / wrong_person / bounce_hard: the suppression list, plus lemlist's unsubscribe
  list (or its not-interested mark) so no campaign mails them again;
- out_of_office: the lead's sequence is paused in lemlist until the return date (`out_of_office.py`
  resumes it), never suppressed; policy_block: a deliverability alert, never a suppression: the mailbox
  exists;
- bounce_soft (a temporary failure, or a bounce the rules were not sure of): counted; the address is
  suppressed at its second soft bounce within 30 days (`ReplySettings`), never at its first;
- anything the rules were unsure of and Claude could not label: a review task, no suppression.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd

from resources.hubspot.models import TaskInput
from sales_assets.common.mail.suppressing import SUPPRESS_LABELS
from sales_assets.common.text import spreadsheet_safe, spreadsheet_safe_lines
from sales_assets.engagement.activities import BOUNCE, UNSUBSCRIBE
from sales_assets.engagement.settings import LEMLIST_UNSUBSCRIBE_LABELS, ReplySettings

ACTIONS = ("task", "referral", "suppress", "pause", "alert", "review", "soft_bounce", "none")
# Lead statuses in the order a conversation moves forward; a reply never moves a contact back.
_STATUS_RANK = {"NEW": 0, "ATTEMPTED_TO_CONTACT": 1, "CONNECTED": 2, "OPEN_DEAL": 3}
_BODY_LIMIT = 3000


@dataclass(frozen=True)
class Plan:
    """What one labelled activity leads to."""

    action: str
    suppress: bool = False
    task: bool = False
    lemlist_call: str | None = None  # "unsubscribe" | "interested" | "not_interested" | "pause"
    detail: str = ""


def plan_action(label: str, activity_type: str, needs_review: bool) -> Plan:
    """The action for a label (pure). A reply nobody is sure about only ever gets a human's eyes."""
    if needs_review:
        return Plan("review", task=True, detail="label unsure: a person reads the reply")
    if label in ("interested", "meeting_request"):
        return Plan("task", task=True, lemlist_call="interested")
    if label == "question":
        return Plan("task", task=True)
    if label == "referral":
        return Plan("referral", task=True, detail="referred person added as a candidate")
    if label in SUPPRESS_LABELS:
        call = None
        if label in LEMLIST_UNSUBSCRIBE_LABELS and activity_type != UNSUBSCRIBE:
            call = "unsubscribe"
        elif label == "not_interested":
            call = "not_interested"
        return Plan("suppress", suppress=True, lemlist_call=call)
    if label == "policy_block":
        return Plan("alert", detail="delivery refused by policy or reputation: check the sending domain")
    if label == "bounce_soft":
        return Plan("soft_bounce", detail="soft bounce counted: a second one within the window suppresses")
    if label == "out_of_office":
        # lemlist does not stop a sequence on an auto-reply: the follow-ups wait until the person is back.
        return Plan("pause", lemlist_call="pause", detail="out of office: sequence paused, not suppressed")
    return Plan("none", detail=f"{label}: nothing to do")


def suppression_source(activity_type: str) -> str:
    return {BOUNCE: "lemlist_bounce", UNSUBSCRIBE: "lemlist_unsubscribe"}.get(activity_type, "lemlist_reply")


def next_lead_status(current: str | None, wanted: str | None) -> str | None:
    """The status to write, or None to leave the contact as it is (a reply never moves it back)."""
    if not wanted or wanted == current:
        return None
    if current in _STATUS_RANK and wanted in _STATUS_RANK and _STATUS_RANK[wanted] < _STATUS_RANK[current]:
        return None
    return wanted


def pick_owner(
    email: str, contact_owner: str | None, default_owner: str | None, owners: Sequence[str]
) -> str | None:
    """The contact's owner, else the configured default, else one of the active owners chosen by a hash of
    the address (the same owner on every re-run)."""
    if contact_owner:
        return contact_owner
    if default_owner:
        return default_owner
    if not owners:
        return None
    digest = int(hashlib.sha256(email.encode()).hexdigest()[:8], 16)
    return sorted(owners)[digest % len(owners)]


def task_input(
    row: Mapping[str, Any], plan: Plan, settings: ReplySettings, owner: str | None, contact_id: str | None
) -> TaskInput:
    kind = "review" if plan.action == "review" else str(row["label"])
    who = spreadsheet_safe(
        " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p) or str(row.get("email") or "")
    )
    subject = {
        "meeting_request": f"Book the meeting {who} asked for",
        "interested": f"Follow up: {who} is interested",
        "question": f"Answer {who}'s question",
        "referral": f"Reach out to {row.get('referral_name') or row.get('referral_email')} "
        f"(referred by {who})",
        "review": f"Read {who}'s reply and decide",
    }.get(kind, f"Reply from {who}")
    body = (row.get("body") or "").strip()
    if len(body) > _BODY_LIMIT:
        body = body[: _BODY_LIMIT - 1] + "…"
    lines = [
        f"Reply from {row.get('email')} ({row['label']}, decided by {row['decided_by']}: {row['reason']}).",
        f"Subject: {spreadsheet_safe(str(row.get('subject') or ''))}",
        "",
        spreadsheet_safe_lines(body) if body else "(no body)",
    ]
    if kind == "referral":
        lines[:0] = [
            f"Referred person: {row.get('referral_name') or ''} <{row.get('referral_email') or ''}>",
            "",
        ]
    lines += ["", f"lemlist activity {row['activity_id']}"]
    due = pd.Timestamp(row["created_at"]).to_pydatetime() + timedelta(
        hours=settings.task_due_hours.get(kind, 24)
    )
    return TaskInput(
        subject=subject[:250],
        due=due,
        body="\n".join(lines),
        priority=settings.task_priority.get(kind, "MEDIUM"),  # type: ignore[arg-type]
        type="EMAIL" if kind in ("interested", "question", "referral") else "TODO",
        owner_id=owner,
        contact_ids=[contact_id] if contact_id else [],
    )
