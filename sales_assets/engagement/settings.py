"""`ReplySettings`: how replies are classified and acted on.

What belongs here: the configuration of the reply side (the Claude model for replies the offline rules are
not sure of, what each label leads to, task due times and lead statuses). Who owns a task when the contact
has no owner is the shared `SellerSettings.default_owner_id` (`sales_assets/common/seller.py`). The labels
themselves belong to `sales_assets.common.mail.classify`, and which of them suppress to
`sales_assets.common.mail.suppressing`.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field

#: Labels after which lemlist's own unsubscribe list gets the address too (no further mail from any campaign).
LEMLIST_UNSUBSCRIBE_LABELS = ("unsubscribe", "wrong_person", "bounce_hard")


class ReplySettings(dg.ConfigurableResource):
    """What happens to a reply once it has a label."""

    model: str = Field(
        default="claude-haiku-4-5",
        description="The fast Claude model that labels the replies the offline rules are not sure of.",
    )
    max_tokens: int = Field(default=400, description="Output token limit of one labelling answer.")
    use_claude: bool = Field(
        default=True,
        description="Ask Claude about replies the offline rules are not sure of. Off: those replies get a "
        "review task and no automatic suppression.",
    )
    soft_bounces_to_suppress: int = Field(
        default=2,
        description="Soft bounces of one address (temporary failures, and bounces the rules are not sure "
        "of) within `soft_bounce_window_days` that put it on the suppression list, as the big senders do.",
    )
    soft_bounce_window_days: int = Field(default=30, description="The window of `soft_bounces_to_suppress`.")
    out_of_office_days: int = Field(
        default=7,
        description="Days a lead's sequence stays paused after an out-of-office reply that names no return "
        "date (with one, it resumes on that day).",
    )
    task_due_hours: dict[str, float] = Field(
        default={"meeting_request": 1, "interested": 2, "question": 4, "referral": 24, "review": 24},
        description="Hours from the reply to the due time of the owner's task, per label.",
    )
    task_priority: dict[str, str] = Field(
        default={
            "meeting_request": "HIGH",
            "interested": "HIGH",
            "question": "MEDIUM",
            "referral": "MEDIUM",
            "review": "LOW",
        },
        description="HubSpot task priority per label (LOW, MEDIUM, HIGH).",
    )
    lead_status: dict[str, str] = Field(
        default={
            "meeting_request": "OPEN_DEAL",
            "interested": "CONNECTED",
            "question": "CONNECTED",
            "not_interested": "UNQUALIFIED",
            "wrong_person": "UNQUALIFIED",
            "unsubscribe": "UNQUALIFIED",
        },
        description="HubSpot `hs_lead_status` set on the contact per label (labels not listed: unchanged).",
    )
