"""The inbound assets, daily: `form_submissions -> inbound_leads -> inbound_routing`, their pandera models
and their blocking schema checks.

What belongs here: reading a day's submissions of the allow-listed forms (HubSpot's list plus the events
the signed webhook landed in the action ledger, so a failed run loses nothing when re-run), enriching and
tiering the leads, and routing them (contact, owner, HubSpot task with a drafted reply) exactly once per
submission through the action ledger (kind `inbound_task`, keyed by conversion id). Validation, tiering,
drafting and the routing helpers are pure modules next to this one.

Typed fields that read as instructions to a machine (`validation.flagged_fields`) are shown on the rows
(`flagged_fields`) and in the tier reason, and are never used as facts: not to match the company, not to
tier, not written to the HubSpot contact, and a draft that repeats one is refused.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.claude.resource import AnthropicResource
from resources.errors import AuthenticationError, ConfigurationError
from resources.explorium.models import ENRICH_BATCH
from resources.explorium.pricing import ENRICHMENT_RECORD
from resources.explorium.resource import ExploriumResource
from resources.hubspot.client import HubSpotClient
from resources.hubspot.models import Form, FormSubmission, TaskInput
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.countries import country_code
from sales_assets.common.effects import create_once
from sales_assets.common.fit import fit_components
from sales_assets.common.icp import IcpProfilesResource
from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import UtcTimestamp, schema_check, table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.common.spend import PaidCalls
from sales_assets.common.text import text_or_none
from sales_assets.inbound.replies import ReplyDrafter, system_prompt
from sales_assets.inbound.routing import PRIORITY, assign_owners, task_body, task_subject
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.tiers import TIERS, LeadFacts, tier_lead
from sales_assets.inbound.validation import (
    STATUSES,
    describe_flags,
    email_domain,
    flagged_fields,
    merge_duplicates,
    normalise_email,
    validate_submission,
)
from sales_assets.inbound.webhook import WEBHOOK_KIND

warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)

TASK_KIND = "inbound_task"
#: A lead whose email got a task this recently is merged into that task rather than given a second one.
RECENT_TASK_WINDOW = timedelta(days=7)
DRAFT_CONCURRENCY = 4
ROUTING_OUTCOMES = ("task_created", "already_routed", "merged_recent", "no_task", "failed")
REPLY_STATUSES = ("drafted", "cached", "failed", "refused", "none")
ENRICHMENT_STATUSES = ("enriched", "cached", "no_match", "no_company", "over_budget")
COMPANY_COLUMNS = [
    "domain",
    "business_id",
    "company_name",
    "industry",
    "employees_range",
    "revenue_range",
    "country_code",
    "enrichment_status",
]
CRM_PROPERTIES = ["email", "firstname", "lastname", "hubspot_owner_id", "lifecyclestage"]
FIELD_COLUMNS = {
    "firstname": "first_name",
    "lastname": "last_name",
    "company": "company",
    "jobtitle": "job_title",
    "phone": "phone",
    "numemployees": "company_size",
    "message": "message",
}


# --- models -------------------------------------------------------------------------------------------


class FormSubmissions(pa.DataFrameModel):
    """One row per submission of an allow-listed form on the partition's day, valid or not."""

    conversion_id: Series[str] = pa.Field(unique=True)
    form_id: Series[str]
    form_name: Series[str]
    submitted_at: Series[UtcTimestamp]
    source: Series[str] = pa.Field(isin=("poll", "webhook"))
    email: Series[str] = pa.Field(nullable=True)
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    company: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    phone: Series[str] = pa.Field(nullable=True)
    company_size: Series[str] = pa.Field(nullable=True)
    message: Series[str] = pa.Field(nullable=True)
    page_url: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    problems: Series[str] = pa.Field(nullable=True)
    email_valid: Series[bool]
    free_mail: Series[bool]
    role_address: Series[bool]
    spam: Series[bool]
    spam_reason: Series[str] = pa.Field(nullable=True)
    merged_into: Series[str] = pa.Field(nullable=True)
    duplicate_count: Series[int] = pa.Field(ge=0)
    #: Typed fields that read as instructions to a machine, and why ("job_title: asks to ...").
    flagged_fields: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="every invalid or duplicate submission says why")
    def problems_say_why(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["status"] == "valid") | frame["problems"].notna()


