"""The records of the world: companies, people, signals, CRM contents and forms, as frozen dataclasses.

What belongs here: the shapes only; how they are generated lives in the modules named after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Signal:
    """A business event (Explorium "business event") of one company; `offset_days` before the world epoch."""

    kind: str
    event_name: str
    offset_days: int
    event_id: str
    # Treat as read-only: the world is cached and shared.
    data: dict[str, object] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Company:
    """A company as a B2B data vendor describes it (firmographics, technographics, business events)."""

    business_id: str
    name: str
    domain: str
    website: str
    linkedin_url: str
    country_code: str
    country_name: str
    region: str
    city: str
    industry: str
    naics: str
    naics_description: str
    employees_range: str
    employee_count: int
    revenue_range: str
    founded_year: int
    age_range: str
    locations_range: str
    tech_stack: tuple[str, ...]
    description: str
    catch_all_domain: bool
    signals: tuple[Signal, ...]
    is_public: bool
    ticker: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """An employee of a world company, as a prospect database knows them."""

    prospect_id: str
    business_id: str
    first_name: str
    last_name: str
    full_name: str
    job_title: str
    job_level: str
    department: str
    email: str
    email_status: str
    personal_email: str | None
    phone: str | None
    mobile_phone: str | None
    linkedin_url: str | None
    country_code: str
    country_name: str
    region: str
    city: str
    language: str
    total_experience_months: int
    current_role_months: int
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Owner:
    """A HubSpot user who owns records."""

    id: str
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class CrmContact:
    """A contact that exists in the simulated HubSpot portal before the pipeline runs."""

    email: str
    firstname: str
    lastname: str
    company: str | None
    jobtitle: str | None
    owner_id: str | None
    lifecyclestage: str
    hs_lead_status: str | None
    email_optout: bool
    in_sequence: bool
    created_days_ago: int
    prospect_id: str | None


@dataclass(frozen=True, slots=True)
class CrmCompany:
    """A company in the simulated HubSpot portal; `domain` is stored as a user typed it (not normalized)."""

    domain: str
    name: str
    owner_id: str | None
    lifecyclestage: str
    created_days_ago: int
    business_id: str | None


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a HubSpot form; `field_type` is "email", "text", "select", "textarea" or "phone"."""

    name: str
    label: str
    required: bool
    field_type: str


@dataclass(frozen=True, slots=True)
class Form:
    """An inbound form on the seller's site; `interval_minutes` is the mean time between submissions."""

    guid: str
    name: str
    form_type: str
    fields: tuple[FormField, ...]
    interval_minutes: float


@dataclass(frozen=True, slots=True)
class FormSubmission:
    """One submission as HubSpot returns it, plus `kind`: what the generator meant it to be (the truth)."""

    conversion_id: str
    form_guid: str
    index: int
    submitted_at: datetime
    values: tuple[tuple[str, str], ...]
    page_url: str
    kind: str
