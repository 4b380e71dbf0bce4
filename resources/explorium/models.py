"""Pydantic models of Explorium AgentSource v1: request filters and every payload the client returns.

What belongs here: the filter objects the fetch endpoints take (`BusinessFilters`, `ProspectFilters`), the
records Explorium returns (businesses, prospects, events, enrichments, contacts, credits) and the result
wrappers the client hands back, each carrying the `CallSpend` of the calls that produced it. Vendor payloads
allow extra fields so a new Explorium field never breaks a run. HTTP and paging belong in `client.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Explorium's batch limits (SPEC): match and bulk_enrich take 50 entities, events 40 business ids.
MATCH_BATCH = 50
ENRICH_BATCH = 50
EVENTS_BATCH = 40
#: Page mode: SPEC and the pagination page allow page_size up to 500, the fetch pages and quick-start say 100.
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
#: How many ids a fetch may exclude (`exclude`); a cache beyond that is topped up without them.
MAX_EXCLUDED = 1000
#: The largest `size` a fetch accepts.
MAX_FETCH_SIZE = 60_000

ContactType = Literal["email", "phone"]
BusinessEnrichmentKind = Literal[
    "firmographics", "technographics", "funding_and_acquisition", "workforce_trends"
]


class VendorModel(BaseModel):
    """Base of every Explorium payload: unknown fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


# --- spend -------------------------------------------------------------------------------------------


class CreditUsage(VendorModel):
    """The top-level `credit_usage` object a response carries when the request sent `credit-usage: true`.

    `total_results` counts the records billed by this call, not the search total.
    """

    total_credits: float = 0.0
    total_results: int = 0


class CallSpend(BaseModel):
    """What a client method spent over all its HTTP calls (sum of the `credit_usage` objects seen)."""

    calls: int = 0
    credits: float = 0.0
    billed_results: int = 0

    def add(self, usage: CreditUsage | None) -> None:
        self.calls += 1
        if usage is not None:
            self.credits += usage.total_credits
            self.billed_results += usage.total_results


class ResponseContext(VendorModel):
    correlation_id: str | None = None
    request_status: str | None = None
    time_took_in_seconds: float | None = None


class Envelope(VendorModel):
    """Fields every Explorium response shares."""

    response_context: ResponseContext | None = None
    credit_usage: CreditUsage | None = None


# --- filters -----------------------------------------------------------------------------------------


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


# --- businesses --------------------------------------------------------------------------------------


class Business(VendorModel):
    """A company as `POST /v1/businesses` returns it (SPEC Business)."""

    business_id: str
    name: str
    domain: str | None = None
    logo: str | None = None
    country_name: str | None = None
    city_name: str | None = None
    region: str | None = None
    number_of_employees_range: str | None = None
    yearly_revenue_range: str | None = None
    website: str | None = None
    business_description: str | None = None
    naics: int | None = None
    naics_description: str | None = None
    sic_code: str | None = None
    sic_code_description: str | None = None
    business_intent_topics: list[dict[str, Any]] | None = None
    events: list[str] | None = None


RecordT = TypeVar("RecordT", bound=BaseModel)


class FetchPage(Envelope, Generic[RecordT]):
    """One page-mode page of a fetch."""

    data: list[RecordT] = Field(default_factory=list)
    total_results: int = 0
    page: int = 1
    total_pages: int = 0


class FetchResult(BaseModel, Generic[RecordT]):
    """Every record of a fetch over all its pages, with the search total and the spend."""

    records: list[RecordT]
    total_results: int
    pages: int
    spend: CallSpend


class BusinessStats(Envelope):
    total_results: int = 0
    stats: dict[str, Any] = Field(default_factory=dict)
    spend: CallSpend = Field(default_factory=CallSpend)


class AutocompleteOption(VendorModel):
    query: str | None = None
    label: str
    value: str


class BusinessToMatch(BaseModel):
    """One input of `POST /v1/businesses/match`: name plus domain matches best."""

    name: str | None = None
    domain: str | None = None
    url: str | None = None
    linkedin_url: str | None = None


class BusinessMatch(VendorModel):
    input: dict[str, Any]
    business_id: str | None = None
    error: str | None = None
    error_type: str | None = None


class BusinessMatchResult(BaseModel):
    """Matches in input order; unmatched inputs have `business_id` None."""

    matches: list[BusinessMatch]
    spend: CallSpend

    @property
    def matched(self) -> dict[int, str]:
        return {i: m.business_id for i, m in enumerate(self.matches) if m.business_id}


class BusinessEvent(VendorModel):
    event_name: str
    event_time: str | None = None
    event_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    business_id: str | None = None


class BusinessEventsResult(BaseModel):
    events: list[BusinessEvent]
    spend: CallSpend


class Firmographics(VendorModel):
    business_id: str | None = None
    name: str | None = None
    business_description: str | None = None
    website: str | None = None
    country_name: str | None = None
    region_name: str | None = None
    city_name: str | None = None
    street: str | None = None
    zip_code: str | None = None
    naics: str | None = None
    naics_description: str | None = None
    sic_code: str | None = None
    sic_code_description: str | None = None
    ticker: str | None = None
    number_of_employees_range: str | None = None
    yearly_revenue_range: str | None = None
    linkedin_industry_category: str | None = None
    linkedin_profile: str | None = None
    business_logo: str | None = None
    locations_distribution: list[dict[str, Any]] | None = None


