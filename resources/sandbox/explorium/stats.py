"""`POST /v1/businesses/stats` and `POST /v1/prospects/stats`: counts over what a filter selects.

What belongs here: the stats endpoints and their aggregations.
"""

from __future__ import annotations

import time
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore
from resources.sandbox.explorium.filters import Filter, company_matchers, parse_filters, prospect_matchers
from resources.sandbox.explorium.validation import Errors, Invalid, extra_keys, request_body


class StatsRoutes(ExploriumCore):
    """Business and prospect stats."""

    def _filters_only(self, req: SimRequest, table: dict[str, Any]) -> list[Filter]:
        body = request_body(req)
        errors = Errors()
        extra_keys(errors, body, ("filters", "request_context"))
        filters = parse_filters(errors, body.get("filters"), table)
        errors.check()
        return filters

    @route("POST", "/v1/businesses/stats")
    def businesses_stats(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            filters = self._filters_only(req, company_matchers(self, self.store.now()))
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
            filters = self._filters_only(req, prospect_matchers(self, self.store.now()))
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


def _sorted(maps: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {k: dict(sorted(v.items())) for k, v in sorted(maps.items())}
