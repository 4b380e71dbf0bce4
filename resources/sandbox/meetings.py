"""Meetings booked from planted outcomes, handed from the lemlist engine to the HubSpot simulator.

What belongs here: the record of one meeting (who, which variant, and when the meeting, the deal, its
stages and its close fall on the sandbox clock, from `resources.sandbox.outcomes`), written once when the
lemlist engine emits the interested reply that leads to it, and read by `resources.sandbox.hubspot.deals`,
which plays it into HubSpot as a sales rep would. No vendor shapes here.
"""

from __future__ import annotations

import math
from typing import Any

from resources.sandbox.outcomes import Outcome
from resources.sandbox.store import SandboxStore

#: The lemlist lead custom variable that names the copy variant a lead was sent ("A", "B", "C"). Facts ran
#: out on how lemlist's own A/B steps (`abTest`) pick a lead's version; the product writes it itself.
VARIANT_FIELD = "subjectVariant"
MEETINGS = "outcomes.meetings"
#: When the earliest step of a stored meeting is due (sandbox unix time).
NEXT_DUE = "outcomes:next_due"


def planted_record(lead: dict[str, Any], outcome: Outcome, sent_at: float) -> dict[str, Any] | None:
    """The meeting record of a lead whose first email went out at `sent_at`; None when no meeting follows."""
    if outcome.meeting_after_hours is None:
        return None

    def at(hours: float | None) -> float | None:
        return None if hours is None else sent_at + hours * 3600.0

    return {
        "id": lead["_id"],
        "email": outcome.email,
        "variant": outcome.variant,
        "replied_at": at(outcome.reply_after_hours),
        "meeting_at": at(outcome.meeting_after_hours),
        "deal_at": at(outcome.deal_after_hours),
        "closed_at": at(outcome.closed_after_hours),
        "won": outcome.won,
        "amount": outcome.amount,
        "done": [],
    }


def record_meeting(store: SandboxStore, record: dict[str, Any]) -> None:
    """Store a meeting once (the lemlist engine may emit a reply again after a rollback)."""
    if store.exists(MEETINGS, record["id"]):
        return
    store.put(MEETINGS, record["id"], dict(record), key=record["email"])
    mark_due(store, float(record["meeting_at"]))


def mark_due(store: SandboxStore, ts: float) -> None:
    current = float(store.get_meta(NEXT_DUE, "inf") or math.inf)
    if ts < current:
        store.set_meta(NEXT_DUE, repr(ts))
