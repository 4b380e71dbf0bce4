"""`campaign_enrollments`: each qualified lead with its copy enrolled in the ICP's lemlist campaign, which
stays a draft (nothing is sent) unless sending is switched on explicitly.

What belongs here: the enrollment asset, its pandera model (`CampaignEnrollments`) and the pure helpers it
is made of (which leads may be enrolled, what lemlist is sent for each). Its settings (`EnrollmentSettings`)
are `sales_assets/common/campaigns.py`'s, since engagement reads the same campaigns. Every lead is checked
at enrollment time against the latest suppression list, lemlist's own unsubscribe list (read once per run)
and the product's enrollment ledger (so nobody is added twice), and the daily cap per campaign is kept
through that ledger. While the ICP has a copy experiment running, each lead gets its variant (assigned by
its address, `sales_assets.common.copy_variants`): the variant's subject and first line in its copy, the
variant's name in `subjectVariant`, and the variant in the ledger; otherwise the default copy in force.
The lemlist calls themselves are `resources.lemlist`'s.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError, NotFoundError, VendorError
from resources.lemlist.client import LemlistClient
from resources.lemlist.models import Campaign, LeadInput, Unsubscribe
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource, SuppressionHit, normalise_email
from sales_assets.common.campaigns import CLOSED_CAMPAIGN_STATES, SENDING_VARIABLE, EnrollmentSettings
from sales_assets.common.copy_variants import (
    VARIANT_VARIABLE,
    CopyVariant,
    Experiment,
    apply_variant,
    current_default,
    running_experiment,
)
from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.schemas import schema_check, table_schema
from sales_assets.common.text import text_or_none

logger = logging.getLogger(__name__)


#: What enrollment did with each lead of `outreach_copy`.
ENROLLMENT_OUTCOMES = (
    "added",
    "already_enrolled",
    "skipped_duplicate",
    "skipped_unsubscribed",
    "suppressed",
    "held_back",
    "crm_failed",
    "over_daily_cap",
    "failed",
)
#: Copy statuses that may be sent; anything else (`held_back`) is held.
SENDABLE_COPY = ("written", "cached")
#: lemlist custom variables, as a sequence template uses them (`{{emailSubject}}`), and the copy column each
#: one is filled from.
COPY_VARIABLES = {
    "emailSubject": "subject",
    "emailBody": "body",
    "followUpSubject": "follow_up_subject",
    "followUpBody": "follow_up_body",
    "whyNow": "why_now",
}
COPY_COLUMNS = [
    "prospect_id",
    "email",
    "subject",
    "body",
    "follow_up_subject",
    "follow_up_body",
    "status",
    "hold_reason",
]
LEAD_FACT_COLUMNS = [
    "prospect_id",
    "email",
    "first_name",
    "last_name",
    "company_name",
    "domain",
    "job_title",
    "linkedin_url",
    "phone",
    "why_now",
]


class CampaignEnrollments(pa.DataFrameModel):
    """One row per lead of `outreach_copy`: the campaign it was meant for and what enrollment did."""

    prospect_id: Series[str] = pa.Field(unique=True)
    email: Series[str] = pa.Field(nullable=True)
    campaign_id: Series[str]
    outcome: Series[str] = pa.Field(isin=ENROLLMENT_OUTCOMES)
    reason: Series[str] = pa.Field(nullable=True)
    lemlist_lead_id: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = False


ENROLLMENT_COLUMNS = list(CampaignEnrollments.to_schema().columns)


# --- pure helpers -------------------------------------------------------------------------------------


def enrollment_candidates(
    outreach_copy: pd.DataFrame, qualified_leads: pd.DataFrame, crm_sync_results: pd.DataFrame
) -> pd.DataFrame:
    """One row per lead of `outreach_copy` (first row per prospect), with its lead facts and its contact's
    CRM outcome, and `outcome`/`reason` already set for the leads lemlist must never see: copy held back,
    CRM write failed, no usable copy or address, or the same address twice in the batch."""
    copy = outreach_copy.reindex(columns=COPY_COLUMNS).drop_duplicates("prospect_id").reset_index(drop=True)
    facts = qualified_leads.reindex(columns=LEAD_FACT_COLUMNS).drop_duplicates("prospect_id")
    frame = copy.merge(
        facts.rename(columns={"email": "lead_email"}), on="prospect_id", how="left", validate="one_to_one"
    )
    frame["email"] = [
        normalise_email(e) if e else None
        for e in (
            text_or_none(a) or text_or_none(b)
            for a, b in zip(frame["email"], frame["lead_email"], strict=True)
        )
    ]

    crm = crm_sync_results.reindex(columns=["record_type", "key", "prospect_id", "outcome", "reason"])
    failed = crm[(crm["record_type"] == "contact") & (crm["outcome"] == "failed")]
    failed_by_prospect = {
        text_or_none(p): text_or_none(r)
        for p, r in zip(failed["prospect_id"], failed["reason"], strict=True)
        if text_or_none(p)
    }
    failed_by_email = {
        normalise_email(k): text_or_none(r)
        for k, r in zip(failed["key"], failed["reason"], strict=True)
        if text_or_none(k)
    }

    outcomes: list[str | None] = []
    reasons: list[str | None] = []
    seen: dict[str, str] = {}
    for row in frame.to_dict("records"):
        outcome, reason = None, None
        email = row["email"]
        if row["status"] not in SENDABLE_COPY:
            outcome = "held_back"
            reason = text_or_none(row["hold_reason"]) or f"copy status {row['status']}"
        elif row["prospect_id"] in failed_by_prospect or (email and email in failed_by_email):
            outcome = "crm_failed"
            reason = failed_by_prospect.get(row["prospect_id"]) or failed_by_email.get(email or "")
            reason = reason or "the CRM write of this contact failed"
        elif not email or "@" not in email:
            outcome, reason = "failed", "no email address"
        elif not text_or_none(row["subject"]) or not text_or_none(row["body"]):
            outcome, reason = "failed", "copy has no subject or body"
        elif email in seen:
            outcome, reason = "skipped_duplicate", f"same address as prospect {seen[email]} in this batch"
        if email and outcome is None:
            seen[email] = row["prospect_id"]
        outcomes.append(outcome)
        reasons.append(reason)
    frame["outcome"] = outcomes
    frame["reason"] = reasons
    return frame


def lead_input(row: Mapping[str, Any]) -> LeadInput:
    """What lemlist gets for one lead: its standard fields and the copy as custom variables (left out when
    empty, so a template never renders a literal 'None'), and the copy variant it is sent, if any."""
    variables = {name: text_or_none(row.get(column)) for name, column in COPY_VARIABLES.items()}
    variables[VARIANT_VARIABLE] = text_or_none(row.get("variant"))
    return LeadInput(
        email=row["email"],
        first_name=text_or_none(row.get("first_name")),
        last_name=text_or_none(row.get("last_name")),
        company_name=text_or_none(row.get("company_name")),
        company_domain=text_or_none(row.get("domain")),
        job_title=text_or_none(row.get("job_title")),
        linkedin_url=text_or_none(row.get("linkedin_url")),
        phone=text_or_none(row.get("phone")),
        variables={k: v for k, v in variables.items() if v is not None},
    )


def unsubscribe_values(entries: Iterable[Unsubscribe]) -> frozenset[str]:
    """lemlist's unsubscribe list as lower-case emails and `@domain` entries."""
    return frozenset(e.value.strip().lower() for e in entries if e.value)


