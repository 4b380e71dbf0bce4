"""Translations between Explorium's vocabularies and the product's: business event names -> the signal kinds
of the scoring model, country names -> ISO 3166-1 alpha-2 codes, and a one-line summary of an event.

What belongs here: lookup tables and the small pure functions over them. Explorium returns country names
("united states"), not codes, and filters take codes: the table below covers the countries B2B teams
commonly target; a name it does not know maps to None and scores as an unknown geography.
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


COUNTRY_CODES: dict[str, str] = {
    "united states": "us",
    "united states of america": "us",
    "canada": "ca",
    "mexico": "mx",
    "brazil": "br",
    "argentina": "ar",
    "chile": "cl",
    "colombia": "co",
    "united kingdom": "gb",
    "ireland": "ie",
    "germany": "de",
    "france": "fr",
    "netherlands": "nl",
    "belgium": "be",
    "luxembourg": "lu",
    "switzerland": "ch",
    "austria": "at",
    "spain": "es",
    "portugal": "pt",
    "italy": "it",
    "sweden": "se",
    "norway": "no",
    "denmark": "dk",
    "finland": "fi",
    "iceland": "is",
    "poland": "pl",
    "czechia": "cz",
    "czech republic": "cz",
    "estonia": "ee",
    "lithuania": "lt",
    "latvia": "lv",
    "romania": "ro",
    "hungary": "hu",
    "greece": "gr",
    "israel": "il",
    "turkey": "tr",
    "united arab emirates": "ae",
    "saudi arabia": "sa",
    "south africa": "za",
    "nigeria": "ng",
    "kenya": "ke",
    "egypt": "eg",
    "india": "in",
    "singapore": "sg",
    "japan": "jp",
    "south korea": "kr",
    "china": "cn",
    "hong kong": "hk",
    "taiwan": "tw",
    "australia": "au",
    "new zealand": "nz",
    "indonesia": "id",
    "philippines": "ph",
    "vietnam": "vn",
    "thailand": "th",
    "malaysia": "my",
}


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code of an Explorium country name (case-insensitive), None when unknown."""
    if not name:
        return None
    return COUNTRY_CODES.get(name.strip().lower())
