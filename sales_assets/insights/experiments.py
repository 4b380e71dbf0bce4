"""Copy experiments as statistics: which lead gets which variant, how many sends a test needs, and the rule
that decides whether a challenger replaces the default.

What belongs here: pure functions over counts (no vendor calls, no Dagster). Which lead gets which variant
(`assign_variant`) is `sales_assets.common.copy_variants`', re-exported here. The asset that writes variants,
reads lemlist's per-variant results and records promotions is the insights stage's `copy_experiments`.

The decision rule, stated once so every caller applies the same one:

- A test has a fixed horizon. Before it starts, `planned_sends` fixes how many sends each arm needs to see
  the smallest lift worth acting on (`min_detectable_lift`) at the chosen error rates. Nothing is decided
  before both arms reach it: looking every day and stopping at the first good-looking day ("peeking") turns
  a 1 % false-promotion rate into several per cent.
- At the horizon, a challenger is promoted when a one-sided two-proportion z-test of "challenger's reply
  rate is higher than the default's" gives p < alpha divided by the number of challengers (Bonferroni, so
  several challengers do not buy several chances of a false winner). Otherwise the default stays, and the
  test is recorded as "no difference".
- The Bayesian posterior (uniform Beta prior) is reported beside it as the probability that the challenger
  is better, for a person reading the figures; it does not decide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

# Enrollment assigns leads with it too, so it lives with what both stages need.
from sales_assets.common.copy_variants import assign_variant

_NORMAL = NormalDist()

Decision = Literal["collecting", "promote", "keep_default"]

__all__ = [
    "ArmCounts",
    "Decision",
    "Verdict",
    "assign_variant",
    "decide",
    "one_sided_p_value",
    "planned_sends",
    "probability_better",
    "winner",
]


@dataclass(frozen=True, slots=True)
class ArmCounts:
    """One variant's results: leads it was sent to and how many of them replied (the success measured)."""

    variant: str
    sent: int
    succeeded: int

    @property
    def rate(self) -> float:
        return self.succeeded / self.sent if self.sent else 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rule says about one challenger against the default, with the figures behind it."""

    challenger: str
    default: str
    decision: Decision
    lift: float
    p_value: float | None
    alpha: float
    probability_better: float
    planned_sends: int
    reason: str


def planned_sends(
    baseline_rate: float, min_detectable_lift: float, *, alpha: float = 0.01, power: float = 0.9
) -> int:
    """Sends per arm for a one-sided two-proportion test to detect `baseline_rate * (1 + lift)` with `power`
    at `alpha` (the usual normal-approximation formula, e.g. Fleiss, Statistical Methods for Rates and
    Proportions, 3rd ed., 4.14 without continuity correction)."""
    if not 0 < baseline_rate < 1:
        raise ValueError(f"baseline_rate must be in (0, 1), got {baseline_rate}")
    if min_detectable_lift <= 0:
        raise ValueError(f"min_detectable_lift must be positive, got {min_detectable_lift}")
    p1 = baseline_rate
    p2 = min(baseline_rate * (1 + min_detectable_lift), 0.999)
    mean = (p1 + p2) / 2
    z_alpha = _NORMAL.inv_cdf(1 - alpha)
    z_power = _NORMAL.inv_cdf(power)
    spread = z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    numerator = z_alpha * math.sqrt(2 * mean * (1 - mean)) + spread
    return math.ceil((numerator / (p2 - p1)) ** 2)


def one_sided_p_value(default: ArmCounts, challenger: ArmCounts) -> float:
    """P-value of "the challenger's rate is higher" by the pooled two-proportion z-test."""
    if default.sent == 0 or challenger.sent == 0:
        return 1.0
    pooled = (default.succeeded + challenger.succeeded) / (default.sent + challenger.sent)
    if pooled in (0.0, 1.0):
        return 1.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / default.sent + 1 / challenger.sent))
    z = (challenger.rate - default.rate) / se
    return 1 - _NORMAL.cdf(z)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def probability_better(default: ArmCounts, challenger: ArmCounts) -> float:
    """P(challenger's rate > default's) under uniform Beta(1, 1) priors, exactly (Evan Miller's closed form
    for two Beta posteriors), summed over the smaller of the two success counts for speed."""
    a_a, b_a = 1 + default.succeeded, 1 + default.sent - default.succeeded
    a_b, b_b = 1 + challenger.succeeded, 1 + challenger.sent - challenger.succeeded
    if a_b > a_a:
        # P(B > A) = 1 - P(A > B) for continuous posteriors; sum over the smaller count.
        return 1.0 - probability_better(challenger, default)
    total = 0.0
    for i in range(a_b):
        total += math.exp(
            _log_beta(a_a + i, b_a + b_b) - math.log(b_b + i) - _log_beta(1 + i, b_b) - _log_beta(a_a, b_a)
        )
    return min(max(total, 0.0), 1.0)


def _lift(default: ArmCounts, challenger: ArmCounts) -> float:
    if default.rate:
        return challenger.rate / default.rate - 1
    return math.inf if challenger.rate else 0.0


def decide(
    default: ArmCounts,
    challengers: Sequence[ArmCounts],
    *,
    baseline_rate: float,
    min_detectable_lift: float,
    alpha: float = 0.01,
    power: float = 0.9,
) -> list[Verdict]:
    """The rule of the module docstring, for each challenger against the default."""
    corrected = alpha / max(len(challengers), 1)
    needed = planned_sends(baseline_rate, min_detectable_lift, alpha=corrected, power=power)
    verdicts = []
    for challenger in challengers:
        lift = _lift(default, challenger)
        chance = probability_better(default, challenger)
        if min(default.sent, challenger.sent) < needed:
            verdicts.append(
                Verdict(
                    challenger.variant,
                    default.variant,
                    "collecting",
                    lift,
                    None,
                    corrected,
                    chance,
                    needed,
                    f"{min(default.sent, challenger.sent)} of {needed} sends per arm",
                )
            )
            continue
        p = one_sided_p_value(default, challenger)
        promote = p < corrected
        reason = (
            f"reply rate {challenger.rate:.1%} vs {default.rate:.1%}; one-sided p = {p:.4f} "
            f"{'<' if promote else '>='} {corrected:.4f}"
        )
        verdicts.append(
            Verdict(
                challenger.variant,
                default.variant,
                "promote" if promote else "keep_default",
                lift,
                p,
                corrected,
                chance,
                needed,
                reason,
            )
        )
    return verdicts


def winner(verdicts: Sequence[Verdict]) -> str | None:
    """The challenger to promote: of those the rule promotes, the one most likely better; None keeps the
    default."""
    promoted = [v for v in verdicts if v.decision == "promote"]
    if not promoted:
        return None
    return max(promoted, key=lambda v: (v.probability_better, v.lift)).challenger
