"""The entry point: `generate_world(seed, size)`, cached, builds the `World` from its parts."""

from __future__ import annotations

import functools

from resources.sandbox.world.companies import _companies
from resources.sandbox.world.crm import _crm, _owners
from resources.sandbox.world.forms import _forms
from resources.sandbox.world.model import World
from resources.sandbox.world.people import _people
from resources.sandbox.world.vocabulary import DEFAULT_SEED, DEFAULT_SIZE, SELLER_DOMAIN


@functools.lru_cache(maxsize=4)
def generate_world(seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE) -> World:
    """The world of `(seed, size)`: the same arguments give the same world in every process."""
    companies, injection_ids = _companies(seed, size)
    people = _people(seed, companies)
    owners = _owners(seed)
    taken_domains = {c.domain for c in companies} | {SELLER_DOMAIN}
    crm_contacts, crm_companies = _crm(seed, size, companies, people, owners, taken_domains)
    return World(
        seed=seed,
        size=size,
        companies=tuple(companies),
        people=tuple(people),
        owners=owners,
        crm_contacts=crm_contacts,
        crm_companies=crm_companies,
        forms=_forms(seed),
        injection_company_ids=frozenset(injection_ids),
    )
