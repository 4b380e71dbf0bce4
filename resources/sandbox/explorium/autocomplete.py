"""`GET /v1/businesses/autocomplete` and `GET /v1/prospects/autocomplete`: filter values by field.

What belongs here: the autocomplete endpoints and the options each field offers.
"""

from __future__ import annotations

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.explorium.core import ExploriumCore
from resources.sandbox.explorium.places import city_region_country, region_code
from resources.sandbox.explorium.validation import Errors, Invalid
from resources.sandbox.explorium.vocabulary import (
    AUTOCOMPLETE_FIELDS,
    COMPANY_AGES,
    COMPANY_REVENUES,
    COMPANY_SIZES,
    GOOGLE_CATEGORIES,
    INTENT_TOPICS,
    JOB_DEPARTMENTS,
    JOB_LEVELS,
    NUMBER_OF_LOCATIONS,
)
from resources.sandbox.world import TECHNOLOGIES


class AutocompleteRoutes(ExploriumCore):
    """Business and prospect autocomplete."""

    def _autocomplete_options(self, field: str) -> list[tuple[str, str]]:
        world = self.world
        if field in ("country", "country_code"):
            names = sorted({(c.country_name, c.country_code) for c in world.companies})
            return [(n.title(), code if field == "country_code" else n) for n, code in names]
        if field == "region_country_code":
            pairs = sorted({(c.country_code, c.region) for c in world.companies})
            return [(f"{r.title()}, {cc.upper()}", region_code(cc, r)) for cc, r in pairs]
        if field in ("city_region_country", "city_region"):
            triples = sorted({(c.country_code, c.region, c.city) for c in world.companies})
            values = [city_region_country(cc, r, city) for cc, r, city in triples]
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
        errors = Errors()
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
