"""Claude Message Batches created once per set of requests, even across crashes and lost answers.

What belongs here: `create_batch_once`. Anthropic's batch create has no idempotency key and no metadata, so a
create whose answer was lost or a run killed right after Anthropic accepted it would leave a second batch
that is paid for and never read. So the client never re-sends an unanswered create (`ClaudeClient.
create_batch`), and the intent is recorded first, with the ids of the batches that already existed; a later
attempt that finds the intent without a batch id adopts the oldest batch that appeared since with the same
number of requests. Another run could have created such a batch in the same minutes, so an adopted batch is
only trusted once its results carry this set's custom ids (`adopted_matches`); otherwise a new one is made.
Which requests go into a batch, and how its results are read, belong to the stage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from resources.claude.client import ClaudeClient
from resources.claude.models import BatchRequest, MessageBatch
from resources.pipeline_store.cache import ResultCache

logger = logging.getLogger(__name__)

#: Batches listed to tell new ones from old: one page of the most recent.
LISTED = 100


def _size(batch: MessageBatch) -> int:
    counts = batch.request_counts
    return counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired


def _live(batch: MessageBatch) -> bool:
    return batch.processing_status != "canceling" and batch.cancel_initiated_at is None


def create_batch_once(
    client: ClaudeClient,
    cache: ResultCache,
    *,
    namespace: str,
    key: str,
    requests: Sequence[BatchRequest],
    ttl: timedelta,
    log: Any = logger,
) -> tuple[str, bool]:
    """The id of the one batch for `key` (picked up from an earlier attempt, adopted after a lost answer or
    a crash, or created now) and whether it was adopted (to be checked with `adopted_matches`)."""
    pending = cache.get(namespace, key, max_age=ttl)
    if pending and pending.get("batch_id") and not pending.get("consumed"):
        log.info(f"picking up Message Batch {pending['batch_id']} of an earlier attempt")
        return str(pending["batch_id"]), bool(pending.get("adopted"))
    if pending and not pending.get("batch_id") and not pending.get("consumed"):
        found = _new_batches(client, set(pending.get("before") or []), len(requests))
        if found:
            keep = found[0]
            cache.put(namespace, key, {"batch_id": keep.id, "consumed": False, "adopted": True})
            log.warning(f"Message Batch {keep.id} appeared after an earlier attempt lost its answer: adopted")
            return keep.id, True
    before = [b.id for b in client.list_batches(limit=LISTED)]
    cache.put(namespace, key, {"batch_id": None, "before": before, "size": len(requests), "consumed": False})
    batch = client.create_batch(requests)
    cache.put(namespace, key, {"batch_id": batch.id, "consumed": False})
    return batch.id, False


def adopted_matches(client: ClaudeClient, batch_id: str, requests: Sequence[BatchRequest]) -> bool:
    """Whether an ended, adopted batch is this set's: its results carry exactly these custom ids."""
    return {r.custom_id for r in client.batch_results(batch_id)} == {r.custom_id for r in requests}


def forget(cache: ResultCache, *, namespace: str, key: str) -> None:
    """Drop the record of an adopted batch that turned out to be another run's."""
    cache.put(namespace, key, {"batch_id": None, "before": None, "consumed": True})


def _new_batches(client: ClaudeClient, before: set[str], size: int) -> list[MessageBatch]:
    """Batches that appeared since `before` with `size` requests and are not being cancelled, oldest first."""
    found = [
        b for b in client.list_batches(limit=LISTED) if b.id not in before and _size(b) == size and _live(b)
    ]
    return sorted(found, key=lambda b: (b.created_at, b.id))
