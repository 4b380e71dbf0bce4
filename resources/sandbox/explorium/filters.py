"""Business and prospect filters: the filter tables (name -> kind, permitted values, matcher), their
parsing and validation, and the matching rules (titles, tech categories, old and new job vocabularies).

What belongs here: what a `filters` object in a fetch or stats body selects. Shared by fetch and stats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from resources.sandbox.explorium.places import city_region_country, region_code
from resources.sandbox.explorium.validation import BUSINESS_ID, Errors, int_field, str_list
from resources.sandbox.explorium.vocabulary import (
    BUSINESS_EVENTS,
    COMPANY_AGES,
    COMPANY_REVENUES,
    COMPANY_SIZES,
    GOOGLE_CATEGORIES,
    INTENT_LEVELS,
    JOB_DEPARTMENTS,
    JOB_LEVELS,
    LEGAL_FORMS,
    NUMBER_OF_LOCATIONS,
    OLD_DEPARTMENTS,
    OLD_JOB_LEVELS,
    TECH_CATEGORY_ALIASES,
    TITLE_ABBREVIATIONS,
    TITLE_STOPWORDS,
)
from resources.sandbox.world import TECHNOLOGIES, Company

if TYPE_CHECKING:
    from resources.sandbox.explorium.core import ExploriumCore


Matcher = Callable[[Any, Any], bool]


class Filter:
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


def norm_name(text: str) -> str:
    """A company or person name for comparison: lowercased, punctuation and legal forms dropped."""
    words = re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()
    return " ".join(w for w in words if w not in LEGAL_FORMS)


def _expand_title(text: str) -> str:
    words = re.sub(r"[^a-z0-9&]+", " ", text.lower()).split()
    return " ".join(TITLE_ABBREVIATIONS.get(w, w) for w in words)


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
            significant = {w for w in wanted.split() if w not in TITLE_STOPWORDS}
            if significant and significant <= words:
                return True
    return False


def _tech_category(value: str) -> str:
    key = value.strip().lower()
    return TECH_CATEGORY_ALIASES.get(key, re.sub(r"[^a-z0-9]+", "_", key.replace("&", "and")).strip("_"))


def _in(values: list[str], *candidates: str | None) -> bool:
    return any(c is not None and c.lower() in values for c in candidates)


_INCLUDES = "includes"
_EXISTS = "exists"
_RANGE = "range"
_JOB_TITLE = "job_title"
_EVENTS = "events"
_INTENT = "intent"


def company_matchers(
    sim: ExploriumCore, now: datetime
) -> dict[str, tuple[str, Sequence[str] | None, Matcher]]:
    """Business filters: name -> (kind, permitted values or None, matcher(company, arg)); `now` is the
    sandbox time the event and intent filters are measured against."""

    def tech_category(c: Company, values: list[str]) -> bool:
        wanted = {_tech_category(v) for v in values}
        return any(TECHNOLOGIES.get(t) in wanted for t in c.tech_stack)

    return {
        "country_code": (_INCLUDES, None, lambda c, v: c.country_code in v),
        "region_country_code": (_INCLUDES, None, lambda c, v: region_code(c.country_code, c.region) in v),
        "city_region_country": (
            _INCLUDES,
            None,
            lambda c, v: city_region_country(c.country_code, c.region, c.city).lower() in v,
        ),
        "city_region": (
            _INCLUDES,
            None,
            lambda c, v: (
                city_region_country(c.country_code, c.region, c.city).lower().rsplit(", ", 1)[0] in v
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


def prospect_matchers(
    sim: ExploriumCore, now: datetime
) -> dict[str, tuple[str, Sequence[str] | None, Matcher]]:
    """Prospect filters: name -> (kind, permitted, matcher((person, company), arg))."""
    company = company_matchers(sim, now)

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
            lambda pc, v: region_code(pc[0].country_code, pc[0].region) in v,
        ),
        "city_region_country": (
            _INCLUDES,
            None,
            lambda pc, v: city_region_country(pc[0].country_code, pc[0].region, pc[0].city).lower() in v,
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


def _job_levels(errors: Errors, values: list[str], loc: list[Any]) -> list[str]:
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


def _job_departments(errors: Errors, values: list[str], loc: list[Any]) -> list[str]:
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


def parse_filters(
    errors: Errors, raw: Any, table: dict[str, tuple[str, Sequence[str] | None, Matcher]]
) -> list[Filter]:
    """The `filters` object of a request body, parsed against `table`; problems go to `errors`."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        errors.add(["body", "filters"], "value is not a valid dict", "type_error.dict")
        return []
    parsed: list[Filter] = []
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
            values = str_list(
                errors,
                spec["values"],
                [*loc, "values"],
                min_items=1,
                pattern=BUSINESS_ID if name == "business_id" else None,
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
            values = str_list(errors, spec.get("values"), [*loc, "values"], min_items=1, max_items=300)
            arg = (values, bool(spec.get("include_related_job_titles")))
        elif kind == _EVENTS:
            values = str_list(errors, spec.get("values"), [*loc, "values"], min_items=1)
            for i, v in enumerate(values):
                if v not in BUSINESS_EVENTS:
                    errors.enum([*loc, "values", i], BUSINESS_EVENTS)
            # DOCS allow 30..90 days and GTM clamps to 30..120; facts ran out on what the server enforces,
            # so any positive number of days is accepted.
            days = int_field(errors, spec, "last_occurrence", required=True, ge=1, loc=loc)
            arg = ({"company_award" if v == "award" else v for v in values}, days or 0)
        else:  # intent
            topics = str_list(errors, spec.get("topics"), [*loc, "topics"], min_items=1)
            level = spec.get("topic_intent_level")
            if level is not None and level not in INTENT_LEVELS:
                errors.enum([*loc, "topic_intent_level"], INTENT_LEVELS)
            arg = (set(_lower(topics)), level)
        parsed.append(Filter(name, matcher, arg, negate))
    return parsed