def on_unsubscribe_list(email: str, values: frozenset[str]) -> bool:
    """Whether the address, or its whole domain (`@example.com`), is on lemlist's unsubscribe list."""
    return email in values or "@" + email.rsplit("@", 1)[-1] in values


def resolve_campaign(client: LemlistClient, settings: EnrollmentSettings, icp: str) -> tuple[Campaign, bool]:
    """The ICP's campaign and whether it was created now: the configured id, else the open campaign named
    '<prefix> <icp>', else a new draft of that name."""
    configured = settings.campaigns.get(icp)
    if configured:
        try:
            campaign = client.get_campaign(configured)
        except NotFoundError as exc:
            raise dg.Failure(
                f"lemlist campaign {configured} (configured for ICP {icp!r}) does not exist",
                allow_retries=False,
            ) from exc
    else:
        name = settings.campaign_name(icp)
        found = [
            c for c in client.list_campaigns() if c.name == name and c.status not in CLOSED_CAMPAIGN_STATES
        ]
        if len(found) > 1:
            logger.warning("lemlist has %d open campaigns named %r; using %s", len(found), name, found[0].id)
        if not found:
            created = client.create_campaign(name, timezone=settings.timezone)
            # The documented create answer shows `state: running` while lemlist's product creates drafts:
            # the campaign's own record is what the draft/running decision is taken on.
            return client.get_campaign(created.id), True
        campaign = found[0]
    if campaign.status in CLOSED_CAMPAIGN_STATES:
        raise dg.Failure(
            f"lemlist campaign {campaign.id} ({campaign.name!r}) for ICP {icp!r} is {campaign.status}; "
            "configure an open campaign in EnrollmentSettings.campaigns",
            allow_retries=False,
        )
    return campaign, False


