"""What the simulated HubSpot portal holds before the pipeline runs: owners, companies and contacts.

What belongs here: `_owners` and `_crm`, including the CRM-only records no vendor database knows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from resources.sandbox.world.companies import _company_domain, _company_name
from resources.sandbox.world.countries import _COUNTRY_TABLE
from resources.sandbox.world.draw import _rng, _Table
from resources.sandbox.world.industries import _INDUSTRY_TABLE
from resources.sandbox.world.people import _NAME_POOLS, _random_name
from resources.sandbox.world.records import Company, CrmCompany, CrmContact, Owner, Person
from resources.sandbox.world.text import _name_part
from resources.sandbox.world.vocabulary import DEFAULT_SIZE, FREE_MAIL_DOMAINS, SELLER_DOMAIN


def _owners(seed: int) -> tuple[Owner, ...]:
    rng = _rng(seed, "owners")
    owners: list[Owner] = []
    seen: set[str] = set()
    while len(owners) < 6:
        pool = rng.choice(("en", "en", "en", "de", "fr", "nl"))
        first, last = _random_name(rng, pool)
        german = pool == "de"
        email = f"{_name_part(first, german=german)}.{_name_part(last, german=german)}@{SELLER_DOMAIN}"
        if email in seen:
            continue
        seen.add(email)
        owners.append(
            Owner(id=str(rng.randint(10_000_000, 999_999_999)), email=email, first_name=first, last_name=last)
        )
    return tuple(owners)


_LIFECYCLE_TABLE = _Table(
    [
        ("subscriber", 15),
        ("lead", 35),
        ("marketingqualifiedlead", 15),
        ("salesqualifiedlead", 12),
        ("opportunity", 10),
        ("customer", 13),
    ]
)
_LEAD_STATUS_TABLE: _Table[str | None] = _Table(
    [
        (None, 30),
        ("NEW", 15),
        ("OPEN", 12),
        ("IN_PROGRESS", 10),
        ("ATTEMPTED_TO_CONTACT", 12),
        ("CONNECTED", 8),
        ("UNQUALIFIED", 8),
        ("BAD_TIMING", 5),
    ]
)


def _stored_domain(rng: random.Random, domain: str) -> str:
    """A domain as a sales rep typed it into HubSpot."""
    stored = f"www.{domain}" if rng.random() < 0.25 else domain
    if rng.random() < 0.05:
        stored = stored.upper() if rng.random() < 0.5 else stored[:1].upper() + stored[1:]
        if stored.startswith("Www."):
            stored = "www." + domain[:1].upper() + domain[1:]
    return stored


def _crm(
    seed: int,
    size: int,
    companies: Sequence[Company],
    people: Sequence[Person],
    owners: Sequence[Owner],
    taken_domains: set[str],
) -> tuple[tuple[CrmContact, ...], tuple[CrmCompany, ...]]:
    owner_ids = [o.id for o in owners]
    rng = _rng(seed, "crm-companies")
    crm_companies: list[CrmCompany] = []
    company_owner: dict[str, str | None] = {}
    for company in companies:
        if rng.random() >= 0.15:
            continue
        owner = rng.choice(owner_ids) if rng.random() < 0.7 else None
        company_owner[company.business_id] = owner
        name = company.name if rng.random() < 0.8 else company.name.split(" ")[0]
        crm_companies.append(
            CrmCompany(
                domain=_stored_domain(rng, company.domain),
                name=name,
                owner_id=owner,
                lifecyclestage=_LIFECYCLE_TABLE.pick(rng),
                created_days_ago=rng.randint(10, 1500),
                business_id=company.business_id,
            )
        )

    extra_rng = _rng(seed, "crm-only-companies")
    extra_companies = max(3, size * 50 // DEFAULT_SIZE)
    taken_names: set[str] = {c.name.lower() for c in companies}
    crm_only_domains: list[tuple[str, str]] = []
    for k in range(extra_companies):
        country = _COUNTRY_TABLE.pick(extra_rng)
        industry = _INDUSTRY_TABLE.pick(extra_rng)
        name, brand, invented = _company_name(extra_rng, -1 - k, country, industry, False, taken_names)
        domain = _company_domain(extra_rng, country, brand, invented, taken_domains)
        crm_only_domains.append((domain, name))
        crm_companies.append(
            CrmCompany(
                domain=_stored_domain(extra_rng, domain),
                name=name,
                owner_id=extra_rng.choice(owner_ids) if extra_rng.random() < 0.5 else None,
                lifecyclestage=_LIFECYCLE_TABLE.pick(extra_rng),
                created_days_ago=extra_rng.randint(10, 2000),
                business_id=None,
            )
        )

    contacts: list[CrmContact] = []
    crng = _rng(seed, "crm-contacts")
    by_id = {c.business_id: c for c in companies}
    for person in people:
        in_crm_company = person.business_id in company_owner
        if crng.random() >= (0.4 if in_crm_company else 0.045):
            continue
        company = by_id[person.business_id]
        owner = company_owner.get(person.business_id)
        if owner is None or crng.random() < 0.2:
            owner = crng.choice(owner_ids) if crng.random() < 0.35 else None
        contacts.append(
            CrmContact(
                email=person.email,
                firstname=person.first_name,
                lastname=person.last_name,
                company=company.name if crng.random() < 0.9 else None,
                # Titles in a CRM go stale: some are missing, some are a generic placeholder.
                jobtitle=person.job_title if crng.random() < 0.75 else crng.choice((None, "Manager")),
                owner_id=owner,
                lifecyclestage=_LIFECYCLE_TABLE.pick(crng),
                hs_lead_status=_LEAD_STATUS_TABLE.pick(crng),
                email_optout=crng.random() < 0.05,
                in_sequence=crng.random() < 0.08,
                created_days_ago=crng.randint(5, 1500),
                prospect_id=person.prospect_id,
            )
        )

    orng = _rng(seed, "crm-only-contacts")
    seen = {c.email for c in contacts}
    extra_contacts = max(5, size * 150 // DEFAULT_SIZE)
    while extra_contacts > 0:
        pool = orng.choice(_NAME_POOLS)
        first, last = _random_name(orng, pool)
        german = pool == "de"
        f_part, l_part = _name_part(first, german=german), _name_part(last, german=german)
        company_name: str | None
        if orng.random() < 0.65:
            domain, company_name = orng.choice(crm_only_domains)
            email = f"{f_part}.{l_part}@{domain}"
        else:
            company_name = None
            email = f"{f_part}{l_part}{orng.randint(1, 999)}@{orng.choice(FREE_MAIL_DOMAINS)}"
        if email in seen:
            continue
        seen.add(email)
        extra_contacts -= 1
        contacts.append(
            CrmContact(
                email=email,
                firstname=first,
                lastname=last,
                company=company_name,
                jobtitle=orng.choice(
                    (
                        None,
                        "Marketing Manager",
                        "Head of Sales",
                        "Founder",
                        "Operations Lead",
                        "Consultant",
                        "IT Director",
                    )
                ),
                owner_id=orng.choice(owner_ids) if orng.random() < 0.4 else None,
                lifecyclestage=_LIFECYCLE_TABLE.pick(orng),
                hs_lead_status=_LEAD_STATUS_TABLE.pick(orng),
                email_optout=orng.random() < 0.05,
                in_sequence=orng.random() < 0.08,
                created_days_ago=orng.randint(5, 2000),
                prospect_id=None,
            )
        )
    return tuple(contacts), tuple(crm_companies)
