"""`POST /v1/businesses/match` and `POST /v1/prospects/match`: ids for names, domains, emails, LinkedIn
URLs and phone numbers, and the indexes the lookups use.

What belongs here: the match endpoints and how an input finds its company or person.
"""

from __future__ import annotations

import difflib
import functools
import re
import time
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore
from resources.sandbox.explorium.filters import norm_name
from resources.sandbox.explorium.validation import MAX_BATCH, Errors, Invalid, extra_keys, request_body
from resources.sandbox.world import Company, Person


class MatchRoutes(ExploriumCore):
    """Business and prospect match."""

    @functools.cached_property
    def _by_name(self) -> dict[str, Company]:
        out: dict[str, Company] = {}
        for c in self.world.companies:
            out.setdefault(norm_name(c.name), c)
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
        key = norm_name(name)
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

    def _match_items(self, req: SimRequest, key: str, allowed: tuple[str, ...]) -> list[dict[str, Any]]:
        body = request_body(req)
        errors = Errors()
        extra_keys(errors, body, (key, "request_context"))
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
                wanted = norm_name(name)
                for person in self.world.people_at(company.business_id):
                    if norm_name(person.full_name) == wanted:
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