# --- the enrollment run -------------------------------------------------------------------------------


@dataclass
class EnrollmentRun:
    """One partition's enrollment against one campaign: the decisions per lead and what was written."""

    client: LemlistClient
    store: PipelineStoreResource
    settings: EnrollmentSettings
    campaign: Campaign
    partition: str
    log: Any = logger
    unsubscribes_read: int = 0
    started: bool = False
    #: The ICP's running copy experiment (each lead gets its variant), else the default copy in force.
    experiment: Experiment | None = None
    default_copy: CopyVariant | None = None
    _unsubscribed: frozenset[str] | None = field(default=None, init=False)

    def with_copy(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """`row` as it is sent: with its experiment variant's subject, first line and name, or with the
        default copy in force; unchanged when neither exists."""
        out = dict(row)
        chosen = self.default_copy
        if self.experiment is not None:
            chosen = self.experiment.assign(str(row["email"]))
            out["variant"] = chosen.name
        out["subject"], out["body"] = apply_variant(
            text_or_none(row.get("subject")), text_or_none(row.get("body")), chosen
        )
        return out

    def unsubscribed(self) -> frozenset[str]:
        """lemlist's unsubscribe list (emails and `@domain` entries), read once per run: one request, the
        v2 CSV export, whatever the list's size."""
        if self._unsubscribed is None:
            self._unsubscribed = unsubscribe_values(self.client.unsubscribes())
            self.unsubscribes_read += 1
        return self._unsubscribed

    def record(self, row: Mapping[str, Any], outcome: str, lead_id: str | None) -> None:
        # Written per lead, right after its call: a killed run leaves no added lead unrecorded.
        self.store.enrollments.record_many(
            [
                {
                    "campaign_id": self.campaign.id,
                    "email": row["email"],
                    "lead_id": lead_id,
                    "status": outcome,
                    "partition": self.partition,
                    "variant": text_or_none(row.get("variant")),
                }
            ]
        )

    def enroll(self, frame: pd.DataFrame, today: datetime) -> pd.DataFrame:
        """Every undecided lead through the ledger, the suppression list, lemlist's unsubscribe list and
        the daily cap, then added to the campaign. Returns `frame` with outcome, reason and lead id."""
        out = frame.copy()
        out["lemlist_lead_id"] = None
        open_rows = out.index[out["outcome"].isna()]
        emails = out.loc[open_rows, "email"].tolist()
        ledger = self.store.enrollments.get_many(self.campaign.id, emails) if emails else {}
        suppressed: dict[str, SuppressionHit] = self.store.suppression.lookup(emails) if emails else {}
        room = max(0, self.settings.daily_cap - self.store.enrollments.count(self.campaign.id, today.date()))
        live_without_permission = self.campaign.status == "running" and not self.settings.sending_enabled
        if live_without_permission and len(open_rows):
            self.log.warning(
                f"lemlist campaign {self.campaign.id} is running while sending is disabled "
                f"({SENDING_VARIABLE}): no lead is added, since lemlist would email it"
            )
        added = 0
        systemic: list[VendorError] = []
        attempted = 0
        for i in open_rows:
            row = out.loc[i].to_dict()
            email = row["email"]
            enrolled = ledger.get(email)
            outcome: str
            reason: str | None = None
            lead_id: str | None = None
            if enrolled is not None and enrolled.status == "added":
                outcome, lead_id = "already_enrolled", enrolled.lead_id
                reason = f"enrolled on {enrolled.enrolled_at.date().isoformat()}"
                reason += f" by partition {enrolled.partition}" if enrolled.partition else ""
            elif email in suppressed:
                hit = suppressed[email]
                outcome, reason = (
                    "suppressed",
                    f"{hit.kind} on the suppression list: {hit.reason} ({hit.source})",
                )
                self.record(row, outcome, None)
            elif on_unsubscribe_list(email, self.unsubscribed()):
                outcome, reason = "skipped_unsubscribed", "on lemlist's unsubscribe list"
                self.record(row, outcome, None)
            elif live_without_permission:
                outcome, reason = "held_back", "campaign is running in lemlist while sending is disabled"
            elif added >= room:
                outcome = "over_daily_cap"
                reason = f"daily cap of {self.settings.daily_cap} leads reached for this campaign"
            else:
                attempted += 1
                row = self.with_copy(row)
                try:
                    result = self.client.add_lead(self.campaign.id, lead_input(row), deduplicate=True)
                except AuthenticationError:
                    # A refused key is systemic: it fails the asset, it is not one lead's failure.
                    raise
                except VendorError as exc:
                    outcome, reason = "failed", str(exc)[:500]
                    if exc.retryable or isinstance(exc, NotFoundError):
                        systemic.append(exc)
                else:
                    outcome, reason = result.status, result.message
                    lead_id = result.lead.id if result.lead is not None else None
                    if result.added:
                        added += 1
                self.record(row, outcome, lead_id)
            out.loc[i, ["outcome", "reason", "lemlist_lead_id"]] = [outcome, reason, lead_id]
        if attempted and len(systemic) == attempted:
            # Every call failed on lemlist's side (down, rate-limited past every retry, campaign gone):
            # a systemic failure, not a per-lead one.
            raise dg.Failure(
                f"every one of {attempted} lemlist lead additions failed; first: {systemic[0]}",
                metadata={"attempted": attempted, "campaign_id": self.campaign.id},
            )
        return out

    def holds_leads(self, frame: pd.DataFrame) -> bool:
        """Whether the campaign has leads of ours: from this run, else from the ledger."""
        if frame["outcome"].isin(("added", "already_enrolled")).any():
            return True
        entries = self.store.enrollments.entries(self.campaign.id)
        return bool((entries["status"] == "added").any())

    def start_if_allowed(self, frame: pd.DataFrame) -> str:
        """Start a draft campaign holding leads when sending is enabled; never otherwise. A paused campaign
        is left paused: a pause may be the bounce-rate safety's, and resuming it is a person's call."""
        state = self.campaign.status or "unknown"
        if self.settings.sending_enabled and state == "draft" and self.holds_leads(frame):
            state = self.client.start_campaign(self.campaign.id).state
            self.started = True
            self.log.info(f"lemlist campaign {self.campaign.id} started (sending enabled)")
        elif self.settings.sending_enabled and state == "paused":
            self.log.warning(f"lemlist campaign {self.campaign.id} is paused; it is not resumed here")
        return state


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"lemlist", "pandas"},
    metadata={"dagster/column_schema": table_schema(CampaignEnrollments)},
    # Each lead is checked against the suppression list again right before it is added.
    deps=["suppression_list"],
    pool="lemlist",
    retry_policy=dg.RetryPolicy(
        max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
)
def campaign_enrollments(
    context: dg.AssetExecutionContext,
    outreach_copy: pd.DataFrame,
    crm_sync_results: pd.DataFrame,
    qualified_leads: pd.DataFrame,
    lemlist: LemlistResource,
    pipeline_store: PipelineStoreResource,
    enrollment_settings: EnrollmentSettings,
) -> dg.MaterializeResult:
    """One row per lead of `outreach_copy`: added to the ICP's lemlist campaign with its copy as custom
    variables, or why not (already enrolled, duplicate in another campaign, unsubscribed, suppressed, copy
    held back, CRM write failed, over the daily cap, or a vendor error). The campaign is created as a draft
    when missing and started only when sending is enabled."""
    part = OutboundPartition.from_context(context)
    settings = enrollment_settings
    client = lemlist.get_client()
    calls_before = client.stats.total_calls
    today = datetime.now(UTC)
    candidates = enrollment_candidates(outreach_copy, qualified_leads, crm_sync_results)
    try:
        campaign, created = resolve_campaign(client, settings, part.icp)
        experiment = running_experiment(pipeline_store.actions, part.icp)
        run = EnrollmentRun(
            client,
            pipeline_store,
            settings,
            campaign,
            part.key,
            log=context.log,
            experiment=experiment,
            default_copy=None if experiment else current_default(pipeline_store.actions, part.icp),
        )
        enrolled = run.enroll(candidates, today)
        state = run.start_if_allowed(enrolled)
    except AuthenticationError as exc:
        # Retrying a refused key only burns the error budget.
        raise dg.Failure(str(exc), allow_retries=False) from exc
    if created:
        context.log.info(f"created the lemlist campaign {campaign.name!r} ({campaign.id}) as a draft")

    enrolled["campaign_id"] = campaign.id
    frame = enrolled[ENROLLMENT_COLUMNS].astype(object)
    # None, not NaN, for a missing value: the stubs leave None out of where().
    frame = frame.where(frame.notna(), None)  # type: ignore[call-overload]
    counts = frame["outcome"].value_counts().to_dict()
    added_today = pipeline_store.enrollments.count(campaign.id, today.date())
    failed = frame[frame["outcome"] == "failed"]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **{f"leads_{o}": int(counts.get(o, 0)) for o in ENROLLMENT_OUTCOMES},
            "campaign_id": campaign.id,
            "campaign_name": campaign.name,
            "campaign_created": created,
            "campaign_state": state,
            "campaign_started": run.started,
            "sending_enabled": settings.sending_enabled,
            "daily_cap": settings.daily_cap,
            "added_today_total": added_today,
            "cap_remaining_today": max(0, settings.daily_cap - added_today),
            "lemlist_calls": client.stats.total_calls - calls_before,
            "unsubscribe_list_reads": run.unsubscribes_read,
            "copy_experiment": experiment.id if experiment else "none",
            "copy_default_promoted": run.default_copy is not None,
            "failed_preview": dg.MetadataValue.md(
                markdown_table(failed, columns=["prospect_id", "email", "reason"])
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["email", "outcome", "reason", "lemlist_lead_id"])
            ),
        },
    )


def enrollment_checks() -> list[dg.AssetChecksDefinition]:
    """The blocking schema check of `campaign_enrollments` (its pandera model), and the leads lemlist did
    not take (left behind; the next run tries them again). Leads whose contact HubSpot refused are the
    CRM sync's own check's rows."""
    return [
        schema_check("campaign_enrollments", CampaignEnrollments),
        left_behind_check(
            "campaign_enrollments",
            left_behind=lambda f: f["outcome"] == "failed",
            columns=["prospect_id", "email", "outcome", "reason"],
            what="leads",
            partitions_def=outbound_partitions,
        ),
    ]
