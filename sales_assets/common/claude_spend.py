"""Claude calls in the spend ledger as Anthropic bills them, lost answers included.

What belongs here: `ClaudeSpend`, the one path through which the stages send paid Claude Messages calls and
record what batch results and cache hits cost. A call is written to the ledger before it is sent (holding
its most: the request's size in bytes for input tokens, `max_tokens` for output), settled from the answer's
usage, and, when its answer was lost (the run was killed, an attempt went unanswered and was sent again),
reconciled from Anthropic's usage report (`ClaudeClient.billed_between`) before the stage's first call of
the next run, or right after. Without a key for the report (`ANTHROPIC_ADMIN_API_KEY`), such a call stays
at its estimate: an upper bound, never an undercount. Answers are kept as receipts the moment they arrive,
so a run that stops before the stage stored its result does not pay for the same request again. Prompts,
caching of results and parsing stay with the stages.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from resources.claude.client import ClaudeClient
from resources.claude.models import MessageResult
from resources.errors import RecordValidationError
from resources.pipeline_store import PipelineStoreResource, cache_key
from resources.pipeline_store.ledger_calls import LedgerCalls

VENDOR = "anthropic"
MESSAGES_ENDPOINT = "POST /v1/messages"
#: Answers kept by request as they arrive (see `ClaudeSpend.create_message`), and for how long: enough for
#: a re-run after a crash, short enough that a later run's fresh try is fresh.
RECEIPTS = "anthropic:receipts"
RECEIPT_TTL = timedelta(hours=1)
T = TypeVar("T", bound=BaseModel)


class ClaudeSpend:
    """Paid Claude calls of one asset in one partition."""

    def __init__(
        self,
        store: PipelineStoreResource,
        client: ClaudeClient,
        *,
        partition: str,
        asset: str,
        run_id: str | None,
    ) -> None:
        self.store, self.client = store, client
        self.partition, self.asset, self.run_id = partition, asset, run_id
        self._receipts: dict[str, str] = {}
        self.calls = LedgerCalls(
            store.ledger,
            VENDOR,
            partition=partition,
            asset=asset,
            run_id=run_id,
            billed=client.billed_between if client.can_read_usage else None,
            unanswered=lambda: client.unanswered_attempts,
        )

    @property
    def reconciled_tokens(self) -> int:
        """Tokens reconciliation added to this asset's calls whose answers were lost."""
        return int(sum(v for m, v in self.calls.reconciled.items() if m != "credits"))

    # --- calls --------------------------------------------------------------------------------------

    def create_message(self, **params: Any) -> MessageResult:
        """`ClaudeClient.create_message` with the call written to the ledger first and settled from its
        answer (`params` are that method's).

        Each answer is kept as a receipt, by request, for `RECEIPT_TTL` as soon as it arrives: a run that
        stops before the stage has stored what it made of the answer finds it again for the same request
        instead of paying for it twice. `forget()` drops a receipt whose answer is not to be reused (it did
        not fit, or the stage wants a fresh try)."""
        request = self.client.message_params(**params)
        key = cache_key(request)
        kept = self.store.cache.get(RECEIPTS, key, max_age=RECEIPT_TTL)
        if kept is not None:
            result = MessageResult.model_validate(kept)
            self.record_hit(MESSAGES_ENDPOINT, result.cost_usd)
            self._receipts[result.id] = key
            return result
        # Bytes bound tokens from above: no tokenizer makes more tokens than the text has bytes.
        estimate_in = len(json.dumps(request, default=str).encode())
        with self.calls.call(
            MESSAGES_ENDPOINT, units=1, estimate_in=estimate_in, estimate_out=int(params["max_tokens"])
        ) as settle:
            result = self.client.send_message(request)
            self.store.cache.put(RECEIPTS, key, result.model_dump(mode="json"))
            self._receipts[result.id] = key
            settle(
                credits=0.0,
                units=1,
                tokens_in=result.usage.total_input_tokens,
                tokens_out=result.usage.output_tokens,
                cost_usd=result.cost_usd,
            )
        return result

    def forget(self, result: MessageResult | None) -> None:
        """Drop the receipt of an answer that is not to be reused: the next identical request pays."""
        key = self._receipts.pop(result.id, None) if result is not None else None
        if key is not None:
            self.store.cache.put(RECEIPTS, key, None)

    def parse_message(
        self, *, output_model: type[T], record_id: str | None = None, **params: Any
    ) -> tuple[T, MessageResult]:
        """`ClaudeClient.parse_message` through `create_message`: an answer that does not fit is paid for
        and recorded, and its receipt dropped (a retry asks again), before `RecordValidationError` is
        raised."""
        if not params.get("tool_choice"):
            params["output_schema"] = output_model
        result = self.create_message(**params)
        try:
            return self.client.parse_output(result, output_model, record_id=record_id), result
        except RecordValidationError:
            self.forget(result)
            raise

    def record(self, endpoint: str, result: MessageResult) -> None:
        """What an answer read without a call of ours cost (a batch result)."""
        self.store.ledger.record(
            VENDOR,
            endpoint,
            units=1,
            tokens_in=result.usage.total_input_tokens,
            tokens_out=result.usage.output_tokens,
            cost_usd=result.cost_usd,
            partition=self.partition,
            asset=self.asset,
            run_id=self.run_id,
        )

    def record_hit(self, endpoint: str, cost_usd: float = 0.0) -> None:
        """An answer served from the cache: what it would have cost, saved."""
        self.store.ledger.record(
            VENDOR,
            endpoint,
            units=1,
            cost_usd=cost_usd,
            partition=self.partition,
            asset=self.asset,
            run_id=self.run_id,
            cached=True,
        )
