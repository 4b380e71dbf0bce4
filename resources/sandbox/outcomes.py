"""Planted outcomes: what becomes of a world person the pipeline emails, beyond the first reply (an
interested reply, a meeting booked, a deal opened, the deal won) and when, with facts planted so that the
insights stage can be tested on whether it finds them.

What belongs here: pure, deterministic functions of the world, a person's address and the copy variant the
person was sent. No I/O, no wall clock, no vendor wire formats: the lemlist simulator replays the reply,
`resources.sandbox.hubspot.deals` turns meetings into HubSpot deals on the sandbox clock.

The planted facts (`planted_facts`), each picked from the seed among what the world holds:

- one segment, an industry x employee band holding 2 to 7 % of the world's people, and one intent signal
  kind carried by the companies of 10 to 25 % of them. Each triples the chance that an interested reply
  becomes a meeting (`MEETING_RATE`) and that an opened deal is won (`WON_RATE`); a person with both gets
  nine times, capped at `RATE_CAP`. Deals opened per meeting (`DEAL_RATE`) do not depend on them.
- one subject variant, "B" of an A/B experiment, doubles the human reply rate (and with it the interested
  reply rate); "C" and "A" change nothing. A lead sent no variant is "A".

How the draws are made: the reply itself (whether there is one and its label) is the engagement model's
(`resources.sandbox.engagement.engagement_for`), so a lead's reply is the same with or without this module;
variant "B" adds a human reply to leads the model leaves silent, with the probability that doubles the rate.
Every other draw comes from a stream of its own, `sha256("{seed}:outcomes:{address}")`, drawn in a fixed
order whatever the variant, so generate_world's streams are untouched and a lead's meeting, deal and delays
do not move when its variant changes (only whether it replied can).
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, replace
from datetime import date

from resources.sandbox.engagement import (
    LABEL_WEIGHTS,
    REPLY_SHARE,
    UNSUBSCRIBE_SHARE,
    Engagement,
    engagement_for,
    reply_for,
)
from resources.sandbox.world import EMPLOYEE_RANGES, Company, Person, World

#: The variants of the planted subject experiment: the default, the winner and the one that does nothing.
CONTROL_VARIANT, WINNING_VARIANT, NULL_VARIANT = "A", "B", "C"
#: Variant -> factor on the human reply rate; a variant not listed (or none) changes nothing.
VARIANT_REPLY_LIFT: dict[str, float] = {WINNING_VARIANT: 2.0}
SEGMENT_LIFT = 3.0
SIGNAL_LIFT = 3.0

#: A meeting booked per interested reply, a deal opened per meeting, a deal won per deal (before lifts).
MEETING_RATE = 0.25
DEAL_RATE = 0.6
WON_RATE = 0.25
#: No stage is certain, however many lifts a person has.
RATE_CAP = 0.95

#: Labels of an interested reply (the ones a sales rep follows up for a meeting).
INTERESTED_LABELS = frozenset({"interested", "meeting_request"})
#: Automatic replies (out of office, ticket confirmations) do not depend on the copy.
_AUTOMATIC = frozenset({"out_of_office", "auto_reply"})
_HUMAN_WEIGHTS = {label: w for label, w in LABEL_WEIGHTS.items() if label not in _AUTOMATIC}
#: Of delivered emails: a human reply; neither a reply nor an unsubscribe (the leads "B" can add replies to).
HUMAN_REPLY_SHARE = REPLY_SHARE * sum(_HUMAN_WEIGHTS.values()) / sum(LABEL_WEIGHTS.values())
_SILENT_SHARE = 1.0 - REPLY_SHARE - UNSUBSCRIBE_SHARE
INTERESTED_REPLY_SHARE = (
    REPLY_SHARE * sum(LABEL_WEIGHTS[label] for label in INTERESTED_LABELS) / sum(LABEL_WEIGHTS.values())
)

#: Segment: share of the world's people in it; signal: share of people whose company carries it.
_SEGMENT_SHARE = (0.02, 0.07)
_SIGNAL_SHARE = (0.10, 0.25)
#: Deal amount (EUR) by employee band, before a 0.6-1.6 factor.
_AMOUNT_BY_BAND = dict(
    zip(EMPLOYEE_RANGES, (4_000, 8_000, 15_000, 30_000, 50_000, 80_000, 120_000, 200_000), strict=True)
)


@dataclass(frozen=True, slots=True)
class PlantedFacts:
    """What the world's outcomes were built to show."""

    segment_industry: str
    segment_employees_range: str
    signal: str
    control_variant: str = CONTROL_VARIANT
    winning_variant: str = WINNING_VARIANT
    null_variant: str = NULL_VARIANT
    segment_lift: float = SEGMENT_LIFT
    signal_lift: float = SIGNAL_LIFT
    variant_reply_lift: float = VARIANT_REPLY_LIFT[WINNING_VARIANT]

    @property
    def segment(self) -> tuple[str, str]:
        return (self.segment_industry, self.segment_employees_range)


