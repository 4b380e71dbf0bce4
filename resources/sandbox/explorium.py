"""The Explorium AgentSource v1 simulator: businesses, prospects, events, enrichments, credits.

What belongs here: Explorium's paths (exactly as the real API, under `/v1`), its request validation and
FastAPI-style 422 bodies, page and cursor pagination, the `api_key` header, the 200/min sliding window with
`X-RateLimit-*` headers, its error bodies, and the credit pool (tracked in the store, 403 when it runs out).
Companies, people and signals come from `world.py`; nothing here invents an entity, only its wire format.

Facts ran out in places (see /work/shared/reference/explorium.md); each such place says which reading it took.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
import hashlib
import json
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from resources.sandbox.app import (
    Bucket,
    BucketState,
    SimRequest,
    SimResponse,
    Spend,
    VendorSimulator,
    json_response,
    route,
)
from resources.sandbox.world import (
    AGE_RANGES,
    EMPLOYEE_RANGES,
    LOCATIONS_RANGES,
    TECHNOLOGIES,
    Company,
    Person,
    Signal,
    normalize_email,
)

ACCOUNT_NS = "explorium.account"
#: Longest range per resolution (Explorium's docs: hour at most 7 days, day 60 days, month 2 years).
AGGREGATION_SPAN = {"hour": timedelta(days=7), "day": timedelta(days=60), "month": timedelta(days=731)}
DEFAULT_ALLOCATED_CREDITS = 100_000
INSUFFICIENT_CREDITS = (
    "You have insufficient credits to perform this operation. Please purchase additional credits."
)

BUSINESS_ID_PATTERN = "^[a-f0-9]{32}$"
PROSPECT_ID_PATTERN = "^[a-f0-9]{40}$"
_BUSINESS_ID = re.compile(BUSINESS_ID_PATTERN)
_PROSPECT_ID = re.compile(PROSPECT_ID_PATTERN)

MAX_SIZE = 60_000
MAX_PAGE_SIZE = 500
MAX_BATCH = 50
MAX_EVENT_IDS = 40
MAX_EXCLUDE = 1000

# --- vocabularies (SPEC enums) -------------------------------------------------------------------------

COMPANY_SIZES = EMPLOYEE_RANGES
COMPANY_REVENUES = (
    "0-500K",
    "500K-1M",
    "1M-5M",
    "5M-10M",
    "10M-25M",
    "25M-75M",
    "75M-200M",
    "200M-500M",
    "500M-1B",
    "1B-10B",
    "10B-100B",
    "100B-1T",
    "1T-10T",
    "10T+",
)
COMPANY_AGES = AGE_RANGES
NUMBER_OF_LOCATIONS = LOCATIONS_RANGES
JOB_LEVELS = (
    "owner",
    "c-suite",
    "vice president",
    "director",
    "senior non-managerial",
    "manager",
    "partner",
    "non-managerial",
    "junior",
    "president",
    "senior manager",
    "advisor",
    "freelancer",
    "board member",
    "founder",
)
#: The older JobLevel set (still accepted as filter values: CLI saw "vp" work in 2026) -> the new set.
#: Facts ran out on how the server maps one set onto the other; this is our reading.
OLD_JOB_LEVELS: dict[str, tuple[str, ...]] = {
    "owner": ("owner",),
    "cxo": ("c-suite",),
    "vp": ("vice president",),
    "director": ("director",),
    "senior": ("senior non-managerial", "senior manager"),
    "manager": ("manager",),
    "partner": ("partner",),
    "non-managerial": ("non-managerial",),
    "entry": ("junior",),
    "training": ("junior",),
    "unpaid": (),
    "unknown": (),
}
#: New level -> the old JobLevel value, for `job_seniority_level` on records.
LEVEL_TO_OLD = {
    "founder": "owner",
    "owner": "owner",
    "partner": "partner",
    "c-suite": "cxo",
    "president": "cxo",
    "vice president": "vp",
    "director": "director",
    "senior manager": "manager",
    "manager": "manager",
    "senior non-managerial": "senior",
    "non-managerial": "non-managerial",
    "junior": "entry",
}
JOB_DEPARTMENTS = (
    "administration",
    "real estate",
    "healthcare",
    "partnerships",
    "c-suite",
    "design",
    "human resources",
    "engineering",
    "education",
    "strategy",
    "product",
    "sales",
    "r&d",
    "retail",
    "customer success",
    "security",
    "public service",
    "creative",
    "it",
    "support",
    "marketing",
    "trade",
    "legal",
    "operations",
    "procurement",
    "data",
    "manufacturing",
    "logistics",
    "finance",
)
#: The older capitalised department set (2025 MCP filter; now the `job_department` output field), lowercased,
#: -> the new filter values it covers. Facts ran out on the server's mapping; this is our reading.
OLD_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "real estate": ("real estate",),
    "customer service": ("customer success", "support"),
    "trades": ("trade",),
    "unknown": (),
    "public relations": ("marketing",),
    "legal": ("legal",),
    "operations": ("operations",),
    "media": ("creative",),
    "sales": ("sales",),
    "marketing": ("marketing",),
    "finance": ("finance",),
    "engineering": ("engineering", "it", "data", "product", "r&d"),
    "education": ("education",),
    "general": ("c-suite", "administration", "strategy"),
    "health": ("healthcare",),
    "design": ("design",),
    "human resources": ("human resources",),
}
#: World department -> the old capitalised value, for the `job_department` output field.
DEPARTMENT_TO_OLD = {
    "sales": "Sales",
    "marketing": "Marketing",
    "engineering": "Engineering",
    "c-suite": "General",
    "operations": "Operations",
    "finance": "Finance",
    "it": "Engineering",
    "customer success": "Customer service",
    "product": "Engineering",
    "human resources": "Human resources",
    "data": "Engineering",
}
_TREND_DEPARTMENTS = ("engineering", "sales", "marketing", "operations", "customer_service", "all")
_HIRING_DEPARTMENTS = (
    "creative",
    "education",
    "engineering",
    "finance",
    "health",
    "human_resources",
    "legal",
    "marketing",
    "operations",
    "professional_service",
    "sales",
    "support",
    "trade",
    "unknown",
)
BUSINESS_EVENTS = (
    "ipo_announcement",
    "new_funding_round",
    "new_investment",
    "new_product",
    "new_office",
    "closing_office",
    "new_partnership",
    "merger_and_acquisitions",
    "company_award",
    "outages_and_security_breaches",
    "cost_cutting",
    "lawsuits_and_legal_issues",
    "employee_joined_company",
    *(f"increase_in_{d}_department{'s' if d == 'all' else ''}" for d in _TREND_DEPARTMENTS),
    *(f"decrease_in_{d}_department{'s' if d == 'all' else ''}" for d in _TREND_DEPARTMENTS),
    *(f"hiring_in_{d}_department" for d in _HIRING_DEPARTMENTS),
    # The DOCS fetch page also lists "award"; accepted, and read as company_award.
    "award",
)
INTENT_LEVELS = ("emerging_intent", "high_intent", "very_high_intent")
CONTACT_TYPES = ("email", "phone")
SIMULATED_ENRICHMENTS = ("firmographics", "technographics", "funding_and_acquisition", "workforce_trends")
#: SPEC enrichment types the simulator knows but has no data for: they answer 200 with no rows.
OTHER_ENRICHMENTS = (
    "webstack",
    "website_traffic",
    "company_website_keywords",
    "financial_indicators",
    "bombora_intent",
    "company_hierarchies",
    "company_ratings_by_employees",
    "linkedin_posts",
    "lookalikes",
    "website_changes",
    "pc_business_challenges_10k",
    "pc_competitive_landscape_10k",
    "pc_strategy_10k",
)
TECH_CATEGORIES = (
    "testing_and_qa",
    "sales",
    "prog_langs_and_frameworks",
    "productivity_and_operations",
    "product_and_design",
    "platform_and_storage",
    "operations_software",
    "operations_management",
    "marketing",
    "it_security",
    "it_management",
    "hr",
    "health_tech",
    "finance_and_accounting",
    "ecommerce",
    "devops_and_development",
    "customer_management",
    "computer_networks",
    "communications",
    "collaboration",
    "bi_and_analytics",
)
#: Labels people type for a tech category ("CRM") -> the technographics category.
TECH_CATEGORY_ALIASES = {
    "crm": "customer_management",
    "customer relationship management": "customer_management",
    "marketing automation": "marketing",
    "analytics": "bi_and_analytics",
    "business intelligence": "bi_and_analytics",
    "security": "it_security",
    "cloud": "platform_and_storage",
    "hosting": "platform_and_storage",
    "devops": "devops_and_development",
    "development": "devops_and_development",
    "accounting": "finance_and_accounting",
    "erp": "finance_and_accounting",
    "human resources": "hr",
    "e-commerce": "ecommerce",
    "sales tools": "sales",
}
#: LinkedIn category (the world's industry) -> the Google category Explorium shows for it.
GOOGLE_CATEGORIES = {
    "software development": "Software company",
    "it services and it consulting": "Computer consultant",
    "financial services": "Financial institution",
    "hospitals and health care": "Hospital",
    "manufacturing": "Manufacturer",
    "marketing services": "Marketing agency",
    "retail": "Store",
    "truck transportation": "Trucking company",
    "insurance": "Insurance company",
    "biotechnology research": "Biotechnology company",
}
SIC_CODES = {
    "513210": ("7372", "Prepackaged Software"),
    "541511": ("7371", "Computer Programming Services"),
    "541512": ("7373", "Computer Integrated Systems Design"),
    "541519": ("7379", "Computer Related Services, Not Elsewhere Classified"),
    "523940": ("6282", "Investment Advice"),
    "522320": ("6099", "Functions Related to Depository Banking, Not Elsewhere Classified"),
    "622110": ("8062", "General Medical and Surgical Hospitals"),
    "621111": ("8011", "Offices and Clinics of Doctors of Medicine"),
    "333249": ("3559", "Special Industry Machinery, Not Elsewhere Classified"),
    "332710": ("3599", "Industrial and Commercial Machinery and Equipment, Not Elsewhere Classified"),
    "334418": ("3672", "Printed Circuit Boards"),
    "541810": ("7311", "Advertising Agencies"),
    "541613": ("8742", "Management Consulting Services"),
    "455219": ("5399", "Miscellaneous General Merchandise Stores"),
    "458110": ("5651", "Family Clothing Stores"),
    "449110": ("5712", "Furniture Stores"),
    "484121": ("4213", "Trucking, Except Local"),
    "484110": ("4212", "Local Trucking Without Storage"),
    "524126": ("6331", "Fire, Marine, and Casualty Insurance"),
    "524210": ("6411", "Insurance Agents, Brokers, and Service"),
    "541714": ("8731", "Commercial Physical and Biological Research"),
    "325414": ("2836", "Biological Products, Except Diagnostic Substances"),
}
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


def _ticker(country_code: str, symbol: str | None) -> str | None:
    if not symbol:
        return None
    return f"{EXCHANGES.get(country_code, 'XNYS')}:{symbol}"


def _region_name(country_code: str, region: str) -> str:
    return REGION_NAMES.get((country_code, region), region)


def _present(value: Any) -> Any:
    """A record without its absent values. Explorium's document types these fields as plain strings and
    numbers (not nullable): a value the world does not have is left out, never sent as null."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


