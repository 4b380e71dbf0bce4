"""Translations between Explorium's vocabularies and the product's: business event names -> the signal kinds
of the scoring model, and a one-line summary of an event. (Country names -> codes, which inbound needs too,
are `sales_assets/common/countries.py`'s.)

What belongs here: lookup tables and the small pure functions over them. Outbound discovery and the insights
look-alike search both read events this way, so the tables live in `common/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Explorium event name -> signal kind (DESIGN section 4). Department trends and hiring are read by prefix.
EVENT_KINDS: dict[str, str] = {
    "new_funding_round": "funding",
    "new_investment": "funding",
    "ipo_announcement": "funding",
    "new_office": "expansion",
    "new_product": "new_product",
    "employee_joined_company": "hiring",
    "lawsuits_and_legal_issues": "regulatory",
    "outages_and_security_breaches": "regulatory",
    "new_partnership": "partnership",
    "merger_and_acquisitions": "partnership",
    "company_award": "media",
    "award": "media",
}
#: The events requested for each kind (what `POST /businesses/events` is asked for).
KIND_EVENTS: dict[str, tuple[str, ...]] = {
    "funding": ("new_funding_round", "new_investment", "ipo_announcement"),
    "expansion": ("new_office", "increase_in_all_departments"),
    "new_product": ("new_product",),
    "hiring": (
        "hiring_in_engineering_department",
        "hiring_in_sales_department",
        "hiring_in_marketing_department",
        "hiring_in_operations_department",
        "hiring_in_finance_department",
        "hiring_in_support_department",
        "hiring_in_health_department",
        "hiring_in_human_resources_department",
    ),
    "regulatory": ("lawsuits_and_legal_issues", "outages_and_security_breaches"),
    "partnership": ("new_partnership", "merger_and_acquisitions"),
    "media": ("company_award",),
}
ALL_SIGNAL_EVENTS: tuple[str, ...] = tuple(e for events in KIND_EVENTS.values() for e in events)


def event_kind(event_name: str) -> str | None:
    """The signal kind of an Explorium event, or None for events that are not buying signals."""
    if event_name in EVENT_KINDS:
        return EVENT_KINDS[event_name]
    if event_name.startswith("hiring_in_"):
        return "hiring"
    if event_name.startswith("increase_in_"):
        return "expansion"
    return None


def event_summary(event_name: str, data: Mapping[str, Any]) -> str:
    """A short, factual line about one event, built only from its fields."""
    title = data.get("title")
    if isinstance(title, str) and title:
        return title
    if event_name == "new_funding_round":
        amount = data.get("amount_raised")
        stage = str(data.get("founding_stage") or "funding round").replace("_", " ").title()
        raised = f"${float(amount) / 1e6:.1f}M " if isinstance(amount, int | float) else ""
        lead = f" led by {data['lead_investor']}" if data.get("lead_investor") else ""
        return f"raised {raised}{stage}{lead}"
    if event_name == "new_office" and data.get("location"):
        return f"opened an office in {data['location']}"
    if event_name.startswith("hiring_in_"):
        department = str(data.get("department") or event_name[10:].removesuffix("_department"))
        count = data.get("job_count")
        roles = f"{count} open {department} roles" if count else f"hiring in {department}"
        return f"{roles} in {data['location']}" if data.get("location") else roles
    if event_name == "new_partnership" and data.get("partner_name"):
        return f"partnership with {data['partner_name']}"
    if event_name == "new_product" and data.get("product_name"):
        return f"launched {data['product_name']}"
    return event_name.replace("_", " ")
