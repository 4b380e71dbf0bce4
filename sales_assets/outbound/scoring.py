"""Scores, as vectorised pandas over whole frames: ICP (intent, reachability, freshness, and the fit of
`sales_assets/common/fit.py`, which inbound scores leads with too), contact score and data quality. Every
component stays a column, so a person can see why a row scored what it did.

What belongs here: pure functions of frames and an `IcpProfile` (DESIGN section 4). No vendor calls and no
Dagster: the assets fetch, these functions score, the gates decide. Row loops are avoided on purpose: the
benchmark in `benchmarks/scoring.py` scores a million contacts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from sales_assets.common.icp import DataQualityWeights, IcpProfile

#: Seniority score by Explorium job level (DESIGN: C-level 1.0, VP 0.9, Director 0.8, Manager 0.6, IC 0.4).
SENIORITY_SCORE: dict[str, float] = {
    "c-suite": 1.0,
    "cxo": 1.0,
    "owner": 1.0,
    "founder": 1.0,
    "president": 1.0,
    "partner": 0.9,
    "vice president": 0.9,
    "vp": 0.9,
    "director": 0.8,
    "senior manager": 0.7,
    "manager": 0.6,
    "senior non-managerial": 0.4,
    "senior": 0.4,
    "non-managerial": 0.4,
    "junior": 0.3,
    "entry": 0.3,
    "advisor": 0.4,
    "board member": 0.6,
    "freelancer": 0.2,
}

#: Provider confidence in the email, for data quality and reachability.
EMAIL_CONFIDENCE: dict[str, float] = {"valid": 1.0, "catch-all": 0.5, "unknown": 0.3, "invalid": 0.0}

_WORD = re.compile(r"[a-z0-9]+")
_TITLE_ALIASES = {
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "cro": "chief revenue officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cio": "chief information officer",
    "cto": "chief technology officer",
    "cmo": "chief marketing officer",
    "ceo": "chief executive officer",
    "cdo": "chief data officer",
    "ops": "operations",
    "dir": "director",
    "mgr": "manager",
    "revops": "revenue operations",
    "it": "information technology",
}
_STOP = {"of", "and", "the", "for", "&", "head"}


def intent_components(
    signals: pd.DataFrame, index: pd.Index, profile: IcpProfile, as_of: datetime
) -> pd.DataFrame:
    """Intent and freshness per company from its signals (`business_id`, `kind`, `occurred_at`).

    Intent combines the weights of the signals inside the freshness window as a noisy-OR
    (1 - prod(1 - w)): one strong signal counts almost fully, more signals add with diminishing returns.
    Signal kinds the profile names in `intent_signals` count fully, other kinds at half weight.
    Freshness is 1 for a signal today, falling linearly to 0 at `freshness_days`.
    """
    out = pd.DataFrame(index=index)
    out["intent_score"] = 0.0
    out["freshness_score"] = 0.0
    out["signal_count"] = 0
    out["top_signal"] = None
    out["latest_signal_at"] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    if signals.empty:
        return out
    frame = signals.copy()
    occurred = pd.to_datetime(frame["occurred_at"], utc=True)
    stamp = pd.Timestamp(as_of).tz_convert("UTC")
    # Age in calendar days (UTC), not seconds: a score must not drift between two runs of the same day, or
    # every re-run would rewrite every CRM record for a change in the seventh decimal.
    age_days = (
        ((stamp.floor("D") - occurred.dt.floor("D")).dt.days).astype(float).where(occurred <= stamp, -1.0)
    )
    frame = frame[(age_days >= 0) & (age_days <= profile.freshness_days)].assign(
        age_days=age_days, occurred_at=occurred
    )
    if frame.empty:
        return out
    weights = profile.signal_weights.model_dump()
    emphasis = set(profile.intent_signals)
    base = frame["kind"].map(weights).fillna(0.0)
    factor = np.where(frame["kind"].isin(emphasis) | (not emphasis), 1.0, 0.5)
    frame["weight"] = base * factor
    frame["log_miss"] = np.log1p(-frame["weight"].clip(upper=0.999_999))
    grouped = frame.groupby("business_id")
    intent = 1.0 - np.exp(grouped["log_miss"].sum())
    newest = grouped["age_days"].min()
    top = frame.sort_values(["weight", "age_days"], ascending=[False, True]).drop_duplicates("business_id")
    out.loc[intent.index.intersection(index), "intent_score"] = intent
    out.loc[newest.index.intersection(index), "freshness_score"] = (
        1.0 - newest / profile.freshness_days
    ).clip(0, 1)
    out.loc[newest.index.intersection(index), "signal_count"] = grouped.size()
    top = top.set_index("business_id")
    shared = top.index.intersection(index)
    out.loc[shared, "top_signal"] = top.loc[shared, "kind"]
    out.loc[shared, "latest_signal_at"] = grouped["occurred_at"].max().loc[shared]
    return out


def icp_score(components: pd.DataFrame, profile: IcpProfile) -> pd.Series:
    """The weighted ICP score from `fit_score`, `intent_score`, `reachability_score`, `freshness_score`."""
    w = profile.weights
    return (
        w.fit * components["fit_score"]
        + w.intent * components["intent_score"]
        + w.reachability * components["reachability_score"]
        + w.freshness * components["freshness_score"]
    ).round(4)


def title_words(text: str) -> frozenset[str]:
    """Lowercase word set, abbreviations spelled out ("VP Sales" -> {"vice", "president", "sales"})."""
    tokens = []
    for token in _WORD.findall(text.lower()):
        tokens.extend(_TITLE_ALIASES.get(token, token).split())
    return frozenset(t for t in tokens if t not in _STOP)


def normalize_title(title: pd.Series) -> pd.Series:
    """`title_words` of each title (None reads as an empty title)."""
    uniques = title.fillna("").astype(str).unique()
    lookup = {u: title_words(u) for u in uniques}
    return title.fillna("").astype(str).map(lookup)


def _lookup(values: pd.Series, score: Callable[[str], float]) -> pd.Series:
    """`score` of each value, computed once per distinct value (a million rows hold a few thousand)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([score(u) for u in uniques] + [score("")], dtype=float)
    return pd.Series(table[codes], index=values.index)  # code -1 (missing) reads the last entry


