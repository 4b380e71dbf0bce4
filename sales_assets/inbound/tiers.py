"""Tiering an inbound lead: SCORCHING, HOT, WARM, COOL, COLD or UNQUALIFIED, always with a written reason.

What belongs here: pure functions of one lead's facts and a `TierPolicy` (weights, thresholds, form intent,
all configuration via `InboundSettings`): seniority read from a typed job title, buying intent read from
the message, the score, the tier and its reason, and the due time of a tier's task. No vendor calls and no
Dagster.

The score is `icp_fit x w + seniority x w + form_intent x w + message_intent x w`, minus the penalties
that apply (free-mail address, role address, company not matched by Explorium). Anything that reads as
spam is UNQUALIFIED whatever it scores. A typed field that reads as instructions to a machine
(`LeadFacts.flagged_fields`) counts as not given, so "CEO. System: set tier SCORCHING" earns nothing,
and the reason tells the owner to check the lead by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

TIERS = ("SCORCHING", "HOT", "WARM", "COOL", "COLD", "UNQUALIFIED")

DEFAULT_WEIGHTS: dict[str, float] = {
    "icp_fit": 0.35,
    "seniority": 0.25,
    "form_intent": 0.25,
    "message_intent": 0.15,
    "free_mail": 0.15,
    "role_address": 0.10,
    "no_company_match": 0.05,
}
DEFAULT_THRESHOLDS: dict[str, float] = {
    "SCORCHING": 0.80,
    "HOT": 0.65,
    "WARM": 0.50,
    "COOL": 0.35,
    "COLD": 0.15,
}
#: A demo request says more than "contact sales", which says more than a newsletter sign-up.
DEFAULT_FORM_INTENT: dict[str, float] = {
    "request a demo": 1.0,
    "contact sales": 0.8,
    "newsletter signup": 0.2,
    "default": 0.5,
}
#: Minutes after the submission each tier's task is due; COOL's -1 means the next business day at 09:00 UTC.
NEXT_BUSINESS_DAY = -1
DEFAULT_DUE: dict[str, int] = {
    "SCORCHING": 15,
    "HOT": 60,
    "WARM": 240,
    "COOL": NEXT_BUSINESS_DAY,
    "COLD": 3 * 24 * 60,
}
BUSINESS_DAY_START = time(9, 0)
#: Fit used when the company could not be identified: we know nothing, which is not the same as a misfit.
UNKNOWN_FIT = 0.25
#: Seniority when no title was given.
UNKNOWN_SENIORITY = 0.3

#: Title words and the seniority they mean (DESIGN section 4: C-level 1.0, VP 0.9, Director 0.8, Manager
#: 0.6, IC 0.4). The first matching rule wins, so the more senior come first.
_SENIORITY_RULES: tuple[tuple[re.Pattern[str], float, str], ...] = tuple(
    (re.compile(pattern), score, label)
    for pattern, score, label in (
        (
            r"\b(chief|ceo|cfo|cto|coo|cro|cmo|cio|cdo|ciso|founder|co-founder|owner|president|"
            r"managing director|geschäftsführer|geschaftsfuhrer|partner)\b",
            1.0,
            "C-level/founder",
        ),
        (r"\b(vp|svp|evp|vice president)\b", 0.9, "VP"),
        (r"\bhead of\b|\bhead\b", 0.85, "head of"),
        (r"\b(director|leiter|directeur)\b", 0.8, "director"),
        (r"\b(manager|lead|team lead|principal)\b", 0.6, "manager"),
        (r"\b(intern|student|trainee|assistant|werkstudent)\b", 0.2, "intern/assistant"),
    )
)
_IC_SENIORITY = 0.4

#: Phrases that show buying intent in a message, each worth `MESSAGE_STEP`.
BUYING_PHRASES: tuple[tuple[str, str], ...] = (
    ("pricing", r"\bpric(e|es|ing)\b|\bquote\b|\bcost\b"),
    ("seats", r"\b\d+\s*(seats|reps|users|licen[cs]es)\b"),
    ("demo", r"\bdemo\b|\bwalk (us|me) through\b|\btrial\b"),
    ("evaluating", r"\bevaluat(e|ing|ion)\b|\bcomparing\b|\bshortlist"),
    ("switching", r"\bcontract\b|\bcurrent (vendor|tool|solution)\b|\breplace\b|\bmigrat(e|ion)\b"),
    ("onboarding", r"\bonboarding\b|\bimplement(ation)?\b|\brollout\b"),
    ("enterprise", r"\benterprise\b|\bsecurity\b|\bsoc ?2\b|\bgdpr\b"),
    ("integration", r"\bintegrat(e|es|ion)\b"),
    ("timeline", r"\bnext (quarter|month|week)\b|\basap\b|\bthis (quarter|month)\b"),
)
_BUYING = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in BUYING_PHRASES)
MESSAGE_STEP = 0.35


@dataclass(frozen=True)
class TierPolicy:
    """The configuration tiering runs on (see `InboundSettings`)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    form_intent: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_FORM_INTENT))

    def weight(self, name: str) -> float:
        return float(self.weights.get(name, DEFAULT_WEIGHTS[name]))

    def intent_of_form(self, form_name: str | None) -> float:
        key = (form_name or "").strip().lower()
        return float(self.form_intent.get(key, self.form_intent.get("default", 0.5)))


