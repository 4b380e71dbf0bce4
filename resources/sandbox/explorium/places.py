"""Where things are, the way Explorium writes it: ISO 3166-2 region codes and local names, exchange codes
for tickers, and the `city_region_country` labels its filters and autocomplete use.

What belongs here: the region and exchange tables and the helpers that turn the world's places into
Explorium's spelling.
"""

from __future__ import annotations

import re

#: ISO 3166-2 subdivision codes of the world's regions (the `region_country_code` filter, e.g. "us-ca").
REGION_CODES = {
    ("us", "california"): "ca",
    ("us", "colorado"): "co",
    ("us", "florida"): "fl",
    ("us", "georgia"): "ga",
    ("us", "illinois"): "il",
    ("us", "massachusetts"): "ma",
    ("us", "minnesota"): "mn",
    ("us", "new york"): "ny",
    ("us", "north carolina"): "nc",
    ("us", "oregon"): "or",
    ("us", "pennsylvania"): "pa",
    ("us", "texas"): "tx",
    ("us", "utah"): "ut",
    ("us", "washington"): "wa",
    ("gb", "england"): "eng",
    ("gb", "scotland"): "sct",
    ("gb", "wales"): "wls",
    ("de", "baden-württemberg"): "bw",
    ("de", "bavaria"): "by",
    ("de", "berlin"): "be",
    ("de", "hamburg"): "hh",
    ("de", "hesse"): "he",
    ("de", "lower saxony"): "ni",
    ("de", "north rhine-westphalia"): "nw",
    ("de", "saxony"): "sn",
    ("fr", "auvergne-rhône-alpes"): "ara",
    ("fr", "bretagne"): "bre",
    ("fr", "hauts-de-france"): "hdf",
    ("fr", "nouvelle-aquitaine"): "naq",
    ("fr", "occitanie"): "occ",
    ("fr", "pays de la loire"): "pdl",
    ("fr", "provence-alpes-côte d'azur"): "pac",
    ("fr", "île-de-france"): "idf",
    ("nl", "groningen"): "gr",
    ("nl", "north brabant"): "nb",
    ("nl", "north holland"): "nh",
    ("nl", "south holland"): "zh",
    ("nl", "utrecht"): "ut",
    ("ca", "alberta"): "ab",
    ("ca", "british columbia"): "bc",
    ("ca", "nova scotia"): "ns",
    ("ca", "ontario"): "on",
    ("ca", "quebec"): "qc",
    ("es", "andalusia"): "an",
    ("es", "aragon"): "ar",
    ("es", "basque country"): "pv",
    ("es", "catalonia"): "ct",
    ("es", "community of madrid"): "md",
    ("es", "valencian community"): "vc",
    ("se", "skåne county"): "m",
    ("se", "stockholm county"): "ab",
    ("se", "uppsala county"): "c",
    ("se", "västra götaland county"): "o",
    ("se", "östergötland county"): "e",
    ("au", "australian capital territory"): "act",
    ("au", "new south wales"): "nsw",
    ("au", "queensland"): "qld",
    ("au", "south australia"): "sa",
    ("au", "victoria"): "vic",
    ("au", "western australia"): "wa",
}
#: The world names its regions in English; Explorium's `region_name` (firmographics, prospects, profiles)
#: is constrained by its OpenAPI document to ISO 3166-2 subdivision names in the local language, so the
#: records say `bayern`, not `bavaria`. Regions not listed are already spelt the ISO way.
REGION_NAMES = {
    ("de", "bavaria"): "bayern",
    ("de", "hesse"): "hessen",
    ("de", "lower saxony"): "niedersachsen",
    ("de", "north rhine-westphalia"): "nordrhein-westfalen",
    ("de", "saxony"): "sachsen",
    ("es", "andalusia"): "andalucía",
    ("es", "aragon"): "aragón",
    ("es", "basque country"): "país vasco / euskal herria",
    ("es", "catalonia"): "catalunya",
    ("es", "community of madrid"): "madrid, comunidad de",
    ("es", "valencian community"): "valenciana, comunidad / valenciana, comunitat",
    ("fr", "pays de la loire"): "pays-de-la-loire",
    ("fr", "provence-alpes-côte d'azur"): "provence-alpes-c\u00f4te-d\u2019azur",
    ("gb", "wales"): "wales; cymru",
    ("nl", "north brabant"): "noord-brabant",
    ("nl", "north holland"): "noord-holland",
    ("nl", "south holland"): "zuid-holland",
    ("se", "skåne county"): "skåne län",
    ("se", "stockholm county"): "stockholms län",
    ("se", "uppsala county"): "uppsala län",
    ("se", "västra götaland county"): "västra götalands län",
    ("se", "östergötland county"): "östergötlands län",
}


#: Explorium writes tickers as `MIC:SYMBOL` (its document's pattern); the world's home exchange per country.
EXCHANGES = {
    "us": "XNAS",
    "gb": "XLON",
    "de": "XETR",
    "fr": "XPAR",
    "nl": "XAMS",
    "se": "XSTO",
    "ca": "XTSE",
    "au": "XASX",
    "es": "XMAD",
}


def exchange_ticker(country_code: str, symbol: str | None) -> str | None:
    """A ticker as Explorium writes it, `MIC:SYMBOL`."""
    if not symbol:
        return None
    return f"{EXCHANGES.get(country_code, 'XNYS')}:{symbol}"


def local_region_name(country_code: str, region: str) -> str:
    """The ISO 3166-2 local name of a world region (`bavaria` -> `bayern`)."""
    return REGION_NAMES.get((country_code, region), region)


def region_code(country_code: str, region: str) -> str:
    """The `region_country_code` value of a region, e.g. `us-ca`."""
    sub = REGION_CODES.get((country_code, region)) or re.sub(r"[^a-z]", "", region)[:3]
    return f"{country_code}-{sub}"


def city_region_country(country_code: str, region: str, city: str) -> str:
    """The `city_region_country` label of a place, e.g. `Austin, TX, US`."""
    sub = region_code(country_code, region).split("-", 1)[1]
    return f"{city.title()}, {sub.upper()}, {country_code.upper()}"
