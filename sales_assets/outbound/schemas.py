"""pandera models of the outbound assets: one `DataFrameModel` per asset and the vocabularies their columns
take. The Dagster table schema generated from each model and the blocking schema check that runs it are
`sales_assets/common/schemas.py`'s.

What belongs here: column names, types, ranges and allowed values. Which rows pass a gate is decided in
`gates.py`; these models say what a well-formed frame looks like, and the blocking schema checks run them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sales_assets.common.fit import EMPLOYEE_ORDER, REVENUE_ORDER
from sales_assets.common.schemas import UtcTimestamp

#: Why a company does not go on to contact search.
COMPANY_DROP_REASONS = ("no_domain", "crm_existing_customer", "below_icp_threshold", "not_in_top_companies")
#: Why a prospect is not enriched.
CONTACT_DROP_REASONS = ("below_contact_threshold", "over_company_cap")
#: The lead gates, in the order a lead's first failing gate is reported.
LEAD_GATES = (
    "enrichment",
    "email_syntax",
    "deliverable_email",
    "unique_email",
    "not_suppressed",
    "crm_not_in_sequence",
    "crm_not_owned",
    "icp_threshold",
    "contact_threshold",
    "data_quality",
)
EMAIL_STATUSES = ("valid", "catch-all", "unknown", "invalid", "invalid_syntax", "missing")
ENRICHMENT_STATUSES = ("enriched", "cached", "no_data", "over_budget")


# Any, like pa.Field itself: the FieldInfo stands where the class body declares a Series column.
def _score() -> Any:
    return pa.Field(ge=0.0, le=1.0)


class _Model(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = False


class DiscoveredCompanies(_Model):
    """One row per business Explorium returned for the profile's filters."""

    business_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-f0-9]{32}$")
    company_name: Series[str]
    domain: Series[str] = pa.Field(nullable=True)
    website: Series[str] = pa.Field(nullable=True)
    industry: Series[str]
    country_name: Series[str] = pa.Field(nullable=True)
    country_code: Series[str] = pa.Field(nullable=True, str_length={"min_value": 2, "max_value": 2})
    city: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True, isin=EMPLOYEE_ORDER)
    revenue_range: Series[str] = pa.Field(nullable=True, isin=REVENUE_ORDER)
    naics_description: Series[str] = pa.Field(nullable=True)
    description: Series[str] = pa.Field(nullable=True)


class ScoredCompanies(DiscoveredCompanies):
    """Every discovered company with its ICP score components, CRM status and whether it goes on."""

    tech_stack: Series[object]
    tech_known: Series[bool]
    fit_industry: Series[float] = _score()
    fit_employees: Series[float] = _score()
    fit_revenue: Series[float] = _score()
    fit_technology: Series[float] = _score()
    fit_geography: Series[float] = _score()
    fit_score: Series[float] = _score()
    intent_score: Series[float] = _score()
    freshness_score: Series[float] = _score()
    signal_count: Series[int] = pa.Field(ge=0)
    top_signal: Series[str] = pa.Field(nullable=True)
    latest_signal_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    why_now_event: Series[str] = pa.Field(nullable=True)
    signals: Series[object]
    reachability_score: Series[float] = _score()
    icp_score: Series[float] = _score()
    crm_company_id: Series[str] = pa.Field(nullable=True)
    crm_owner_id: Series[str] = pa.Field(nullable=True)
    crm_lifecyclestage: Series[str] = pa.Field(nullable=True)
    rank: Series[int] = pa.Field(ge=1, unique=True)
    selected: Series[bool]
    drop_reason: Series[str] = pa.Field(nullable=True, isin=COMPANY_DROP_REASONS)


class CompanyContacts(_Model):
    """Prospects at the selected companies, with the contact score they can reach and whether they are
    enriched."""

    prospect_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-f0-9]{40}$")
    business_id: Series[str] = pa.Field(str_matches=r"^[a-f0-9]{32}$")
    company_name: Series[str]
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    full_name: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    job_level: Series[str] = pa.Field(nullable=True)
    department: Series[str] = pa.Field(nullable=True)
    linkedin_url: Series[str] = pa.Field(nullable=True)
    country_name: Series[str] = pa.Field(nullable=True)
    company_linkedin: Series[str] = pa.Field(nullable=True)
    title_score: Series[float] = _score()
    seniority_score: Series[float] = _score()
    linkedin_score: Series[float] = _score()
    contact_score_max: Series[float] = _score()
    company_icp_score: Series[float] = _score()
    company_rank: Series[int] = pa.Field(ge=1)
    selected: Series[bool]
    drop_reason: Series[str] = pa.Field(nullable=True, isin=CONTACT_DROP_REASONS)


