"""Claude Message Batches: submitting, polling, cancelling and reading results at half the price.

What belongs here: the `/v1/messages/batches` routes. The requests' params come from
`MessagesAPI.message_params`; each result becomes a `MessageResult` through `messages.to_result`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, cast

from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages import batch_create_params

from resources.claude.base_client import ClaudeBaseClient
from resources.claude.messages import to_result
from resources.claude.models import BatchRequest, BatchResult, MessageBatch
from resources.errors import ServerError
from resources.http import acquire

logger = logging.getLogger(__name__)


class BatchesAPI(ClaudeBaseClient):
    """Message Batches: one create, then polling by id until the batch has ended."""

    def create_batch(self, requests: Sequence[BatchRequest]) -> MessageBatch:
        """Submit a Message Batch (`POST /v1/messages/batches`); results come at 50% of the price.

        A create whose answer never came (a timeout, a dropped connection) is not sent again here: Anthropic
        may have accepted it, and a second create would be a second paid batch. The error is raised instead,
        and the caller looks for the batch before creating one (`sales_assets/common/batches.py`)."""
        if not requests:
            raise ValueError("a Message Batch needs at least one request")
        ids = [r.custom_id for r in requests]
        if len(set(ids)) != len(ids):
            raise ValueError("custom_id must be unique within a Message Batch")
        # `params` come from message_params; the SDK types them as its TypedDict, the models as a dict.
        payload: list[batch_create_params.Request] = [
            {"custom_id": r.custom_id, "params": cast(MessageCreateParamsNonStreaming, r.params)}
            for r in requests
        ]
        batch = self._call(
            "POST /v1/messages/batches",
            lambda: self._sdk.messages.batches.create(requests=payload),
            unanswered_is_final=True,
        )
        return MessageBatch.model_validate(batch.model_dump(mode="json"))

    def get_batch(self, batch_id: str) -> MessageBatch:
        """One Message Batch (`GET /v1/messages/batches/{id}`)."""
        batch = self._call(
            "GET /v1/messages/batches/{id}", lambda: self._sdk.messages.batches.retrieve(batch_id)
        )
        return MessageBatch.model_validate(batch.model_dump(mode="json"))

    def cancel_batch(self, batch_id: str) -> MessageBatch:
        """Ask to cancel a Message Batch (`POST /v1/messages/batches/{id}/cancel`)."""
        batch = self._call(
            "POST /v1/messages/batches/{id}/cancel", lambda: self._sdk.messages.batches.cancel(batch_id)
        )
        return MessageBatch.model_validate(batch.model_dump(mode="json"))

    def list_batches(self, *, limit: int = 20) -> list[MessageBatch]:
        """The most recent Message Batches (`GET /v1/messages/batches`, first page)."""
        page = self._call("GET /v1/messages/batches", lambda: self._sdk.messages.batches.list(limit=limit))
        return [MessageBatch.model_validate(b.model_dump(mode="json")) for b in page.data]

    def wait_for_batch(
        self, batch_id: str, *, poll_seconds: float = 30.0, timeout: float = 86_400.0
    ) -> MessageBatch:
        """Poll a batch until it has ended. Raises `ServerError` when `timeout` seconds pass first
        (retryable: a later run can pick the batch up again by id)."""
        deadline = time.monotonic() + timeout
        while True:
            batch = self.get_batch(batch_id)
            if batch.ended:
                return batch
            if time.monotonic() >= deadline:
                raise ServerError(
                    f"batch {batch_id} still {batch.processing_status} after {timeout:.0f}s",
                    vendor=self.vendor,
                    endpoint="GET /v1/messages/batches/{id}",
                )
            logger.info("batch %s %s: %s", batch_id, batch.processing_status, batch.request_counts)
            self._sleep(poll_seconds)

    def batch_results(self, batch_id: str) -> list[BatchResult]:
        """Every result of an ended batch (`GET .../results`, JSONL), in file order; match on custom_id."""

        def fetch() -> list[Any]:
            # results() retrieves the batch first (for results_url), so this attempt is two requests.
            acquire(self.limits)
            return list(self._sdk.messages.batches.results(batch_id))

        lines = self._call("GET /v1/messages/batches/{id}/results", fetch)
        results: list[BatchResult] = []
        for line in lines:
            data = line.model_dump(mode="json")
            result = data.get("result") or {}
            kind = str(result.get("type"))
            if kind == "succeeded":
                results.append(
                    BatchResult(
                        custom_id=data["custom_id"],
                        succeeded=True,
                        result_type=kind,
                        message=to_result(result["message"], batch=True),
                    )
                )
                continue
            error = None
            if kind == "errored":
                inner = (result.get("error") or {}).get("error") or {}
                error = f"{inner.get('type', 'error')}: {inner.get('message', '')}".strip()
            results.append(
                BatchResult(
                    custom_id=data["custom_id"], succeeded=False, result_type=kind, error=error or kind
                )
            )
        return results