@dataclass(frozen=True, slots=True)
class Probabilities:
    """A person's chances at each stage, each given the stage before (a reply given a delivered email)."""

    human_reply: float
    interested_reply: float
    meeting: float
    deal: float
    won: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """What becomes of one emailed lead; times are hours after the first email was sent, None when the
    stage is not reached."""

    email: str
    variant: str
    interested_reply: bool
    reply_after_hours: float | None
    meeting_after_hours: float | None
    deal_after_hours: float | None
    closed_after_hours: float | None
    won: bool
    amount: int | None


_FACTS: dict[tuple[int, int], PlantedFacts] = {}
_FACTS_LOCK = threading.Lock()


def planted_facts(world: World) -> PlantedFacts:
    """The segment, signal and variants planted in `world` (the same for the same seed and size)."""
    key = (world.seed, world.size)
    with _FACTS_LOCK:
        found = _FACTS.get(key)
        if found is None:
            found = _FACTS[key] = _plant(world)
        return found


def _plant(world: World) -> PlantedFacts:
    segments: dict[tuple[str, str], int] = {}
    signals: dict[str, int] = {}
    for company in world.companies:
        people = len(world.people_at(company.business_id))
        pair = (company.industry, company.employees_range)
        segments[pair] = segments.get(pair, 0) + people
        for kind in {s.kind for s in company.signals}:
            signals[kind] = signals.get(kind, 0) + people
    total = max(len(world.people), 1)
    low, high = _SEGMENT_SHARE
    segment_choices = sorted(p for p, n in segments.items() if low <= n / total <= high)
    low, high = _SIGNAL_SHARE
    signal_choices = sorted(k for k, n in signals.items() if low <= n / total <= high)
    # A tiny world may have no segment or signal of that size: the largest one stands in.
    if not segment_choices:
        segment_choices = [max(sorted(segments), key=lambda p: segments[p])]
    if not signal_choices:
        signal_choices = [max(sorted(signals), key=lambda k: signals[k])] if signals else ["funding"]
    rng = random.Random(f"{world.seed}:outcomes:plant")
    industry, band = rng.choice(segment_choices)
    return PlantedFacts(industry, band, rng.choice(signal_choices))


def _company_of(world: World, person: Person) -> Company | None:
    return world.company(person.business_id)


def in_segment(world: World, person: Person) -> bool:
    company = _company_of(world, person)
    return company is not None and (company.industry, company.employees_range) == planted_facts(world).segment


def has_signal(world: World, person: Person) -> bool:
    company = _company_of(world, person)
    signal = planted_facts(world).signal
    return company is not None and any(s.kind == signal for s in company.signals)


def _variant(variant: str | None) -> str:
    return (variant or "").strip().upper() or CONTROL_VARIANT


def probabilities(world: World, person: Person, variant: str | None = None) -> Probabilities:
    """The chances of `person` sent `variant` (None: the control), stage by stage."""
    lift = VARIANT_REPLY_LIFT.get(_variant(variant), 1.0)
    fit = (SEGMENT_LIFT if in_segment(world, person) else 1.0) * (
        SIGNAL_LIFT if has_signal(world, person) else 1.0
    )
    return Probabilities(
        human_reply=HUMAN_REPLY_SHARE * lift,
        interested_reply=INTERESTED_REPLY_SHARE * lift,
        meeting=min(MEETING_RATE * fit, RATE_CAP),
        deal=DEAL_RATE,
        won=min(WON_RATE * fit, RATE_CAP),
    )


@dataclass(frozen=True, slots=True)
class _Draws:
    extra_reply: float
    meeting: float
    deal: float
    won: float
    meeting_hours: float
    deal_hours: float
    close_days: float
    amount_factor: float