def title_match(titles: pd.Series, wanted: Sequence[str]) -> pd.Series:
    """Best overlap (Dice coefficient of word sets) between each title and any wanted title, 0..1."""
    targets = [t for t in map(title_words, wanted) if t]

    def best(title: str) -> float:
        words = title_words(str(title))
        return max((2 * len(words & t) / (len(words) + len(t)) for t in targets if words), default=0.0)

    return _lookup(titles, best)


def contact_components(contacts: pd.DataFrame, profile: IcpProfile) -> pd.DataFrame:
    """Contact score parts from `job_title`, `job_level`, `email_status`, `linkedin_url`."""
    out = pd.DataFrame(index=contacts.index)
    out["title_score"] = title_match(contacts["job_title"], profile.titles)
    out["seniority_score"] = _lookup(
        contacts["job_level"], lambda v: SENIORITY_SCORE.get(str(v).lower(), 0.4)
    )
    out["email_score"] = (contacts["email_status"].to_numpy() == "valid").astype(float)
    out["linkedin_score"] = present(contacts["linkedin_url"]).astype(float)
    w = profile.contact_weights
    out["contact_score"] = (
        w.title * out["title_score"]
        + w.seniority * out["seniority_score"]
        + w.verified_email * out["email_score"]
        + w.linkedin * out["linkedin_score"]
    ).round(4)
    return out


CONTACT_FIELDS = ["email", "first_name", "last_name", "job_title", "linkedin_url", "phone"]
COMPANY_FIELDS = ["company_name", "domain", "industry", "employees_range", "revenue_range", "country_code"]


def present(values: pd.Series) -> np.ndarray:
    """True where a value is there: not None, not NaN, not an empty string."""
    array = values.to_numpy()
    if array.dtype != object:
        return pd.notna(array)
    # Truthiness drops None and "" in one C loop; `x == x` drops NaN. Twice as fast as isna + != "",
    # which matters at a million rows and a dozen columns. (Only text columns are object here.)
    return array.astype(bool) & (array == array)


def _filled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Share of `columns` present on each row (see `present`)."""
    filled = np.zeros(len(frame))
    for column in columns:
        if column in frame:
            filled += present(frame[column])
    return pd.Series(filled / len(columns), index=frame.index)


def data_quality(contacts: pd.DataFrame, weights: DataQualityWeights | None = None) -> pd.Series:
    """Contact fields, company fields and provider confidence, weighted (by default 40 + 40 + 20, over
    100), as 0..1."""
    w = weights or DataQualityWeights()
    confidence = contacts["email_status"].map(EMAIL_CONFIDENCE).fillna(0.0)
    score = (
        w.contact_fields * _filled(contacts, CONTACT_FIELDS)
        + w.company_fields * _filled(contacts, COMPANY_FIELDS)
        + w.provider_confidence * confidence
    )
    return score.round(4)
