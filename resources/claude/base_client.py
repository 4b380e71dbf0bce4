"""`ClaudeBaseClient`: the official `anthropic` SDK under our one HTTP policy, the core every area uses.

What belongs here: building the SDK client, sending each SDK call through the shared limiter and retry loop
(`resources.http`, in `_call`), and mapping SDK exceptions onto our error tree. Endpoints belong in the area
modules (`messages.py`, `batches.py`, `usage.py`), which `client.py` composes.

The SDK runs with `max_retries=0`: the retry loop and rate limiting belong to `resources.http`, so the four
vendors share one policy and one set of call statistics. Which errors that loop retries is still the SDK's
rule (`ClaudeBaseClient._error`): the server's `x-should-retry` header first, then the status code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Self

import anthropic
import httpx2

from resources.errors import (
    AuthenticationError,
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

DEFAULT_BASE_URL = "https://api.anthropic.com"


#: Facts ran out here: the reference gives the rate-limit headers but no numbers, and limits depend on the
#: account's usage tier. We assume a Tier-1-like 50 requests per minute, over a 61 s window so that clock
#: skew never lets the client run ahead of the server's 60 s window. `AnthropicResource` makes it
#: configurable.
DEFAULT_LIMIT = RateLimit("anthropic", 50, 61.0)

#: Statuses the SDK retries below 500 when the server does not say (`x-should-retry`) either way.
SDK_RETRY_STATUSES = frozenset({408, 409, 429})


class ClaudeBaseClient:
    """One SDK client (no retries of its own) with our retries, limiter, call statistics and error tree."""

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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