class InboundLeads(pa.DataFrameModel):
    """One row per valid, de-duplicated submission: enriched, tiered, with a written reason."""

    conversion_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    form_name: Series[str]
    submitted_at: Series[UtcTimestamp]
    first_name: Series[str] = pa.Field(nullable=True)
    last_name: Series[str] = pa.Field(nullable=True)
    company: Series[str] = pa.Field(nullable=True)
    job_title: Series[str] = pa.Field(nullable=True)
    message: Series[str] = pa.Field(nullable=True)
    phone: Series[str] = pa.Field(nullable=True)
    free_mail: Series[bool]
    role_address: Series[bool]
    spam: Series[bool]
    domain: Series[str] = pa.Field(nullable=True)
    business_id: Series[str] = pa.Field(nullable=True)
    company_name: Series[str] = pa.Field(nullable=True)
    industry: Series[str] = pa.Field(nullable=True)
    employees_range: Series[str] = pa.Field(nullable=True)
    country_code: Series[str] = pa.Field(nullable=True)
    enrichment_status: Series[str] = pa.Field(isin=ENRICHMENT_STATUSES)
    icp_fit: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    icp_profile: Series[str] = pa.Field(nullable=True)
    crm_contact_id: Series[str] = pa.Field(nullable=True)
    crm_owner_id: Series[str] = pa.Field(nullable=True)
    crm_lifecyclestage: Series[str] = pa.Field(nullable=True)
    seniority: Series[float] = pa.Field(ge=0.0, le=1.0)
    message_intent: Series[float] = pa.Field(ge=0.0, le=1.0)
    tier: Series[str] = pa.Field(isin=TIERS)
    tier_score: Series[float] = pa.Field(ge=0.0, le=1.0)
    tier_reason: Series[str] = pa.Field(str_length={"min_value": 10})
    duplicate_count: Series[int] = pa.Field(ge=0)
    flagged_fields: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False


class InboundRouting(pa.DataFrameModel):
    """One row per inbound lead: the task created for its owner (once, ever), or why there is none."""

    conversion_id: Series[str] = pa.Field(unique=True)
    email: Series[str]
    tier: Series[str] = pa.Field(isin=TIERS)
    outcome: Series[str] = pa.Field(isin=ROUTING_OUTCOMES)
    reason: Series[str] = pa.Field(nullable=True)
    owner_id: Series[str] = pa.Field(nullable=True)
    owner_source: Series[str] = pa.Field(nullable=True)
    contact_id: Series[str] = pa.Field(nullable=True)
    contact_created: Series[bool]
    task_id: Series[str] = pa.Field(nullable=True)
    due_at: Series[UtcTimestamp] = pa.Field(nullable=True)
    reply_status: Series[str] = pa.Field(isin=REPLY_STATUSES)
    reply_subject: Series[str] = pa.Field(nullable=True)
    reply_body: Series[str] = pa.Field(nullable=True)
    input_tokens: Series[int] = pa.Field(ge=0)
    output_tokens: Series[int] = pa.Field(ge=0)
    cost_usd: Series[float] = pa.Field(ge=0.0)

    class Config:
        strict = True
        coerce = False

    @pa.dataframe_check(error="a task id exactly when a task exists, a reason whenever there is none")
    def task_or_reason(cls, frame: pd.DataFrame) -> pd.Series:
        routed = frame["outcome"].isin(("task_created", "already_routed"))
        return (routed == frame["task_id"].notna()) & (routed | frame["reason"].notna())


SUBMISSION_COLUMNS = list(FormSubmissions.to_schema().columns)
LEAD_COLUMNS = list(InboundLeads.to_schema().columns)
ROUTING_COLUMNS = list(InboundRouting.to_schema().columns)


# --- helpers -----------------------------------------------------------------------------------------


def day_bounds(partition_key: str) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(partition_key).replace(tzinfo=UTC)
    return start, start + timedelta(days=1)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def submission_record(submission: FormSubmission, form: Form, source: str) -> dict[str, Any]:
    """A submission as a row of `form_submissions`, before validation."""
    values = {v.name: v.value for v in submission.values}
    row: dict[str, Any] = {
        "conversion_id": str(submission.conversion_id),
        "form_id": form.id,
        "form_name": form.name or form.id,
        "submitted_at": pd.Timestamp(submission.submitted_at, unit="ms", tz="UTC"),
        "source": source,
        "email": text_or_none(values.get("email")),
        "page_url": text_or_none(submission.page_url),
        "_values": values,
    }
    for field, column in FIELD_COLUMNS.items():
        row[column] = text_or_none(values.get(field))
    return row


