"""`crm_sync_results`: qualified leads and their companies written to HubSpot without duplicates, with the
product's intelligence in custom properties and a timeline note on each new contact.

What belongs here: the write-side CRM asset (the mapping from a lead row to HubSpot properties is
`crm_properties.py`'s). Every
write is a batch of 100 (companies created or updated by domain, contacts upserted by email, associations,
notes); a record whose properties are what the product last wrote is not written again (the sync state in
the local store), so a re-run costs nothing and changes nothing. A 207 partial failure fails the records
HubSpot names, with its reason and correlation id, not the batch; a run in which every record fails is a
systemic failure and fails loudly.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field

from resources.hubspot.client import BATCH_SIZE, HubSpotClient
from resources.hubspot.models import NoteInput, RecordError
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource, SyncRecord, properties_hash
from sales_assets.common.effects import create_once, ensure_effect_key_property
from sales_assets.common.left_behind import left_behind_check
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.retry import VENDOR_STEP_RETRY
from sales_assets.common.schemas import table_schema
from sales_assets.outbound.crm_properties import (
    CONTACT_PROPERTIES,
    PROPERTY_GROUP,
    PROPERTY_GROUP_LABEL,
    company_properties,
    contact_properties,
    lead_columns,
    lead_records,
    note_body,
)
from sales_assets.outbound.schemas import CrmSyncResults

SCHEMA_KEY = "contacts:" + properties_hash({p.name: p.create_body() for p in CONTACT_PROPERTIES})
CRM_SYNC_COLUMNS = list(CrmSyncResults.to_schema().columns)
#: Reason suffix of a contact that is written but not complete (association or note missing).
RETRIED = "retried by the next run"
#: Action-ledger kinds: the first sight of a contact (was it the product's to create?), and its note.
CONTACT_KIND = "crm_contact"
#: Companies whose create was sent: a re-run looks these domains up before creating any of them again.
COMPANY_KIND = "crm_company"
NOTE_KIND = "crm_note"


def _reason(error: RecordError) -> str:
    return f"{error.category}: {error.message}"[:500]


def ensure_schema(crm: HubSpotClient, store: PipelineStoreResource) -> int:
    """Create the property group and the custom contact properties when missing; nothing to do (and no
    call) when this definition set was ensured before. Returns the properties created."""
    if store.crm_sync.get_many("schema", [SCHEMA_KEY]):
        return 0
    crm.ensure_property_group("contacts", name=PROPERTY_GROUP, label=PROPERTY_GROUP_LABEL)
    ensured = crm.ensure_properties("contacts", CONTACT_PROPERTIES)
    if ensured.errors:
        raise dg.Failure(
            "HubSpot refused the custom properties: " + "; ".join(_reason(e) for e in ensured.errors)
        )
    store.crm_sync.put_many("schema", {SCHEMA_KEY: ("ok", SCHEMA_KEY)})
    return len(ensured.created)


def sync_companies(
    crm: HubSpotClient, store: PipelineStoreResource, leads: pd.DataFrame, *, lookup_unknown: bool = False
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Companies by domain: created when HubSpot has none, updated when what the product writes changed.
    Returns the result rows and the company id of every domain that has one."""
    firsts = leads.dropna(subset=["domain"]).drop_duplicates("domain")
    wanted = {row["domain"]: company_properties(row) for row in lead_records(lead_columns(firsts))}
    known = {
        d: i for d, i in zip(firsts["domain"], firsts["crm_company_id"], strict=True) if isinstance(i, str)
    }
    state = store.crm_sync.get_many("companies", wanted)
    known.update({d: s.hubspot_id for d, s in state.items() if d not in known})
    # HubSpot does not deduplicate companies: `scored_companies` looked every domain up (in batches, in
    # this same run) and the sync state remembers what the product created, so only domains neither knows
    # are created. Searching again here would cost one search call per 100 domains at 4/s for a race of
    # minutes; `lookup_unknown=True` does it where other writers are busy.
    unseen = [d for d in wanted if d not in known]
    # A domain whose create was sent by an earlier attempt that crashed or lost the answer may exist now:
    # those are looked up before anything is created again (HubSpot does not deduplicate companies).
    intended = set(store.actions.get_many(COMPANY_KIND, unseen)) if unseen else set()
    lookup = unseen if lookup_unknown else [d for d in unseen if d in intended]
    if lookup:
        for domain, matches in crm.find_companies_by_domains(lookup, properties=["domain"]).items():
            if matches:
                known[domain] = matches[0].id
    rows: list[dict[str, Any]] = []
    ids = dict(known)
    to_create = [d for d in wanted if d not in known]
    to_update = {
        known[d]: wanted[d]
        for d in wanted
        if d in known and (d not in state or state[d].props_hash != properties_hash(wanted[d]))
    }
    synced: dict[str, tuple[str, str]] = {}
    if to_create:
        store.actions.record_many(COMPANY_KIND, {d: ("intended", {}) for d in to_create})
        created = crm.create_companies([wanted[d] for d in to_create])
        failed = {e.index: e for e in created.errors if e.index is not None}
        by_domain = {r.domain: r for r in created.results}
        for position, domain in enumerate(to_create):
            record = by_domain.get(domain)
            if record is not None:
                ids[domain] = record.id
                synced[domain] = (record.id, properties_hash(wanted[domain]))
                rows.append(_row("company", domain, None, "created", record.id))
            else:
                error = failed.get(position)
                rows.append(_row("company", domain, None, "failed", None, error))
    if to_update:
        updated = crm.update_companies(to_update)
        errors = {e.id: e for e in updated.errors}
        for domain in wanted:
            company_id = known.get(domain)
            if company_id in to_update:
                if company_id in errors:
                    rows.append(_row("company", domain, None, "failed", company_id, errors[company_id]))
                else:
                    synced[domain] = (company_id, properties_hash(wanted[domain]))
                    rows.append(_row("company", domain, None, "updated", company_id))
    for domain in wanted:
        if domain in known and known[domain] not in to_update:
            synced.setdefault(domain, (known[domain], properties_hash(wanted[domain])))
            rows.append(_row("company", domain, None, "unchanged", known[domain]))
    store.crm_sync.put_many("companies", synced)
    return rows, ids


