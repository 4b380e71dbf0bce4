"""`POST /v1/businesses/{kind}/enrich` and `.../bulk_enrich`: firmographics, technographics, funding and
acquisition, workforce trends (other SPEC kinds answer with no rows; 1 credit per row).

What belongs here: the business enrichment endpoints and their records.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, cast

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore, present
from resources.sandbox.explorium.places import exchange_ticker, local_region_name
from resources.sandbox.explorium.validation import BUSINESS_ID, Invalid, ids_body
from resources.sandbox.explorium.vocabulary import (
    OTHER_ENRICHMENTS,
    SIC_CODES,
    SIMULATED_ENRICHMENTS,
    TECH_CATEGORIES,
)
from resources.sandbox.world import TECHNOLOGIES, Company, Signal


class BusinessEnrichmentRoutes(ExploriumCore):
    """Business enrichments."""

    def _firmographics(self, c: Company) -> dict[str, Any]:
        sic = SIC_CODES.get(c.naics)
        return present(
            {
                "business_id": c.business_id,
                "name": c.name,
                "business_description": c.description,
                "website": c.website,
                "country_name": c.country_name,
                "region_name": local_region_name(c.country_code, c.region),
                "city_name": c.city,
                "naics": c.naics,
                "naics_description": c.naics_description,
                "sic_code": sic[0] if sic else None,
                "sic_code_description": sic[1] if sic else None,
                "ticker": exchange_ticker(c.country_code, c.ticker),
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
        return present(
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

    def _business_enrich(self, req: SimRequest, kind: str, *, many: bool) -> SimResponse:
        started = time.perf_counter()
        if kind not in SIMULATED_ENRICHMENTS and kind not in OTHER_ENRICHMENTS:
            return self.not_found(req)
        key = "business_ids" if many else "business_id"
        try:
            ids, _ = ids_body(req, key, BUSINESS_ID, many=many)
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
