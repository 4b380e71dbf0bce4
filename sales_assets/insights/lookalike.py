"""Look-alike targeting as counting: what the accounts that converted have in common that the others do not,
and how closely a new company matches it.

What belongs here: pure functions over frames of accounts (one row per company, the columns of `FACTORS`).
`learn_pattern` compares the accounts that converted (a meeting or a won deal) with every account the
pipeline reached, value by value, and keeps the values converters have clearly more often (counts and
lift, not guesses). `similarity` scores candidates in [0, 1] against that pattern and names the factors
that matched.

A factor at a time cannot see a segment made of two values (an industry at one size band) when neither value
converts much better on its own; `learn_segments` counts conjunctions too, with a confidence bound corrected
for how many it tried, and `lookalike_scores` ranks candidates by the segments and signals they share with
the converters. Which accounts converted, and the Explorium search for candidates, are the
`lookalike_targets` asset's business.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

#: Factor -> whether the column holds a list of values (technologies, signals) rather than one.
FACTORS: Mapping[str, bool] = {
    "industry": False,
    "employees_range": False,
    "revenue_range": False,
    "country": False,
    "technologies": True,
    "signals": True,
}


@dataclass(frozen=True, slots=True)
class ValueEvidence:
    """One value of a factor: how many converters and how many reached accounts have it, and the lift
    (converters' share over all accounts' share)."""

    value: str
    converted: int
    accounts: int
    converted_share: float
    account_share: float

    @property
    def lift(self) -> float:
        return self.converted_share / self.account_share if self.account_share else 0.0


@dataclass(frozen=True, slots=True)
class FactorPattern:
    """The values of one factor that mark converters, and the factor's weight: how much more often
    converters have one of them than accounts in general (difference of the two shares, 0 to 1)."""

    factor: str
    values: tuple[ValueEvidence, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Pattern:
    """What converters have in common, factor by factor, with the counts it rests on."""

    converted: int
    accounts: int
    factors: tuple[FactorPattern, ...] = field(default_factory=tuple)

    def values_of(self, factor: str) -> set[str]:
        for pattern in self.factors:
            if pattern.factor == factor:
                return {v.value for v in pattern.values}
        return set()

    def describe(self) -> list[str]:
        """One line per factor, strongest first, e.g. `industry: fintech (9 of 12 converters, lift 3.1)`."""
        lines = []
        for pattern in sorted(self.factors, key=lambda p: -p.weight):
            parts = ", ".join(
                f"{v.value} ({v.converted} of {self.converted} converters, lift {v.lift:.1f})"
                for v in pattern.values
            )
            lines.append(f"{pattern.factor}: {parts}")
        return lines


def _as_sets(column: pd.Series, multi: bool) -> list[frozenset[str]]:
    def norm(value: object) -> frozenset[str]:
        if multi:
            if value is None or (isinstance(value, float) and np.isnan(value)):
                return frozenset()
            items: Iterable[object] = (
                value if isinstance(value, list | tuple | set | frozenset | np.ndarray) else [value]
            )
            return frozenset(str(v).strip().lower() for v in items if v is not None and str(v).strip())
        if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
            return frozenset()
        return frozenset([str(value).strip().lower()])

    return [norm(v) for v in column]


def value_evidence(accounts: pd.DataFrame, converted: pd.Series, factor: str) -> list[ValueEvidence]:
    """Every value of `factor` among `accounts`, with its counts among converters and among all accounts,
    most accounts first."""
    mask = converted.to_numpy(dtype=bool)
    n_all, n_conv = len(accounts), int(mask.sum())
    all_counts: dict[str, int] = {}
    conv_counts: dict[str, int] = {}
    for values, is_conv in zip(_as_sets(accounts[factor], FACTORS[factor]), mask, strict=True):
        for value in values:
            all_counts[value] = all_counts.get(value, 0) + 1
            if is_conv:
                conv_counts[value] = conv_counts.get(value, 0) + 1
    return sorted(
        (
            ValueEvidence(
                value,
                conv_counts.get(value, 0),
                count,
                conv_counts.get(value, 0) / n_conv if n_conv else 0.0,
                count / n_all,
            )
            for value, count in all_counts.items()
        ),
        key=lambda v: (-v.accounts, v.value),
    )


def learn_pattern(
    accounts: pd.DataFrame,
    converted: pd.Series,
    *,
    min_converted: int = 3,
    min_lift: float = 1.3,
    min_share: float = 0.2,
) -> Pattern:
    """The pattern of `accounts[converted]` against all `accounts`. A value joins the pattern when at least
    `min_converted` converters have it, at least `min_share` of converters have it, and converters have it
    `min_lift` times as often as accounts in general. Factors with no such value are left out."""
    mask = converted.to_numpy(dtype=bool)
    n_all, n_conv = len(accounts), int(mask.sum())
    if n_conv == 0:
        return Pattern(0, n_all)
    factors = []
    for factor, multi in FACTORS.items():
        if factor not in accounts.columns:
            continue
        kept = [
            v
            for v in value_evidence(accounts, converted, factor)
            if v.converted >= min_converted and v.converted_share >= min_share and v.lift >= min_lift
        ]
        if not kept:
            continue
        chosen = {v.value for v in kept}
        has = np.array([bool(values & chosen) for values in _as_sets(accounts[factor], multi)])
        weight = max(float(has[mask].mean() - has.mean()), 0.0)
        if weight > 0:
            kept.sort(key=lambda v: (-v.lift, -v.converted, v.value))
            factors.append(FactorPattern(factor, tuple(kept), weight))
    return Pattern(n_conv, n_all, tuple(factors))


def similarity(candidates: pd.DataFrame, pattern: Pattern) -> pd.DataFrame:
    """`similarity` in [0, 1] for each candidate (the weighted share of the pattern's factors it matches; a
    list-valued factor matches by the share of the pattern's values it has, at most one) and
    `matched_factors`, the matched factor=value pairs, strongest factor first."""
    total = sum(p.weight for p in pattern.factors)
    scores = np.zeros(len(candidates))
    matched: list[list[str]] = [[] for _ in range(len(candidates))]
    if total == 0:
        return pd.DataFrame({"similarity": scores, "matched_factors": matched}, index=candidates.index)
    for factor in sorted(pattern.factors, key=lambda p: -p.weight):
        if factor.factor not in candidates.columns:
            continue
        wanted = {v.value for v in factor.values}
        multi = FACTORS[factor.factor]
        for i, values in enumerate(_as_sets(candidates[factor.factor], multi)):
            hits = values & wanted
            if not hits:
                continue
            share = min(len(hits) / len(wanted), 1.0) if multi else 1.0
            scores[i] += factor.weight * share
            matched[i].extend(f"{factor.factor}={value}" for value in sorted(hits))
    return pd.DataFrame(
        {"similarity": np.round(scores / total, 6), "matched_factors": matched}, index=candidates.index
    )


# --- segments: conjunctions of values ------------------------------------------------------------------

#: The factors a segment is made of: what a company search can filter on. A list-valued factor
#: (technologies) enters a segment only on its own: a stack of ~7 tools paired with every other value would
#: multiply the segments tried, and with them the evidence each one needs.
SEGMENT_FACTORS: tuple[str, ...] = ("industry", "employees_range", "revenue_range", "country", "technologies")

#: One condition of a segment: a factor and the value an account has for it (lower case).
Condition = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Segment:
    """The accounts that meet every one of `conditions`, how many of them converted, the conversion rate of
    all accounts (`base_rate`), and `lift_low`: a lower confidence bound of the lift, corrected for the
    number of segments tried, so a handful of lucky accounts does not make a pattern."""

    conditions: tuple[Condition, ...]
    converted: int
    accounts: int
    base_rate: float
    lift_low: float

    @property
    def rate(self) -> float:
        return self.converted / self.accounts if self.accounts else 0.0

    @property
    def lift(self) -> float:
        return self.rate / self.base_rate if self.base_rate else 0.0

    @property
    def weight(self) -> float:
        """What meeting the segment adds to a candidate's score: the log of the lift it can count on, as in
        naive Bayes (independent factors multiply conversion, so their logs add)."""
        return math.log(self.lift_low) if self.lift_low > 1 else 0.0

    @property
    def label(self) -> str:
        return " & ".join(f"{factor}={value}" for factor, value in self.conditions)

    def describe(self) -> str:
        return (
            f"{self.label} ({self.converted} of {self.accounts} accounts converted, "
            f"lift {self.lift:.1f}, at least {self.lift_low:.2f})"
        )


def wilson_low(successes: int, trials: int, z: float) -> float:
    """The lower end of the Wilson score interval of a proportion (z standard deviations)."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max((centre - spread) / (1 + z * z / trials), 0.0)


def _cells(accounts: pd.DataFrame, factors: Sequence[str], pairs: bool) -> list[set[tuple[Condition, ...]]]:
    """Every segment each account belongs to: each value alone and, with `pairs`, every two values of
    different single-valued factors (conditions in `factors` order)."""
    present = [f for f in factors if f in accounts.columns]
    columns = {f: _as_sets(accounts[f], FACTORS.get(f, False)) for f in present}
    out: list[set[tuple[Condition, ...]]] = []
    for i in range(len(accounts)):
        singles = [(f, v) for f in present for v in sorted(columns[f][i])]
        cells: set[tuple[Condition, ...]] = {(c,) for c in singles}
        if pairs:
            single_valued = [c for c in singles if not FACTORS.get(c[0], False)]
            cells.update(itertools.combinations(single_valued, 2))
        out.append(cells)
    return out


def learn_segments(
    accounts: pd.DataFrame,
    converted: pd.Series,
    *,
    factors: Sequence[str] = SEGMENT_FACTORS,
    pairs: bool = True,
    min_converted: int = 3,
    min_lift: float = 1.3,
    alpha: float = 0.05,
    max_segments: int = 3,
) -> tuple[Segment, ...]:
    """The segments (one value, or two values of different factors) where converters gather, strongest
    first, found by sequential covering: the segment with the highest `lift_low` among those with at least
    `min_converted` converters, a lift of at least `min_lift` and a lift bound above 1; then the same again
    over the accounts no chosen segment covers, up to `max_segments`. The bound is a Wilson interval at the
    Bonferroni-corrected level `alpha / segments tried`, so testing thousands of small segments does not
    turn chance into a pattern; a later segment's counts are over the accounts the earlier ones left."""
    mask = converted.to_numpy(dtype=bool)
    n_all, n_conv = len(accounts), int(mask.sum())
    if n_conv == 0 or n_conv == n_all:
        return ()
    base = n_conv / n_all
    cells = _cells(accounts, factors, pairs)
    covered = np.zeros(n_all, dtype=bool)
    chosen: list[Segment] = []
    while len(chosen) < max_segments:
        counts: dict[tuple[Condition, ...], list[int]] = {}
        for i in np.flatnonzero(~covered):
            for cell in cells[i]:
                tally = counts.setdefault(cell, [0, 0])
                tally[0] += 1
                tally[1] += int(mask[i])
        tried = {cell: c for cell, c in counts.items() if c[1] >= min_converted}
        if not tried:
            break
        z = NormalDist().inv_cdf(1 - alpha / len(tried))
        best: Segment | None = None
        for cell, (n, k) in sorted(tried.items()):
            if k / n < min_lift * base:
                continue
            low = wilson_low(k, n, z) / base
            if low > 1 and (best is None or (low, k) > (best.lift_low, best.converted)):
                best = Segment(cell, k, n, base, low)
        if best is None:
            break
        chosen.append(best)
        covered |= np.array([best.conditions in account for account in cells])
    return tuple(chosen)


def segment_members(candidates: pd.DataFrame, segment: Segment) -> np.ndarray:
    """Which candidates meet every condition of `segment`."""
    return meets(candidates, segment.conditions)


def meets(candidates: pd.DataFrame, conditions: Sequence[Condition]) -> np.ndarray:
    """Which candidates meet every one of `conditions`."""
    member = np.ones(len(candidates), dtype=bool)
    for factor, value in conditions:
        if factor not in candidates.columns:
            return np.zeros(len(candidates), dtype=bool)
        sets = _as_sets(candidates[factor], FACTORS.get(factor, False))
        member &= np.array([value in values for values in sets], dtype=bool)
    return member


def lookalike_scores(
    candidates: pd.DataFrame, segments: Sequence[Segment], signals: Sequence[Segment] = ()
) -> pd.DataFrame:
    """`similarity` in [0, 1] of each candidate to the converters: the credit of its best segment (the
    segment's weight times the share of its conditions the candidate meets; on a tie the stronger segment)
    plus the weights of the signal segments it has, over the best a candidate could score (the strongest
    segment in full and every signal). `segment` is the label of that best segment (None: it meets no
    condition of any), `matched_factors` the factor=value pairs that matched, segment first."""
    n = len(candidates)
    best = np.zeros(n)
    label: list[str | None] = [None] * n
    matched: list[list[str]] = [[] for _ in range(n)]
    for segment in segments:
        met = [meets(candidates, [c]) for c in segment.conditions]
        credit = segment.weight * np.mean(met, axis=0) if met else np.zeros(n)
        for i in np.flatnonzero(credit > best):
            best[i] = credit[i]
            label[i] = segment.label
            matched[i] = [f"{f}={v}" for (f, v), hit in zip(segment.conditions, met, strict=True) if hit[i]]
    scores = best.copy()
    for signal in signals:
        for i in np.flatnonzero(segment_members(candidates, signal)):
            scores[i] += signal.weight
            matched[i].extend(f"{f}={v}" for f, v in signal.conditions)
    total = max((s.weight for s in segments), default=0.0) + sum(s.weight for s in signals)
    similarity = np.round(np.clip(scores / total, 0.0, 1.0), 6) if total > 0 else scores
    return pd.DataFrame(
        {"similarity": similarity, "segment": label, "matched_factors": matched}, index=candidates.index
    )
