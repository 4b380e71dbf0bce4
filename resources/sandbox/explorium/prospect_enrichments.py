"""`POST /v1/prospects/contacts_information/...` and `POST /v1/prospects/profiles/...` (single and bulk):
emails and phones (2 or 5 credits), and profiles (1 credit).

What belongs here: the prospect enrichment endpoints and their records.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore, present
from resources.sandbox.explorium.places import local_region_name
from resources.sandbox.explorium.validation import PROSPECT_ID, Errors, Invalid, ids_body, str_list
from resources.sandbox.explorium.vocabulary import CONTACT_TYPES, LEVEL_TO_OLD
from resources.sandbox.world import Person


class ProspectEnrichmentRoutes(ExploriumCore):
    """Prospect enrichments."""

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
        return present(out) if found else None

    def _contact_types(self, parameters: dict[str, Any]) -> set[str]:
        raw = parameters.get("contact_types")
        if raw is None:
            return set(CONTACT_TYPES)  # DOCS: leaving parameters out means both
        errors = Errors()
        values = str_list(errors, raw, ["body", "parameters", "contact_types"], min_items=1)
        for i, v in enumerate(values):
            if v not in CONTACT_TYPES:
                errors.enum(["body", "parameters", "contact_types", i], CONTACT_TYPES)
        errors.check()
        return set(values)

    def _prospect_enrich(self, req: SimRequest, kind: str, *, many: bool) -> SimResponse:
        started = time.perf_counter()
        key = "prospect_ids" if many else "prospect_id"
        try:
            ids, parameters = ids_body(req, key, PROSPECT_ID, many=many)
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
        return present(
            {
                "full_name": p.full_name,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "country_name": p.country_name,
                "region_name": local_region_name(p.country_code, p.region),
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
