"""Company fit against an ICP profile, as vectorised pandas: industry, employees, revenue, technology and
geography, each a column, and their weighted fit score.

What belongs here: `fit_components` and the orders of the size and revenue ranges it reads. Outbound scores
discovered companies with it (`sales_assets/outbound/scoring.py` adds intent, reachability and freshness);
inbound finds the profile a form lead's company fits best. Pure functions: no vendor calls and no Dagster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

import numpy as np
import pandas as pd

from sales_assets.common.icp import EmployeeRange, IcpProfile, RevenueRange

# Smallest first, as the profile's own types list them.
EMPLOYEE_ORDER: list[str] = list(get_args(EmployeeRange))
REVENUE_ORDER: list[str] = list(get_args(RevenueRange))


def _ordinal_match(values: pd.Series, wanted: Sequence[str], order: Sequence[str]) -> pd.Series:
    """1.0 inside the wanted ranges, 0.5 one step outside, 0.0 otherwise or unknown."""
    if not wanted:
        return pd.Series(1.0, index=values.index)
    position = {v: i for i, v in enumerate(order)}
    wanted_pos = np.array(sorted(position[w] for w in wanted if w in position))
    pos = values.map(position)
    known = pos.notna().to_numpy()
    distance = np.full(len(values), np.inf)
    if known.any() and wanted_pos.size:
        p = pos[known].to_numpy(dtype=float)[:, None]
        distance[known] = np.abs(p - wanted_pos[None, :]).min(axis=1)
    return pd.Series(np.select([distance == 0, distance == 1], [1.0, 0.5], 0.0), index=values.index)


def fit_components(companies: pd.DataFrame, profile: IcpProfile) -> pd.DataFrame:
    """Fit parts and the weighted fit score for companies with `industry`, `employees_range`,
    `revenue_range`, `country_code` and `tech_stack` (a list per row)."""
    industries = {i.lower() for i in profile.industries}
    out = pd.DataFrame(index=companies.index)
    out["fit_industry"] = companies["industry"].fillna("").str.lower().isin(industries).astype(float)
    out["fit_employees"] = _ordinal_match(
        companies["employees_range"], profile.employee_ranges, EMPLOYEE_ORDER
    )
    out["fit_revenue"] = _ordinal_match(companies["revenue_range"], profile.revenue_ranges, REVENUE_ORDER)
    out["fit_geography"] = (
        companies["country_code"].fillna("").str.lower().isin(profile.countries).astype(float)
    )
    if profile.technologies:
        wanted = {t.lower() for t in profile.technologies}
        stacks = companies["tech_stack"].explode()
        hits = stacks.dropna().str.lower().isin(wanted)
        overlap = hits.groupby(level=0).sum().reindex(companies.index, fill_value=0)
        # Three shared technologies are a full match: a stack rarely holds every tool a profile lists.
        out["fit_technology"] = (overlap / min(3, len(wanted))).clip(upper=1.0).astype(float)
    else:
        out["fit_technology"] = 1.0
    w = profile.fit_weights
    out["fit_score"] = (
        w.industry * out["fit_industry"]
        + w.employees * out["fit_employees"]
        + w.revenue * out["fit_revenue"]
        + w.technology * out["fit_technology"]
        + w.geography * out["fit_geography"]
    )
    return out
