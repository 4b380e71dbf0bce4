"""Explorium's country names -> ISO 3166-1 alpha-2 codes, for outbound discovery and inbound enrichment.

What belongs here: the lookup table and `country_code`. Explorium returns country names ("united states"),
not codes, and filters take codes: the table below covers the countries B2B teams commonly target; a name it
does not know maps to None and scores as an unknown geography.
"""

from __future__ import annotations

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
