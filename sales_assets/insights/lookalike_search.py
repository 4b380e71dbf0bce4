"""The look-alike search in Explorium's words: a segment of converters as business filters, the search
records as candidate rows, and business events as the signal kinds the pattern was learnt on.

What belongs here: pure translations between the look-alike vocabulary (`lookalike.py`: lower-case values
of the factors `industry`, `employees_range`, `revenue_range`, `country`, `technologies`, `signals`) and
Explorium's (filters `linkedin_category`, `company_size`, `company_revenue`, `country_code`,
`company_tech_stack_tech`; the `Business` record; events). Paying for the search is the asset's
(`lookalike_targets.py`), through `common/spend.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, get_args

import pandas as pd

from resources.explorium.filters import BusinessFilters, ExistsFilter, IncludesFilter
from resources.hubspot.client import normalize_domain
from sales_assets.common.countries import country_code
from sales_assets.common.icp import EmployeeRange, RevenueRange
from sales_assets.common.vocabulary import KIND_EVENTS, event_kind
from sales_assets.insights.lookalike import Condition, Segment

#: Look-alike factor -> the Explorium business filter that selects it (reference/explorium.md 3.1).
FILTERS: Mapping[str, str] = {
    "industry": "linkedin_category",
    "employees_range": "company_size",
    "revenue_range": "company_revenue",
    "country": "country_code",
    "technologies": "company_tech_stack_tech",
}

#: Filters whose values are a closed enum (reference/explorium.md section 6): a value is sent as the enum
#: spells it (`10M-25M`, not the pattern's `10m-25m`), and a value outside it cannot be searched for.
ENUMS: Mapping[str, tuple[str, ...]] = {
    "employees_range": get_args(EmployeeRange),
    "revenue_range": get_args(RevenueRange),
}

#: The candidate columns a segment can be checked on, besides signals.
CANDIDATE_COLUMNS = [
    "business_id",
    "company_name",
    "domain",
    "website",
    "industry",
    "employees_range",
    "revenue_range",
    "country",
    "technologies",
    "found_by",
]


def spellings(accounts: pd.DataFrame) -> dict[Condition, str]:
    """(factor, lower-case value) -> the spelling the accounts use most (`Salesforce` for `salesforce`),
    for the filters whose values are free text (industry, technologies)."""
    out: dict[Condition, str] = {}
    for factor in ("industry", "technologies"):
        if factor not in accounts.columns:
            continue
        seen: Counter[tuple[str, str]] = Counter()
        for cell in accounts[factor]:
            items: Iterable[Any] = cell if isinstance(cell, list | tuple | set) else [cell]
            for item in items:
                if isinstance(item, str) and item.strip():
                    seen[(item.strip().lower(), item.strip())] += 1
        for (lower, original), _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])):
            out.setdefault((factor, lower), original)
    return out


def vendor_value(condition: Condition, spelt: Mapping[Condition, str]) -> str | None:
    """The value Explorium's filter takes for a condition, or None when it has no such value."""
    factor, value = condition
    if factor not in FILTERS:
        return None
    if factor in ENUMS:
        return next((v for v in ENUMS[factor] if v.lower() == value), None)
    if factor == "country":
        # ISO alpha-2, lower case as in the SPEC's regex.
        return value if len(value) == 2 and value.isalpha() else None
    return spelt.get(condition, value)


def segment_filters(
    conditions: Sequence[Condition], spelt: Mapping[Condition, str]
) -> BusinessFilters | None:
    """The business filters that select exactly the companies meeting `conditions` (ANDed) among those
    with a website, or None when a condition has no Explorium filter value (a signal, an unknown range)."""
    fields: dict[str, Any] = {"has_website": ExistsFilter(value=True)}
    for condition in conditions:
        value = vendor_value(condition, spelt)
        if value is None:
            return None
        fields[FILTERS[condition[0]]] = IncludesFilter(values=[value])
    return BusinessFilters(**fields)


def candidate_rows(
    records: Iterable[Mapping[str, Any]], conditions: Sequence[Condition]
) -> list[dict[str, Any]]:
    """Search records (Explorium's `Business`) found by a search for `conditions` as candidate rows. The
    values the search filtered on are the conditions' own (a `Business` carries no LinkedIn category, and
    the filter vouches for the rest); the other factors come from the record."""
    given = dict(conditions)
    return [
        {
            "business_id": str(record["business_id"]),
            "company_name": record.get("name") or "",
            "domain": normalize_domain(record.get("domain") or record.get("website")) or None,
            "website": record.get("website"),
            "industry": given.get("industry"),
            "employees_range": given.get("employees_range") or record.get("number_of_employees_range"),
            "revenue_range": given.get("revenue_range") or record.get("yearly_revenue_range"),
            "country": given.get("country") or country_code(record.get("country_name")),
            "technologies": [given["technologies"]] if "technologies" in given else [],
            "found_by": " & ".join(f"{f}={v}" for f, v in conditions),
        }
        for record in records
    ]


def signal_events(kinds: Iterable[str]) -> list[str]:
    """The Explorium event types that stand for these signal kinds."""
    return sorted({event for kind in kinds for event in KIND_EVENTS.get(kind, ())})


def signal_kinds(events: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Business id -> the signal kinds of its events (sorted, each once)."""
    out: dict[str, set[str]] = {}
    for event in events:
        kind = event_kind(str(event.get("event_name") or ""))
        business_id = event.get("business_id")
        if kind is not None and business_id:
            out.setdefault(str(business_id), set()).add(kind)
    return {business_id: sorted(kinds) for business_id, kinds in out.items()}


def searches(segments: Sequence[Segment]) -> list[tuple[Condition, ...]]:
    """What to search for, in order: each segment whole, strongest first, then each condition of a
    two-condition segment on its own (companies that meet part of the pattern, searched only when the
    whole segments leave fewer candidates than wanted)."""
    whole = [s.conditions for s in segments]
    parts = [(c,) for s in segments if len(s.conditions) > 1 for c in s.conditions]
    return list(dict.fromkeys([*whole, *parts]))
