"""`outreach_copy`: Claude writes a subject, a first email and one follow-up for every qualified lead.

What belongs here: the asset and what it does with the writer's results: the copy cache, the Message
Batch created once per set of leads, the spend ledger and the frame with its metadata. The models are
`sales_assets/common/copy_models.py`'s, the lint `common/copy_lint.py`'s (both shared with the insights
stage), the settings `copy_settings.py`'s, the prompts `copy_prompt.py`'s, the writing loop
`copy_writer.py`'s, and the blocking checks `copy_checks.py`'s.

How a lead is written: its copy is looked up in the pipeline store's cache first (keyed by the model, the
prompt version, the system prompt and the lead's facts), so a re-run pays nothing. What is missing is
asked for in one Message Batch (50% price) when there are more than `batch_threshold` leads to write, else
with one Messages call per lead on a few threads (the client's limiter governs them). An answer that is
not valid JSON for `EmailCopy` or fails the lint is retried once through the Messages API, with what
failed; after that the lead is `held_back` with the reason, and nothing unlinted leaves this asset. Every
paid call is recorded in the spend ledger with its cost from `resources/claude/pricing.py` (cache reads
and writes and the batch discount included); a cache hit is recorded as what it saved.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import hashlib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, cast

import dagster as dg
import pandas as pd

from resources.claude.models import MessageResult
from resources.claude.pricing import UnknownModelError, price_for
from resources.claude.resource import AnthropicResource
from resources.errors import VendorError
from resources.pipeline_store import PipelineStoreResource, cache_key
from sales_assets.common.batches import adopted_matches, create_batch_once, forget
from sales_assets.common.claude_spend import VENDOR, ClaudeSpend
from sales_assets.common.copy_lint import lint_copy
from sales_assets.common.copy_models import COLUMNS, INT_COLUMNS, STATUSES, EmailCopy, OutreachCopy
from sales_assets.common.metadata import markdown_table
from sales_assets.common.partitions import OutboundPartition, outbound_partitions
from sales_assets.common.schemas import table_schema
from sales_assets.common.seller import SellerSettings
from sales_assets.outbound.copy_budget import BudgetGate, call_cost_bound, split_by_budget
from sales_assets.outbound.copy_prompt import PROMPT_VERSION, LeadPrompt, build_prompt
from sales_assets.outbound.copy_settings import CopySettings
from sales_assets.outbound.copy_writer import BATCH_ENDPOINT, MESSAGES_ENDPOINT, CopyWriter, Outcome, Spend

CACHE_NAMESPACE = "anthropic:copy"
#: Pending Message Batches by the set of leads they write, so a retried step picks its batch up again
#: instead of paying for a second one.
BATCH_NAMESPACE = "anthropic:copy_batch"
COPY_TTL = timedelta(days=30)
#: A batch's results are downloadable for 29 days but requests expire after 24 h unprocessed.
BATCH_TTL = timedelta(hours=24)


def _cached_value(outcome: Outcome, model: str) -> dict[str, Any]:
    """What the cache keeps of written copy: the copy, and what it cost (for the savings of a hit)."""
    if outcome.copy is None:
        raise ValueError("only written copy is cached")
    return {
        "copy": outcome.copy.model_dump(mode="json"),
        "model": model,
        "endpoint": BATCH_ENDPOINT if outcome.via_batch else MESSAGES_ENDPOINT,
        "attempts": outcome.attempts,
        "input_tokens": outcome.spend.input_tokens,
        "output_tokens": outcome.spend.output_tokens,
        "cache_read_tokens": outcome.spend.cache_read_tokens,
        "cache_write_tokens": outcome.spend.cache_write_tokens,
        "cost_usd": round(outcome.spend.cost_usd, 8),
    }


def copy_frame(leads: Sequence[LeadPrompt], outcomes: Mapping[str, Outcome], model: str) -> pd.DataFrame:
    """The `OutreachCopy` frame, one row per lead in input order. Leads with identical facts share one
    copy; its cost is counted on the first of them."""
    rows = []
    counted: set[str] = set()
    for lead in leads:
        outcome = outcomes[lead.key]
        spend = outcome.spend if lead.key not in counted else Spend()
        counted.add(lead.key)
        copy = outcome.copy
        rows.append(
            {
                "prospect_id": lead.prospect_id,
                "email": lead.email,
                "subject": copy.subject if copy else None,
                "body": copy.body if copy else None,
                "follow_up_subject": copy.follow_up_subject if copy else None,
                "follow_up_body": copy.follow_up_body if copy else None,
                "status": outcome.status,
                "hold_reason": outcome.hold_reason,
                "attempts": outcome.attempts,
                "model": model,
                "via_batch": outcome.via_batch,
                "input_tokens": spend.input_tokens,
                "output_tokens": spend.output_tokens,
                "cache_read_tokens": spend.cache_read_tokens,
                "cache_write_tokens": spend.cache_write_tokens,
                "cost_usd": round(spend.cost_usd, 8),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({**dict.fromkeys(INT_COLUMNS, "int64"), "via_batch": bool, "cost_usd": float})


@dg.asset(
    partitions_def=outbound_partitions,
    group_name="outbound",
    kinds={"anthropic", "pandas"},
    metadata={"dagster/column_schema": table_schema(OutreachCopy)},
    pool="anthropic",
    retry_policy=dg.RetryPolicy(
        max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
    ),
)
def outreach_copy(
    context: dg.AssetExecutionContext,
    qualified_leads: pd.DataFrame,
    anthropic: AnthropicResource,
    pipeline_store: PipelineStoreResource,
    copy_settings: CopySettings,
    seller: SellerSettings,
) -> dg.MaterializeResult:
    """A subject, a first email and one follow-up per qualified lead, written by Claude for the seller
    from the lead's facts only (third-party text fenced), linted, retried once, else held back with the
    reason; cached by input so a re-run costs 0 tokens, batched (50% price) above `batch_threshold` leads."""
    try:
        return write_outreach_copy(context, qualified_leads, anthropic, pipeline_store, copy_settings, seller)
    except UnknownModelError as exc:
        raise dg.Failure(str(exc), allow_retries=False) from exc
    except VendorError as exc:
        # Only what may pass (429, 5xx, a batch still running) is worth the step's RetryPolicy; a refused
        # key or an empty account fails at once.
        if not exc.retryable:
            raise dg.Failure(str(exc), allow_retries=False) from exc
        raise


def _run_id(context: dg.AssetExecutionContext) -> str | None:
    """The run's id for the spend ledger; None when the asset is invoked directly, without a run."""
    try:
        return context.run.run_id
    except dg.DagsterError:
        return None


