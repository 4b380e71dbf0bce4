"""`POST /v1/businesses` and `POST /v1/prospects`: filtered search with page or cursor pagination, and
the business and prospect records it returns (1 credit per record in mode "full").

What belongs here: fetch and its records. Filters are in `filters.py`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore, present
from resources.sandbox.explorium.filters import (
    Filter,
    Matcher,
    company_matchers,
    parse_filters,
    prospect_matchers,
)
from resources.sandbox.explorium.places import local_region_name
from resources.sandbox.explorium.validation import (
    BUSINESS_ID,
    MAX_EXCLUDE,
    MAX_PAGE_SIZE,
    MAX_SIZE,
    PROSPECT_ID,
    Errors,
    Invalid,
    extra_keys,
    int_field,
    request_body,
    str_list,
)
from resources.sandbox.explorium.vocabulary import DEPARTMENT_TO_OLD, LEVEL_TO_OLD, SIC_CODES
from resources.sandbox.world import Company, Person, normalize_email


class FetchRoutes(ExploriumCore):
    """Business and prospect fetch."""

    # --- records -------------------------------------------------------------------------------------

    def _business(self, c: Company, now: datetime) -> dict[str, Any]:
        sic = SIC_CODES.get(c.naics)
        return present(
            {
                "business_id": c.business_id,
                "name": c.name,
                "domain": c.domain,
                "logo": f"https://www.google.com/s2/favicons?domain={c.domain}&sz=128",
                "country_name": c.country_name,
                "city_name": c.city,
                "region": local_region_name(c.country_code, c.region),
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
        return present(
            {
                "prospect_id": p.prospect_id,
                "professional_email_hashed": hashlib.sha256(normalize_email(p.email).encode()).hexdigest(),
                "first_name": p.first_name,
                "last_name": p.last_name,
                "full_name": p.full_name,
                "country_name": p.country_name,
                "region_name": local_region_name(p.country_code, p.region),
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
        entities: Callable[[list[Filter], set[str]], list[Any]],
        table: dict[str, tuple[str, Sequence[str] | None, Matcher]],
        render: Callable[[Any], dict[str, Any]],
        id_pattern: re.Pattern[str],
    ) -> SimResponse:
        started = time.perf_counter()
        try:
            body = request_body(req)
            errors = Errors()
            extra_keys(
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
            size = int_field(errors, body, "size", required=False, default=MAX_SIZE, ge=1, le=MAX_SIZE)
            # PAG says 100 in cursor mode; SPEC's 500 is accepted in both modes (facts ran out).
            page_size = int_field(errors, body, "page_size", required=True, ge=1, le=MAX_PAGE_SIZE)
            page = int_field(errors, body, "page", required=False, default=1, ge=1)
            exclude = set(
                str_list(
                    errors,
                    body.get("exclude") or [],
                    ["body", "exclude"],
                    max_items=MAX_EXCLUDE,
                    pattern=id_pattern,
                )
            )
            filters = parse_filters(errors, body.get("filters"), table)
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
    def _decode_cursor(errors: Errors, cursor: Any) -> int:
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

    @route("POST", "/v1/businesses")
    def fetch_businesses(self, req: SimRequest) -> SimResponse:
        now = self.store.now()
        return self._fetch(
            req,
            self._matching_companies,
            company_matchers(self, now),
            lambda c: self._business(c, now),
            BUSINESS_ID,
        )

    @route("POST", "/v1/prospects")
    def fetch_prospects(self, req: SimRequest) -> SimResponse:
        return self._fetch(
            req,
            self._matching_people,
            prospect_matchers(self, self.store.now()),
            lambda pc: self._prospect(pc[0]),
            PROSPECT_ID,
        )
