"""`inbound_routing`: a HubSpot task for the owner of every new inbound lead, exactly once per submission.

What belongs here: the asset and its calls: the action ledger (kind `inbound_task`, keyed by conversion
id) that keeps one task per submission forever, the HubSpot contact created for a lead without one, the
reply drafted by Claude (`replies.py`) and the task created through `create_once`. The owner choice and
the task's text are `routing.py`'s. A typed field that reads as instructions is never written to the
HubSpot contact, and a draft that repeats one is refused.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import dagster as dg
import pandas as pd

from resources.claude.resource import AnthropicResource
from resources.errors import AuthenticationError
from resources.hubspot.models import TaskInput
from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.effects import create_once
from sales_assets.common.ledger_kinds import INBOUND_TASK_KIND
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import daily_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.common.text import text_or_none
from sales_assets.inbound.replies import ReplyDrafter, system_prompt
from sales_assets.inbound.routing import PRIORITY, assign_owners, task_body, task_subject
from sales_assets.inbound.schemas import ROUTING_COLUMNS, ROUTING_OUTCOMES, InboundRouting, object_columns
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.validation import flagged_fields

TASK_KIND = INBOUND_TASK_KIND
#: A lead whose email got a task this recently is merged into that task rather than given a second one.
RECENT_TASK_WINDOW = timedelta(days=7)
DRAFT_CONCURRENCY = 4


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
        run_id=context.run.run_id,
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
    frame = object_columns(frame, ROUTING_COLUMNS)
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
