"""What a lead's engagement is made of: `Engagement` with its `Bounce` and `Reply`, and the labels and
languages a reply can have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# fmt: off
LABELS = (
    "interested", "meeting_request", "question", "not_interested", "unsubscribe", "out_of_office", "referral",
    "wrong_person", "auto_reply",
)
LANGUAGES = ("en", "de", "fr")
# fmt: on


@dataclass(frozen=True, slots=True)
class Bounce:
    hard: bool
    smtp_status: str
    smtp_text: str
    kind: str  # "hard" | "soft" | "policy"
    after_minutes: int
    #: "plain": the answer names its cause; "ambiguous": it does not (a bare "mailbox unavailable", a
    #: 5.0.0), so no reader can be sure of it. See `_AMBIGUOUS_BOUNCES`.
    wording: str = "plain"
    #: The mail system that wrote the report around the answer (`bounce_mail.FORMATS`).
    format: str = "smtp"


@dataclass(frozen=True, slots=True)
class Reply:
    label: str
    language: str
    subject: str
    text: str
    after_hours: float
    return_date: date | None = None
    referral_name: str | None = None
    referral_email: str | None = None
    #: "plain"; "ambiguous" (mixed signals: the offline rules cannot be sure); "injected" (also addresses the
    #: machine that reads it, see `_INJECTED_BODIES`). See `_WORDING_SHARES`.
    wording: str = "plain"


@dataclass(frozen=True, slots=True)
class Engagement:
    opens_after_hours: tuple[float, ...]
    clicks_after_hours: tuple[float, ...]
    bounce: Bounce | None
    reply: Reply | None
    unsubscribe_after_hours: float | None
    spam_complaint: bool
