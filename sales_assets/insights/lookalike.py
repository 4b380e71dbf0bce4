"""Look-alike targeting as counting: what the accounts that converted have in common that the others do not,
and how closely a new company matches it.

What belongs here: pure functions over frames of accounts (one row per company, the columns of `FACTORS`).
`learn_pattern` compares the accounts that converted (a meeting or a won deal) with every account the
pipeline reached, value by value, and keeps the values converters have clearly more often (counts and
lift, not guesses). `similarity` scores candidates in [0, 1] against that pattern and names the factors
that matched. Which accounts converted, and the Explorium search for candidates, are the
`lookalike_targets` asset's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
