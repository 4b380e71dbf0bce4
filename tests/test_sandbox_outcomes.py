"""The planted outcomes of the sandbox world: deterministic, and the planted facts hold over the whole world
(the segment and the signal triple meetings and wins, subject variant B doubles replies, C changes nothing),
while a lead sent no variant meets exactly the engagement the model gave it before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from resources.sandbox.engagement import Engagement, engagement_for
from resources.sandbox.outcomes import (
    INTERESTED_LABELS,
    MEETING_RATE,
    RATE_CAP,
    SEGMENT_LIFT,
    WON_RATE,
    _plant,
    conversions,
    has_signal,
    in_segment,
    outcome_for,
    outcome_of,
    planted_facts,
    probabilities,
    with_variant,
)
from resources.sandbox.world import SIGNAL_KINDS, World, generate_world

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world()


@dataclass
class Rates:
    n: int = 0
    hits: int = 0

    @property
    def rate(self) -> float:
        return self.hits / self.n


def _engagement(world: World, email: str, language: str, status: str) -> Engagement:
    return engagement_for(
        world.seed,
        email,
        email_status=status,
        language=language,
        first_name=None,
        sender_name="Sam",
        original_subject="Hello",
        today=TODAY,
    )


def test_the_facts_are_picked_from_the_seed_among_what_the_world_holds(world: World) -> None:
    facts = planted_facts(world)
    assert facts == _plant(world) == planted_facts(generate_world())
    assert facts.signal in SIGNAL_KINDS
    members = [p for p in world.people if in_segment(world, p)]
    carriers = [p for p in world.people if has_signal(world, p)]
    assert 0.02 <= len(members) / len(world.people) <= 0.07
    assert 0.10 <= len(carriers) / len(world.people) <= 0.25
    assert {world.company(p.business_id).industry for p in members} == {facts.segment_industry}  # type: ignore[union-attr]
    other = generate_world(11, 300)
    assert planted_facts(other) == _plant(other)


def test_outcomes_are_deterministic(world: World) -> None:
    people = world.people[:200]
    first = [outcome_for(world, p, v) for p in people for v in ("A", "B", None)]
    again = [outcome_for(world, p, v) for p in people for v in ("A", "B", None)]
    assert first == again
    assert [conversions(world, p) for p in people] == [conversions(world, p) for p in people]


def test_the_stage_probabilities_carry_the_lifts(world: World) -> None:
    facts = planted_facts(world)
    plain = next(p for p in world.people if not in_segment(world, p) and not has_signal(world, p))
    member = next(p for p in world.people if in_segment(world, p) and not has_signal(world, p))
    carrier = next(p for p in world.people if has_signal(world, p) and not in_segment(world, p))
    base = probabilities(world, plain)
    assert (base.meeting, base.won) == (MEETING_RATE, WON_RATE)
    for person in (member, carrier):
        lifted = probabilities(world, person)
        assert lifted.meeting == pytest.approx(MEETING_RATE * SEGMENT_LIFT)
        assert lifted.won == pytest.approx(WON_RATE * SEGMENT_LIFT)
        assert lifted.deal == base.deal
    winner = probabilities(world, plain, facts.winning_variant)
    assert winner.human_reply == pytest.approx(2 * base.human_reply)
    assert probabilities(world, plain, facts.null_variant) == base == probabilities(world, plain, "a")
    both = [p for p in world.people if in_segment(world, p) and has_signal(world, p)]
    assert all(probabilities(world, p).meeting == RATE_CAP for p in both)


def test_segment_and_signal_triple_meetings_and_wins_over_the_world(world: World) -> None:
    # Keyed by (in segment, has signal): meeting after an interested reply, won once a deal is open.
    meetings: dict[tuple[bool, bool], Rates] = {}
    wins: dict[tuple[bool, bool], Rates] = {}
    for person in world.people:
        key = (in_segment(world, person), has_signal(world, person))
        meet, won = conversions(world, person)
        for table, hit in ((meetings, meet), (wins, won)):
            rates = table.setdefault(key, Rates())
            rates.n += 1
            rates.hits += hit
    for table in (meetings, wins):
        base = table[(False, False)].rate
        assert 2.4 <= table[(True, False)].rate / base <= 3.6
        assert 2.4 <= table[(False, True)].rate / base <= 3.6
        # Never certain, whatever the lifts.
        assert table[(True, True)].rate <= RATE_CAP + 0.06


def test_variant_b_doubles_replies_and_c_changes_nothing(world: World) -> None:
    facts = planted_facts(world)
    human = {v: Rates() for v in "ABC"}
    interested = {v: Rates() for v in "ABC"}
    for person in world.people:
        engagement = _engagement(world, person.email, person.language, person.email_status)
        if engagement.bounce is not None:
            continue
        for variant in "ABC":
            seen = with_variant(
                world.seed,
                person.email,
                variant,
                engagement,
                language=person.language,
                first_name=None,
                sender_name="Sam",
                original_subject="Hello",
                today=TODAY,
            )
            label = seen.reply.label if seen.reply else None
            human[variant].n += 1
            human[variant].hits += label not in (None, "out_of_office", "auto_reply")
            interested[variant].n += 1
            interested[variant].hits += label in INTERESTED_LABELS
            if variant != facts.winning_variant:
                assert seen is engagement
    assert 1.8 <= human["B"].rate / human["A"].rate <= 2.2
    assert 1.6 <= interested["B"].rate / interested["A"].rate <= 2.4
    assert human["C"].rate == human["A"].rate


def test_a_lead_sent_no_variant_meets_the_engagement_model_unchanged(world: World) -> None:
    for person in world.people[:300]:
        engagement = _engagement(world, person.email, person.language, person.email_status)
        kept = with_variant(
            world.seed,
            person.email,
            None,
            engagement,
            language=person.language,
            first_name=None,
            sender_name="Sam",
            original_subject="Hello",
            today=TODAY,
        )
        assert kept is engagement


def test_an_outcome_follows_its_stages_in_order(world: World) -> None:
    found = [outcome_for(world, p, "B") for p in world.people]
    deals = [o for o in found if o.deal_after_hours is not None]
    assert deals, "the world has no deal at all"
    for outcome in found:
        if outcome.meeting_after_hours is not None:
            assert outcome.interested_reply
            assert outcome.reply_after_hours is not None
            assert outcome.meeting_after_hours > outcome.reply_after_hours
        if outcome.deal_after_hours is not None:
            assert outcome.meeting_after_hours is not None
            assert outcome.closed_after_hours is not None
            assert outcome.meeting_after_hours < outcome.deal_after_hours < outcome.closed_after_hours
            assert outcome.amount is not None and outcome.amount > 0
        else:
            assert not outcome.won and outcome.amount is None
    assert outcome_of(world, "nobody@not-in-the-world.example", "B", deals_engagement(world)) is None


def deals_engagement(world: World) -> Engagement:
    person = world.people[0]
    return _engagement(world, person.email, person.language, person.email_status)