def webhook_submissions(entries: pd.DataFrame, partition_key: str) -> list[tuple[str, FormSubmission]]:
    """(form id, submission) of every webhook event the intake landed for this day."""
    if entries.empty:
        return []
    day = entries[entries["partition"] == partition_key]
    out = []
    for detail in day["detail"]:
        form_id = str(detail.get("form_id") or "")
        submission = FormSubmission.model_validate(detail.get("submission") or {})
        out.append((form_id, submission))
    return out


def validate_rows(rows: Sequence[dict[str, Any]], required: Mapping[str, list[str]]) -> pd.DataFrame:
    """Validate each row against its form's required fields, then merge duplicates; one row per input."""
    checked = []
    for row in rows:
        verdict = validate_submission(row["_values"], required.get(row["form_id"], ["email"]))
        checked.append(
            {
                **{k: v for k, v in row.items() if k != "_values"},
                "email": normalise_email(row["email"]) if verdict.email_valid else row["email"],
                "status": verdict.status,
                "problems": "; ".join(verdict.problems) or None,
                "email_valid": verdict.email_valid,
                "free_mail": verdict.free_mail,
                "role_address": verdict.role_address,
                "spam": verdict.spam,
                "spam_reason": verdict.spam_reason,
            }
        )
    merged = merge_duplicates(checked)
    for row in merged:
        # After merging: a lead's gaps may have been filled from a later submission.
        row["flagged_fields"] = describe_flags(flagged_fields(row))
    frame = pd.DataFrame(merged, columns=[*SUBMISSION_COLUMNS, "merged_ids"])
    frame = frame.drop(columns=["merged_ids"]).sort_values(["submitted_at", "conversion_id"])
    frame = frame.reset_index(drop=True)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True).astype("datetime64[ns, UTC]")
    frame["duplicate_count"] = frame["duplicate_count"].fillna(0).astype("int64")
    for column in ("email_valid", "free_mail", "role_address", "spam"):
        frame[column] = frame[column].astype(bool)
    return _objects(frame, SUBMISSION_COLUMNS)