#: Intent topics derived from a company's recent signals (facts ran out: the real topics are Bombora's).
SIGNAL_TOPICS = {
    "funding": ("Venture Capital", "Fundraising"),
    "expansion": ("Office Space", "Business Expansion"),
    "new_product": ("Product Launch", "Product Marketing"),
    "hiring": ("Recruitment", "Talent Acquisition"),
    "regulatory": ("Compliance", "Legal Services"),
    "partnership": ("Strategic Partnerships", "Channel Partners"),
    "media": ("Brand Awareness", "Public Relations"),
}
INTENT_TOPICS = tuple(sorted({t for topics in SIGNAL_TOPICS.values() for t in topics}))
_TITLE_ABBREVIATIONS = {
    "ceo": "chief executive officer",
    "cto": "chief technology officer",
    "cfo": "chief financial officer",
    "cmo": "chief marketing officer",
    "cro": "chief revenue officer",
    "coo": "chief operating officer",
    "cio": "chief information officer",
    "cdo": "chief data officer",
    "cpo": "chief product officer",
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "sdr": "sales development representative",
    "ae": "account executive",
    "hr": "human resources",
}
_TITLE_STOPWORDS = frozenset(("of", "the", "and", "&", "for", "in", "at", "-"))
_LEGAL_FORMS = frozenset(
    (
        "inc",
        "llc",
        "corp",
        "corporation",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "plc",
        "ug",
        "co",
        "kg",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "ab",
        "pty",
        "sl",
        "srl",
        "company",
    )
)
AUTOCOMPLETE_FIELDS = (
    "country",
    "country_code",
    "region_country_code",
    "google_category",
    "naics_category",
    "linkedin_category",
    "company_tech_stack_tech",
    "company_tech_stack_categories",
    "job_title",
    "company_size",
    "company_revenue",
    "number_of_locations",
    "company_age",
    "job_department",
    "job_level",
    "city_region_country",
    "company_name",
    "business_intent_topics",
    "city_region",
)


# --- FastAPI-style validation ----------------------------------------------------------------------------