def _row(
    record_type: str,
    key: str,
    prospect_id: str | None,
    outcome: str,
    hubspot_id: str | None,
    error: RecordError | None = None,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "record_type": record_type,
        "key": key,
        "prospect_id": prospect_id,
        "outcome": outcome,
        "hubspot_id": hubspot_id,
        "reason": _reason(error) if error is not None else reason,
        "correlation_id": error.correlation_id if error is not None else None,
        "associated": None,
        "note_created": False,
    }


def _write_contact_chunk(
    crm: HubSpotClient,
    store: PipelineStoreResource,
    chunk: list[str],
    wanted: Mapping[str, dict[str, str]],
    by_email: Mapping[str, Mapping[str, Any]],
    company_ids: Mapping[str, str],
    ours: set[str],
    icp: str,
    now: datetime,
    partition: str | None,
) -> dict[str, dict[str, Any]]:
    """One batch of at most 100 contacts: upsert, then associate what was written to its company, then the
    note on each contact the product brought into HubSpot (once per contact, however many attempts)."""
    rows: dict[str, dict[str, Any]] = {}
    upserted = crm.upsert_contacts([wanted[e] for e in chunk])
    errors = {e.id: e for e in upserted.errors if e.id}
    results = {(r.email or "").lower(): r for r in upserted.results}
    written: dict[str, str] = {}
    for email in chunk:
        prospect_id = by_email[email]["prospect_id"]
        record = results.get(email)
        if record is not None:
            outcome = "created" if record.new else "updated"
            rows[email] = _row("contact", email, prospect_id, outcome, record.id)
            written[email] = record.id
        else:
            error = errors.get(email)
            reason = None if error else "HubSpot returned neither a record nor an error"
            rows[email] = _row("contact", email, prospect_id, "failed", None, error, reason=reason)
    pairs = {
        email: (cid, company_ids[by_email[email]["domain"]])
        for email, cid in written.items()
        if by_email[email].get("domain") in company_ids
    }
    if pairs:
        # Associating twice is harmless in HubSpot: an unconfirmed association is simply sent again.
        associated = crm.associate_contacts_to_companies(list(pairs.values()))
        failed_pairs = {next(iter(e.context.get("fromObjectId") or ()), None) for e in associated.errors}
        done = {a.from_id for a in associated.results}
        for email, (cid, _) in pairs.items():
            rows[email]["associated"] = cid in done and cid not in failed_pairs
            if not rows[email]["associated"]:
                rows[email]["reason"] = "not associated to its company; retried by the next run"
    noted = [e for e in written if e in ours]
    if noted:
        # The note is keyed by the contact, recorded before it is sent and findable after: a lost answer
        # or a crash never writes it twice, and a contact whose note is missing gets it on the next run
        # even though HubSpot now reports it as "updated".
        notes = create_once(
            crm,
            store,
            kind=NOTE_KIND,
            object_type="notes",
            inputs={
                e: NoteInput(body=note_body(by_email[e], icp), timestamp=now, contact_ids=[written[e]])
                for e in noted
            },
            partition=partition,
        )
        for email in noted:
            rows[email]["note_created"] = notes.record_id(email) is not None
            if not rows[email]["note_created"]:
                reason = notes.failed.get(email, "pending: an earlier attempt may have written it")
                rows[email]["reason"] = f"note not written ({reason[:200]}); retried by the next run"
    return rows