class Technographics(VendorModel):
    """`full_tech_stack` plus one list per category (sales, marketing, ...), kept as extra fields."""

    full_tech_stack: list[str] = Field(default_factory=list)
    full_nested_tech_stack: list[dict[str, Any]] | None = None


class FundingAndAcquisition(VendorModel):
    domain: str | None = None
    company_name: str | None = None
    investors: list[str] | None = None
    is_ipo: bool | None = None
    ipo_date: str | None = None
    number_of_funding_rounds: int | None = None
    first_funding_round_type: str | None = None
    first_funding_round_date: str | None = None
    first_funding_round_value_usd: float | None = None
    last_funding_round_type: str | None = None
    last_funding_round_date: str | None = None
    last_funding_round_value_usd: str | None = None
    known_funding_total_value: float | None = None
    acquired_by: str | None = None
    funding_rounds_info: Any = None


class WorkforceTrends(VendorModel):
    """`perc_<dept>_roles` and `change_in_<dept>_roles` per department, kept as extra fields."""

    profiles_found_per_quarter: int | None = None
    change_in_roles_divisor: int | None = None
    quarters: Any = None


EnrichmentT = TypeVar("EnrichmentT", bound=BaseModel)


class EnrichedBusiness(BaseModel, Generic[EnrichmentT]):
    business_id: str
    data: EnrichmentT | None = None


class BusinessEnrichmentResult(BaseModel, Generic[EnrichmentT]):
    """Rows of a bulk enrichment in the order Explorium returned them; ids without data are left out."""

    kind: str
    rows: list[EnrichedBusiness[EnrichmentT]]
    spend: CallSpend

    def by_id(self) -> dict[str, EnrichmentT]:
        return {r.business_id: r.data for r in self.rows if r.data is not None}


# --- prospects ---------------------------------------------------------------------------------------


class Prospect(VendorModel):
    """A person as `POST /v1/prospects` returns it: no contact details, only a hash of the work email."""

    prospect_id: str
    professional_email_hashed: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    country_name: str | None = None
    region_name: str | None = None
    city: str | None = None
    linkedin: str | None = None
    experience: list[str] | None = None
    skills: list[str] | None = None
    interests: list[str] | None = None
    company_name: str | None = None
    company_website: str | None = None
    company_linkedin: str | None = None
    job_department: str | None = None
    job_department_array: list[str] | None = None
    job_department_main: str | None = None
    job_seniority_level: list[str] | None = None
    job_level_array: list[str] | None = None
    job_level_main: str | None = None
    job_title: str | None = None
    business_id: str | None = None
    linkedin_url_array: list[str] | None = None


class ProspectToMatch(BaseModel):
    """One input of `POST /v1/prospects/match`; full_name needs company_name (or business_id)."""

    business_id: str | None = None
    full_name: str | None = None
    company_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    linkedin: str | None = None


class ProspectMatch(VendorModel):
    input: dict[str, Any]
    prospect_id: str | None = None


class ProspectMatchResult(BaseModel):
    matches: list[ProspectMatch]
    spend: CallSpend


class ContactEmail(VendorModel):
    address: str
    type: str | None = None


class PhoneNumber(VendorModel):
    phone_number: str


class Contacts(VendorModel):
    """Contact details of one prospect. `professions_email` is Explorium's own (misspelt) field name."""

    emails: list[ContactEmail] | None = None
    professions_email: str | None = None
    professional_email_status: Literal["valid", "catch-all", "invalid"] | None = None
    phone_numbers: list[PhoneNumber] | None = None
    mobile_phone: str | None = None

    @property
    def professional_email(self) -> str | None:
        return self.professions_email


class EnrichedContacts(BaseModel):
    prospect_id: str
    data: Contacts | None = None


class ContactsEnrichmentResult(BaseModel):
    rows: list[EnrichedContacts]
    spend: CallSpend

    def by_id(self) -> dict[str, Contacts]:
        return {r.prospect_id: r.data for r in self.rows if r.data is not None}


class ProspectProfile(VendorModel):
    full_name: str | None = None
    country_name: str | None = None
    age_group: str | None = None
    gender: str | None = None
    education: list[dict[str, Any]] | None = None
    experience: list[dict[str, Any]] | None = None
    job_title: str | None = None
    job_seniority_level: str | list[str] | None = None
    job_level_main: str | None = None
    job_level_array: list[str] | None = None
    job_department_main: str | None = None
    linkedin: str | None = None


class EnrichedProfile(BaseModel):
    prospect_id: str
    data: ProspectProfile | None = None


class ProfilesEnrichmentResult(BaseModel):
    rows: list[EnrichedProfile]
    spend: CallSpend

    def by_id(self) -> dict[str, ProspectProfile]:
        return {r.prospect_id: r.data for r in self.rows if r.data is not None}


# --- account -----------------------------------------------------------------------------------------


class Credits(Envelope):
    """`GET /v1/credits`: the account's shared prepaid pool."""

    allocated_credits: float
    remaining_credits: float

    @property
    def remaining(self) -> float:
        return self.remaining_credits

    @property
    def allocated(self) -> float:
        return self.allocated_credits


class CreditAggregation(Envelope):
    """`POST /v1/credits/aggregation`: credits the account was charged between two times. Explorium types
    the `aggregations` items only as objects, so the product reads `total_credits` alone."""

    from_date: str
    to_date: str
    mode: str
    total_credits: float
    aggregations: list[dict[str, Any]] = Field(default_factory=list)