def _objects(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Text columns as object dtype with None for missing values (what the models expect)."""
    out = frame[list(columns)].copy()
    for column in out.columns:
        if out[column].dtype == object:
            # None, not NaN, for a missing value: the stubs leave None out of where().
            out[column] = out[column].astype(object).where(out[column].notna(), None)  # type: ignore[call-overload]
    return out


def best_fit(companies: pd.DataFrame, icp_profiles: IcpProfilesResource) -> pd.DataFrame:
    """The best ICP fit of each company over every profile, and which profile gave it. Technology is not
    bought for inbound leads, so it scores neutral (0.5) as discovery scores an unknown stack."""
    if companies.empty:
        return pd.DataFrame({"icp_fit": pd.Series(dtype=float), "icp_profile": pd.Series(dtype=object)})
    # A list per cell: the stubs take scalars only.
    frame = companies.assign(tech_stack=[[] for _ in range(len(companies))])  # type: ignore[misc]
    best = pd.Series(-1.0, index=companies.index)
    which = pd.Series(None, index=companies.index, dtype=object)
    for name, profile in sorted(icp_profiles.profiles().items()):
        fit = fit_components(frame, profile)
        score = fit["fit_score"]
        if profile.technologies:
            score = score + profile.fit_weights.technology * (0.5 - fit["fit_technology"])
        better = score > best
        best[better] = score[better]
        which[better] = name
    return pd.DataFrame({"icp_fit": best.clip(0, 1).round(4), "icp_profile": which})


def _run_id(context: dg.AssetExecutionContext) -> str:
    return context.run.run_id


# --- form_submissions -----------------------------------------------------------------------------------


@dg.asset(
    partitions_def=daily_partitions,
    group_name="inbound",
    kinds={"hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(FormSubmissions)},
    pool="hubspot",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def form_submissions(
    context: dg.AssetExecutionContext,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    inbound_settings: InboundSettings,
) -> dg.MaterializeResult:
    """Every submission of the allow-listed forms on the partition's day, read again from HubSpot (plus the
    ones the signed webhook delivered), validated: email syntax, the form's required fields, free-mail and
    role addresses and spam flagged, and later submissions of the same email merged into the first."""
    inbound_settings.check()
    start, end = day_bounds(context.partition_key)
    client = hubspot.get_client()
    calls_before = client.stats.total_calls
    try:
        forms = inbound_settings.resolve_forms(client)
    except (AuthenticationError, ConfigurationError) as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    by_id = {f.id: f for f in forms}
    rows: dict[str, dict[str, Any]] = {}
    for form in forms:
        # Newest first, stopping at the start of the day: later days' submissions are read and dropped.
        for submission in client.list_form_submissions(form.id, after_ms=_ms(start) - 1):
            if submission.conversion_id and submission.submitted_at < _ms(end):
                rows[submission.conversion_id] = submission_record(submission, form, "poll")
    delivered = webhook_submissions(pipeline_store.actions.entries(WEBHOOK_KIND), context.partition_key)
    ignored_webhook = 0
    for form_id, submission in delivered:
        delivered_form = by_id.get(form_id)
        if delivered_form is None or not submission.conversion_id:
            ignored_webhook += 1
            continue
        rows.setdefault(submission.conversion_id, submission_record(submission, delivered_form, "webhook"))
    frame = validate_rows(list(rows.values()), {f.id: f.required_fields or ["email"] for f in forms})
    counts = frame["status"].value_counts().to_dict()
    problems = frame[frame["status"] != "valid"]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"submissions_{s}": int(counts.get(s, 0)) for s in STATUSES},
            "free_mail": int(frame["free_mail"].sum()),
            "role_address": int(frame["role_address"].sum()),
            "spam": int(frame["spam"].sum()),
            "fields_read_as_instructions": int(frame["flagged_fields"].notna().sum()),
            "from_webhook": int((frame["source"] == "webhook").sum()),
            "webhook_events_ignored": ignored_webhook,
            "forms": ", ".join(f"{f.name} ({f.id})" for f in forms),
            "hubspot_calls": client.stats.total_calls - calls_before,
            "problems_preview": dg.MetadataValue.md(
                markdown_table(
                    problems, columns=["conversion_id", "form_name", "email", "status", "problems"]
                )
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(
                    frame, columns=["submitted_at", "form_name", "email", "company", "status", "spam"]
                )
            ),
        },
    )


# --- inbound_leads ---------------------------------------------------------------------------------------


def enrich_companies(
    leads: pd.DataFrame, explorium: ExploriumResource, paid: PaidCalls
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Explorium match (by domain and name; by name alone for free-mail leads) and firmographics, both
    through `PaidCalls`, so a company bought once is never bought again. One row per lead."""
    client = explorium.get_client()
    keys: list[str | None] = []
    inputs: dict[str, dict[str, str]] = {}
    # to_dict types record keys Hashable; these columns are str.
    for row in cast(list[dict[str, Any]], leads.to_dict("records")):
        domain = None if row["free_mail"] else email_domain(row["email"]) or None
        company = None if "company" in flagged_fields(row) else text_or_none(row.get("company"))
        if domain:
            key = f"domain:{domain}"
            inputs[key] = {"domain": domain, **({"name": company} if company else {})}
        elif company:
            key = f"name:{company.lower()}"
            inputs[key] = {"name": company}
        else:
            key = None
        keys.append(key)

    def match(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.match_businesses([inputs[k] for k in batch])
        ids = {k: m.business_id for k, m in zip(batch, result.matches, strict=False)}
        return ids, result.spend.credits, result.spend.calls

    matched = paid.by_id("POST /businesses/match", list(inputs), match, unit_credits=0.0)
    business_ids = sorted({b for b in matched.values.values() if b})

    def firmographics(batch: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_firmographics(batch)
        values = {i: f.model_dump(mode="json") for i, f in result.by_id().items()}
        return values, result.spend.credits, result.spend.calls

    firmo = paid.by_id(
        "POST /businesses/firmographics/bulk_enrich",
        business_ids,
        firmographics,
        unit_credits=ENRICHMENT_RECORD,
        chunk=ENRICH_BATCH,
    )
    rows = []
    for key in keys:
        business_id = matched.values.get(key) if key else None
        data = firmo.values.get(business_id) if business_id else None
        if key is None:
            status = "no_company"
        elif not business_id:
            status = "no_match"
        elif business_id in firmo.skipped:
            status = "over_budget"
        elif data is None:
            status = "no_match"
        else:
            status = "cached" if business_id in firmo.cached and key in matched.cached else "enriched"
        data = data or {}
        rows.append(
            {
                "domain": key.split(":", 1)[1] if key and key.startswith("domain:") else None,
                "business_id": business_id,
                "company_name": text_or_none(data.get("name")),
                "industry": text_or_none(data.get("linkedin_industry_category")),
                "employees_range": text_or_none(data.get("number_of_employees_range")),
                "revenue_range": text_or_none(data.get("yearly_revenue_range")),
                "country_code": country_code(data.get("country_name")),
                "enrichment_status": status,
            }
        )
    counts = {"matched": len(business_ids), "match_inputs": len(inputs)}
    return pd.DataFrame(rows, index=leads.index, columns=COMPANY_COLUMNS), counts


def crm_contacts(client: HubSpotClient, emails: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """Existing HubSpot contacts by email (batch read by email, 100 per call)."""
    if not emails:
        return {}
    result = client.read_contacts(list(dict.fromkeys(emails)), properties=CRM_PROPERTIES)
    out: dict[str, dict[str, str | None]] = {}
    for contact in result.results:
        if contact.email:
            out[contact.email.lower()] = {
                "id": contact.id,
                "owner": contact.get("hubspot_owner_id"),
                "stage": contact.get("lifecyclestage"),
            }
    return out


@dg.asset(
    partitions_def=daily_partitions,
    group_name="inbound",
    kinds={"explorium", "hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(InboundLeads)},
    pool="explorium",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def inbound_leads(
    context: dg.AssetExecutionContext,
    form_submissions: pd.DataFrame,
    explorium: ExploriumResource,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    icp_profiles: IcpProfilesResource,
    inbound_settings: InboundSettings,
) -> dg.MaterializeResult:
    """Each valid, de-duplicated submission enriched (Explorium company match and firmographics, cached;
    the HubSpot contact and its owner, if one exists) and given a tier with a written reason: ICP fit of the
    company, seniority of the title, the form's intent, the message's intent, free-mail and role
    penalties; spam is UNQUALIFIED."""
    frame = form_submissions[form_submissions["status"] == "valid"].reset_index(drop=True)
    paid = PaidCalls(
        pipeline_store,
        vendor="explorium",
        partition=f"inbound:{context.partition_key}",
        asset="inbound_leads",
        budget_credits=inbound_settings.daily_budget_credits,
        run_id=_run_id(context),
        account=explorium.get_client(),
    )
    companies, match_counts = enrich_companies(frame, explorium, paid)
    fits = best_fit(companies[companies["industry"].notna()], icp_profiles)
    client = hubspot.get_client()
    calls_before = client.stats.total_calls
    contacts = crm_contacts(client, frame["email"].tolist())
    policy = inbound_settings.policy()
    rows = []
    # reset_index above: the labels are ints. fits' cells are a float and a profile name or None.
    for i, row in cast(Iterable[tuple[int, pd.Series]], frame.iterrows()):
        company = companies.loc[i]
        fit = float(fits.loc[i, "icp_fit"]) if i in fits.index else None  # type: ignore[arg-type]
        profile = cast(str | None, fits.loc[i, "icp_profile"]) if i in fits.index else None
        crm = contacts.get(row["email"], {})
        tiering = tier_lead(
            LeadFacts(
                form_name=row["form_name"],
                job_title=row["job_title"],
                message=row["message"],
                icp_fit=fit,
                icp_profile=profile,
                free_mail=bool(row["free_mail"]),
                role_address=bool(row["role_address"]),
                spam=bool(row["spam"]),
                spam_reason=row["spam_reason"],
                flagged_fields=tuple(flagged_fields(row)),
            ),
            policy,
        )
        rows.append(
            {
                **{c: row[c] for c in LEAD_COLUMNS if c in row.index},
                **company.drop(labels=["revenue_range"]).to_dict(),
                "icp_fit": fit,
                "icp_profile": profile,
                "crm_contact_id": crm.get("id"),
                "crm_owner_id": crm.get("owner"),
                "crm_lifecyclestage": crm.get("stage"),
                "seniority": tiering.seniority,
                "message_intent": tiering.message_intent,
                "tier": tiering.tier,
                "tier_score": tiering.score,
                "tier_reason": tiering.reason,
            }
        )
    leads = pd.DataFrame(rows, columns=LEAD_COLUMNS)
    leads["submitted_at"] = pd.to_datetime(leads["submitted_at"], utc=True).astype("datetime64[ns, UTC]")
    leads = leads.astype(
        {
            "free_mail": bool,
            "role_address": bool,
            "spam": bool,
            "icp_fit": float,
            "seniority": float,
            "message_intent": float,
            "tier_score": float,
            "duplicate_count": "int64",
        }
    )
    # None, not NaN, for a missing value: the stubs leave None out of where().
    leads["icp_fit"] = leads["icp_fit"].astype(object).where(leads["icp_fit"].notna(), None).astype(float)  # type: ignore[call-overload]
    leads = _objects(leads, LEAD_COLUMNS)
    tiers = leads["tier"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=leads,
        metadata={
            "dagster/row_count": len(leads),
            **{f"tier_{t.lower()}": int(tiers.get(t, 0)) for t in TIERS},
            **paid.tally.metadata(),
            **match_counts,
            "crm_existing_contacts": int(leads["crm_contact_id"].notna().sum()),
            "hubspot_calls": client.stats.total_calls - calls_before,
            "mean_tier_score": round(float(leads["tier_score"].mean()), 4) if len(leads) else 0.0,
            "preview": dg.MetadataValue.md(
                markdown_table(leads, columns=["email", "company_name", "tier", "tier_score", "tier_reason"])
            ),
        },
    )


# --- inbound_routing ------------------------------------------------------------------------------------


def _recent_tasks(store: PipelineStoreResource, now: datetime) -> dict[str, tuple[str, str]]:
    """email -> (task id, conversion id) of the tasks created in the recent window."""
    entries = store.actions.entries(TASK_KIND, since=now - RECENT_TASK_WINDOW)
    out: dict[str, tuple[str, str]] = {}
    for key, status, detail in zip(entries["key"], entries["status"], entries["detail"], strict=True):
        if status == "created" and detail.get("email"):
            out[str(detail["email"])] = (str(detail.get("id") or detail.get("task_id")), str(key))
    return out


def _rotation_start(store: PipelineStoreResource) -> int:
    """How many leads the round-robin has assigned so far: the rotation continues from there."""
    entries = store.actions.entries(TASK_KIND)
    return int(sum(1 for d in entries["detail"] if d.get("owner_source") == "round_robin"))


def _contact_properties(lead: Mapping[str, Any], routes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The HubSpot contact of a lead without one. A typed field that reads as instructions is left out: the
    CRM would show it as the person's name or title, and whatever reads the CRM next would trust it."""
    flagged = flagged_fields(lead)

    def typed(column: str) -> Any:
        return None if column in flagged else lead.get(column)

    return {
        "email": lead["email"],
        "firstname": typed("first_name"),
        "lastname": typed("last_name"),
        "company": lead.get("company_name") or typed("company"),
        "jobtitle": typed("job_title"),
        "phone": lead.get("phone"),
        "lifecyclestage": "lead",
        "hubspot_owner_id": routes[lead["conversion_id"]]["owner_id"],
    }


def _empty_route(lead: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "conversion_id": lead["conversion_id"],
        "email": lead["email"],
        "tier": lead["tier"],
        "outcome": None,
        "reason": None,
        "owner_id": None,
        "owner_source": None,
        "contact_id": text_or_none(lead.get("crm_contact_id")),
        "contact_created": False,
        "task_id": None,
        "due_at": None,
        "reply_status": "none",
        "reply_subject": None,
        "reply_body": None,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
    }


@dg.asset(
    partitions_def=daily_partitions,
    group_name="inbound",
    kinds={"hubspot", "anthropic", "pandas"},
    metadata={"dagster/column_schema": table_schema(InboundRouting)},
    pool="hubspot",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
)
def inbound_routing(
    context: dg.AssetExecutionContext,
    inbound_leads: pd.DataFrame,
    hubspot: HubSpotResource,
    anthropic: AnthropicResource,
    pipeline_store: PipelineStoreResource,
    inbound_settings: InboundSettings,
    seller: SellerSettings,
) -> dg.MaterializeResult:
    """A HubSpot task for the owner of every lead not routed before (the action ledger keeps one task per
    submission forever), due by tier, with a reply drafted by Claude for the seller in its body (drafts
    only: nothing is sent). The owner is the HubSpot contact's owner, else the seller's default owner if
    one is set, else the next one of a round-robin over active owners; a lead without a contact gets one.
    UNQUALIFIED leads get no task, with the reason."""
    inbound_settings.check()
    now = datetime.now(UTC)
    store = pipeline_store
    client = hubspot.get_client()
    calls_before = client.stats.total_calls
    # to_dict types record keys Hashable; these columns are str.
    leads = cast(list[dict[str, Any]], inbound_leads.to_dict("records"))
    routes = {lead["conversion_id"]: _empty_route(lead) for lead in leads}
    done = store.actions.get_many(TASK_KIND, list(routes))
    recent = _recent_tasks(store, now)
    todo: list[dict[str, Any]] = []
    for lead in leads:
        route = routes[lead["conversion_id"]]
        previous = done.get(lead["conversion_id"])
        if previous is not None and previous.status == "created":
            detail = previous.detail
            route.update(
                outcome="already_routed",
                task_id=str(detail.get("id") or detail.get("task_id")),
                owner_id=detail.get("owner_id"),
                owner_source=detail.get("owner_source"),
                contact_id=detail.get("contact_id") or route["contact_id"],
                due_at=pd.Timestamp(detail["due_at"]) if detail.get("due_at") else None,
                reason="task created on "
                + (previous.at.date().isoformat() if previous.at else "an earlier run"),
            )
        elif lead["tier"] == "UNQUALIFIED":
            route.update(outcome="no_task", reason=lead["tier_reason"])
        elif lead["email"] in recent:
            task_id, source = recent[lead["email"]]
            route.update(
                outcome="merged_recent",
                reason=f"same email routed {RECENT_TASK_WINDOW.days} days or less ago "
                f"(submission {source}, task {task_id})",
            )
        else:
            todo.append(lead)

    owners = [o.id for o in client.list_owners() if not o.archived] if todo else []
    assigned = assign_owners(todo, owners, _rotation_start(store), seller.default_owner_id)
    new_contacts = []
    for lead, (owner, source) in zip(todo, assigned, strict=True):
        route = routes[lead["conversion_id"]]
        route.update(owner_id=owner, owner_source=source)
        if not route["contact_id"]:
            new_contacts.append(lead)
    if new_contacts:
        created = client.upsert_contacts([_contact_properties(lead, routes) for lead in new_contacts])
        by_email = {c.email.lower(): c.id for c in created.results if c.email}
        failed = {str(e.id).lower(): e.message for e in created.errors if e.id}
        for lead in new_contacts:
            route = routes[lead["conversion_id"]]
            if lead["email"] in by_email:
                route.update(contact_id=by_email[lead["email"]], contact_created=True)
            else:
                route.update(
                    outcome="failed",
                    reason=f"HubSpot contact not created: {failed.get(lead['email'], 'no result')}"[:500],
                )

    drafter = ReplyDrafter(
        anthropic.get_client(),
        store,
        model=inbound_settings.reply_model,
        max_tokens=inbound_settings.reply_max_tokens,
        system=system_prompt(seller),
        partition=f"inbound:{context.partition_key}",
        run_id=_run_id(context),
    )
    to_draft = [lead for lead in todo if routes[lead["conversion_id"]]["outcome"] != "failed"]
    # The first draft alone, so it writes the system prompt's cache that the others then read; then a few
    # in flight at once, the Claude client's limiter still pacing them.
    drafts = [drafter.draft(lead) for lead in to_draft[:1]]
    with ThreadPoolExecutor(max_workers=DRAFT_CONCURRENCY) as pool:
        drafts += list(pool.map(drafter.draft, to_draft[1:]))
    to_create: list[tuple[dict[str, Any], TaskInput]] = []
    for lead, drafted in zip(to_draft, drafts, strict=True):
        route = routes[lead["conversion_id"]]
        note = drafted.error or "no draft"
        due = inbound_settings.due(lead["tier"], pd.Timestamp(lead["submitted_at"]).to_pydatetime())
        if due is None:
            route.update(outcome="no_task", reason=f"no due time configured for tier {lead['tier']}")
            continue
        route.update(
            reply_status=drafted.status,
            reply_subject=drafted.draft.subject if drafted.draft else None,
            reply_body=drafted.draft.body if drafted.draft else None,
            input_tokens=drafted.input_tokens,
            output_tokens=drafted.output_tokens,
            cost_usd=round(drafted.cost_usd, 8),
            due_at=pd.Timestamp(due),
        )
        task = TaskInput(
            subject=task_subject(lead),
            body=task_body(lead, route["reply_subject"], route["reply_body"], note),
            due=due,
            priority=PRIORITY.get(lead["tier"], "LOW"),  # type: ignore[arg-type]
            type="EMAIL",
            owner_id=route["owner_id"],
            contact_ids=[route["contact_id"]] if route["contact_id"] else [],
        )
        to_create.append((route, task))

    attempted = len(to_create)
    if to_create:
        # Recorded before the create and findable by its key after (sales_assets/common/effects.py): a crash
        # or a lost answer right after HubSpot created a task never creates it twice.
        by_key = {route["conversion_id"]: (route, task) for route, task in to_create}
        try:
            outcome = create_once(
                client,
                store,
                kind=TASK_KIND,
                object_type="tasks",
                inputs={key: task for key, (_, task) in by_key.items()},
                partition=context.partition_key,
                detail={
                    key: {
                        "email": route["email"],
                        "owner_id": route["owner_id"],
                        "owner_source": route["owner_source"],
                        "contact_id": route["contact_id"],
                        "tier": route["tier"],
                        "due_at": task.due.isoformat(),
                    }
                    for key, (route, task) in by_key.items()
                },
            )
        except AuthenticationError as exc:
            raise dg.Failure(str(exc), allow_retries=False) from exc
        for key, (route, _) in by_key.items():
            created_id = outcome.record_id(key)
            if created_id is not None:
                route.update(outcome="task_created", task_id=created_id)
            elif key in outcome.pending:
                route.update(outcome="failed", reason="task pending: an earlier attempt may have created it")
            else:
                reason = outcome.failed.get(key, "HubSpot returned no task for this input")
                route.update(outcome="failed", reason=f"HubSpot task not created: {reason}"[:500])
        if attempted and all(r["outcome"] == "failed" for r, _ in to_create):
            first = next(iter(outcome.failed.values()), "no result")
            raise dg.Failure(
                f"every one of {attempted} HubSpot task creations failed; first: {first}",
                metadata={"attempted": attempted},
            )

    frame = pd.DataFrame(list(routes.values()), columns=ROUTING_COLUMNS)
    frame["due_at"] = pd.to_datetime(frame["due_at"], utc=True).astype("datetime64[ns, UTC]")
    frame = frame.astype(
        {"contact_created": bool, "input_tokens": "int64", "output_tokens": "int64", "cost_usd": float}
    )
    frame = _objects(frame, ROUTING_COLUMNS)
    outcomes = frame["outcome"].value_counts().to_dict()
    sources = frame["owner_source"].value_counts().to_dict()
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"leads_{o}": int(outcomes.get(o, 0)) for o in ROUTING_OUTCOMES},
            "owner_from_crm_contact": int(sources.get("crm_contact", 0)),
            "owner_from_round_robin": int(sources.get("round_robin", 0)),
            "owner_from_default_owner": int(sources.get("default_owner", 0)),
            "contacts_created": int(frame["contact_created"].sum()),
            "replies_drafted": drafter.paid_calls,
            "replies_from_cache": drafter.cache_hits,
            "drafts_refused": int((frame["reply_status"] == "refused").sum()),
            "leads_with_fields_read_as_instructions": int(inbound_leads["flagged_fields"].notna().sum()),
            "replies_sent": 0,
            "send_replies": inbound_settings.send_replies,
            "claude_cost_usd": round(float(frame["cost_usd"].sum()), 6),
            "claude_input_tokens": int(frame["input_tokens"].sum()),
            "claude_output_tokens": int(frame["output_tokens"].sum()),
            "hubspot_calls": client.stats.total_calls - calls_before,
            "owner_rule": "the HubSpot contact's owner when the email exists in HubSpot, else "
            + (
                f"the default owner {seller.default_owner_id}"
                if seller.default_owner_id
                else "a round-robin over active owners (sorted by id) continuing from the action ledger"
            ),
            "seller": f"{seller.sender_name}, {seller.company}",
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["email", "tier", "outcome", "owner_id", "due_at", "reason"])
            ),
        },
    )


# --- checks --------------------------------------------------------------------------------------------


INBOUND_ASSETS = [form_submissions, inbound_leads, inbound_routing]


def inbound_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema checks of the three inbound assets."""
    return [
        schema_check("form_submissions", FormSubmissions, partitions_def=daily_partitions),
        schema_check("inbound_leads", InboundLeads, partitions_def=daily_partitions),
        schema_check("inbound_routing", InboundRouting, partitions_def=daily_partitions),
        left_behind_check(
            "inbound_routing",
            left_behind=lambda f: f["outcome"] == "failed",
            columns=["conversion_id", "email", "tier", "outcome", "reason"],
            what="form leads",
            partitions_def=daily_partitions,
        ),
    ]