def complete(row: Mapping[str, Any], needs_note: bool) -> bool:
    """A contact is done when it is written, associated (when it has a company) and, when the product
    brought it into HubSpot, has its note: only then is it remembered as synced."""
    return (
        row["outcome"] != "failed"
        and row["associated"] is not False
        and (not needs_note or bool(row["note_created"]))
    )


@dataclass
class ContactPlan:
    """What the contact phase will write, worked out from the leads and the local store alone (no HubSpot
    call), column by column: for ten thousand leads this is CPU the first batch waits on.

    `wanted` and `hashes` are per email the properties the product writes and their hash; `changed` the
    emails not yet completely synced with these properties, in lead order; `first` the first-sight ledger
    rows still to record (was the contact the product's to create?), and `ours` the contacts that get a
    note.
    """

    wanted: dict[str, dict[str, str]]
    hashes: dict[str, str]
    by_email: dict[str, dict[str, Any]]
    state: dict[str, SyncRecord]
    changed: list[str]
    first: dict[str, tuple[str, dict[str, Any]]]
    ours: set[str]


def plan_contacts(store: PipelineStoreResource, leads: pd.DataFrame, icp: str) -> ContactPlan:
    """The `ContactPlan` of `leads` (see `sync_contacts`)."""
    columns = lead_columns(leads)
    records = lead_records(columns)
    wanted = {r["email"]: props for r, props in zip(records, contact_properties(columns, icp), strict=True)}
    hashes = {email: properties_hash(props) for email, props in wanted.items()}
    state = store.crm_sync.get_many("contacts", wanted)
    changed = [e for e in wanted if e not in state or state[e].props_hash != hashes[e]]
    by_email = {r["email"]: r for r in records}
    seen = store.actions.get_many(CONTACT_KIND, changed)
    first: dict[str, tuple[str, dict[str, Any]]] = {
        e: ("seen", {"new": not _present(by_email[e].get("crm_contact_id"))})
        for e in changed
        if e not in seen
    }
    ours = {e for e in changed if (seen[e].detail if e in seen else first[e][1]).get("new")}
    return ContactPlan(wanted, hashes, by_email, state, changed, first, ours)