class Invalid(Exception):
    """A request that fails validation; becomes a 422 with FastAPI's (pydantic v1) `detail` list."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, loc: Sequence[Any], msg: str, type_: str, ctx: dict[str, Any] | None = None) -> None:
        item: dict[str, Any] = {"loc": list(loc), "msg": msg, "type": type_}
        if ctx is not None:
            item["ctx"] = ctx
        self.items.append(item)

    def missing(self, loc: Sequence[Any]) -> None:
        self.add(loc, "field required", "value_error.missing")

    def enum(self, loc: Sequence[Any], permitted: Sequence[str]) -> None:
        listed = ", ".join(f"'{p}'" for p in permitted)
        self.add(
            loc,
            f"value is not a valid enumeration member; permitted: {listed}",
            "type_error.enum",
            {"enum_values": list(permitted)},
        )

    def check(self) -> None:
        if self.items:
            raise Invalid(self.items)


def _body(req: SimRequest) -> dict[str, Any]:
    body = req.json()
    if body is None:
        raise Invalid([{"loc": ["body"], "msg": "field required", "type": "value_error.missing"}])
    if not isinstance(body, dict):
        raise Invalid([{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}])
    return body


def _extra_keys(
    errors: _Errors, body: dict[str, Any], allowed: Iterable[str], loc: Sequence[Any] = ("body",)
) -> None:
    # SPEC request schemas say additionalProperties: false. Facts ran out on whether the server enforces it
    # at the top level; we enforce it there (a misspelt "pagesize" should not pass silently) but tolerate
    # extra keys inside filter objects, where clients are known to send "type" and succeed.
    allowed = set(allowed)
    for key in body:
        if key not in allowed:
            errors.add([*loc, key], "extra fields not permitted", "value_error.extra")


def _int(
    errors: _Errors,
    body: dict[str, Any],
    key: str,
    *,
    required: bool,
    default: int | None = None,
    ge: int | None = None,
    le: int | None = None,
    loc: Sequence[Any] = ("body",),
) -> int | None:
    where = [*loc, key]
    if key not in body or body[key] is None:
        if required:
            errors.missing(where)
        return default
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        errors.add(where, "value is not a valid integer", "type_error.integer")
        return None
    try:
        number = int(value)
    except ValueError:
        errors.add(where, "value is not a valid integer", "type_error.integer")
        return None
    if ge is not None and number < ge:
        errors.add(
            where,
            f"ensure this value is greater than or equal to {ge}",
            "value_error.number.not_ge",
            {"limit_value": ge},
        )
        return None
    if le is not None and number > le:
        errors.add(
            where,
            f"ensure this value is less than or equal to {le}",
            "value_error.number.not_le",
            {"limit_value": le},
        )
        return None
    return number


def _str_list(
    errors: _Errors,
    value: Any,
    loc: Sequence[Any],
    *,
    min_items: int = 0,
    max_items: int | None = None,
    pattern: re.Pattern[str] | None = None,
) -> list[str]:
    if not isinstance(value, list):
        errors.add(loc, "value is not a valid list", "type_error.list")
        return []
    if len(value) < min_items:
        errors.add(
            loc,
            f"ensure this value has at least {min_items} items",
            "value_error.list.min_items",
            {"limit_value": min_items},
        )
    if max_items is not None and len(value) > max_items:
        errors.add(
            loc,
            f"ensure this value has at most {max_items} items",
            "value_error.list.max_items",
            {"limit_value": max_items},
        )
    out: list[str] = []
    for i, item in enumerate(value):
        if item is None:
            errors.add([*loc, i], "none is not an allowed value", "type_error.none.not_allowed")
        elif not isinstance(item, str):
            errors.add([*loc, i], "str type expected", "type_error.str")
        elif pattern is not None and not pattern.match(item):
            errors.add(
                [*loc, i],
                f'string does not match regex "{pattern.pattern}"',
                "value_error.str.regex",
                {"pattern": pattern.pattern},
            )
        else:
            out.append(item)
    return out


def _parse_time(errors: _Errors, value: Any, loc: Sequence[Any], *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
                # A bare date as the upper bound covers the whole day.
                return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except ValueError:
            pass
    errors.add(loc, "invalid datetime format", "value_error.datetime")
    return None


# --- filters ---------------------------------------------------------------------------------------------

Matcher = Callable[[Any, Any], bool]


class _Filter:
    """One parsed filter: a predicate over an entity, with `negate` applied."""

    __slots__ = ("arg", "matcher", "name", "negate")

    def __init__(self, name: str, matcher: Matcher, arg: Any, negate: bool) -> None:
        self.name = name
        self.matcher = matcher
        self.arg = arg
        self.negate = negate

    def __call__(self, entity: Any) -> bool:
        return self.matcher(entity, self.arg) != self.negate


def _lower(values: Iterable[str]) -> list[str]:
    return [v.strip().lower() for v in values]


def _norm_name(text: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()
    return " ".join(w for w in words if w not in _LEGAL_FORMS)


def _expand_title(text: str) -> str:
    words = re.sub(r"[^a-z0-9&]+", " ", text.lower()).split()
    return " ".join(_TITLE_ABBREVIATIONS.get(w, w) for w in words)


def _title_matches(title: str, arg: tuple[list[str], bool]) -> bool:
    values, related = arg
    expanded = _expand_title(title)
    words = set(expanded.split())
    for value in values:
        wanted = _expand_title(value)
        if wanted and wanted in expanded:
            return True
        # Related titles: the same words in another order ("sales director" ~ "director of sales").
        if related:
            significant = {w for w in wanted.split() if w not in _TITLE_STOPWORDS}
            if significant and significant <= words:
                return True
    return False


def _tech_category(value: str) -> str:
    key = value.strip().lower()
    return TECH_CATEGORY_ALIASES.get(key, re.sub(r"[^a-z0-9]+", "_", key.replace("&", "and")).strip("_"))


def _region_code(country_code: str, region: str) -> str:
    sub = REGION_CODES.get((country_code, region)) or re.sub(r"[^a-z]", "", region)[:3]
    return f"{country_code}-{sub}"


def _city_region_country(country_code: str, region: str, city: str) -> str:
    sub = _region_code(country_code, region).split("-", 1)[1]
    return f"{city.title()}, {sub.upper()}, {country_code.upper()}"


def _in(values: list[str], *candidates: str | None) -> bool:
    return any(c is not None and c.lower() in values for c in candidates)


_INCLUDES = "includes"
_EXISTS = "exists"
_RANGE = "range"
_JOB_TITLE = "job_title"
_EVENTS = "events"
_INTENT = "intent"


def _company_matchers(
    sim: ExploriumSimulator, now: datetime
) -> dict[str, tuple[str, Sequence[str] | None, Matcher]]:
    """Business filters: name -> (kind, permitted values or None, matcher(company, arg)); `now` is the
    sandbox time the event and intent filters are measured against."""

    def tech_category(c: Company, values: list[str]) -> bool:
        wanted = {_tech_category(v) for v in values}
        return any(TECHNOLOGIES.get(t) in wanted for t in c.tech_stack)

    return {
        "country_code": (_INCLUDES, None, lambda c, v: c.country_code in v),
        "region_country_code": (_INCLUDES, None, lambda c, v: _region_code(c.country_code, c.region) in v),
        "city_region_country": (
            _INCLUDES,
            None,
            lambda c, v: _city_region_country(c.country_code, c.region, c.city).lower() in v,
        ),
        "city_region": (
            _INCLUDES,
            None,
            lambda c, v: (
                _city_region_country(c.country_code, c.region, c.city).lower().rsplit(", ", 1)[0] in v
            ),
        ),
        "company_size": (_INCLUDES, COMPANY_SIZES, lambda c, v: c.employees_range.lower() in v),
        "company_revenue": (_INCLUDES, COMPANY_REVENUES, lambda c, v: c.revenue_range.lower() in v),
        "company_age": (_INCLUDES, COMPANY_AGES, lambda c, v: c.age_range in v),
        "number_of_locations": (_INCLUDES, NUMBER_OF_LOCATIONS, lambda c, v: c.locations_range in v),
        "linkedin_category": (_INCLUDES, None, lambda c, v: c.industry in v),
        "google_category": (
            _INCLUDES,
            None,
            lambda c, v: _in(v, c.industry, GOOGLE_CATEGORIES.get(c.industry)),
        ),
        "naics_category": (_INCLUDES, None, lambda c, v: any(c.naics.startswith(x) for x in v)),
        "company_tech_stack_tech": (_INCLUDES, None, lambda c, v: any(t.lower() in v for t in c.tech_stack)),
        "company_tech_stack_category": (_INCLUDES, None, tech_category),
        "company_name": (_INCLUDES, None, lambda c, v: any(x and x in c.name.lower() for x in v)),
        "website_keywords": (
            _INCLUDES,
            None,
            lambda c, v: any(x and x in f"{c.name} {c.domain} {c.description}".lower() for x in v),
        ),
        "has_website": (_EXISTS, None, lambda c, v: bool(c.website) == v),
        "is_public_company": (_EXISTS, None, lambda c, v: c.is_public == v),
        "events": (_EVENTS, BUSINESS_EVENTS, lambda c, v: sim._has_recent_event(c, v, now)),
        "business_intent_topics": (_INTENT, None, lambda c, v: sim._has_intent(c, v, now)),
    }


def _prospect_matchers(
    sim: ExploriumSimulator, now: datetime
) -> dict[str, tuple[str, Sequence[str] | None, Matcher]]:
    """Prospect filters: name -> (kind, permitted, matcher((person, company), arg))."""
    company = _company_matchers(sim, now)

    def on_company(name: str) -> tuple[str, Sequence[str] | None, Matcher]:
        kind, permitted, fn = company[name]
        return kind, permitted, lambda pc, v: fn(pc[1], v)

    return {
        "business_id": (_INCLUDES, None, lambda pc, v: pc[0].business_id in v),
        "job_level": (_INCLUDES, None, lambda pc, v: pc[0].job_level in v),
        "job_department": (_INCLUDES, None, lambda pc, v: pc[0].department in v),
        "job_title": (_JOB_TITLE, None, lambda pc, v: _title_matches(pc[0].job_title, v)),
        "has_email": (_EXISTS, None, lambda pc, v: bool(pc[0].email) == v),
        "has_phone_number": (_EXISTS, None, lambda pc, v: bool(pc[0].phone or pc[0].mobile_phone) == v),
        "has_website": on_company("has_website"),
        "country_code": (_INCLUDES, None, lambda pc, v: pc[0].country_code in v),
        "region_country_code": (
            _INCLUDES,
            None,
            lambda pc, v: _region_code(pc[0].country_code, pc[0].region) in v,
        ),
        "city_region_country": (
            _INCLUDES,
            None,
            lambda pc, v: _city_region_country(pc[0].country_code, pc[0].region, pc[0].city).lower() in v,
        ),
        "company_country_code": on_company("country_code"),
        "company_region_country_code": on_company("region_country_code"),
        "company_size": on_company("company_size"),
        "company_revenue": on_company("company_revenue"),
        "google_category": on_company("google_category"),
        "naics_category": on_company("naics_category"),
        "linkedin_category": on_company("linkedin_category"),
        "company_name": on_company("company_name"),
        "total_experience_months": (_RANGE, None, lambda pc, v: _in_range(pc[0].total_experience_months, v)),
        "current_role_months": (_RANGE, None, lambda pc, v: _in_range(pc[0].current_role_months, v)),
    }


def _in_range(value: int, bounds: tuple[float | None, float | None]) -> bool:
    gte, lte = bounds
    return (gte is None or value >= gte) and (lte is None or value <= lte)


def _job_levels(errors: _Errors, values: list[str], loc: list[Any]) -> list[str]:
    # Both enum sets are accepted (SPEC CONFLICT; "vp" still works in 2026): old values map to new ones.
    out: list[str] = []
    for i, raw in enumerate(values):
        value = raw.strip().lower()
        if value in JOB_LEVELS:
            out.append(value)
        elif value in OLD_JOB_LEVELS:
            out.extend(OLD_JOB_LEVELS[value])
        else:
            errors.enum([*loc, i], JOB_LEVELS)
    return out


def _job_departments(errors: _Errors, values: list[str], loc: list[Any]) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(values):
        value = raw.strip().lower()
        if value in JOB_DEPARTMENTS:
            out.append(value)
        elif value in OLD_DEPARTMENTS:
            out.extend(OLD_DEPARTMENTS[value])
        else:
            errors.enum([*loc, i], JOB_DEPARTMENTS)
    return out


def _parse_filters(
    errors: _Errors, raw: Any, table: dict[str, tuple[str, Sequence[str] | None, Matcher]]
) -> list[_Filter]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        errors.add(["body", "filters"], "value is not a valid dict", "type_error.dict")
        return []
    parsed: list[_Filter] = []
    for name, spec in raw.items():
        loc: list[Any] = ["body", "filters", name]
        if name not in table:
            errors.add(loc, "extra fields not permitted", "value_error.extra")
            continue
        if spec is None:
            continue
        if not isinstance(spec, dict):
            errors.add(loc, "value is not a valid dict", "type_error.dict")
            continue
        kind, permitted, matcher = table[name]
        negate = bool(spec.get("negate") or False)
        arg: Any
        if kind == _INCLUDES:
            if "values" not in spec:
                errors.missing([*loc, "values"])
                continue
            values = _str_list(
                errors,
                spec["values"],
                [*loc, "values"],
                min_items=1,
                pattern=_BUSINESS_ID if name == "business_id" else None,
            )
            if name == "job_level":
                arg = set(_job_levels(errors, values, [*loc, "values"]))
            elif name == "job_department":
                arg = set(_job_departments(errors, values, [*loc, "values"]))
            else:
                if permitted is not None:
                    for i, v in enumerate(values):
                        if v not in permitted:
                            errors.enum([*loc, "values", i], permitted)
                arg = _lower(values)
                if name in ("company_name", "website_keywords") and any(len(v) > 256 for v in values):
                    errors.add(
                        [*loc, "values"],
                        "ensure this value has at most 256 characters",
                        "value_error.any_str.max_length",
                        {"limit_value": 256},
                    )
        elif kind == _EXISTS:
            if not isinstance(spec.get("value"), bool):
                errors.add([*loc, "value"], "value could not be parsed to a boolean", "type_error.bool")
                continue
            arg = spec["value"]
        elif kind == _RANGE:
            gte, lte = spec.get("gte"), spec.get("lte")
            if any(
                b is not None and (isinstance(b, bool) or not isinstance(b, int | float)) for b in (gte, lte)
            ):
                errors.add(loc, "value is not a valid integer", "type_error.integer")
                continue
            arg = (gte, lte)
        elif kind == _JOB_TITLE:
            values = _str_list(errors, spec.get("values"), [*loc, "values"], min_items=1, max_items=300)
            arg = (values, bool(spec.get("include_related_job_titles")))
        elif kind == _EVENTS:
            values = _str_list(errors, spec.get("values"), [*loc, "values"], min_items=1)
            for i, v in enumerate(values):
                if v not in BUSINESS_EVENTS:
                    errors.enum([*loc, "values", i], BUSINESS_EVENTS)
            # DOCS allow 30..90 days and GTM clamps to 30..120; facts ran out on what the server enforces,
            # so any positive number of days is accepted.
            days = _int(errors, spec, "last_occurrence", required=True, ge=1, loc=loc)
            arg = ({"company_award" if v == "award" else v for v in values}, days or 0)
        else:  # intent
            topics = _str_list(errors, spec.get("topics"), [*loc, "topics"], min_items=1)
            level = spec.get("topic_intent_level")
            if level is not None and level not in INTENT_LEVELS:
                errors.enum([*loc, "topic_intent_level"], INTENT_LEVELS)
            arg = (set(_lower(topics)), level)
        parsed.append(_Filter(name, matcher, arg, negate))
    return parsed


# --- the simulator ---------------------------------------------------------------------------------------


class ExploriumSimulator(VendorSimulator):
    """Explorium AgentSource v1 over the sandbox world."""

    vendor = "explorium"
    RATE_LIMIT = Bucket("requests", 200, 60.0)

    # --- hooks ---------------------------------------------------------------------------------------

    def api_key(self, req: SimRequest) -> str | None:
        # SPEC: header `api_key`; DOCS curl writes API_KEY (headers are case-insensitive). Proxies that turn
        # underscores into dashes would send `api-key`, which we accept too.
        return req.headers.get("api_key") or req.headers.get("api-key")

    def unauthorized(self, req: SimRequest) -> SimResponse:
        message = "Invalid API key" if self.api_key(req) else "Missing API key: send it in the api_key header"
        return json_response(
            {
                "response_context": self._context(status="failure"),
                "error": {"code": "UNAUTHORIZED", "message": message},
            },
            401,
        )

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        # One 200/min sliding window per API key, shared by every endpoint.
        return [self.RATE_LIMIT]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        if not states:
            return {}
        state = states[0]
        return {
            "X-RateLimit-Limit": str(state.bucket.limit),
            "X-RateLimit-Remaining": str(max(0, state.remaining)),
            "X-RateLimit-Reset": str(math.ceil(time.time() + state.reset_seconds)),
        }

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        # Body of DOCS rate-limit.mdx; error-handling.mdx shows {"code": 429, ...}. CONFLICT: we chose this.
        seconds = max(1, math.ceil(retry_after))
        return json_response(
            {
                "error": "rate_limit_exceeded",
                "message": f"Rate limit exceeded: at most {self.RATE_LIMIT.limit} requests per minute.",
                "retry_after": seconds,
            },
            429,
            {
                "Retry-After": str(seconds),
                "X-RateLimit-Limit": str(self.RATE_LIMIT.limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(math.ceil(time.time() + retry_after)),
            },
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        details = "Service temporarily unavailable" if status == 503 else "Internal server error"
        return json_response({"details": details, "correlation_id": uuid.uuid4().hex}, status)

    def not_found(self, req: SimRequest) -> SimResponse:
        return json_response({"detail": "Not Found"}, 404)

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return json_response(
            {"detail": [{"loc": ["body", 0], "msg": error, "type": "value_error.jsondecode"}]}, 422
        )

    # --- account -------------------------------------------------------------------------------------

    def credits_state(self) -> dict[str, float]:
        """{allocated, remaining} of the sandbox account (100,000 allocated until set otherwise)."""
        state = self.store.get(ACCOUNT_NS, "credits")
        if state is None:
            state = {"allocated": DEFAULT_ALLOCATED_CREDITS, "remaining": DEFAULT_ALLOCATED_CREDITS}
        return state

    def set_credits(self, remaining: float, allocated: float | None = None) -> None:
        """Set the account's credits (tests use this to run the pool dry)."""
        state = self.credits_state()
        self.store.put(
            ACCOUNT_NS,
            "credits",
            {
                "allocated": allocated if allocated is not None else state["allocated"],
                "remaining": remaining,
            },
        )

    def _charge(self, credits: float) -> bool:
        """Take `credits` from the pool atomically; False (nothing taken) when there are not enough."""
        if credits <= 0:
            return True
        with self.store.transaction():
            state = self.credits_state()
            if state["remaining"] < credits:
                return False
            self.store.put(ACCOUNT_NS, "credits", {**state, "remaining": state["remaining"] - credits})
        return True

    # --- envelope ------------------------------------------------------------------------------------

    def _context(self, *, status: str = "success", started: float | None = None) -> dict[str, Any]:
        took = round(time.perf_counter() - started, 3) if started is not None else 0.0
        return {"correlation_id": uuid.uuid4().hex, "request_status": status, "time_took_in_seconds": took}

    def _ok(
        self,
        req: SimRequest,
        payload: dict[str, Any],
        *,
        started: float,
        hits: int,
        credits: float = 0.0,
        billed: int = 0,
    ) -> SimResponse:
        """A success: charge the pool (403 if it cannot pay), wrap the envelope, report the spend."""
        if not self._charge(credits):
            return json_response({"details": INSUFFICIENT_CREDITS, "correlation_id": uuid.uuid4().hex}, 403)
        body = {
            "response_context": self._context(status="success" if hits else "miss", started=started),
            **payload,
        }
        if (req.headers.get("credit-usage") or "").strip().lower() == "true":
            body["credit_usage"] = {"total_credits": credits, "total_results": billed}
        return json_response(body, spend=Spend(credits=credits))

    @staticmethod
    def _invalid(exc: Invalid) -> SimResponse:
        return json_response({"detail": exc.errors}, 422)

    # --- world views ---------------------------------------------------------------------------------

    def _occurred(self, signal: Signal) -> datetime:
        return self.store.epoch - timedelta(days=signal.offset_days)

    def _visible_signals(self, company: Company, now: datetime, days: int | None = None) -> list[Signal]:
        """Signals that have happened (no later than now), within the last `days` when given."""
        start = now - timedelta(days=days) if days is not None else None
        out = []
        for signal in company.signals:
            when = self._occurred(signal)
            if when <= now and (start is None or when >= start):
                out.append(signal)
        return out

    def _has_recent_event(self, company: Company, arg: tuple[set[str], int], now: datetime) -> bool:
        names, days = arg
        return any(s.event_name in names for s in self._visible_signals(company, now, days))

    def _intent_topics(self, company: Company, now: datetime) -> list[dict[str, str]]:
        """Topics from the last 90 days of signals; the fresher the signal, the stronger the intent."""
        strength: dict[str, int] = {}
        for signal in self._visible_signals(company, now, 90):
            age = (now - self._occurred(signal)).days
            level = 2 if age <= 30 else 1 if age <= 60 else 0
            for topic in SIGNAL_TOPICS.get(signal.kind, ()):
                strength[topic] = max(level, strength.get(topic, 0))
        return [{"topic": t, "topic_intent_level": INTENT_LEVELS[lvl]} for t, lvl in sorted(strength.items())]

    def _has_intent(self, company: Company, arg: tuple[set[str], str | None], now: datetime) -> bool:
        wanted, level = arg
        floor = INTENT_LEVELS.index(level) if level else 0
        return any(
            t["topic"].lower() in wanted and INTENT_LEVELS.index(t["topic_intent_level"]) >= floor
            for t in self._intent_topics(company, now)
        )

    @functools.cached_property
    def _person_index(self) -> dict[str, int]:
        return {p.prospect_id: i for i, p in enumerate(self.world.people)}

    @functools.cached_property
    def _by_name(self) -> dict[str, Company]:
        out: dict[str, Company] = {}
        for c in self.world.companies:
            out.setdefault(_norm_name(c.name), c)
        return out

    @functools.cached_property
    def _by_linkedin(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in self.world.companies:
            out[c.linkedin_url.rstrip("/").lower()] = c
        for p in self.world.people:
            if p.linkedin_url:
                out[p.linkedin_url.rstrip("/").lower()] = p
        return out

    @functools.cached_property
    def _by_phone(self) -> dict[str, Person]:
        out: dict[str, Person] = {}
        for p in self.world.people:
            for number in (p.phone, p.mobile_phone):
                if number:
                    out.setdefault(re.sub(r"[^\d]", "", number), p)
        return out

    def _company_by_name(self, name: str) -> Company | None:
        key = _norm_name(name)
        if not key:
            return None
        found = self._by_name.get(key)
        if found is not None:
            return found
        close = difflib.get_close_matches(key, list(self._by_name), n=1, cutoff=0.88)
        return self._by_name[close[0]] if close else None

    def _company_by_linkedin(self, url: str) -> Company | None:
        found = self._by_linkedin.get(url.strip().rstrip("/").lower().replace("http://", "https://"))
        return found if isinstance(found, Company) else None

    # --- records -------------------------------------------------------------------------------------

    def _business(self, c: Company, now: datetime) -> dict[str, Any]:
        sic = SIC_CODES.get(c.naics)
        return _present(
            {
                "business_id": c.business_id,
                "name": c.name,
                "domain": c.domain,
                "logo": f"https://www.google.com/s2/favicons?domain={c.domain}&sz=128",
                "country_name": c.country_name,
                "city_name": c.city,
                "region": _region_name(c.country_code, c.region),
                "number_of_employees_range": c.employees_range,
                "yearly_revenue_range": c.revenue_range,
                "website": c.website,
                "business_description": c.description,
                "naics": int(c.naics),
                "naics_description": c.naics_description,
                "sic_code": sic[0] if sic else None,
                "sic_code_description": sic[1] if sic else None,
                "business_intent_topics": self._intent_topics(c, now),
                "events": sorted({s.event_name for s in self._visible_signals(c, now, 90)}),
            }
        )

    def _prospect(self, p: Person) -> dict[str, Any]:
        c = self.world.company(p.business_id)
        return _present(
            {
                "prospect_id": p.prospect_id,
                "professional_email_hashed": hashlib.sha256(normalize_email(p.email).encode()).hexdigest(),
                "first_name": p.first_name,
                "last_name": p.last_name,
                "full_name": p.full_name,
                "country_name": p.country_name,
                "region_name": _region_name(p.country_code, p.region),
                "city": p.city,
                "linkedin": p.linkedin_url,
                "experience": [f"{p.job_title} at {c.name}"] if c else [],
                "skills": list(p.skills),
                "interests": [],
                "company_name": c.name if c else None,
                "company_website": c.website if c else None,
                "company_linkedin": c.linkedin_url if c else None,
                "job_department": DEPARTMENT_TO_OLD.get(p.department, "General"),
                "job_department_array": [p.department],
                "job_department_main": p.department,
                "job_seniority_level": [LEVEL_TO_OLD.get(p.job_level, "unknown")],
                "job_level_array": [p.job_level],
                "job_level_main": p.job_level,
                "job_title": p.job_title,
                "business_id": p.business_id,
                "linkedin_url_array": [p.linkedin_url] if p.linkedin_url else [],
            }
        )

    # --- fetch (businesses and prospects) ------------------------------------------------------------

    def _fetch(
        self,
        req: SimRequest,
        entities: Callable[[list[_Filter], set[str]], list[Any]],
        table: dict[str, tuple[str, Sequence[str] | None, Matcher]],
        render: Callable[[Any], dict[str, Any]],
        id_pattern: re.Pattern[str],
    ) -> SimResponse:
        started = time.perf_counter()
        try:
            body = _body(req)
            errors = _Errors()
            _extra_keys(
                errors,
                body,
                ("mode", "size", "page_size", "page", "exclude", "next_cursor", "filters", "request_context"),
            )
            mode = body.get("mode")
            if mode is None:
                errors.missing(["body", "mode"])
            elif mode not in ("full", "preview"):
                errors.enum(["body", "mode"], ("full", "preview"))
            cursor_mode = "next_cursor" in body
            # CONFLICT: SPEC says size is required, PAG says it defaults to 60,000 (cursor mode ignores it).
            size = _int(errors, body, "size", required=False, default=MAX_SIZE, ge=1, le=MAX_SIZE)
            # PAG says 100 in cursor mode; SPEC's 500 is accepted in both modes (facts ran out).
            page_size = _int(errors, body, "page_size", required=True, ge=1, le=MAX_PAGE_SIZE)
            page = _int(errors, body, "page", required=False, default=1, ge=1)
            exclude = set(
                _str_list(
                    errors,
                    body.get("exclude") or [],
                    ["body", "exclude"],
                    max_items=MAX_EXCLUDE,
                    pattern=id_pattern,
                )
            )
            filters = _parse_filters(errors, body.get("filters"), table)
            offset = 0
            if cursor_mode:
                offset = self._decode_cursor(errors, body.get("next_cursor"))
            errors.check()
            if not cursor_mode and size is not None and page_size is not None and size < page_size:
                raise Invalid(
                    [
                        {
                            "loc": ["body", "__root__"],
                            "msg": "'size' must be greater than or equal to 'page_size'",
                            "type": "value_error",
                        }
                    ]
                )
        except Invalid as exc:
            return self._invalid(exc)
        assert page_size is not None and size is not None and page is not None
        matched = entities(filters, exclude)
        total = len(matched)
        if cursor_mode:
            chunk = matched[offset : offset + page_size]
            end = offset + len(chunk)
            next_cursor = self._encode_cursor(end) if end < total else None
            payload: dict[str, Any] = {
                "data": [render(e) for e in chunk],
                "total_results": total,
                "page": {"size": page_size, "next_cursor": next_cursor},
            }
        else:
            # Page mode serves at most `size` records; ANON saw total_results capped at 60,000 here.
            reachable = min(total, size)
            total_pages = math.ceil(reachable / page_size) if reachable else 0
            start = (page - 1) * page_size
            chunk = matched[start : min(start + page_size, reachable)]
            payload = {
                "data": [render(e) for e in chunk],
                "total_results": min(total, MAX_SIZE),
                "page": page,
                "total_pages": total_pages,
            }
        # ANON measured 1 credit per record returned in mode "full". Facts ran out on "preview": free here.
        credits = float(len(chunk)) if mode == "full" else 0.0
        return self._ok(req, payload, started=started, hits=len(chunk), credits=credits, billed=len(chunk))

    @staticmethod
    def _encode_cursor(offset: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(errors: _Errors, cursor: Any) -> int:
        # SPEC: send null on the first request; its wording ('send "null"') leaves the string open: both work.
        if cursor is None or cursor == "null":
            return 0
        if isinstance(cursor, str):
            try:
                padded = cursor + "=" * (-len(cursor) % 4)
                offset = json.loads(base64.urlsafe_b64decode(padded.encode()))["o"]
                if isinstance(offset, int) and offset >= 0:
                    return offset
            except (ValueError, KeyError, TypeError, binascii.Error):
                pass
        errors.add(["body", "next_cursor"], "invalid cursor", "value_error")
        return 0

    def _matching_companies(self, filters: list[_Filter], exclude: set[str]) -> list[Company]:
        return [
            c for c in self.world.companies if c.business_id not in exclude and all(f(c) for f in filters)
        ]

    def _matching_people(self, filters: list[_Filter], exclude: set[str]) -> list[tuple[Person, Company]]:
        people: Iterable[Person] = self.world.people
        by_id = next((f for f in filters if f.name == "business_id" and not f.negate), None)
        if by_id is not None:
            # Narrow to the named companies first, then restore world order.
            found = [p for bid in dict.fromkeys(by_id.arg) for p in self.world.people_at(bid)]
            people = sorted(found, key=lambda p: self._person_index[p.prospect_id])
        out = []
        for p in people:
            if p.prospect_id in exclude:
                continue
            company = self.world.company(p.business_id)
            if company is None:
                continue
            pair = (p, company)
            if all(f(pair) for f in filters):
                out.append(pair)
        return out

    @route("POST", "/v1/businesses")
    def fetch_businesses(self, req: SimRequest) -> SimResponse:
        now = self.store.now()
        return self._fetch(
            req,
            self._matching_companies,
            _company_matchers(self, now),
            lambda c: self._business(c, now),
            _BUSINESS_ID,
        )

    @route("POST", "/v1/prospects")
    def fetch_prospects(self, req: SimRequest) -> SimResponse:
        return self._fetch(
            req,
            self._matching_people,
            _prospect_matchers(self, self.store.now()),
            lambda pc: self._prospect(pc[0]),
            _PROSPECT_ID,
        )

    # --- stats and autocomplete ----------------------------------------------------------------------

    def _filters_only(self, req: SimRequest, table: dict[str, Any]) -> list[_Filter]:
        body = _body(req)
        errors = _Errors()
        _extra_keys(errors, body, ("filters", "request_context"))
        filters = _parse_filters(errors, body.get("filters"), table)
        errors.check()
        return filters

    @route("POST", "/v1/businesses/stats")
    def businesses_stats(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            filters = self._filters_only(req, _company_matchers(self, self.store.now()))
        except Invalid as exc:
            return self._invalid(exc)
        companies = self._matching_companies(filters, set())
        per_location: dict[str, dict[str, int]] = {}
        revenue: dict[str, dict[str, int]] = {}
        employees: dict[str, dict[str, int]] = {}
        for c in companies:
            where = f"{c.region.title()}, {c.country_code.upper()}"
            loc = per_location.setdefault(c.industry, {"total": 0})
            loc[where] = loc.get(where, 0) + 1
            loc["total"] += 1
            rev = revenue.setdefault(c.industry, {})
            rev[c.revenue_range] = rev.get(c.revenue_range, 0) + 1
            emp = employees.setdefault(c.industry, {})
            emp[c.employees_range] = emp.get(c.employees_range, 0) + 1
        # The true total (not capped at 60,000 like page-mode fetch). Facts ran out on the price: free here.
        payload = {
            "total_results": len(companies),
            "stats": {
                "business_categories_per_location": _sorted(per_location),
                "revenue_per_category": _sorted(revenue),
                "number_of_employees_per_category": _sorted(employees),
            },
        }
        return self._ok(req, payload, started=started, hits=len(companies))

    @route("POST", "/v1/prospects/stats")
    def prospects_stats(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            filters = self._filters_only(req, _prospect_matchers(self, self.store.now()))
        except Invalid as exc:
            return self._invalid(exc)
        pairs = self._matching_people(filters, set())
        per_dept: dict[str, dict[str, int]] = {}
        per_location: dict[str, int] = {}
        for p, _ in pairs:
            country = p.country_name
            dept = per_dept.setdefault(p.department, {})
            dept[country] = dept.get(country, 0) + 1
            per_location[country] = per_location.get(country, 0) + 1
        payload = {
            "total_results": len(pairs),
            "stats": {
                "job_departments_per_location": _sorted(per_dept),
                "total_per_location": dict(sorted(per_location.items())),
            },
        }
        return self._ok(req, payload, started=started, hits=len(pairs))

    def _autocomplete_options(self, field: str) -> list[tuple[str, str]]:
        world = self.world
        if field in ("country", "country_code"):
            names = sorted({(c.country_name, c.country_code) for c in world.companies})
            return [(n.title(), code if field == "country_code" else n) for n, code in names]
        if field == "region_country_code":
            pairs = sorted({(c.country_code, c.region) for c in world.companies})
            return [(f"{r.title()}, {cc.upper()}", _region_code(cc, r)) for cc, r in pairs]
        if field in ("city_region_country", "city_region"):
            triples = sorted({(c.country_code, c.region, c.city) for c in world.companies})
            values = [_city_region_country(cc, r, city) for cc, r, city in triples]
            if field == "city_region":
                values = [v.rsplit(", ", 1)[0] for v in values]
            return [(v, v) for v in dict.fromkeys(values)]
        if field == "linkedin_category":
            return [(i, i) for i in sorted(GOOGLE_CATEGORIES)]
        if field == "google_category":
            return [(g, g) for g in sorted(GOOGLE_CATEGORIES.values())]
        if field == "naics_category":
            codes = sorted({(c.naics, c.naics_description) for c in world.companies})
            return [(f"{code} - {desc}", code) for code, desc in codes]
        if field == "company_tech_stack_tech":
            return [(t, t) for t in sorted(TECHNOLOGIES)]
        if field == "company_tech_stack_categories":
            return [(c.replace("_", " ").title(), c) for c in sorted(set(TECHNOLOGIES.values()))]
        if field == "job_title":
            return [(t, t) for t in sorted({p.job_title for p in world.people})]
        if field == "company_name":
            return [(c.name, c.name) for c in world.companies]
        if field == "business_intent_topics":
            return [(t, t) for t in INTENT_TOPICS]
        vocab = {
            "company_size": COMPANY_SIZES,
            "company_revenue": COMPANY_REVENUES,
            "company_age": COMPANY_AGES,
            "number_of_locations": NUMBER_OF_LOCATIONS,
            "job_department": JOB_DEPARTMENTS,
            "job_level": JOB_LEVELS,
        }[field]
        return [(v, v) for v in vocab]

    def _autocomplete(self, req: SimRequest) -> SimResponse:
        errors = _Errors()
        field = req.arg("field")
        query = req.arg("query")
        if field is None:
            errors.add(["query", "field"], "field required", "value_error.missing")
        elif field not in AUTOCOMPLETE_FIELDS:
            errors.enum(["query", "field"], AUTOCOMPLETE_FIELDS)
        if query is None:
            errors.add(["query", "query"], "field required", "value_error.missing")
        try:
            errors.check()
        except Invalid as exc:
            return self._invalid(exc)
        assert field is not None and query is not None
        needle = query.strip().lower()
        options = [
            (label, value)
            for label, value in self._autocomplete_options(field)
            if needle in label.lower() or needle in value.lower()
        ]
        options.sort(key=lambda lv: (not lv[0].lower().startswith(needle), lv[0].lower()))
        # A bare array, without response_context (SPEC).
        return json_response(
            [{"query": query, "label": label, "value": value} for label, value in options[:20]]
        )

    @route("GET", "/v1/businesses/autocomplete")
    def businesses_autocomplete(self, req: SimRequest) -> SimResponse:
        return self._autocomplete(req)

    @route("GET", "/v1/prospects/autocomplete")
    def prospects_autocomplete(self, req: SimRequest) -> SimResponse:
        return self._autocomplete(req)

    # --- match ---------------------------------------------------------------------------------------

    def _match_items(self, req: SimRequest, key: str, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
        body = _body(req)
        errors = _Errors()
        _extra_keys(errors, body, (key, "request_context"))
        items = body.get(key)
        if items is None:
            errors.missing(["body", key])
        elif not isinstance(items, list):
            errors.add(["body", key], "value is not a valid list", "type_error.list")
        else:
            if not 1 <= len(items) <= MAX_BATCH:
                which = "at least 1" if not items else f"at most {MAX_BATCH}"
                errors.add(
                    ["body", key],
                    f"ensure this value has {which} items",
                    "value_error.list.min_items" if not items else "value_error.list.max_items",
                    {"limit_value": 1 if not items else MAX_BATCH},
                )
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    errors.add(["body", key, i], "value is not a valid dict", "type_error.dict")
                    continue
                for field_name, value in item.items():
                    if field_name not in allowed:
                        errors.add(
                            ["body", key, i, field_name], "extra fields not permitted", "value_error.extra"
                        )
                    elif value is not None and not isinstance(value, str):
                        errors.add(["body", key, i, field_name], "str type expected", "type_error.str")
        errors.check()
        return items or []

    def _match_business(self, item: dict[str, Any]) -> Company | None:
        # DOCS: fuzzy name plus domain; if that fails and both were given, domain alone. So a known domain
        # decides, a fake domain matches nothing, and a name alone gets a fuzzy name-only match.
        domain = item.get("domain") or item.get("url")
        if domain:
            return self.world.company_by_domain(domain)
        if item.get("linkedin_url"):
            return self._company_by_linkedin(item["linkedin_url"])
        if item.get("name"):
            return self._company_by_name(item["name"])
        return None

    @route("POST", "/v1/businesses/match")
    def match_businesses(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            items = self._match_items(req, "businesses_to_match", ("name", "domain", "url", "linkedin_url"))
        except Invalid as exc:
            return self._invalid(exc)
        out = []
        for item in items:
            found = self._match_business(item)
            echo = {
                k: item.get(k) for k in ("name", "domain", "url", "linkedin_url") if item.get(k) is not None
            }
            # An unmatched input has no id at all: the document types `business_id` as a non-null string.
            out.append({"input": echo, **({"business_id": found.business_id} if found else {})})
        matches = sum(1 for m in out if m.get("business_id"))
        # Facts ran out on the price of match: free here.
        return self._ok(
            req,
            {"total_results": len(out), "total_matches": matches, "matched_businesses": out},
            started=started,
            hits=matches,
        )

    def _match_prospect(self, item: dict[str, Any]) -> Person | None:
        if item.get("email"):
            found = self.world.person_by_email(item["email"])
            if found:
                return found
        if item.get("linkedin"):
            found = self._by_linkedin.get(item["linkedin"].strip().rstrip("/").lower())
            if isinstance(found, Person):
                return found
        if item.get("phone_number"):
            found = self._by_phone.get(re.sub(r"[^\d]", "", item["phone_number"]))
            if found:
                return found
        name = item.get("full_name")
        if name:
            company = self.world.company(item["business_id"]) if item.get("business_id") else None
            if company is None and item.get("company_name"):
                company = self._company_by_name(item["company_name"])
            if company is not None:
                wanted = _norm_name(name)
                for person in self.world.people_at(company.business_id):
                    if _norm_name(person.full_name) == wanted:
                        return person
        return None

    @route("POST", "/v1/prospects/match")
    def match_prospects(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        keys = ("business_id", "full_name", "company_name", "email", "phone_number", "linkedin")
        try:
            items = self._match_items(req, "prospects_to_match", keys)
        except Invalid as exc:
            return self._invalid(exc)
        out = []
        for item in items:
            found = self._match_prospect(item)
            out.append(
                {
                    "input": {k: item[k] for k in keys if item.get(k) is not None},
                    **({"prospect_id": found.prospect_id} if found else {}),
                }
            )
        matches = sum(1 for m in out if m.get("prospect_id"))
        return self._ok(
            req,
            {"total_results": len(out), "total_matches": matches, "matched_prospects": out},
            started=started,
            hits=matches,
        )

    # --- events --------------------------------------------------------------------------------------

    def _event(self, company: Company, signal: Signal) -> dict[str, Any]:
        occurred = self._occurred(signal)
        day = occurred.date().isoformat()
        data: dict[str, Any] = {"event_name": signal.event_name, **signal.data}
        if signal.event_name == "new_funding_round":
            data.setdefault("founding_date", day)  # "founding", as the DOCS print it
        elif signal.event_name.startswith("hiring_in_"):
            data.setdefault(
                "department", signal.event_name.removeprefix("hiring_in_").removesuffix("_department")
            )
        return {
            "event_name": signal.event_name,
            "event_time": occurred.isoformat(),
            "event_id": signal.event_id,
            "data": data,
            "business_id": company.business_id,
        }

    @route("POST", "/v1/businesses/events")
    def business_events(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            body = _body(req)
            errors = _Errors()
            _extra_keys(
                errors,
                body,
                ("event_types", "business_ids", "timestamp_from", "timestamp_to", "request_context"),
            )
            if "event_types" not in body:
                errors.missing(["body", "event_types"])
            types = _str_list(errors, body.get("event_types", []), ["body", "event_types"], min_items=1)
            for i, t in enumerate(types):
                if t not in BUSINESS_EVENTS:
                    errors.enum(["body", "event_types", i], BUSINESS_EVENTS)
            if "business_ids" not in body:
                errors.missing(["body", "business_ids"])
            ids = _str_list(
                errors,
                body.get("business_ids", []),
                ["body", "business_ids"],
                min_items=1,
                max_items=MAX_EVENT_IDS,
                pattern=_BUSINESS_ID,
            )
            since = _parse_time(errors, body.get("timestamp_from"), ["body", "timestamp_from"], end=False)
            until = _parse_time(errors, body.get("timestamp_to"), ["body", "timestamp_to"], end=True)
            errors.check()
        except Invalid as exc:
            return self._invalid(exc)
        wanted = {"company_award" if t == "award" else t for t in types}
        now = self.store.now()
        out = []
        for bid in dict.fromkeys(ids):
            company = self.world.company(bid)
            if company is None:
                continue
            for signal in self._visible_signals(company, now):
                when = self._occurred(signal)
                if signal.event_name not in wanted:
                    continue
                if (since is not None and when < since) or (until is not None and when > until):
                    continue
                out.append(self._event(company, signal))
        # Facts ran out on the price of events: free here.
        return self._ok(req, {"output_events": out}, started=started, hits=len(out))

    # --- business enrichments ------------------------------------------------------------------------

    def _firmographics(self, c: Company) -> dict[str, Any]:
        sic = SIC_CODES.get(c.naics)
        return _present(
            {
                "business_id": c.business_id,
                "name": c.name,
                "business_description": c.description,
                "website": c.website,
                "country_name": c.country_name,
                "region_name": _region_name(c.country_code, c.region),
                "city_name": c.city,
                "naics": c.naics,
                "naics_description": c.naics_description,
                "sic_code": sic[0] if sic else None,
                "sic_code_description": sic[1] if sic else None,
                "ticker": _ticker(c.country_code, c.ticker),
                "number_of_employees_range": c.employees_range,
                "yearly_revenue_range": c.revenue_range,
                "linkedin_industry_category": c.industry,
                "linkedin_profile": c.linkedin_url,
                "business_logo": f"https://www.google.com/s2/favicons?domain={c.domain}&sz=128",
                "locations_distribution": [{"country": c.country_name, "locations": c.locations_range}],
            }
        )

    def _technographics(self, c: Company) -> dict[str, Any]:
        out: dict[str, Any] = {"full_tech_stack": list(c.tech_stack)}
        by_category: dict[str, list[str]] = {cat: [] for cat in TECH_CATEGORIES}
        for tech in c.tech_stack:
            by_category.setdefault(TECHNOLOGIES.get(tech, "operations_software"), []).append(tech)
        out["full_nested_tech_stack"] = [
            {"category": cat, "technologies": techs} for cat, techs in by_category.items() if techs
        ]
        out.update(by_category)
        return out

    def _funding(self, c: Company, now: datetime) -> dict[str, Any]:
        def investors_of(s: Signal) -> list[str]:
            # Signal.data holds objects; the world writes a funding round's investors as a list of names.
            return cast(list[str], s.data.get("investors", []))

        rounds = sorted(
            (s for s in self._visible_signals(c, now) if s.event_name == "new_funding_round"),
            key=lambda s: self._occurred(s),
        )
        info = [
            {
                "round_type": s.data.get("founding_stage"),
                "round_date": self._occurred(s).date().isoformat(),
                "value_usd": s.data.get("amount_raised"),
                "investors": s.data.get("investors"),
            }
            for s in rounds
        ]
        investors = sorted({i for s in rounds for i in investors_of(s)})
        first, last = (rounds[0], rounds[-1]) if rounds else (None, None)
        total = sum(float(cast(int, s.data.get("amount_raised") or 0)) for s in rounds)
        return _present(
            {
                "domain": c.domain,
                "company_name": c.name,
                "investors": investors,
                "number_of_advisors": 0,
                "num_of_news": len(self._visible_signals(c, now)),
                "current_advisors": [],
                "ipo_size_usd": None,
                "ipo_date": None,
                "is_ipo": c.is_public,
                "number_of_investors_for_first_funding_round": len(investors_of(first)) if first else None,
                "first_funding_round_value_usd": first.data.get("amount_raised") if first else None,
                "first_funding_round_type": first.data.get("founding_stage") if first else None,
                "first_funding_round_date": self._occurred(first).date().isoformat() if first else None,
                "number_of_funding_rounds": len(rounds),
                "acquired_by": None,
                "latest_funding_increase_in_percents": None,
                "last_funding_round_date": self._occurred(last).date().isoformat() if last else None,
                "last_funding_round_value_usd": str(last.data.get("amount_raised")) if last else None,
                "last_funding_round_type": last.data.get("founding_stage") if last else None,
                "number_of_investors_for_last_funding_round": len(investors_of(last)) if last else None,
                "funding_rounds_info": info,
                "known_funding_total_value": total if rounds else None,
            }
        )

    def _workforce(self, c: Company, now: datetime) -> dict[str, Any]:
        # Shares follow the world's people at the company; changes follow its hiring signals.
        departments = (
            "engineering",
            "sales",
            "marketing",
            "hr",
            "operations",
            "pr",
            "health",
            "trades",
            "finance",
            "customer_service",
            "legal",
            "media",
            "real_estate",
            "education",
            "design",
        )
        to_trend = {
            "engineering": "engineering",
            "it": "engineering",
            "data": "engineering",
            "product": "engineering",
            "sales": "sales",
            "marketing": "marketing",
            "human resources": "hr",
            "operations": "operations",
            "c-suite": "operations",
            "finance": "finance",
            "customer success": "customer_service",
        }
        people = self.world.people_at(c.business_id)
        counts = dict.fromkeys(departments, 0)
        for p in people:
            counts[to_trend.get(p.department, "operations")] += 1
        hiring = {
            str(s.data.get("department", ""))
            for s in self._visible_signals(c, now, 90)
            if s.event_name.startswith("hiring_in_")
        }
        hiring_to_trend = {
            "engineering": "engineering",
            "sales": "sales",
            "marketing": "marketing",
            "operations": "operations",
            "support": "customer_service",
            "finance": "finance",
            "human resources": "hr",
            "health": "health",
        }
        grown = {hiring_to_trend[h] for h in hiring if h in hiring_to_trend}
        total = max(1, len(people))
        out: dict[str, Any] = {}
        for dept in departments:
            out[f"perc_{dept}_roles"] = round(100.0 * counts[dept] / total, 2)
            out[f"change_in_{dept}_roles"] = 5.0 if dept in grown else 0.0
        quarter_start = datetime(now.year, 3 * ((now.month - 1) // 3) + 1, 1, tzinfo=UTC)
        out.update(
            {
                "profiles_found_per_quarter": c.employee_count,
                "change_in_roles_divisor": total,
                "quarters": quarter_start.isoformat(),
            }
        )
        return out

    def _enrichment(self, kind: str, c: Company, now: datetime) -> dict[str, Any] | None:
        if kind == "firmographics":
            return self._firmographics(c)
        if kind == "technographics":
            return self._technographics(c)
        if kind == "funding_and_acquisition":
            return self._funding(c, now)
        if kind == "workforce_trends":
            return self._workforce(c, now)
        return None

    def _ids_body(
        self, req: SimRequest, key: str, pattern: re.Pattern[str], *, many: bool
    ) -> tuple[list[str], dict[str, Any]]:
        body = _body(req)
        errors = _Errors()
        _extra_keys(errors, body, (key, "parameters", "request_context"))
        if key not in body:
            errors.missing(["body", key])
        if many:
            ids = _str_list(
                errors, body.get(key, []), ["body", key], min_items=1, max_items=MAX_BATCH, pattern=pattern
            )
        else:
            value = body.get(key)
            ids = [value] if isinstance(value, str) and pattern.match(value) else []
            if key in body and not ids:
                errors.add(
                    ["body", key],
                    f'string does not match regex "{pattern.pattern}"',
                    "value_error.str.regex",
                    {"pattern": pattern.pattern},
                )
        parameters = body.get("parameters")
        if parameters is not None and not isinstance(parameters, dict):
            errors.add(["body", "parameters"], "value is not a valid dict", "type_error.dict")
            parameters = None
        errors.check()
        return ids, parameters or {}

    def _business_enrich(self, req: SimRequest, kind: str, *, many: bool) -> SimResponse:
        started = time.perf_counter()
        if kind not in SIMULATED_ENRICHMENTS and kind not in OTHER_ENRICHMENTS:
            return self.not_found(req)
        key = "business_ids" if many else "business_id"
        try:
            ids, _ = self._ids_body(req, key, _BUSINESS_ID, many=many)
        except Invalid as exc:
            return self._invalid(exc)
        now = self.store.now()
        rows = []
        for bid in dict.fromkeys(ids):
            company = self.world.company(bid)
            data = self._enrichment(kind, company, now) if company is not None else None
            # Facts ran out on ids without data: the row is left out (the client reads both shapes).
            if data is not None:
                rows.append({"business_id": bid, "data": data})
        # Facts ran out on enrichment prices: 1 credit per entity returned.
        credits = float(len(rows))
        if many:
            payload: dict[str, Any] = {"total_results": len(rows), "data": rows}
        else:
            payload = {"data": rows[0]["data"] if rows else None, "entity_id": ids[0] if ids else None}
        return self._ok(req, payload, started=started, hits=len(rows), credits=credits, billed=len(rows))

    @route("POST", "/v1/businesses/{kind}/bulk_enrich")
    def businesses_bulk_enrich(self, req: SimRequest, kind: str) -> SimResponse:
        return self._business_enrich(req, kind, many=True)

    @route("POST", "/v1/businesses/{kind}/enrich")
    def businesses_enrich(self, req: SimRequest, kind: str) -> SimResponse:
        return self._business_enrich(req, kind, many=False)

    # --- prospect enrichments ------------------------------------------------------------------------

    def _contacts(self, p: Person, types: set[str]) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        if "email" in types:
            emails = [{"address": p.email, "type": "current_professional"}]
            if p.personal_email:
                emails.append({"address": p.personal_email, "type": "personal"})
            out["emails"] = emails
            out["professions_email"] = p.email  # sic: Explorium's own field name
            # "unknown" is not in Explorium's status enum (nor is null): the field is left out then.
            if p.email_status != "unknown":
                out["professional_email_status"] = p.email_status
        if "phone" in types:
            numbers = [n for n in (p.phone, p.mobile_phone) if n]
            out["phone_numbers"] = [{"phone_number": n} for n in numbers]
            out["mobile_phone"] = p.mobile_phone
        found = bool(out.get("emails") or out.get("phone_numbers"))
        return _present(out) if found else None

    def _contact_types(self, parameters: dict[str, Any]) -> set[str]:
        raw = parameters.get("contact_types")
        if raw is None:
            return set(CONTACT_TYPES)  # DOCS: leaving parameters out means both
        errors = _Errors()
        values = _str_list(errors, raw, ["body", "parameters", "contact_types"], min_items=1)
        for i, v in enumerate(values):
            if v not in CONTACT_TYPES:
                errors.enum(["body", "parameters", "contact_types", i], CONTACT_TYPES)
        errors.check()
        return set(values)

    def _prospect_enrich(self, req: SimRequest, kind: str, *, many: bool) -> SimResponse:
        started = time.perf_counter()
        key = "prospect_ids" if many else "prospect_id"
        try:
            ids, parameters = self._ids_body(req, key, _PROSPECT_ID, many=many)
            types = self._contact_types(parameters) if kind == "contacts_information" else set()
        except Invalid as exc:
            return self._invalid(exc)
        rows = []
        for pid in dict.fromkeys(ids):
            person = self.world.person(pid)
            if person is None:
                continue
            data = self._contacts(person, types) if kind == "contacts_information" else self._profile(person)
            if data is not None:
                rows.append({"prospect_id": pid, "data": data})
        # DOCS: email only 2 credits, phone 5, both 5 (ANON measured 2 per prospect on bulk email).
        # Facts ran out on the profile price: 1 per profile returned.
        unit = (5.0 if "phone" in types else 2.0) if kind == "contacts_information" else 1.0
        credits = unit * len(rows)
        if many:
            payload: dict[str, Any] = {"total_results": len(rows), "data": rows}
        else:
            payload = {"data": rows[0]["data"] if rows else None, "entity_id": ids[0] if ids else None}
        return self._ok(req, payload, started=started, hits=len(rows), credits=credits, billed=len(rows))

    def _profile(self, p: Person) -> dict[str, Any]:
        c = self.world.company(p.business_id)
        years = p.total_experience_months // 12
        age = 22 + years
        age_group = (
            "18-24"
            if age < 25
            else "25-34"
            if age < 35
            else "35-44"
            if age < 45
            else "45-54"
            if age < 55
            else "55-64"
            if age < 65
            else "65+"
        )
        start = self.store.epoch - timedelta(days=30 * p.current_role_months)
        return _present(
            {
                "full_name": p.full_name,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "country_name": p.country_name,
                "region_name": _region_name(p.country_code, p.region),
                "city": p.city,
                "linkedin": p.linkedin_url,
                "age_group": age_group,
                "education": [],
                "experience": [
                    {
                        "company": {"name": c.name if c else None, "website": c.website if c else None},
                        "title": {"name": p.job_title},
                        "start_date": start.date().isoformat(),
                        "end_date": None,
                        "is_primary": True,
                    }
                ],
                "skills": list(p.skills),
                "job_title": p.job_title,
                "job_seniority_level": LEVEL_TO_OLD.get(p.job_level, "unknown"),
                "job_level_main": p.job_level,
                "job_level_array": [p.job_level],
                "job_department_main": p.department,
                "business_id": p.business_id,
                "company_name": c.name if c else None,
            }
        )

    @route("POST", "/v1/prospects/contacts_information/bulk_enrich")
    def contacts_bulk_enrich(self, req: SimRequest) -> SimResponse:
        return self._prospect_enrich(req, "contacts_information", many=True)

    @route("POST", "/v1/prospects/contacts_information/enrich")
    def contacts_enrich(self, req: SimRequest) -> SimResponse:
        return self._prospect_enrich(req, "contacts_information", many=False)

    @route("POST", "/v1/prospects/profiles/bulk_enrich")
    def profiles_bulk_enrich(self, req: SimRequest) -> SimResponse:
        return self._prospect_enrich(req, "profiles", many=True)

    @route("POST", "/v1/prospects/profiles/enrich")
    def profiles_enrich(self, req: SimRequest) -> SimResponse:
        return self._prospect_enrich(req, "profiles", many=False)

    # --- account and health --------------------------------------------------------------------------

    @route("GET", "/v1/credits")
    def credits(self, req: SimRequest) -> SimResponse:
        state = self.credits_state()
        return json_response(
            {
                "response_context": self._context(),
                "allocated_credits": state["allocated"],
                "remaining_credits": state["remaining"],
            }
        )

    @route("POST", "/v1/credits/aggregation")
    def credit_aggregation(self, req: SimRequest) -> SimResponse:
        """Credits charged between two ISO times: per endpoint (mode `endpoints`) or per hour, day or month
        (mode `timely`). Explorium types the aggregation items only as objects; the sandbox's are
        `{endpoint, credits}` and `{period, credits}` (see VENDOR_NOTES)."""
        try:
            body, times = _aggregation_request(req)
        except Invalid as exc:
            return self._invalid(exc)
        mode, resolution = body["mode"], body.get("resolution")
        start, end = times["from_date"].timestamp(), times["to_date"].timestamp()
        groups: dict[str, float] = {}
        for at, charge in self.store.billed(self.vendor, start, end):
            if mode == "endpoints":
                group = charge.endpoint.split(" ", 1)[-1]
            else:
                group = _period(datetime.fromtimestamp(at, UTC), str(resolution))
            groups[group] = groups.get(group, 0.0) + charge.credits
        label = "endpoint" if mode == "endpoints" else "period"
        return json_response(
            {
                "response_context": self._context(),
                "from_date": body["from_date"],
                "to_date": body["to_date"],
                "mode": mode,
                **({"resolution": resolution} if resolution else {}),
                "timezone": body.get("timezone") or "UTC",
                "total_credits": _whole(sum(groups.values())),
                "aggregations": [{label: k, "credits": _whole(v)} for k, v in sorted(groups.items())],
            }
        )

    # SPEC puts the healthcheck at the root; clients built on the /v1 base reach it there too.
    @route("GET", "/healthcheck/http")
    @route("GET", "/v1/healthcheck/http")
    def healthcheck(self, req: SimRequest) -> SimResponse:
        # The document types the answer as a JSON string; what the string says is not documented.
        return json_response("OK")


def _aggregation_request(req: SimRequest) -> tuple[dict[str, Any], dict[str, datetime]]:
    """The checked body of `POST /v1/credits/aggregation` and its two times (UTC when no offset is given)."""
    body = _body(req)
    errors = _Errors()
    for name in ("from_date", "to_date", "mode"):
        if name not in body:
            errors.missing(["body", name])
    _extra_keys(errors, body, ("request_context", "from_date", "to_date", "mode", "resolution", "timezone"))
    mode, resolution = body.get("mode"), body.get("resolution")
    if mode is not None and mode not in ("timely", "endpoints"):
        errors.enum(["body", "mode"], ["timely", "endpoints"])
    if resolution is not None and resolution not in AGGREGATION_SPAN:
        errors.enum(["body", "resolution"], list(AGGREGATION_SPAN))
    if mode == "timely" and resolution is None:
        errors.missing(["body", "resolution"])
    times: dict[str, datetime] = {}
    for name in ("from_date", "to_date"):
        if name not in body:
            continue
        try:
            moment = datetime.fromisoformat(str(body[name]).replace("Z", "+00:00"))
        except ValueError:
            errors.add(["body", name], "invalid datetime format", "value_error.datetime")
            continue
        times[name] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if len(times) == 2:
        span = AGGREGATION_SPAN[resolution if resolution in AGGREGATION_SPAN else "month"]
        if times["to_date"] < times["from_date"]:
            errors.add(["body", "to_date"], "to_date is before from_date", "value_error")
        elif times["to_date"] - times["from_date"] > span:
            errors.add(["body", "to_date"], f"range longer than {span.days} days", "value_error")
    errors.check()
    return body, times


def _period(moment: datetime, resolution: str) -> str:
    if resolution == "hour":
        return moment.strftime("%Y-%m-%dT%H:00:00+00:00")
    if resolution == "day":
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m")


def _whole(credits: float) -> int | float:
    """Explorium types credit totals as integers; every price is whole, so a sum is too."""
    return int(credits) if float(credits).is_integer() else credits


def _sorted(maps: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {k: dict(sorted(v.items())) for k, v in sorted(maps.items())}