def write_outreach_copy(
    context: dg.AssetExecutionContext,
    qualified_leads: pd.DataFrame,
    anthropic: AnthropicResource,
    pipeline_store: PipelineStoreResource,
    settings: CopySettings,
    seller: SellerSettings,
) -> dg.MaterializeResult:
    """The body of `outreach_copy`."""
    price_for(settings.copy_model)  # an unknown model fails here, before any spend
    part = OutboundPartition.from_context(context)
    run_id = _run_id(context)
    system = settings.system_prompt(seller)
    system_sha = hashlib.sha256(system.encode()).hexdigest()
    leads = [
        build_prompt(row, settings, seller, system_sha)
        # to_dict types record keys Hashable; these columns are str.
        for row in cast(list[dict[str, Any]], qualified_leads.to_dict(orient="records"))
    ]
    unique = list({lead.key: lead for lead in leads}.values())
    cache = pipeline_store.cache

    def record(endpoint: str, tokens_in: int, tokens_out: int, cost: float, *, cached: bool) -> None:
        pipeline_store.ledger.record(
            "anthropic",
            endpoint,
            units=1,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=cost,
            partition=part.key,
            asset="outreach_copy",
            run_id=run_id,
            cached=cached,
        )

    spend = ClaudeSpend(
        pipeline_store, anthropic.get_client(), partition=part.key, asset="outreach_copy", run_id=run_id
    )

    def on_paid(endpoint: str, result: MessageResult) -> None:
        # Messages calls are in the ledger already (`ClaudeSpend` writes them before sending); a batch's
        # results are recorded as they are read.
        if endpoint != MESSAGES_ENDPOINT:
            spend.record(endpoint, result)

    def on_written(lead: LeadPrompt, outcome: Outcome) -> None:
        # Cached as soon as it is written, so a step that fails later (and is retried) never pays for it
        # again. Held-back leads are not cached: the next run gives them a fresh try.
        cache.put(CACHE_NAMESPACE, lead.key, _cached_value(outcome, settings.copy_model))

    found = cache.get_many(CACHE_NAMESPACE, [lead.key for lead in unique], max_age=COPY_TTL)
    outcomes: dict[str, Outcome] = {}
    saved_usd = 0.0
    for lead in unique:
        entry = found.get(lead.key)
        if not entry:
            continue
        copy = EmailCopy.model_validate(entry["copy"])
        # The cache never bypasses the lint: copy that fails today's rules is written again.
        if lint_copy(copy, lead.support):
            continue
        outcomes[lead.key] = Outcome(copy=copy, status="cached")
        tokens_in = entry["input_tokens"] + entry["cache_read_tokens"] + entry["cache_write_tokens"]
        record(entry["endpoint"], tokens_in, entry["output_tokens"], entry["cost_usd"], cached=True)
        saved_usd += float(entry["cost_usd"])

    to_write = [lead for lead in unique if lead.key not in outcomes]
    via_batch = len(to_write) > settings.batch_threshold
    batch_id: str | None = None
    # What this partition's copy already cost (earlier runs), against its Claude budget.
    gate = BudgetGate(
        settings.daily_budget_usd, pipeline_store.ledger.spent_usd(partition=part.key, vendor=VENDOR)
    )
    if to_write:
        client = anthropic.get_client()
        writer = CopyWriter(
            client,
            settings,
            seller,
            on_paid=on_paid,
            on_written=on_written,
            send=spend.create_message,
            forget=spend.forget,
            gate=gate,
        )
        if via_batch and settings.daily_budget_usd is not None:
            # A batch is paid as a whole: its leads are those whose bounds fit in what is left.
            bounds = [
                call_cost_bound(client.message_params(**writer.params(lead.text, ttl="1h")), via_batch=True)
                for lead in to_write
            ]
            to_write, over = split_by_budget(to_write, bounds, settings.daily_budget_usd - gate.spent)
            outcomes.update(
                {x.key: Outcome(copy=None, status="over_budget", hold_reason=gate.reason()) for x in over}
            )
        if to_write and via_batch:
            batch_key = cache_key({"model": settings.copy_model, "leads": sorted(x.key for x in to_write)})
            requests = writer.batch_requests(to_write)
            # Recorded before it is sent and found again after a crash or a lost answer: one paid batch
            # per set of leads (sales_assets/common/batches.py).
            once = {"namespace": BATCH_NAMESPACE, "key": batch_key}
            batch_id, adopted = create_batch_once(
                client, cache, requests=requests, ttl=BATCH_TTL, log=context.log, **once
            )
            context.log.info(f"Message Batch {batch_id}: {len(to_write)} leads")
            client.wait_for_batch(
                batch_id, poll_seconds=settings.batch_poll_seconds, timeout=settings.batch_timeout_seconds
            )
            if adopted and not adopted_matches(client, batch_id, requests):
                context.log.warning(f"Message Batch {batch_id} is another run's: writing this set anew")
                forget(cache, **once)
                batch_id, _ = create_batch_once(
                    client, cache, requests=requests, ttl=BATCH_TTL, log=context.log, **once
                )
                client.wait_for_batch(
                    batch_id, poll_seconds=settings.batch_poll_seconds, timeout=settings.batch_timeout_seconds
                )
            outcomes.update(writer.write_batch(to_write, batch_id))
            cache.put(BATCH_NAMESPACE, batch_key, {"batch_id": batch_id, "consumed": True})
        elif to_write:
            outcomes.update(writer.write_each(to_write))

    frame = copy_frame(leads, outcomes, settings.copy_model)
    counts = frame["status"].value_counts().to_dict()
    rows = len(frame)
    cost = float(frame["cost_usd"].sum())
    tokens = int(
        frame[["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]].sum().sum()
    )
    unpaid = frame[frame["status"] == "over_budget"]
    if len(unpaid):
        context.log.warning(f"{len(unpaid)} of {rows} leads not written: {unpaid['hold_reason'].iloc[0]}")
    held = frame[frame["status"] == "held_back"]
    if len(held):
        context.log.warning(f"{len(held)} of {rows} leads held back; first: {held['hold_reason'].iloc[0]}")
    return dg.MaterializeResult(
        value=frame,
        metadata={
            "dagster/row_count": rows,
            **{s: int(counts.get(s, 0)) for s in STATUSES},
            "retried": int((frame["attempts"] > 1).sum()),
            "input_tokens": int(frame["input_tokens"].sum()),
            "output_tokens": int(frame["output_tokens"].sum()),
            "cache_read_tokens": int(frame["cache_read_tokens"].sum()),
            "cache_write_tokens": int(frame["cache_write_tokens"].sum()),
            "cost_usd": round(cost, 6),
            "cost_usd_per_lead": round(cost / rows, 6) if rows else 0.0,
            "tokens_per_lead": round(tokens / rows, 1) if rows else 0.0,
            "saved_usd_from_cache": round(saved_usd, 6),
            "via_batch": bool(via_batch),
            "batch_id": batch_id or "",
            "model": settings.copy_model,
            "prompt_version": PROMPT_VERSION,
            # Who the copy is written for and sent from: in live mode, a person sees at a glance that it
            # is not the sandbox's fictional seller.
            "seller": f"{seller.sender_name}, {seller.company} <{seller.sender_email}>",
            "preview": dg.MetadataValue.md(
                markdown_table(frame, columns=["prospect_id", "status", "subject", "attempts", "hold_reason"])
            ),
        },
    )
