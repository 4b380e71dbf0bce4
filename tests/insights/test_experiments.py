"""The copy-experiment statistics: deterministic assignment, the planned sample, the exact posterior, and
the decision rule's error rates on simulated tests (a planted winner is promoted, a variant with no real
difference almost never is)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from sales_assets.insights.experiments import (
    ArmCounts,
    assign_variant,
    decide,
    one_sided_p_value,
    planned_sends,
    probability_better,
    winner,
)


def test_assignment_is_stable_case_blind_and_balanced() -> None:
    variants = ["A", "B"]
    first = [assign_variant("subject-2026-12", f"lead{i}@example.com", variants) for i in range(4000)]
    again = [assign_variant("subject-2026-12", f" LEAD{i}@Example.com ", variants) for i in range(4000)]
    assert first == again
    share = Counter(first)["A"] / len(first)
    assert 0.47 < share < 0.53
    # Another experiment reshuffles: the same lead is not always in the same arm across experiments.
    other = [assign_variant("first-line-2026-12", f"lead{i}@example.com", variants) for i in range(4000)]
    assert 0.4 < sum(a == b for a, b in zip(first, other, strict=True)) / 4000 < 0.6
    with pytest.raises(ValueError):
        assign_variant("x", "a@b.c", [])


def test_planned_sends_matches_the_formula_worked_by_hand() -> None:
    # 5 % -> 10 %, one-sided alpha 0.05, power 0.8:
    # ((1.645*sqrt(2*.075*.925) + .8416*sqrt(.0475+.09)) / .05)^2 = 342.2
    assert planned_sends(0.05, 1.0, alpha=0.05, power=0.8) == 343
    assert planned_sends(0.05, 0.5, alpha=0.05) > planned_sends(0.05, 1.0, alpha=0.05)
    assert planned_sends(0.05, 1.0, alpha=0.01) > planned_sends(0.05, 1.0, alpha=0.05)
    with pytest.raises(ValueError):
        planned_sends(0.0, 1.0)
    with pytest.raises(ValueError):
        planned_sends(0.05, 0.0)


def test_exact_posterior_agrees_with_monte_carlo() -> None:
    rng = random.Random(3)
    a, b = ArmCounts("A", 400, 20), ArmCounts("B", 380, 31)
    draws = 40_000
    wins = sum(rng.betavariate(32, 350) > rng.betavariate(21, 381) for _ in range(draws))
    assert probability_better(a, b) == pytest.approx(wins / draws, abs=0.01)
    assert probability_better(b, a) == pytest.approx(1 - probability_better(a, b), abs=1e-9)
    same = ArmCounts("C", 400, 20)
    assert probability_better(a, same) == pytest.approx(0.5, abs=1e-6)


def test_p_value_is_one_sided_and_degenerate_arms_are_never_significant() -> None:
    low, high = ArmCounts("A", 1000, 40), ArmCounts("B", 1000, 80)
    assert one_sided_p_value(low, high) < 0.001
    assert one_sided_p_value(high, low) > 0.999
    assert one_sided_p_value(ArmCounts("A", 0, 0), high) == 1.0
    assert one_sided_p_value(ArmCounts("A", 100, 0), ArmCounts("B", 100, 0)) == 1.0


def test_nothing_is_decided_before_the_horizon() -> None:
    default, challenger = ArmCounts("A", 100, 2), ArmCounts("B", 100, 30)
    (verdict,) = decide(default, [challenger], baseline_rate=0.04, min_detectable_lift=1.0)
    assert verdict.decision == "collecting"
    assert verdict.p_value is None
    assert "of" in verdict.reason and str(verdict.planned_sends) in verdict.reason


def _simulate(rng: random.Random, sends: int, rate: float, variant: str) -> ArmCounts:
    return ArmCounts(variant, sends, sum(rng.random() < rate for _ in range(sends)))


def test_the_rule_promotes_a_planted_winner_and_almost_never_a_null_variant() -> None:
    baseline, lift = 0.04, 1.0
    needed = planned_sends(baseline, lift, alpha=0.01 / 2)
    promoted_winner = 0
    false_promotions = 0
    for seed in range(20):
        rng = random.Random(seed)
        default = _simulate(rng, needed, baseline, "A")
        planted = _simulate(rng, needed, baseline * 2.5, "B")
        null = _simulate(rng, needed, baseline, "C")
        verdicts = decide(default, [planted, null], baseline_rate=baseline, min_detectable_lift=lift)
        by_variant = {v.challenger: v for v in verdicts}
        promoted_winner += by_variant["B"].decision == "promote"
        false_promotions += by_variant["C"].decision == "promote"
        if by_variant["B"].decision == "promote":
            assert winner(verdicts) == "B"
    assert promoted_winner == 20
    assert false_promotions <= 1


def test_no_promotion_keeps_the_default() -> None:
    default, challenger = ArmCounts("A", 5000, 200), ArmCounts("B", 5000, 205)
    verdicts = decide(default, [challenger], baseline_rate=0.04, min_detectable_lift=1.0)
    assert [v.decision for v in verdicts] == ["keep_default"]
    assert winner(verdicts) is None
