"""The synthetic world the sandbox serves: companies, people, prior CRM contents and inbound form traffic.

What belongs here: the deterministic generation of everything the four vendor simulators answer from, as
a pure function of `(seed, size)`; time-based schedules (form submissions) are a function of explicit
datetimes as well. No I/O, no wall clock, no vendor wire formats: the simulators shape the JSON.

Every aspect draws from its own `random.Random(f"{seed}:...")` sub-stream, so that adding a field or a
new kind of record later does not reshuffle what already exists.

This package's `__init__` only re-exports; the parts live in modules named after what they hold:
`vocabulary` (public enumerations), `records` (the dataclasses), `draw` (seeded streams and tables), `text`
(normalization and slugs), static tables (`countries`, `first_names`, `last_names`, `industries`, `brands`,
`roles`), generators (`companies`, `signals`, `people`, `crm`, `forms`), `model` (the `World` with its
lookups and form traffic) and `generate` (`generate_world`).
"""

# Private, re-exported for `seller.py` (the seller's sender is the world's first owner).
from resources.sandbox.world.crm import _owners as _owners
from resources.sandbox.world.generate import generate_world
from resources.sandbox.world.model import World
from resources.sandbox.world.records import (
    Company,
    CrmCompany,
    CrmContact,
    Form,
    FormField,
    FormSubmission,
    Owner,
    Person,
    Signal,
)
from resources.sandbox.world.text import normalize_domain, normalize_email
from resources.sandbox.world.vocabulary import (
    AGE_RANGES,
    DEFAULT_SEED,
    DEFAULT_SIZE,
    DEPARTMENTS,
    EMAIL_STATUSES,
    EMPLOYEE_RANGES,
    FREE_MAIL_DOMAINS,
    JOB_LEVELS,
    LEAD_STATUSES,
    LIFECYCLE_STAGES,
    LOCATIONS_RANGES,
    NUMEMPLOYEES_CHOICES,
    REFERENCE_YEAR,
    REVENUE_RANGES,
    SELLER_DOMAIN,
    SIGNAL_KINDS,
    SUBMISSION_KINDS,
    TECHNOLOGIES,
)

__all__ = [
    "AGE_RANGES",
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "DEPARTMENTS",
    "EMAIL_STATUSES",
    "EMPLOYEE_RANGES",
    "FREE_MAIL_DOMAINS",
    "JOB_LEVELS",
    "LEAD_STATUSES",
    "LIFECYCLE_STAGES",
    "LOCATIONS_RANGES",
    "NUMEMPLOYEES_CHOICES",
    "REFERENCE_YEAR",
    "REVENUE_RANGES",
    "SELLER_DOMAIN",
    "SIGNAL_KINDS",
    "SUBMISSION_KINDS",
    "TECHNOLOGIES",
    "Company",
    "CrmCompany",
    "CrmContact",
    "Form",
    "FormField",
    "FormSubmission",
    "Owner",
    "Person",
    "Signal",
    "World",
    "generate_world",
    "normalize_domain",
    "normalize_email",
]
