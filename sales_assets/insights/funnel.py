"""The pipeline funnel as vectorised pandas: how many leads reach each stage, the conversion between stages,
and how long the first reply and the meeting take, per any grouping (ICP, inbound tier, source, signal,
copy variant).

What belongs here: pure functions over two frames, one row per lead and one row per deal (their columns are
`LEAD_COLUMNS` and `DEAL_COLUMNS`). Where the rows come from (HubSpot, the outbound and engagement assets)
is the `pipeline_funnel` asset's business. Everything is a group-by over whole columns, so a million leads
take seconds, not minutes (`benchmarks/insights_funnel.py`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: A lead: who (`lead_id`), where it came from, and when it reached each stage (NaT when it has not).
LEAD_COLUMNS = (
    "lead_id",
    "icp",
    "source",
    "tier",
    "signal",
    "variant",
    "first_touch_at",
    "first_reply_at",
    "meeting_at",
)

#: A deal: the lead it was opened for, whether it closed won, and when.
DEAL_COLUMNS = ("deal_id", "lead_id", "is_won", "created_at", "closed_at")

#: The stages in order; each counts the leads that reached it.
STAGES = ("leads", "contacted", "replied", "meeting", "deal", "won")


def _member(ids: pd.Series, of: pd.Series) -> np.ndarray:
    """`ids.isin(of)` by one factorisation of both columns: hashing each string once is several times faster
    than `isin` on a million object strings."""
    codes, _ = pd.factorize(pd.concat([ids, of], ignore_index=True))
    marked = np.zeros(int(codes.max()) + 2, dtype=bool)
    marked[codes[len(ids) :]] = True
    marked[-1] = False  # factorize's -1 (a missing id) indexes the last slot: never a member
    return marked[codes[: len(ids)]]


def lead_stages(leads: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per stage for each lead. A lead reaches `deal` with any deal and `won` with any
    won deal; a later stage implies the earlier ones (a meeting booked from an inbound form with no reply
    recorded still counts as replied), so conversions never exceed 100 %."""
    won = _member(leads["lead_id"], deals.loc[deals["is_won"].astype(bool), "lead_id"])
    deal = _member(leads["lead_id"], deals["lead_id"]) | won
    meeting = leads["meeting_at"].notna().to_numpy() | deal
    replied = leads["first_reply_at"].notna().to_numpy() | meeting
    contacted = leads["first_touch_at"].notna().to_numpy() | replied
    return pd.DataFrame(
        {
            "leads": np.ones(len(leads), dtype=bool),
            "contacted": contacted,
            "replied": replied,
            "meeting": meeting,
            "deal": deal,
            "won": won,
        },
        index=leads.index,
    )


def _hours(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    delta = ((later - earlier).dt.total_seconds() / 3600).to_numpy(dtype=float)
    # A reply dated before the first touch is a clock or import error, not a negative wait.
    return np.where(delta >= 0, delta, np.nan)


def _groups(leads: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """A group number per lead and the groups' key values (sorted), missing values named "(none)"."""
    codes = []
    values = []
    for column in by:
        code, uniques = pd.factorize(leads[column], sort=True)
        # factorize gives missing values -1: make them a group of their own, named "(none)".
        names = np.append(np.asarray(uniques, dtype=object).astype(str), "(none)")
        codes.append(np.where(code < 0, len(names) - 1, code))
        values.append(names)
    sizes = tuple(len(v) for v in values)
    flat = np.ravel_multi_index(tuple(codes), sizes) if codes else np.zeros(len(leads), dtype=np.int64)
    present, group = np.unique(flat, return_inverse=True)
    positions = np.unravel_index(present, sizes)
    keys = pd.DataFrame({column: v[i] for column, v, i in zip(by, values, positions, strict=True)})
    return group.ravel(), keys


def funnel(leads: pd.DataFrame, stages: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Per group of `by` (`stages` is `lead_stages` of the same leads): the count at each stage, the
    conversion from each stage to the next (`<stage>_rate`, NaN when nobody reached the stage before), and
    the median and 90th percentile hours from first touch to first reply and to meeting."""
    group, out = _groups(leads, by)
    n = len(out)
    for stage in STAGES:
        out[stage] = np.bincount(group, weights=stages[stage].to_numpy(), minlength=n).astype("int64")
    for previous, stage in itertools.pairwise(STAGES):
        reached = out[previous].where(out[previous] > 0)
        out[f"{stage}_rate"] = (out[stage] / reached).astype("float64")
    waits = {
        "reply_hours": _hours(leads["first_reply_at"], leads["first_touch_at"]),
        "meeting_hours": _hours(leads["meeting_at"], leads["first_touch_at"]),
    }
    # Few groups (ICPs, tiers): one pass of a boolean mask per group is cheaper than sorting a million rows.
    for name, hours in waits.items():
        medians, p90s = np.full(n, np.nan), np.full(n, np.nan)
        for g in range(n):
            values = hours[group == g]
            values = values[~np.isnan(values)]
            if values.size:
                medians[g], p90s[g] = np.quantile(values, [0.5, 0.9])
        out[f"{name}_median"] = medians
        out[f"{name}_p90"] = p90s
    return out


def rates_by(leads: pd.DataFrame, stages: pd.DataFrame, by: str) -> pd.DataFrame:
    """Reply and meeting rates of contacted leads per value of `by` (an intelligence signal, a copy
    variant), with the counts behind them (`stages` is `lead_stages` of the same leads)."""
    contacted = stages["contacted"].to_numpy()
    group, out = _groups(leads.loc[contacted], [by])
    n = len(out)
    out["contacted"] = np.bincount(group, minlength=n).astype("int64")
    for stage in ("replied", "meeting"):
        reached = stages[stage].to_numpy()[contacted]
        out[stage] = np.bincount(group, weights=reached, minlength=n).astype("int64")
    out["reply_rate"] = out["replied"] / out["contacted"]
    out["meeting_rate"] = out["meeting"] / out["contacted"]
    return out