def sync_contacts(
    crm: HubSpotClient,
    store: PipelineStoreResource,
    leads: pd.DataFrame,
    company_ids: Mapping[str, str],
    icp: str,
    now: datetime,
    partition: str | None = None,
) -> list[dict[str, Any]]:
    """Contacts upserted by email (only those not yet completely synced with these properties), associated
    to their company and, when the product brought them into HubSpot, given a timeline note.

    Whether a contact is the product's to note is decided once, before its first write, from what the read
    side saw (no HubSpot contact for the email) and kept in the action ledger: a retried upsert, which
    HubSpot answers "updated", does not lose the note. A contact whose association or note failed is not
    remembered as synced, so the next run writes it again and repairs what is missing.

    Each batch of 100 goes through its three calls on its own, several batches at a time, so a batch's
    notes need not wait for every other batch's upsert: the calls fill the rate-limit window instead of
    queueing behind each phase.
    """
    plan = plan_contacts(store, leads, icp)
    wanted, by_email, state, changed, ours = plan.wanted, plan.by_email, plan.state, plan.changed, plan.ours
    # A set: asking a list of ten thousand emails about each of ten thousand leads took seconds.
    to_write = set(changed)
    rows: dict[str, dict[str, Any]] = {
        email: _row("contact", email, by_email[email]["prospect_id"], "unchanged", state[email].hubspot_id)
        for email in wanted
        if email not in to_write
    }
    chunks = [changed[i : i + BATCH_SIZE] for i in range(0, len(changed), BATCH_SIZE)]
    workers = max(1, min(crm.max_concurrency, len(chunks)))
    if ours:
        # The notes' key property is ensured here, once, before the batches run side by side: left to each
        # batch's `create_once`, several would find it missing at once and all but one would be refused
        # (409, "already exists"), failing the step.
        ensure_effect_key_property(crm, store, "notes")

    def write(chunk: list[str]) -> dict[str, dict[str, Any]]:
        # The first sight of each contact is recorded before its first write (its batch's upsert).
        store.actions.record_many(
            CONTACT_KIND, {e: plan.first[e] for e in chunk if e in plan.first}, partition=partition
        )
        return _write_contact_chunk(
            crm, store, chunk, wanted, by_email, company_ids, ours, icp, now, partition
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for written in pool.map(write, chunks):
            rows.update(written)
            store.crm_sync.put_many(
                "contacts",
                {e: (r["hubspot_id"], plan.hashes[e]) for e, r in written.items() if complete(r, e in ours)},
                at=now,
            )
    return [rows[e] for e in wanted]


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


class CrmSyncConfig(dg.Config):
    recheck_domains: bool = Field(
        default=False,
        description="Search HubSpot again for company domains the read side did not find, right before "
        "creating them (for portals where reps create companies all day).",
    )


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"hubspot", "pandas"},
    metadata={"dagster/column_schema": table_schema(CrmSyncResults)},
    pool="hubspot",
    retry_policy=VENDOR_STEP_RETRY,
)
def crm_sync_results(
    context: dg.AssetExecutionContext,
    config: CrmSyncConfig,
    qualified_leads: pd.DataFrame,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
) -> dg.MaterializeResult:
    """One row per company and contact written to HubSpot: created, updated, unchanged or failed (with
    HubSpot's reason and correlation id), whether the contact is associated to its company, and whether
    its timeline note was created."""
    part = OutboundPartition.from_context(context)
    crm = hubspot.get_client()
    calls_before = crm.stats.total_calls
    now = datetime.now(UTC)

    created_properties = ensure_schema(crm, pipeline_store) if len(qualified_leads) else 0
    company_rows, company_ids = sync_companies(
        crm, pipeline_store, qualified_leads, lookup_unknown=config.recheck_domains
    )
    contact_rows = sync_contacts(
        crm,
        pipeline_store,
        qualified_leads,
        company_ids,
        part.icp,
        now,
        partition=context.partition_key,
    )
    frame = pd.DataFrame(company_rows + contact_rows, columns=CRM_SYNC_COLUMNS)
    frame["note_created"] = frame["note_created"].astype(bool)

    calls = crm.stats.total_calls - calls_before
    contacts = frame[frame["record_type"] == "contact"]
    if len(frame) and (frame["outcome"] == "failed").all():
        raise dg.Failure(
            f"every one of {len(frame)} HubSpot records failed; first: {frame['reason'].iloc[0]}",
            metadata={"failed": len(frame)},
            # HubSpot refused every record (a 5xx or 429 would have raised before this): running the step
            # again would send the same records to the same answer.
            allow_retries=False,
        )
    outcomes = {
        f"{plural}_{outcome}": int(((frame["record_type"] == kind) & (frame["outcome"] == outcome)).sum())
        for kind, plural in (("contact", "contacts"), ("company", "companies"))
        for outcome in ("created", "updated", "unchanged", "failed")
    }
    failed = frame[frame["outcome"] == "failed"]
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": len(frame),
            **outcomes,
            "associations_made": int(contacts["associated"].eq(True).sum()),
            "notes_created": int(contacts["note_created"].sum()),
            "properties_created": created_properties,
            "hubspot_calls": calls,
            "hubspot_calls_per_100_contacts": round(100 * calls / len(contacts), 2) if len(contacts) else 0.0,
            "failed_preview": dg.MetadataValue.md(
                markdown_table(failed, columns=["record_type", "key", "reason", "correlation_id"])
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["record_type", "key", "outcome", "hubspot_id", "associated"])
            ),
        },
    )


def crm_sync_checks() -> list[dg.AssetChecksDefinition]:
    """What the sync left behind: records HubSpot refused, and contacts whose association or note is still
    missing (the next run repairs them)."""
    return [
        left_behind_check(
            "crm_sync_results",
            left_behind=lambda f: (
                (f["outcome"] == "failed") | f["reason"].fillna("").str.contains(RETRIED, regex=False)
            ),
            columns=["record_type", "key", "outcome", "reason", "correlation_id"],
            what="CRM records",
            partitions_def=outbound_partitions,
        )
    ]
