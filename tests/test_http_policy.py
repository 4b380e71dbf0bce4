"""The shared HTTP policy on its own: Retry-After parsing, the retry loop, the limiter, error mapping."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from resources.errors import (
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
)
from resources.http import (
    HttpPolicy,
    RateLimit,
    VendorHttpClient,
    acquire,
    call_with_retries,
    parse_retry_after,
)


class EchoClient(VendorHttpClient):
    vendor = "echo"
    key_variable = "ECHO_API_KEY"


def scripted(
    *statuses: int, headers: dict[str, str] | None = None
) -> tuple[httpx.MockTransport, list[float]]:
    """A transport answering the given statuses in order (then 200), recording when each request came."""
    seen: list[float] = []
    queue = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(time.monotonic())
        status = queue.pop(0) if queue else 200
        return httpx.Response(status, json={"status": status}, headers=headers or {})

    return httpx.MockTransport(handler), seen


FAST = HttpPolicy(max_attempts=4, backoff_base=0.001, backoff_max=0.01)


def test_parse_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(30.0)


def test_retryable_statuses_are_retried_then_succeed() -> None:
    transport, seen = scripted(503, 502, 408)
    client = EchoClient(base_url="https://echo.test", policy=FAST, limits=[], transport=transport)
    response = client.request("GET", "/x")
    assert response.status_code == 200
    assert len(seen) == 4
    assert client.stats.retries["GET /x"] == 3


def test_server_errors_exhaust_attempts_then_raise_typed_error() -> None:
    transport, seen = scripted(*([500] * 10))
    client = EchoClient(base_url="https://echo.test", policy=FAST, limits=[], transport=transport)
    with pytest.raises(ServerError) as info:
        client.request("GET", "/x", endpoint="GET /x")
    assert len(seen) == FAST.max_attempts
    assert info.value.status_code == 500 and info.value.vendor == "echo"


def test_retry_after_is_honoured_not_shortened_by_backoff() -> None:
    transport, seen = scripted(429, headers={"retry-after": "1"})
    client = EchoClient(base_url="https://echo.test", policy=FAST, limits=[], transport=transport)
    client.request("GET", "/x")
    assert seen[1] - seen[0] >= 0.99


def test_retry_after_longer_than_the_cap_is_not_waited_out() -> None:
    transport, seen = scripted(429, headers={"retry-after": "3600"})
    policy = HttpPolicy(max_attempts=4, backoff_base=0.001, max_retry_after=60)
    client = EchoClient(base_url="https://echo.test", policy=policy, limits=[], transport=transport)
    with pytest.raises(RateLimitedError) as info:
        client.request("GET", "/x")
    assert len(seen) == 1 and info.value.retry_after == 3600


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (422, RecordValidationError),
    ],
)
def test_non_retryable_statuses_fail_at_once(status: int, error: type[Exception]) -> None:
    transport, seen = scripted(status, status, status)
    client = EchoClient(base_url="https://echo.test", policy=FAST, limits=[], transport=transport)
    with pytest.raises(error) as info:
        client.request("GET", "/x")
    assert len(seen) == 1
    if status == 401:
        assert "ECHO_API_KEY" in str(info.value)


def test_transport_errors_are_retried_as_server_errors() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    client = EchoClient(
        base_url="https://echo.test", policy=FAST, limits=[], transport=httpx.MockTransport(handler)
    )
    assert client.request("GET", "/x").status_code == 200
    assert calls["n"] == 3


@pytest.mark.parametrize("idempotent", [True, False])
def test_an_unanswered_create_is_sent_once_and_an_unsent_one_retried(idempotent: bool) -> None:
    sent = {"n": 0}

    def lost(request: httpx.Request) -> httpx.Response:
        sent["n"] += 1
        raise httpx.ReadTimeout("no answer", request=request)

    client = EchoClient(
        base_url="https://echo.test", policy=FAST, limits=[], transport=httpx.MockTransport(lost)
    )
    with pytest.raises(ServerError) as info:
        client.request("POST", "/things", json={}, idempotent=idempotent)
    # A create the vendor may have taken is not sent again; a safe request is retried to the end.
    assert sent["n"] == (FAST.max_attempts if idempotent else 1)
    assert ("not sent again" in str(info.value)) is (not idempotent)

    refused = {"n": 0}

    def unreachable(request: httpx.Request) -> httpx.Response:
        refused["n"] += 1
        if refused["n"] < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={})

    client = EchoClient(
        base_url="https://echo.test", policy=FAST, limits=[], transport=httpx.MockTransport(unreachable)
    )
    # Never sent: retried even when the request is not idempotent.
    assert client.request("POST", "/things", json={}, idempotent=False).status_code == 201


def test_call_with_retries_does_not_retry_foreign_exceptions() -> None:
    calls = {"n": 0}

    def attempt() -> None:
        calls["n"] += 1
        raise KeyError("bug")

    with pytest.raises(KeyError):
        call_with_retries(attempt, policy=FAST, vendor="echo", endpoint="x")
    assert calls["n"] == 1


def test_limiter_is_shared_by_threads_and_keeps_bursts_under_the_window() -> None:
    limit = RateLimit("test.burst", 10, 0.5)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            acquire([limit])
            with lock:
                stamps.append(time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    stamps.sort()
    busiest = max(sum(1 for s in stamps if t0 <= s < t0 + limit.per_seconds) for t0 in stamps)
    assert busiest <= limit.requests
    # 30 requests at 10 per 0.5 s: the floor is 1.0 s; "just under, not far under" means not much more.
    assert 0.95 <= elapsed < 2.0