class EnrichedContacts(_Model):
    """The selected prospects with verified contact details, company facts, final scores and the
    intelligence the copy will be written from."""

    prospect_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-f0-9]{40}$")
    business_id: Series[str] = pa.Field(str_matches=r"^[a-f0-9]{32}$")
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    full_name: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    job_level: Series[str] = pa.Field(nullable=True)
    department: Series[str] = pa.Field(nullable=True)
    email: Series[str] = pa.Field(nullable=True)
    email_status: Series[str] = pa.Field(isin=EMAIL_STATUSES)
    phone: Series[str] = pa.Field(nullable=True)
    linkedin_url: Series[str] = pa.Field(nullable=True)
    company_name: Series[str]
    domain: Series[str] = pa.Field(nullable=True)
    website: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True, isin=EMPLOYEE_ORDER)
    revenue_range: Series[str] = pa.Field(nullable=True, isin=REVENUE_ORDER)
    country_code: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    company_linkedin: Series[str] = pa.Field(nullable=True)
    description: Series[str] = pa.Field(nullable=True)
    tech_stack: Series[object]
    title_score: Series[float] = _score()
    seniority_score: Series[float] = _score()
    email_score: Series[float] = _score()
    linkedin_score: Series[float] = _score()
    contact_score: Series[float] = _score()
    fit_score: Series[float] = _score()
    intent_score: Series[float] = _score()
    freshness_score: Series[float] = _score()
    reachability_score: Series[float] = _score()
    icp_score: Series[float] = _score()
    data_quality: Series[float] = _score()
    pain_hypotheses: Series[object]
    personalization_hooks: Series[object]
    why_now: Series[str] = pa.Field(nullable=True)
    why_now_confidence: Series[float] = _score()
    why_now_source: Series[str] = pa.Field(nullable=True)
    enrichment_status: Series[str] = pa.Field(isin=ENRICHMENT_STATUSES)
    enriched_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    crm_company_id: Series[str] = pa.Field(nullable=True)


class QualifiedLeads(EnrichedContacts):
    """The leads that passed every gate, with what HubSpot already knows of them."""

    email: Series[str] = pa.Field(unique=True)
    crm_contact_id: Series[str] = pa.Field(nullable=True)
    crm_owner_id: Series[str] = pa.Field(nullable=True)
    crm_in_sequence: Series[bool]
    crm_email_optout: Series[bool]
    suppressed: Series[bool]
    suppression_reason: Series[str] = pa.Field(nullable=True)


class DisqualifiedLeads(_Model):
    """Enriched contacts that failed a gate: every failed gate, and the first one as the reason."""

    prospect_id: Series[str] = pa.Field(unique=True)
    business_id: Series[str]
    full_name: Series[str] = pa.Field(nullable=True)
    company_name: Series[str]
    email: Series[str] = pa.Field(nullable=True)
    email_status: Series[str] = pa.Field(isin=EMAIL_STATUSES)
    icp_score: Series[float] = _score()
    contact_score: Series[float] = _score()
    data_quality: Series[float] = _score()
    drop_reason: Series[str] = pa.Field(isin=LEAD_GATES)
    failed_gates: Series[str]
    detail: Series[str] = pa.Field(nullable=True)


CRM_RECORD_TYPES = ("company", "contact")
CRM_OUTCOMES = ("created", "updated", "unchanged", "failed")


class CrmSyncResults(_Model):
    """One row per company and contact the CRM sync handled, with its outcome."""

    record_type: Series[str] = pa.Field(isin=CRM_RECORD_TYPES)
    key: Series[str]
    prospect_id: Series[str] = pa.Field(nullable=True)
    outcome: Series[str] = pa.Field(isin=CRM_OUTCOMES)
    hubspot_id: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(nullable=True)
    correlation_id: Series[str] = pa.Field(nullable=True)
    associated: Series[object] = pa.Field(nullable=True)
    note_created: Series[bool]

    @pa.dataframe_check
    @classmethod
    def one_row_per_record(cls, frame: pd.DataFrame) -> bool:
        return not frame.duplicated(["record_type", "key"]).any()

    @pa.dataframe_check
    @classmethod
    def failures_say_why(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["outcome"] != "failed") | frame["reason"].notna()
