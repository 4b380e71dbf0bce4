"""The filter objects of Explorium's fetch and stats endpoints: `BusinessFilters` and `ProspectFilters`.

What belongs here: the filter shapes Explorium takes (includes, exists, range, job title, events, intent)
and the shorthands callers may write (`country_code=["us"]`, `has_email=True`). Records and results are in
`models.py`; turning a filter into a request body is the client's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator


class IncludesFilter(BaseModel):
    """`{"values": [...], "negate": bool}`: values are ORed; `negate` excludes them instead."""

    values: list[str]
    negate: bool | None = None


class ExistsFilter(BaseModel):
    value: bool
    negate: bool | None = None


class RangeFilter(BaseModel):
    gte: int | None = None
    lte: int | None = None
    negate: bool | None = None


class JobTitleFilter(BaseModel):
    values: list[str]
    include_related_job_titles: bool | None = None
    negate: bool | None = None


class EventsFilter(BaseModel):
    """Companies with one of these events in the last `last_occurrence` days (the docs allow 30..90)."""

    values: list[str]
    last_occurrence: int
    negate: bool | None = None


class IntentFilter(BaseModel):
    topics: list[str]
    topic_intent_level: Literal["emerging_intent", "high_intent", "very_high_intent"] | None = None


def _as_includes(value: Any) -> Any:
    """Let callers write `country_code=["us"]` (or a single string) for an includes filter."""
    if isinstance(value, str):
        return {"values": [value]}
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return {"values": list(value)}
    return value


def _as_exists(value: Any) -> Any:
    return {"value": value} if isinstance(value, bool) else value


class _Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_api(self) -> dict[str, Any]:
        """The `filters` object as Explorium takes it (unset filters left out)."""
        return self.model_dump(exclude_none=True)


class BusinessFilters(_Filters):
    """Filters of `POST /v1/businesses` and `/businesses/stats`. Values within a filter are ORed,
    filters are ANDed. Use one industry filter per request (google, linkedin or naics category)."""

    country_code: IncludesFilter | None = None
    region_country_code: IncludesFilter | None = None
    city_region_country: IncludesFilter | None = None
    company_size: IncludesFilter | None = None
    company_revenue: IncludesFilter | None = None
    company_age: IncludesFilter | None = None
    number_of_locations: IncludesFilter | None = None
    google_category: IncludesFilter | None = None
    linkedin_category: IncludesFilter | None = None
    naics_category: IncludesFilter | None = None
    company_tech_stack_category: IncludesFilter | None = None
    company_tech_stack_tech: IncludesFilter | None = None
    company_name: IncludesFilter | None = None
    website_keywords: IncludesFilter | None = None
    business_intent_topics: IntentFilter | None = None
    events: EventsFilter | None = None
    has_website: ExistsFilter | None = None

    @field_validator(
        "country_code",
        "region_country_code",
        "city_region_country",
        "company_size",
        "company_revenue",
        "company_age",
        "number_of_locations",
        "google_category",
        "linkedin_category",
        "naics_category",
        "company_tech_stack_category",
        "company_tech_stack_tech",
        "company_name",
        "website_keywords",
        mode="before",
    )
    @classmethod
    def _includes_shorthand(cls, value: Any) -> Any:
        return _as_includes(value)

    @field_validator("has_website", mode="before")
    @classmethod
    def _exists_shorthand(cls, value: Any) -> Any:
        return _as_exists(value)


class ProspectFilters(_Filters):
    """Filters of `POST /v1/prospects`. `country_code` is the prospect's location, `company_country_code`
    the company HQ. Explorium advises not to combine job_title with job_level or job_department."""

    business_id: IncludesFilter | None = None
    job_level: IncludesFilter | None = None
    job_department: IncludesFilter | None = None
    job_title: JobTitleFilter | None = None
    has_email: ExistsFilter | None = None
    has_phone_number: ExistsFilter | None = None
    has_website: ExistsFilter | None = None
    country_code: IncludesFilter | None = None
    region_country_code: IncludesFilter | None = None
    company_country_code: IncludesFilter | None = None
    company_region_country_code: IncludesFilter | None = None
    company_size: IncludesFilter | None = None
    company_revenue: IncludesFilter | None = None
    google_category: IncludesFilter | None = None
    linkedin_category: IncludesFilter | None = None
    naics_category: IncludesFilter | None = None
    city_region_country: IncludesFilter | None = None
    company_name: IncludesFilter | None = None
    total_experience_months: RangeFilter | None = None
    current_role_months: RangeFilter | None = None

    @field_validator(
        "business_id",
        "job_level",
        "job_department",
        "country_code",
        "region_country_code",
        "company_country_code",
        "company_region_country_code",
        "company_size",
        "company_revenue",
        "google_category",
        "linkedin_category",
        "naics_category",
        "city_region_country",
        "company_name",
        mode="before",
    )
    @classmethod
    def _includes_shorthand(cls, value: Any) -> Any:
        return _as_includes(value)

    @field_validator("job_title", mode="before")
    @classmethod
    def _job_title_shorthand(cls, value: Any) -> Any:
        return _as_includes(value)

    @field_validator("has_email", "has_phone_number", "has_website", mode="before")
    @classmethod
    def _exists_shorthand(cls, value: Any) -> Any:
        return _as_exists(value)
