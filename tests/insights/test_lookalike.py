"""Look-alike patterns: a planted converting segment is found with its counts, noise is left out, and the
candidates that belong to the segment rank first with the factors that matched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sales_assets.insights.lookalike import learn_pattern, similarity

INDUSTRIES = ["fintech", "logistics", "retail", "healthcare", "software"]
COUNTRIES = ["us", "gb", "de", "fr"]
SIGNALS = ["funding", "hiring", "expansion", "partnership"]


def _accounts(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "industry": rng.choice(INDUSTRIES, n),
            "employees_range": rng.choice(["11-50", "51-200", "201-500"], n),
            "country": rng.choice(COUNTRIES, n),
            "technologies": [
                list(rng.choice(["hubspot", "salesforce", "stripe"], 2, replace=False)) for _ in range(n)
            ],
            "signals": [list(rng.choice(SIGNALS, rng.integers(0, 3), replace=False)) for _ in range(n)],
        }
    )


def _segment(accounts: pd.DataFrame) -> pd.Series:
    return (accounts["industry"] == "fintech") & accounts["signals"].map(lambda s: "funding" in s)


def _converted(accounts: pd.DataFrame, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed + 1000)
    rate = np.where(_segment(accounts), 0.30, 0.04)
    return pd.Series(rng.random(len(accounts)) < rate, index=accounts.index)


@pytest.mark.parametrize("seed", range(5))
def test_the_planted_segment_is_the_pattern_and_its_members_rank_first(seed: int) -> None:
    accounts = _accounts(3000, seed)
    pattern = learn_pattern(accounts, _converted(accounts, seed))
    strongest = sorted(pattern.factors, key=lambda p: -p.weight)
    assert {p.factor for p in strongest[:2]} == {"industry", "signals"}
    assert pattern.values_of("industry") == {"fintech"}
    assert "funding" in pattern.values_of("signals")
    # Factors that do not change conversion stay out.
    assert not pattern.values_of("country")
    assert not pattern.values_of("technologies")

    candidates = _accounts(500, seed + 50)
    scored = similarity(candidates, pattern)
    top = scored.sort_values("similarity", ascending=False, kind="stable").head(20)
    assert _segment(candidates).loc[top.index].mean() >= 0.8
    assert scored["similarity"].between(0, 1).all()
    best = top.iloc[0]
    assert "industry=fintech" in best["matched_factors"] and "signals=funding" in best["matched_factors"]


def test_the_evidence_is_counts() -> None:
    accounts = pd.DataFrame(
        {"industry": ["fintech"] * 6 + ["retail"] * 14, "signals": [["funding"]] * 4 + [[]] * 16}
    )
    converted = pd.Series([True] * 5 + [False] * 14 + [True])
    pattern = learn_pattern(accounts, converted, min_converted=3)
    (industry,) = [p for p in pattern.factors if p.factor == "industry"]
    (fintech,) = industry.values
    assert (fintech.converted, fintech.accounts) == (5, 6)
    assert fintech.lift == pytest.approx((5 / 6) / (6 / 20))
    assert industry.weight == pytest.approx(5 / 6 - 6 / 20)
    assert pattern.describe()[0].startswith("industry: fintech (5 of 6 converters")


def test_no_converters_no_pattern_and_every_candidate_scores_zero() -> None:
    accounts = _accounts(50, 1)
    pattern = learn_pattern(accounts, pd.Series(False, index=accounts.index))
    assert pattern.factors == () and pattern.converted == 0
    scored = similarity(accounts, pattern)
    assert (scored["similarity"] == 0).all()
    assert scored["matched_factors"].map(len).eq(0).all()


def test_missing_values_and_case_do_not_break_matching() -> None:
    accounts = pd.DataFrame(
        {
            "industry": ["Fintech", "fintech ", None, "retail"] * 5,
            "signals": [None, ["Funding"], [], ["hiring"]] * 5,
        }
    )
    converted = pd.Series([True, True, False, False] * 5)
    pattern = learn_pattern(accounts, converted)
    assert pattern.values_of("industry") == {"fintech"}
    candidates = pd.DataFrame({"industry": ["FINTECH", None], "signals": [["funding"], None]})
    scored = similarity(candidates, pattern)
    assert scored["similarity"].iloc[0] == pytest.approx(1.0)
    assert scored["similarity"].iloc[1] == 0
