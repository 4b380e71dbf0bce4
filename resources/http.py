"""The one HTTP policy under every vendor client: timeouts, retries, rate limiting, error mapping.

What belongs here: the retry loop, the process-wide rate limiters, and `VendorHttpClient`, the httpx
client base that the Explorium, HubSpot and lemlist clients subclass (they add auth, base URLs and their
own error-body parsing). The Anthropic client goes through the SDK but reuses `call_with_retries` and the
limiters, so all four vendors share one policy. Vendor endpoints and payload models do not belong here.

Libraries, and why:
- tenacity drives the retry loop. Its stop/wait/retry predicates compose the policy the vendors ask for
  (exponential backoff with full jitter, but never shorter than a `Retry-After`) without a hand-rolled loop.
- pyrate-limiter (v4, in-memory sliding-window bucket) is the client-side limiter. One `Limiter` per vendor
  limit lives in a process-wide registry, so every thread and every client instance of a process shares it.
  It blocks until a slot is free, which keeps a burst just under the vendor's window instead of
  provoking 429s.
  Limits across processes (parallel Dagster runs) are bounded by Dagster concurrency pools, not here.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import httpx
import tenacity
from pyrate_limiter import InMemoryBucket, Limiter, Rate

from resources.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
    VendorError,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 529})


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A vendor limit as the client enforces it: at most `requests` in any `per_seconds` window."""

    name: str
    requests: int
    per_seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.per_seconds


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Timeouts and retry settings shared by all vendor clients (each resource can override them)."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    pool_timeout: float = 10.0
    # Attempts in all, the first included.
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    # A Retry-After longer than this (HubSpot's daily limit, say) is not waited out inside a step:
    # the error is raised so Dagster's RetryPolicy or the next run deals with it.
    max_retry_after: float = 120.0

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )


_registry_lock = threading.Lock()
_limiters: dict[tuple[str, int, float], Limiter] = {}


def limiter_for(limit: RateLimit) -> Limiter:
    """The process-wide limiter for `limit`; created once, then shared by every thread and client."""
    key = (limit.name, limit.requests, limit.per_seconds)
    with _registry_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            bucket = InMemoryBucket([Rate(limit.requests, int(limit.per_seconds * 1000))])
            limiter = Limiter(bucket, buffer_ms=10)
            _limiters[key] = limiter
        return limiter


def acquire(limits: Iterable[RateLimit]) -> None:
    """Block until every limit in `limits` has a free slot."""
    for limit in limits:
        limiter_for(limit).try_acquire(limit.name)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class _WaitPolicy(tenacity.wait.wait_base):
    """Full-jitter exponential backoff, but never shorter than what the vendor asked for."""

    def __init__(self, policy: HttpPolicy) -> None:
        self._jitter = tenacity.wait_random_exponential(
            multiplier=policy.backoff_base, max=policy.backoff_max
        )

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        backoff = self._jitter(retry_state)
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return max(float(retry_after), 0.0)
        return backoff


def effective_base_url(base_url: str, transport: object | None) -> str:
    """The base URL a client really talks to. An in-process transport (the sandbox) that names its own
    (`base_url_for`) replaces the vendor's: httpx logs each request with its URL at INFO, and a sandbox
    request logged as `POST https://api.explorium.ai/v1/...` reads as data leaving the machine.

    Why the URL and not a logging filter on the `httpx`/`httpx2` loggers: a filter rewrites third-party
    records process-wide and cannot tell a sandbox request from a live one to the same host, while the URL
    is the one thing that is actually wrong, and fixing it also fixes every URL built from the base. On
    the network (no transport, or one without `base_url_for`) nothing changes."""
    rebase = getattr(transport, "base_url_for", None)
    return str(rebase(base_url)) if callable(rebase) else base_url


def call_with_retries(
    attempt: Callable[[], T],
    *,
    policy: HttpPolicy,
    vendor: str,
    endpoint: str,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[VendorError, float], None] | None = None,
) -> T:
    """Run `attempt` until it returns, retrying the retryable `VendorError`s under `policy`.

    `attempt` must raise a `VendorError` subclass; anything else propagates at once.
    """

    def should_retry(exc: BaseException) -> bool:
        if not isinstance(exc, VendorError) or not exc.retryable:
            return False
        retry_after = getattr(exc, "retry_after", None)
        return retry_after is None or retry_after <= policy.max_retry_after

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.warning(
            "%s %s: %s; retry %d/%d in %.2fs",
            vendor,
            endpoint,
            exc,
            state.attempt_number,
            policy.max_attempts - 1,
            wait,
        )
        if on_retry is not None and isinstance(exc, VendorError):
            on_retry(exc, wait)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(policy.max_attempts),
        wait=_WaitPolicy(policy),
        retry=tenacity.retry_if_exception(should_retry),
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
    return retrying(attempt)