def _draws(seed: int, address: str) -> _Draws:
    digest = hashlib.sha256(f"{seed}:outcomes:{address}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:16], "big"))
    # Fixed order, every draw made every time: nothing moves when a variant or a rate changes.
    return _Draws(
        extra_reply=rng.random(),
        meeting=rng.random(),
        deal=rng.random(),
        won=rng.random(),
        meeting_hours=_bounded(rng, 4.0, 480.0, median=72.0),
        deal_hours=_bounded(rng, 2.0, 168.0, median=48.0),
        close_days=_bounded(rng, 14.0, 120.0, median=45.0),
        amount_factor=rng.uniform(0.6, 1.6),
    )


def _bounded(rng: random.Random, low: float, high: float, *, median: float) -> float:
    return round(min(high, max(low, rng.lognormvariate(0.0, 0.8) * median)), 3)


def conversions(world: World, person: Person) -> tuple[bool, bool]:
    """Whether `person` would book a meeting after an interested reply, and win a deal once opened: the
    draws `outcome_of` applies, for every person whether or not they reply (the planted lifts show over the
    whole world this way, not only over the few who reply)."""
    chances = probabilities(world, person)
    draws = _draws(world.seed, person.email.strip().lower())
    return draws.meeting < chances.meeting, draws.won < chances.won


def with_variant(
    seed: int,
    email: str,
    variant: str | None,
    engagement: Engagement,
    *,
    language: str,
    first_name: str | None,
    sender_name: str,
    original_subject: str,
    today: date,
) -> Engagement:
    """`engagement` (the model's, for this lead) as the lead reacts to `variant`: a winning variant adds a
    human reply to a lead that would have stayed silent, with the probability that multiplies the human
    reply rate by its lift. Any other variant, and a bounce, leave it as it is."""
    lift = VARIANT_REPLY_LIFT.get(_variant(variant), 1.0)
    silent = engagement.reply is None and engagement.unsubscribe_after_hours is None
    if lift <= 1.0 or engagement.bounce is not None or not silent:
        return engagement
    address = email.strip().lower()
    if _draws(seed, address).extra_reply >= (lift - 1.0) * HUMAN_REPLY_SHARE / _SILENT_SHARE:
        return engagement
    rng = random.Random(f"{seed}:outcomes-reply:{address}")
    label = rng.choices(list(_HUMAN_WEIGHTS), weights=list(_HUMAN_WEIGHTS.values()))[0]
    reply = reply_for(
        rng,
        label,
        email=address,
        language=language,
        first_name=first_name,
        sender_name=sender_name,
        original_subject=original_subject,
        today=today,
    )
    opens = engagement.opens_after_hours
    # People read before they answer: the first open comes before the reply, as in the engagement model.
    if not opens or opens[0] > reply.after_hours:
        opens = tuple(sorted((round(max(0.01, reply.after_hours - rng.uniform(0.01, 0.4)), 3), *opens)))
    return replace(engagement, reply=reply, opens_after_hours=opens)


def outcome_of(world: World, email: str, variant: str | None, engagement: Engagement) -> Outcome | None:
    """What becomes of the lead at `email` whose email met `engagement` (after `with_variant`); None for an
    address that is no world person (no company to sell to)."""
    person = world.person_by_email(email)
    if person is None:
        return None
    address = email.strip().lower()
    chances = probabilities(world, person, variant)
    draws = _draws(world.seed, address)
    reply = engagement.reply
    interested = reply is not None and reply.label in INTERESTED_LABELS
    reply_after = reply.after_hours if reply is not None else None
    meeting_after = deal_after = closed_after = None
    won = False
    amount = None
    if interested and reply_after is not None and draws.meeting < chances.meeting:
        meeting_after = round(reply_after + draws.meeting_hours, 3)
        if draws.deal < chances.deal:
            deal_after = round(meeting_after + draws.deal_hours, 3)
            closed_after = round(deal_after + draws.close_days * 24.0, 3)
            won = draws.won < chances.won
            company = _company_of(world, person)
            band = company.employees_range if company else EMPLOYEE_RANGES[0]
            amount = int(round(_AMOUNT_BY_BAND.get(band, 10_000) * draws.amount_factor, -2))
    return Outcome(
        email=address,
        variant=_variant(variant),
        interested_reply=interested,
        reply_after_hours=reply_after,
        meeting_after_hours=meeting_after,
        deal_after_hours=deal_after,
        closed_after_hours=closed_after,
        won=won,
        amount=amount,
    )


def outcome_for(world: World, person: Person, variant: str | None = None) -> Outcome:
    """What becomes of `person` emailed with `variant`, as the lemlist simulator replays it. The reply's
    label and timing do not depend on the wording arguments of the engagement model (they only shape texts),
    so neutral ones are used."""
    engagement = engagement_for(
        world.seed,
        person.email,
        email_status=person.email_status,
        language=person.language,
        first_name=person.first_name,
        sender_name="",
        original_subject="",
        today=date(2026, 1, 5),
    )
    engagement = with_variant(
        world.seed,
        person.email,
        variant,
        engagement,
        language=person.language,
        first_name=person.first_name,
        sender_name="",
        original_subject="",
        today=date(2026, 1, 5),
    )
    found = outcome_of(world, person.email, variant, engagement)
    assert found is not None  # a world person always has one
    return found