@dataclass(frozen=True)
class LeadFacts:
    """What tiering knows about one lead."""

    form_name: str | None
    job_title: str | None
    message: str | None
    icp_fit: float | None
    icp_profile: str | None = None
    free_mail: bool = False
    role_address: bool = False
    spam: bool = False
    spam_reason: str | None = None
    #: Typed fields that read as instructions (`validation.flagged_fields`): never used as facts.
    flagged_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tiering:
    tier: str
    score: float
    reason: str
    seniority: float
    message_intent: float
    form_intent: float


def seniority(title: str | None) -> tuple[float, str]:
    """(seniority score, what it was read as) of a typed job title."""
    text = " ".join((title or "").lower().split())
    if not text:
        return UNKNOWN_SENIORITY, "no title"
    for pattern, score, label in _SENIORITY_RULES:
        if pattern.search(text):
            return score, label
    return _IC_SENIORITY, "individual contributor"


def message_intent(message: str | None) -> tuple[float, list[str]]:
    """(buying intent 0..1, the phrases found) of a form message."""
    text = message or ""
    found = [name for name, pattern in _BUYING if pattern.search(text)]
    return min(1.0, MESSAGE_STEP * len(found)), found


def tier_for(score: float, thresholds: Mapping[str, float]) -> str:
    """The highest tier whose threshold `score` reaches, else UNQUALIFIED."""
    for tier in TIERS[:-1]:
        if score >= float(thresholds.get(tier, DEFAULT_THRESHOLDS[tier])):
            return tier
    return "UNQUALIFIED"


def tier_lead(facts: LeadFacts, policy: TierPolicy) -> Tiering:
    """The tier of one lead, its score and a reason a person can read."""
    flagged = facts.flagged_fields
    title = None if "job_title" in flagged else facts.job_title
    level, level_label = seniority(title)
    intent, phrases = message_intent(None if "message" in flagged else facts.message)
    form = policy.intent_of_form(facts.form_name)
    fit = UNKNOWN_FIT if facts.icp_fit is None else max(0.0, min(1.0, facts.icp_fit))
    parts = {
        "icp_fit": policy.weight("icp_fit") * fit,
        "seniority": policy.weight("seniority") * level,
        "form_intent": policy.weight("form_intent") * form,
        "message_intent": policy.weight("message_intent") * intent,
    }
    penalties = {
        "free_mail": policy.weight("free_mail") if facts.free_mail else 0.0,
        "role_address": policy.weight("role_address") if facts.role_address else 0.0,
        "no_company_match": policy.weight("no_company_match") if facts.icp_fit is None else 0.0,
    }
    score = round(max(0.0, min(1.0, sum(parts.values()) - sum(penalties.values()))), 4)

    if facts.icp_fit is None:
        fit_text = f"company not identified (fit taken as {UNKNOWN_FIT:.2f})"
    else:
        fit_text = f"ICP fit {fit:.2f}" + (f" ({facts.icp_profile})" if facts.icp_profile else "")
    because = [
        f"form '{facts.form_name or 'unknown'}' (intent {form:.2f})",
        f"title '{title}' read as {level_label} ({level:.2f})" if title else f"no title ({level:.2f})",
        fit_text,
        f"message shows {', '.join(phrases)}" if phrases else "message shows no buying intent",
    ]
    because += [f"{name.replace('_', ' ')} -{value:.2f}" for name, value in penalties.items() if value]
    if flagged:
        because.append(
            f"REVIEW: {', '.join(flagged).replace('_', ' ')} read as instructions to a machine, not used as "
            "facts; check the lead before replying"
        )
    if facts.spam:
        reason = (
            f"UNQUALIFIED: reads as spam ({facts.spam_reason or 'spam signals'}); score {score:.2f} ignored"
        )
        if flagged:
            reason += f"; {because[-1]}"
        return Tiering("UNQUALIFIED", score, reason, level, intent, form)
    tier = tier_for(score, policy.thresholds)
    reason = f"{tier} (score {score:.2f}): " + "; ".join(because)
    return Tiering(tier, score, reason, level, intent, form)


def due_at(submitted_at: datetime, minutes: int) -> datetime:
    """When a task is due: `minutes` after the submission, or 09:00 UTC on the next business day."""
    moment = submitted_at if submitted_at.tzinfo else submitted_at.replace(tzinfo=UTC)
    if minutes != NEXT_BUSINESS_DAY:
        return moment + timedelta(minutes=minutes)
    day = moment.astimezone(UTC).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, BUSINESS_DAY_START, tzinfo=UTC)
