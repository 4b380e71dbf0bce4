"""`ClaudeClient`: the official `anthropic` SDK under our one HTTP policy.

What belongs here: building the SDK client, sending Messages and Message Batches requests through the
shared limiter and retry loop (`resources.http`), mapping SDK exceptions onto our error tree, and turning
SDK objects into the pydantic models of `models.py`. Prompts belong to the assets; prices to `pricing.py`.

The SDK runs with `max_retries=0`: the retry loop and rate limiting belong to `resources.http`, so the four
vendors share one policy and one set of call statistics. Which errors that loop retries is still the SDK's
rule (`ClaudeClient._error`): the server's `x-should-retry` header first, then the status code.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar, cast

import anthropic
import httpx2
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages import batch_create_params
from pydantic import BaseModel, ValidationError

from resources.billing import Billed
from resources.claude.models import BatchRequest, BatchResult, MessageBatch, MessageResult, Usage
from resources.claude.pricing import cost_usd, price_for
from resources.errors import (
    AuthenticationError,
    ConfigurationError,
    InsufficientCreditsError,
    NotFoundError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
    VendorError,
)
from resources.http import (
    CallStats,
    HttpPolicy,
    RateLimit,
    acquire,
    call_with_retries,
    effective_base_url,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

DEFAULT_BASE_URL = "https://api.anthropic.com"
USAGE_ENDPOINT = "GET /v1/organizations/analytics/usage"

#: Facts ran out here: the reference gives the rate-limit headers but no numbers, and limits depend on the
#: account's usage tier. We assume a Tier-1-like 50 requests per minute, over a 61 s window so that clock
#: skew never lets the client run ahead of the server's 60 s window. `AnthropicResource` makes it
#: configurable.
DEFAULT_LIMIT = RateLimit("anthropic", 50, 61.0)

#: Statuses the SDK retries below 500 when the server does not say (`x-should-retry`) either way.
SDK_RETRY_STATUSES = frozenset({408, 409, 429})

Messages = str | Sequence[Mapping[str, Any]]


class ClaudeClient:
    """Claude Messages and Message Batches, with our retries, limiter, error tree and cost accounting."""

    vendor: ClassVar[str] = "anthropic"
    key_variable: ClassVar[str] = "ANTHROPIC_API_KEY"

    def __init__(
        self,
        *,
        api_key: str,
        admin_api_key: str | None = None,
        policy: HttpPolicy,
        limits: Sequence[RateLimit] = (DEFAULT_LIMIT,),
        base_url: str | None = None,
        transport: httpx2.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self.limits = tuple(limits)
        self.stats = CallStats.empty()
        self._sleep = sleep
        http_client = anthropic.DefaultHttpxClient(transport=transport) if transport is not None else None
        # base_url is always explicit: left out, the SDK would read ANTHROPIC_BASE_URL behind our back.
        self._sdk = anthropic.Anthropic(
            api_key=api_key,
            base_url=effective_base_url(base_url or DEFAULT_BASE_URL, transport).rstrip("/"),
            max_retries=0,
            timeout=anthropic.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            http_client=http_client,
        )
        # The usage report needs its own key (Admin, or `read:analytics`); same host, same transport.
        self._admin = self._sdk.with_options(api_key=admin_api_key) if admin_api_key else None

    @property
    def sdk(self) -> anthropic.Anthropic:
        """The underlying SDK client (no retries of its own), for calls this class does not wrap."""
        return self._sdk

    def close(self) -> None:
        self._sdk.close()

    def __enter__(self) -> ClaudeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- Messages ---------------------------------------------------------------------------------

    def message_params(
        self,
        *,
        model: str,
        system: str | Sequence[Mapping[str, Any]] | None,
        messages: Messages,
        max_tokens: int,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: Mapping[str, Any] | None = None,
        output_schema: type[BaseModel] | Mapping[str, Any] | None = None,
        cache_system: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The Messages API create params for these arguments (what `create_message` sends, and what a
        `BatchRequest` carries). Raises `UnknownModelError` for a model without a price, before any spend."""
        price_for(model)
        params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": _messages(messages)}
        if system:
            if isinstance(system, str):
                block: dict[str, Any] = {"type": "text", "text": system}
                if cache_system:
                    block["cache_control"] = {"type": "ephemeral"}
                params["system"] = [block]
            else:
                params["system"] = [dict(b) for b in system]
        if tools:
            params["tools"] = [dict(t) for t in tools]
        if tool_choice:
            params["tool_choice"] = dict(tool_choice)
        if output_schema is not None:
            params["output_config"] = {
                "format": {"type": "json_schema", "schema": json_schema(output_schema)}
            }
        if metadata:
            params["metadata"] = dict(metadata)
        return params

    def create_message(
        self,
        *,
        model: str,
        system: str | Sequence[Mapping[str, Any]] | None,
        messages: Messages,
        max_tokens: int,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: Mapping[str, Any] | None = None,
        output_schema: type[BaseModel] | Mapping[str, Any] | None = None,
        cache_system: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> MessageResult:
        """Send one message (`POST /v1/messages`). A string `system` is sent as one text block marked for
        prompt caching when `cache_system`; `output_schema` asks for JSON output (`output_config.format`)."""
        params = self.message_params(
            model=model,
            system=system,
            messages=messages,
            max_tokens=max_tokens,
            tools=tools,
            tool_choice=tool_choice,
            output_schema=output_schema,
            cache_system=cache_system,
            metadata=metadata,
        )
        return self.send_message(params)

    def send_message(self, params: Mapping[str, Any]) -> MessageResult:
        """Send Messages create params built by `message_params` (`POST /v1/messages`)."""
        message = self._call("POST /v1/messages", lambda: self._sdk.messages.create(**params))
        return to_result(message.model_dump(mode="json"), request_id=getattr(message, "_request_id", None))

    def parse_message(
        self,
        *,
        model: str,
        system: str | Sequence[Mapping[str, Any]] | None,
        messages: Messages,
        max_tokens: int,
        output_model: type[T],
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: Mapping[str, Any] | None = None,
        cache_system: bool = True,
        metadata: Mapping[str, Any] | None = None,
        record_id: str | None = None,
    ) -> tuple[T, MessageResult]:
        """Ask for JSON matching `output_model` and validate it.

        Raises `RecordValidationError` (with `record_id`) when the answer is not valid JSON for the model,
        so the caller can retry once and then record the row as failed.
        """
        result = self.create_message(
            model=model,
            system=system,
            messages=messages,
            max_tokens=max_tokens,
            tools=tools,
            tool_choice=tool_choice,
            output_schema=None if tool_choice else output_model,
            cache_system=cache_system,
            metadata=metadata,
        )
        return self.parse_output(result, output_model, record_id=record_id), result

    def parse_output(
        self, result: MessageResult, output_model: type[T], *, record_id: str | None = None
    ) -> T:
        """Validate a result's JSON against `output_model` (also for batch results)."""
        common: dict[str, Any] = {
            "vendor": self.vendor,
            "endpoint": "POST /v1/messages",
            "correlation_id": result.request_id or result.id,
            "body": result.text[:2000],
            "record_id": record_id,
        }
        if result.stop_reason in ("max_tokens", "refusal", "model_context_window_exceeded"):
            raise RecordValidationError(
                f"answer stopped early ({result.stop_reason}); no usable JSON", **common
            )
        if result.parsed is None:
            raise RecordValidationError(f"answer is not valid JSON for {output_model.__name__}", **common)
        try:
            return output_model.model_validate(result.parsed)
        except ValidationError as exc:
            raise RecordValidationError(
                f"answer does not fit {output_model.__name__}: {exc.error_count()} error(s): "
                f"{_short_errors(exc)}",
                **common,
            ) from exc

    def count_tokens(
        self,
        *,
        model: str,
        system: str | Sequence[Mapping[str, Any]] | None,
        messages: Messages,
        tools: Sequence[Mapping[str, Any]] | None = None,
    ) -> int:
        """Input tokens a request would use (`POST /v1/messages/count_tokens`)."""
        params = self.message_params(model=model, system=system, messages=messages, max_tokens=1, tools=tools)
        params.pop("max_tokens")
        counted = self._call(
            "POST /v1/messages/count_tokens", lambda: self._sdk.messages.count_tokens(**params)
        )
        return int(counted.input_tokens)

    def list_models(self) -> list[str]:
        """The model ids the API serves (`GET /v1/models`, first page)."""
        page = self._call("GET /v1/models", lambda: self._sdk.models.list(limit=1000))
        return [m.id for m in page.data]

    # --- what Anthropic billed ---------------------------------------------------------------------

    @property
    def can_read_usage(self) -> bool:
        """Whether this client has a key for the organization's usage report."""
        return self._admin is not None

    @property
    def unanswered_attempts(self) -> int:
        """Attempts this client sent that got no answer (Anthropic may have taken and billed them)."""
        return self.stats.total_unanswered

    def billed_between(self, start: datetime, end: datetime) -> Billed:
        """Input tokens (uncached, cache writes and reads) and output tokens the organization was billed
        between `start` and `end`, by Anthropic's usage report
        (`GET /v1/organizations/analytics/usage`, hourly buckets, every page), and how far the report is
        complete (`data_refreshed_at`). For `SpendLedger.reconcile`."""
        admin = self._admin
        if admin is None:
            raise ConfigurationError(
                "reading what Anthropic billed needs ANTHROPIC_ADMIN_API_KEY (an Admin or read:analytics key)"
            )
        tokens_in = tokens_out = 0
        refreshed: datetime | None = None
        # The report spans at most 31 days a request.
        for lo, hi in _windows(start, end, timedelta(days=31)):

            def read(lo: datetime = lo, hi: datetime = hi) -> Any:
                return admin.beta.organization.analytics.usage.list(
                    starting_at=lo, ending_at=hi, time_bucket_width="1h", limit=1000
                )

            page = self._call(USAGE_ENDPOINT, read)
            if page.data_refreshed_at is not None:
                moment = page.data_refreshed_at
                refreshed = moment if refreshed is None else min(refreshed, moment)
            while True:
                for row in page.data:
                    usage = row.usage
                    tokens_in += (
                        usage.uncached_input_tokens
                        + usage.cache_creation.ephemeral_1h_input_tokens
                        + usage.cache_creation.ephemeral_5m_input_tokens
                        + usage.cache_read_input_tokens
                    )
                    tokens_out += usage.output_tokens
                if not page.has_next_page():
                    break
                page = self._call(USAGE_ENDPOINT, page.get_next_page)
        return Billed({"tokens_in": tokens_in, "tokens_out": tokens_out}, through=refreshed)

    # --- Message Batches -------------------------------------------------------------------------

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

    # --- the policy -------------------------------------------------------------------------------

    def _call(self, endpoint: str, send: Callable[[], Any], *, unanswered_is_final: bool = False) -> Any:
        def attempt() -> Any:
            acquire(self.limits)
            self.stats.calls[endpoint] += 1
            try:
                return send()
            except anthropic.APIError as exc:
                if isinstance(exc, anthropic.APIConnectionError):
                    self.stats.unanswered[endpoint] += 1
                error = self._error(exc, endpoint)
                if unanswered_is_final and isinstance(exc, anthropic.APIConnectionError):
                    error.retryable = False
                    error.message += " (no answer: the request may have been taken; not sent again)"
                raise error from exc

        def on_retry(exc: VendorError, wait: float) -> None:
            self.stats.retries[endpoint] += 1
            self.stats.retry_wait_seconds += wait

        return call_with_retries(
            attempt,
            policy=self.policy,
            vendor=self.vendor,
            endpoint=endpoint,
            sleep=self._sleep,
            on_retry=on_retry,
        )

    def _error(self, exc: anthropic.APIError, endpoint: str) -> VendorError:
        """Our error for an SDK exception. Whether it is retried is the SDK's own rule
        (`anthropic._base_client._should_retry`), which the SDK would apply if it did the retrying: the
        server's `x-should-retry: true|false` wins; without it 408, 409, 429 and >= 500 are retried, and so
        are connection errors and timeouts. Only the loop (`call_with_retries`) is ours."""
        if isinstance(exc, anthropic.APIConnectionError):  # APITimeoutError included
            return ServerError(f"{type(exc).__name__}: {exc}", vendor=self.vendor, endpoint=endpoint)
        if not isinstance(exc, anthropic.APIStatusError):
            # A 2xx the SDK could not read (APIResponseValidationError): the SDK does not retry it either.
            return ServerError(
                f"{type(exc).__name__}: {exc}", vendor=self.vendor, endpoint=endpoint, retryable=False
            )
        status = exc.status_code
        said = should_retry_header(exc.response.headers)
        message = f"{exc.type or 'error'}: {exc.api_message or exc.message}"
        if said is False and (status in SDK_RETRY_STATUSES or status >= 500):
            # A status we would otherwise retry: say why we stop (a 429 past a spend cap, say), so nobody
            # reads it as a rate limit that ran out of retries.
            message += "; the server asked not to retry (x-should-retry: false)"
            if status == 429:
                message += ", e.g. a spend cap was reached"
        common: dict[str, Any] = {
            "vendor": self.vendor,
            "endpoint": endpoint,
            "status_code": status,
            "correlation_id": exc.request_id,
            "body": exc.body,
            "retryable": said,
        }
        retry_after = _retry_after(exc.response.headers)
        if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
            return AuthenticationError(
                f"credentials refused ({message})", variable=self.key_variable, **common
            )
        if status == 429:
            return RateLimitedError(message, retry_after=retry_after, **common)
        if status == 404:
            return NotFoundError(message, **common)
        if status == 402:
            return InsufficientCreditsError(message, **common)
        if status == 409:
            # conflict_error: the SDK retries it as a transient conflict (a lock timeout), so do we; after
            # the retries it is the server's failure, not a bad record.
            return ServerError(f"{message} (a transient conflict)", retry_after=retry_after, **common)
        if status == 408 or status >= 500:
            # InternalServerError covers 500 api_error and 529 overloaded_error (OverloadedError).
            return ServerError(message, retry_after=retry_after, **common)
        return RecordValidationError(message, **common)


# --- helpers -----------------------------------------------------------------------------------------


def _windows(start: datetime, end: datetime, span: timedelta) -> list[tuple[datetime, datetime]]:
    out = []
    while start < end:
        out.append((start, min(end, start + span)))
        start += span
    return out


def json_schema(output_schema: type[BaseModel] | Mapping[str, Any]) -> dict[str, Any]:
    """The `output_config.format.schema` for a pydantic model or a JSON schema dict.

    Goes through the SDK's `transform_schema`, as `messages.parse()` does: it closes objects
    (`additionalProperties: false`) and moves keywords structured outputs do not enforce (lengths, bounds)
    into the description, so our pydantic validation after parsing stays the guarantee.
    """
    if isinstance(output_schema, Mapping):
        return anthropic.transform_schema(dict(output_schema))
    return anthropic.transform_schema(output_schema)


def to_result(
    message: Mapping[str, Any], *, batch: bool = False, request_id: str | None = None
) -> MessageResult:
    """A Messages API message (as JSON) as a `MessageResult`, with its cost."""
    content = [dict(block) for block in message.get("content") or []]
    text = "".join(str(b.get("text") or "") for b in content if b.get("type") == "text")
    parsed: Any = next((b.get("input") for b in content if b.get("type") == "tool_use"), None)
    if parsed is None:
        parsed = _json_or_none(text)
    usage = Usage.model_validate(message.get("usage") or {})
    model = str(message.get("model") or "")
    return MessageResult(
        id=str(message.get("id") or ""),
        model=model,
        text=text,
        parsed=parsed,
        stop_reason=message.get("stop_reason"),
        content=content,
        usage=usage,
        cost_usd=cost_usd(model, usage, batch=batch),
        batch=batch,
        request_id=request_id,
    )


def _json_or_none(text: str) -> Any:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _messages(messages: Messages) -> list[dict[str, Any]]:
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    return [dict(m) for m in messages]


def should_retry_header(headers: Mapping[str, str]) -> bool | None:
    """The server's own retry verdict: `x-should-retry: true` or `false`, compared exactly as the SDK does
    (any other value, or none, leaves the decision to the status code)."""
    value = headers.get("x-should-retry")
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait: `retry-after-ms` (what the SDK prefers) or `retry-after`."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"))


def _short_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]
    )