@dataclass(slots=True)
class CallStats:
    """What one client did: calls per endpoint, retries, and time spent waiting. Thread-safe enough for
    counters (CPython's GIL); read it for materialization metadata."""

    calls: Counter[str]
    retries: Counter[str]
    retry_wait_seconds: float = 0.0
    # Attempts sent that got no answer (a read timeout, a dropped connection): the vendor may have taken
    # and billed them.
    unanswered: Counter[str] = field(default_factory=Counter)

    @classmethod
    def empty(cls) -> CallStats:
        return cls(calls=Counter(), retries=Counter())

    @property
    def total_unanswered(self) -> int:
        return sum(self.unanswered.values())

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


class VendorHttpClient:
    """Base of the httpx-based vendor clients: one `httpx.Client`, the shared retry policy and limiters.

    Subclasses set `vendor` and `key_variable`, pass their auth, and may override `_error_from_response`
    (how the vendor's error bodies read) and `_retry_after` (vendor-specific hints).
    """

    vendor: ClassVar[str]
    key_variable: ClassVar[str]

    def __init__(
        self,
        *,
        base_url: str,
        policy: HttpPolicy,
        limits: Sequence[RateLimit],
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy
        self.limits = tuple(limits)
        self.stats = CallStats.empty()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=effective_base_url(base_url, transport).rstrip("/"),
            timeout=policy.timeout(),
            headers={"accept": "application/json", **(headers or {})},
            auth=auth,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> VendorHttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        extra_limits: Sequence[RateLimit] = (),
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        """Send one logical request (with retries); return the response of the attempt that succeeded.

        Returns 2xx responses, 207 included: a batch's per-record errors are the caller's to read.

        `idempotent=False` (a create the vendor has no idempotency key for): a request that was sent but got
        no answer (a read timeout, a dropped connection) is not sent again, since the vendor may have taken
        it; the error is raised, and the caller finds what was created before creating again. Requests that
        never left (connect errors) and answers that say they failed (429, 5xx) are retried as usual.
        """
        name = endpoint or f"{method} {path}"
        limits = (*self.limits, *extra_limits)
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}

        def attempt() -> httpx.Response:
            # The body is encoded before the limiter's slot is taken, so the slot's time is when the
            # request leaves: the vendor counts it on arrival, and encoding a large batch after taking the
            # slot would let two requests a window apart arrive closer than the window.
            request = self._http.build_request(method, path, json=json, params=clean_params, headers=headers)
            acquire(limits)
            self.stats.calls[name] += 1
            try:
                response = self._http.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                raise ServerError(
                    f"could not connect ({type(exc).__name__})", vendor=self.vendor, endpoint=name
                ) from exc
            except httpx.TimeoutException as exc:
                self.stats.unanswered[name] += 1
                raise _unanswered(f"timed out ({type(exc).__name__})", idempotent, self.vendor, name) from exc
            except httpx.TransportError as exc:
                self.stats.unanswered[name] += 1
                raise _unanswered(
                    f"transport error ({type(exc).__name__}: {exc})", idempotent, self.vendor, name
                ) from exc
            if response.is_success:
                return response
            raise self._error_from_response(response, name)

        def on_retry(exc: VendorError, wait: float) -> None:
            self.stats.retries[name] += 1
            self.stats.retry_wait_seconds += wait

        return call_with_retries(
            attempt,
            policy=self.policy,
            vendor=self.vendor,
            endpoint=name,
            sleep=self._sleep,
            on_retry=on_retry,
        )

    # --- hooks -----------------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        """(message, correlation id) from an error body; vendors override to read their own shape."""
        text = response.text.strip()
        return (text[:500] or response.reason_phrase or "error"), None

    def _retry_after(self, response: httpx.Response) -> float | None:
        return parse_retry_after(response.headers.get("retry-after"))

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        status = response.status_code
        message, correlation_id = self._error_details(response)
        common: dict[str, Any] = {
            "vendor": self.vendor,
            "endpoint": endpoint,
            "status_code": status,
            "correlation_id": correlation_id,
            "body": _safe_body(response),
        }
        if status == 401:
            return AuthenticationError(
                f"credentials refused: {message}", variable=self.key_variable, **common
            )
        if status == 403:
            return AuthenticationError(f"forbidden: {message}", variable=self.key_variable, **common)
        if status == 404:
            return NotFoundError(message, **common)
        if status == 429:
            return RateLimitedError(message, retry_after=self._retry_after(response), **common)
        if status in RETRY_STATUSES or status >= 500:
            return ServerError(message, retry_after=self._retry_after(response), **common)
        return RecordValidationError(message, **common)


def _unanswered(message: str, idempotent: bool, vendor: str, endpoint: str) -> ServerError:
    """A request that was sent and got no answer: retried when sending it again is harmless."""
    if idempotent:
        return ServerError(message, vendor=vendor, endpoint=endpoint)
    return ServerError(
        f"{message}; no answer, and the vendor may have taken the request: not sent again",
        vendor=vendor,
        endpoint=endpoint,
        retryable=False,
    )


def _safe_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]
