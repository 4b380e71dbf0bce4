"""The world's people: the employees of its companies, with names, addresses, phones and careers.

What belongs here: `_people`, its email formats, and the name draws the CRM and the form traffic reuse.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from resources.sandbox.world.countries import _COUNTRY_BY_CODE, _Country, _language, _phone
from resources.sandbox.world.draw import _hex, _rng, _Table
from resources.sandbox.world.first_names import _FIRST_NAMES
from resources.sandbox.world.last_names import _LAST_NAMES
from resources.sandbox.world.records import Company, Person
from resources.sandbox.world.roles import _EXPERIENCE_MONTHS, _LEVEL_RANK, _SKILLS, _roles
from resources.sandbox.world.text import _name_part
from resources.sandbox.world.vocabulary import EMPLOYEE_RANGES, REFERENCE_YEAR

_NAME_POOLS = tuple(_FIRST_NAMES)


def _pool_for(country: _Country, rng: random.Random) -> str:
    """The name pool of a person in `country`: mostly local, sometimes from elsewhere (people move)."""
    if rng.random() < 0.12:
        return rng.choice(_NAME_POOLS)
    if country.names == "ca":
        return "fr" if rng.random() < 0.25 else "en"
    return country.names


def _random_name(rng: random.Random, pool: str) -> tuple[str, str]:
    return rng.choice(_FIRST_NAMES[pool]), rng.choice(_LAST_NAMES[pool])


_PERSONAL_PROVIDERS = ("gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com")


#: per-company email formats (first.last dominates, as in real address books)
_EMAIL_FORMATS = _Table(
    [
        ("first.last", 62),
        ("flast", 16),
        ("first", 8),
        ("firstlast", 5),
        ("first_last", 3),
        ("f.last", 6),
    ]
)


def _local_part(fmt: str, first: str, last: str) -> str:
    if fmt == "first.last":
        return f"{first}.{last}"
    if fmt == "flast":
        return f"{first[0]}{last}"
    if fmt == "first":
        return first
    if fmt == "firstlast":
        return f"{first}{last}"
    if fmt == "first_last":
        return f"{first}_{last}"
    return f"{first[0]}.{last}"


def _people(seed: int, companies: Sequence[Company]) -> list[Person]:
    people: list[Person] = []
    taken_personal: set[str] = set()
    for i, company in enumerate(companies):
        crng = _rng(seed, "people", i)
        country = _COUNTRY_BY_CODE[company.country_code]
        size_index = EMPLOYEE_RANGES.index(company.employees_range)
        count = crng.randint(3, 4) if size_index == 0 else crng.randint(3, 5 + min(size_index, 3))
        email_format = _EMAIL_FORMATS.pick(crng)
        if email_format == "first" and size_index > 2:
            email_format = "first.last"
        roles = _roles(crng, company, count)
        taken_local: set[str] = set()
        company_age_months = max(6, (REFERENCE_YEAR - company.founded_year) * 12)
        language = _language(country.code)
        home_area = next(a for _, c, a in country.cities if c == company.city)
        for j, (title, level, department, *_rest) in enumerate(roles):
            rng = _rng(seed, "person", company.business_id, j)
            prospect_id = _hex(f"{seed}:person:{company.business_id}:{j}", 40)
            pool = _pool_for(country, rng)
            first, last = _random_name(rng, pool)
            german = pool == "de"
            f_part, l_part = _name_part(first, german=german), _name_part(last, german=german)
            local = _local_part(email_format, f_part, l_part)
            for fallback in ("first.last", "f.last", "firstlast"):
                if local not in taken_local:
                    break
                local = _local_part(fallback, f_part, l_part)
            n = 2
            base_local = local
            while local in taken_local:
                local = f"{base_local}{n}"
                n += 1
            taken_local.add(local)
            email = f"{local}@{company.domain}"
            if company.catch_all_domain:
                status = "catch-all"
            else:
                roll = rng.random()
                status = "valid" if roll < 0.78 else "invalid" if roll < 0.88 else "unknown"
            personal: str | None = None
            if rng.random() < 0.3:
                if country.code == "de":
                    provider = rng.choice(("gmx.de", "web.de", "gmail.com", "gmail.com"))
                elif country.code == "fr":
                    provider = rng.choice(("orange.fr", "gmail.com", "gmail.com", "hotmail.fr"))
                else:
                    provider = rng.choice(_PERSONAL_PROVIDERS)
                stem = rng.choice((f"{f_part}.{l_part}", f"{f_part}{l_part}", f"{f_part[0]}{l_part}"))
                candidate = f"{stem}@{provider}"
                while candidate in taken_personal:
                    candidate = f"{stem}{rng.randint(1, 99)}@{provider}"
                taken_personal.add(candidate)
                personal = candidate
            if rng.random() < 0.9:
                region, city, area = company.region, company.city, home_area
            else:
                region, city, area = rng.choice(country.cities)
            phone = _phone(rng, country, area, mobile=False) if rng.random() < 0.6 else None
            mobile = _phone(rng, country, area, mobile=True) if rng.random() < 0.35 else None
            linkedin = None
            if rng.random() < 0.85:
                slug = f"{f_part}-{l_part}".replace("--", "-")
                linkedin = f"https://www.linkedin.com/in/{slug}-{prospect_id[:8]}"
            rank = _LEVEL_RANK[level]
            lo_exp, hi_exp = _EXPERIENCE_MONTHS[rank]
            total = rng.randint(lo_exp, hi_exp)
            current = rng.randint(3, max(3, min(total, company_age_months, 180)))
            if level in ("founder", "owner"):
                current = min(total, company_age_months)
            skills = tuple(rng.sample(_SKILLS[department], rng.randint(3, min(7, len(_SKILLS[department])))))
            people.append(
                Person(
                    prospect_id=prospect_id,
                    business_id=company.business_id,
                    first_name=first,
                    last_name=last,
                    full_name=f"{first} {last}",
                    job_title=title,
                    job_level=level,
                    department=department,
                    email=email,
                    email_status=status,
                    personal_email=personal,
                    phone=phone,
                    mobile_phone=mobile,
                    linkedin_url=linkedin,
                    country_code=country.code,
                    country_name=country.name,
                    region=region,
                    city=city,
                    language=language,
                    total_experience_months=total,
                    current_role_months=current,
                    skills=skills,
                )
            )
    return people
