"""The `World`: every generated record with its lookups, and the form traffic over sandbox time.

What belongs here: lookups by id, email and domain, and `World.submissions`, which draws form
submissions lazily (memoized, thread-safe) as a function of explicit datetimes.
"""

from __future__ import annotations

import bisect
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from resources.sandbox.world.draw import _rng, _uuid
from resources.sandbox.world.first_names import _FIRST_NAMES
from resources.sandbox.world.forms import (
    _INBOUND_MESSAGES,
    _PAGES,
    _ROLE_LOCALS,
    _SPAM_MESSAGES,
    _SPAM_PROVIDERS,
    _SUBMISSION_KIND_TABLE,
    _Content,
    _numemployees,
    _Schedule,
)
from resources.sandbox.world.people import _random_name
from resources.sandbox.world.records import (
    Company,
    CrmCompany,
    CrmContact,
    Form,
    FormSubmission,
    Owner,
    Person,
)
from resources.sandbox.world.roles import _ROLES
from resources.sandbox.world.text import _name_part, normalize_domain, normalize_email
from resources.sandbox.world.vocabulary import FREE_MAIL_DOMAINS, NUMEMPLOYEES_CHOICES, SELLER_DOMAIN


# Identity equality and a short repr: a world is cached, shared, and far too large to compare or print.
@dataclass(frozen=True, eq=False, repr=False)
class World:
    """Everything the simulators serve, with lookups. Shared and cached: treat it as read-only."""

    seed: int
    size: int
    companies: tuple[Company, ...]
    people: tuple[Person, ...]
    owners: tuple[Owner, ...]
    crm_contacts: tuple[CrmContact, ...]
    crm_companies: tuple[CrmCompany, ...]
    forms: tuple[Form, ...]
    injection_company_ids: frozenset[str]
    _by_company: dict[str, Company] = field(init=False)
    _by_person: dict[str, Person] = field(init=False)
    _by_email: dict[str, Person] = field(init=False)
    _by_domain: dict[str, Company] = field(init=False)
    _people_at: dict[str, tuple[Person, ...]] = field(init=False)
    _forms: dict[str, Form] = field(init=False)
    _crm_emails: frozenset[str] = field(init=False)
    _mirrored: tuple[Person, ...] = field(init=False)
    _schedules: dict[str, _Schedule] = field(init=False)
    _contents: dict[tuple[str, int], _Content] = field(init=False)
    _lock: threading.Lock = field(init=False)

    def __post_init__(self) -> None:
        people_at: dict[str, list[Person]] = {}
        for p in self.people:
            people_at.setdefault(p.business_id, []).append(p)
        by_email: dict[str, Person] = {}
        # Personal addresses resolve too (as in Explorium's match), but never shadow a work address.
        for p in self.people:
            if p.personal_email:
                by_email[p.personal_email] = p
        by_email.update({p.email: p for p in self.people})
        setattr_ = object.__setattr__
        setattr_(self, "_by_company", {c.business_id: c for c in self.companies})
        setattr_(self, "_by_person", {p.prospect_id: p for p in self.people})
        setattr_(self, "_by_email", by_email)
        setattr_(self, "_by_domain", {c.domain: c for c in self.companies})
        setattr_(self, "_people_at", {k: tuple(v) for k, v in people_at.items()})
        setattr_(self, "_forms", {f.guid: f for f in self.forms})
        setattr_(self, "_crm_emails", frozenset(normalize_email(c.email) for c in self.crm_contacts))
        by_person = self._by_person
        mirrored = tuple(by_person[c.prospect_id] for c in self.crm_contacts if c.prospect_id in by_person)
        setattr_(self, "_mirrored", mirrored)
        setattr_(self, "_schedules", {})
        setattr_(self, "_contents", {})
        setattr_(self, "_lock", threading.Lock())

    def __repr__(self) -> str:
        return (
            f"World(seed={self.seed}, size={self.size}, companies={len(self.companies)}, "
            f"people={len(self.people)}, crm_contacts={len(self.crm_contacts)})"
        )

    # --- lookups ---------------------------------------------------------------------------------------

    def company(self, business_id: str) -> Company | None:
        return self._by_company.get(business_id)

    def person(self, prospect_id: str) -> Person | None:
        return self._by_person.get(prospect_id)

    def person_by_email(self, email: str) -> Person | None:
        """The person with this work (or, failing that, personal) address; case-insensitive."""
        return self._by_email.get(normalize_email(email))

    def people_at(self, business_id: str) -> tuple[Person, ...]:
        return self._people_at.get(business_id, ())

    def company_by_domain(self, domain: str) -> Company | None:
        return self._by_domain.get(normalize_domain(domain))

    def form(self, guid: str) -> Form | None:
        return self._forms.get(guid)

    def in_crm(self, email: str) -> bool:
        """Whether a contact with this email exists in the CRM before the pipeline runs."""
        return normalize_email(email) in self._crm_emails

    # --- form traffic ----------------------------------------------------------------------------------

    def submissions(self, form_guid: str, epoch: datetime, until: datetime) -> list[FormSubmission]:
        """Submissions of a form from `epoch - 2 days` up to and including `until`, oldest first."""
        form = self._forms.get(form_guid)
        if form is None:
            return []
        start = _aware(epoch) - timedelta(days=2)
        horizon = (_aware(until) - start).total_seconds()
        if horizon < 0:
            return []
        offsets = self._offsets(form, horizon)
        count = bisect.bisect_right(offsets, horizon)
        out: list[FormSubmission] = []
        for k in range(count):
            conversion_id, kind, values, page_url = self._content(form, k)
            out.append(
                FormSubmission(
                    conversion_id=conversion_id,
                    form_guid=form.guid,
                    index=k,
                    submitted_at=start + timedelta(seconds=offsets[k]),
                    values=values,
                    page_url=page_url,
                    kind=kind,
                )
            )
        return out

    def _offsets(self, form: Form, horizon: float) -> list[int]:
        mean = form.interval_minutes * 60.0
        with self._lock:
            schedule = self._schedules.get(form.guid)
            if schedule is None:
                schedule = _Schedule(_rng(self.seed, "form-gaps", form.guid))
                self._schedules[form.guid] = schedule
            offsets = schedule.offsets
            while offsets[-1] <= horizon:
                gap = min(max(schedule.rng.expovariate(1.0 / mean), 60.0), 4.0 * mean)
                offsets.append(offsets[-1] + round(gap))
            return offsets

    def _content(self, form: Form, k: int) -> _Content:
        key = (form.guid, k)
        cached = self._contents.get(key)
        if cached is None:
            cached = self._make_content(form, k)
            self._contents[key] = cached
        return cached

    def _kind(self, form: Form, k: int) -> tuple[random.Random, str]:
        rng = _rng(self.seed, "submission", form.guid, k)
        kind = _SUBMISSION_KIND_TABLE.pick(rng)
        return rng, kind

    def _make_content(self, form: Form, k: int) -> _Content:
        rng, kind = self._kind(form, k)
        page = f"https://www.{SELLER_DOMAIN}{rng.choice(_PAGES.get(form.name, ('/',)))}"
        if rng.random() < 0.3:
            page += f"?utm_source={rng.choice(('google', 'linkedin', 'newsletter'))}&utm_medium=cpc"
        conversion_id = _uuid(f"{form.guid}:{k}")
        values: dict[str, str]
        if kind == "duplicate":
            earlier = self._earlier_base(form, k, rng)
            if earlier is None:
                kind = "world_new"
                values = self._base_values(rng, "world_new")
            else:
                values = dict(earlier)
                values["jobtitle"] = rng.choice(_ROLES)[0]
                values["message"] = (
                    rng.choice(_INBOUND_MESSAGES)
                    .format(
                        seats=rng.choice((5, 10, 25, 40)),
                        department="sales",
                        country="Europe",
                        industry="software",
                    )
                    .strip()
                    or "Following up on my earlier request."
                )
        else:
            values = self._base_values(rng, kind)
        if kind == "missing_required":
            required = [f.name for f in form.fields if f.required]
            values.pop(rng.choice(required), None)
        allowed = [f.name for f in form.fields]
        pairs = tuple((name, values[name]) for name in allowed if values.get(name))
        return conversion_id, kind, pairs, page

    def _earlier_base(self, form: Form, k: int, rng: random.Random) -> dict[str, str] | None:
        """The values of an earlier submission with a usable email, for a "duplicate" to repeat."""
        if k == 0:
            return None
        j = k - rng.randint(1, min(k, 60))
        while j >= 0:
            _, kind = self._kind(form, j)
            if kind in ("world_new", "world_existing", "free_mail"):
                content = self._content(form, j)
                values = dict(content[2])
                if "email" in values:
                    return values
            j -= 1
        return None

    def _base_values(self, rng: random.Random, kind: str) -> dict[str, str]:
        people = self.people
        if kind == "world_existing" and self._mirrored:
            person = rng.choice(self._mirrored)
        else:
            person = rng.choice(people)
            for _ in range(20):
                if person.email not in self._crm_emails:
                    break
                person = rng.choice(people)
        company = self._by_company[person.business_id]
        email = person.email
        if rng.random() < 0.1:
            # People type their address however they like; HubSpot stores it as typed.
            local, domain = email.split("@", 1)
            email = f"{local.title()}@{domain}"
        message = rng.choice(_INBOUND_MESSAGES).format(
            seats=rng.choice((3, 5, 10, 25, 40, 100)),
            department=person.department,
            country=company.country_name.title(),
            industry=company.industry,
        )
        values = {
            "email": email,
            "firstname": person.first_name,
            "lastname": person.last_name,
            "company": company.name if rng.random() < 0.8 else company.name.split(" ")[0],
            "jobtitle": person.job_title if rng.random() < 0.8 else "",
            "phone": (person.phone or person.mobile_phone or "") if rng.random() < 0.6 else "",
            "numemployees": _numemployees(company.employee_count),
            "message": message,
        }
        pool = person.language if person.language in _FIRST_NAMES else "en"
        if kind == "free_mail":
            if person.personal_email and rng.random() < 0.5:
                values["email"] = person.personal_email
            else:
                first, last = _random_name(rng, pool)
                values["firstname"], values["lastname"] = first, last
                stem = f"{_name_part(first, german=pool == 'de')}.{_name_part(last, german=pool == 'de')}"
                values["email"] = f"{stem}{rng.randint(1, 99)}@{rng.choice(FREE_MAIL_DOMAINS)}"
        elif kind == "role_address":
            german = company.country_code == "de" and rng.random() < 0.5
            local = "kontakt" if german else rng.choice(_ROLE_LOCALS)
            values["email"] = f"{local}@{company.domain}"
        elif kind == "invalid_email":
            local, domain = person.email.split("@", 1)
            values["email"] = rng.choice(
                (
                    f"{local}@@{domain}",
                    f"{local}@{domain.split('.')[0]}",
                    f"{local.replace('.', ' ') if '.' in local else local + ' '}@{domain}",
                    f"{local}.{domain}",
                    f"{local}@{domain.replace('.', '..', 1)}",
                    f"{local}@",
                    f"@{domain}",
                )
            )
        elif kind == "spam":
            values = {
                "email": f"{rng.choice(('seo', 'crypto', 'promo', 'bestdeal', 'marketing'))}"
                f"{rng.randint(10, 9999)}@{rng.choice(_SPAM_PROVIDERS)}",
                "firstname": rng.choice(("SEO", "Crypto", "Best", "Admin", "asdf", "Test")),
                "lastname": rng.choice(("Expert", "King", "Services", "qwerty", "xqzvbn", "Test")),
                "company": rng.choice(("Best SEO Services", "Crypto Gains Ltd", "asdf", "N/A", "Web Pro")),
                "jobtitle": rng.choice(("", "CEO", "Manager")),
                "phone": "",
                "numemployees": rng.choice(NUMEMPLOYEES_CHOICES),
                "message": rng.choice(_SPAM_MESSAGES),
            }
        return values


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
