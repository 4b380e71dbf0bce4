"""Pydantic models of Explorium AgentSource v1: every payload the client returns.

What belongs here: the records Explorium returns (businesses, prospects, events, enrichments, contacts,
credits) and the result wrappers the client hands back, each carrying the `CallSpend` of the calls that
produced it. Vendor payloads allow extra fields so a new Explorium field never breaks a run. The request
filters (`BusinessFilters`, `ProspectFilters`, ...) are in `filters.py` and re-exported here; HTTP and paging
belong in the client modules.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from resources.explorium.filters import BusinessFilters as BusinessFilters
from resources.explorium.filters import EventsFilter as EventsFilter
from resources.explorium.filters import ExistsFilter as ExistsFilter
from resources.explorium.filters import IncludesFilter as IncludesFilter
from resources.explorium.filters import IntentFilter as IntentFilter
from resources.explorium.filters import JobTitleFilter as JobTitleFilter
from resources.explorium.filters import ProspectFilters as ProspectFilters
from resources.explorium.filters import RangeFilter as RangeFilter

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
