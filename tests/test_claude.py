"""ClaudeClient (official anthropic SDK 2.x under our HTTP policy) against the Anthropic simulator.

In process through `AnthropicResource(sandbox_state=...)`, and over a socket (SandboxServer) for the
official SDK with its default settings and for raw httpx requests in the older x-api-key style.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import anthropic
import httpx
import httpx2
import pytest
from pydantic import BaseModel, Field

from resources.claude import (
    AnthropicResource,
    BatchRequest,
    ClaudeClient,
    UnknownModelError,
    Usage,
    cost_usd,
)
from resources.claude.pricing import BATCH_DISCOUNT
from resources.errors import (
    AuthenticationError,
    RateLimitedError,
    RecordValidationError,
    ServerError,
    VendorError,
)
from resources.http import HttpPolicy, RateLimit
from resources.sandbox import Sandbox
from resources.sandbox.claude import INVALID_JSON_MARKER, AnthropicSimulator
from resources.sandbox.server import SandboxServer
from resources.sandbox.transport import SandboxTransport

MODEL = "claude-haiku-4-5"
SYSTEM = "You write short, plain B2B emails for a sales team. Use only the facts you are given. " * 8
FACTS = {
    "first_name": "Ada",
    "company": "Northwind Robotics",
    "signal": "opened a new office in Lyon",
    "pain_points": ["manual CRM updates", "slow lead routing"],
    "tier": "B",
}


class Email(BaseModel):
    subject: str = Field(min_length=10, max_length=90)
    body: str = Field(min_length=200)
    tier: Literal["A", "B", "C"]
    reason: str


def prompt(facts: dict[str, object] = FACTS, extra: str = "") -> str:
    return f"Write the first email to this prospect.{extra}\n{json.dumps(facts)}"


@pytest.fixture
def resource(sandbox: Sandbox, sandbox_path: Path) -> AnthropicResource:
    # A high client-side limit: the limiter is process-wide, so other test files' calls must not stall these.
    return AnthropicResource(
        api_key="sandbox-key",
        sandbox_state=str(sandbox_path),
        requests_per_minute=5000,
        read_timeout=2.0,
        backoff_base=0.01,
        backoff_max=0.05,
    )


@pytest.fixture
def claude(resource: AnthropicResource) -> Iterator[ClaudeClient]:
    client = resource.get_client()
    yield client
    client.close()


@pytest.fixture
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox) as running:
        yield running


def usage_row(sandbox: Sandbox, endpoint: str):
    return next((u for u in sandbox.store.usage("anthropic") if u.endpoint == endpoint), None)


def test_resource_defaults_and_client_wiring(sandbox_path: Path) -> None:
    resource = AnthropicResource(api_key="sandbox-key", sandbox_state=str(sandbox_path))
    assert resource.fast_model == "claude-haiku-4-5"
    client = resource.get_client()
    assert client.limits == (RateLimit("anthropic", 50, 61.0),)
    assert client.sdk.max_retries == 0
    assert client.key_variable == "ANTHROPIC_API_KEY"


def test_structured_output_parses_and_mentions_only_the_facts(claude: ClaudeClient, sandbox: Sandbox) -> None:
    email, result = claude.parse_message(
        model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024, output_model=Email
    )
    assert 4 <= len(email.subject.split()) <= 8
    words = email.body.split()
    assert 70 <= len(words) <= 140
    for fact in ("Ada", "Northwind Robotics", "opened a new office in Lyon", "manual CRM updates"):
        assert fact in email.body
    assert "!" not in email.body and "free" not in email.body.lower()
    assert email.tier == "B"  # a fact names the enum value
    assert "Northwind Robotics" in email.reason
    assert result.stop_reason == "end_turn"
    assert result.model == MODEL and result.id.startswith("msg_")
    assert result.request_id and result.request_id.startswith("req_")
    assert result.usage.output_tokens > 0 and result.cost_usd > 0
    row = usage_row(sandbox, "POST /v1/messages")
    assert row is not None and row.calls == 1 and row.output_tokens == result.usage.output_tokens


def test_same_request_gives_identical_content(claude: ClaudeClient) -> None:
    first = claude.create_message(
        model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024, output_schema=Email
    )
    second = claude.create_message(
        model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024, output_schema=Email
    )
    assert first.text == second.text and first.parsed == second.parsed
    assert first.id != second.id
    other = claude.create_message(
        model=MODEL,
        system=SYSTEM,
        messages=prompt({**FACTS, "first_name": "Grace"}),
        max_tokens=1024,
        output_schema=Email,
    )
    assert "Grace" in other.parsed["body"] and "Ada" not in other.parsed["body"]


def test_prompt_cache_is_read_on_the_second_call_and_costs_less(
    claude: ClaudeClient, sandbox: Sandbox
) -> None:
    first = claude.create_message(model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024)
    second = claude.create_message(model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024)
    assert first.usage.cache_creation_input_tokens > 0 and first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.total_input_tokens == first.usage.total_input_tokens
    assert second.cost_usd < first.cost_usd
    totals = sandbox.store.totals("anthropic")
    assert totals.cache_write_tokens == first.usage.cache_creation_input_tokens
    assert totals.cache_read_tokens == second.usage.cache_read_input_tokens

    # 5-minute TTL in sandbox time: after 6 minutes the prefix is written again.
    sandbox.store.advance(minutes=6)
    third = claude.create_message(model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024)
    assert third.usage.cache_read_input_tokens == 0 and third.usage.cache_creation_input_tokens > 0

    # No caching asked for: no cache tokens at all.
    plain = claude.create_message(
        model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=1024, cache_system=False
    )
    assert plain.usage.cache_creation_input_tokens == plain.usage.cache_read_input_tokens == 0


def test_one_hour_cache_ttl_outlives_five_minutes(claude: ClaudeClient, sandbox: Sandbox) -> None:
    system = [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    first = claude.create_message(model=MODEL, system=system, messages=prompt(), max_tokens=512)
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_1h_input_tokens == first.usage.cache_creation_input_tokens > 0
    sandbox.store.advance(minutes=30)
    again = claude.create_message(model=MODEL, system=system, messages=prompt(), max_tokens=512)
    assert again.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


def test_invalid_json_once_then_valid(claude: ClaudeClient) -> None:
    messages = prompt(extra=f" {INVALID_JSON_MARKER}")
    with pytest.raises(RecordValidationError) as caught:
        claude.parse_message(
            model=MODEL,
            system=SYSTEM,
            messages=messages,
            max_tokens=1024,
            output_model=Email,
            record_id="lead-1",
        )
    assert caught.value.record_id == "lead-1"
    assert "not valid JSON" in str(caught.value)
    email, _ = claude.parse_message(
        model=MODEL, system=SYSTEM, messages=messages, max_tokens=1024, output_model=Email
    )
    assert "Ada" in email.body


def test_forced_tool_use_returns_schema_valid_input(claude: ClaudeClient) -> None:
    tool = {
        "name": "record_email",
        "description": "Record the email.",
        "input_schema": Email.model_json_schema(),
    }
    email, result = claude.parse_message(
        model=MODEL,
        system=SYSTEM,
        messages=prompt(),
        max_tokens=1024,
        output_model=Email,
        tools=[tool],
        tool_choice={"type": "tool", "name": "record_email"},
    )
    assert result.stop_reason == "tool_use"
    assert result.content[0]["type"] == "tool_use" and result.content[0]["name"] == "record_email"
    assert "Northwind Robotics" in email.body


def test_max_tokens_cut_is_a_record_validation_error(claude: ClaudeClient) -> None:
    with pytest.raises(RecordValidationError, match="max_tokens"):
        claude.parse_message(model=MODEL, system=SYSTEM, messages=prompt(), max_tokens=5, output_model=Email)


def test_batch_of_five_matched_by_custom_id(claude: ClaudeClient, sandbox: Sandbox) -> None:
    names = ["Ada", "Grace", "Edsger", "Barbara", "Donald"]
    requests = [
        BatchRequest(
            custom_id=f"lead-{i}",
            params=claude.message_params(
                model=MODEL,
                system=SYSTEM,
                messages=prompt({**FACTS, "first_name": name}),
                max_tokens=1024,
                output_schema=Email,
            ),
        )
        for i, name in enumerate(names)
    ]
    batch = claude.create_batch(requests)
    assert batch.id.startswith("msgbatch_") and batch.processing_status == "in_progress"
    assert batch.request_counts.processing == 5 and batch.results_url is None
    assert claude.get_batch(batch.id).processing_status == "in_progress"

    sandbox.store.advance(seconds=AnthropicSimulator.BATCH_PROCESSING_SECONDS + 1)
    ended = claude.wait_for_batch(batch.id, poll_seconds=0.01, timeout=5)
    assert ended.ended and ended.request_counts.succeeded == 5 and ended.results_url

    results = {r.custom_id: r for r in claude.batch_results(batch.id)}
    assert set(results) == {f"lead-{i}" for i in range(5)}
    for i, name in enumerate(names):
        result = results[f"lead-{i}"]
        assert result.succeeded and result.message is not None and result.message.batch
        email = claude.parse_output(result.message, Email)
        assert email.body.startswith(f"Hi {name},")
        full = cost_usd(MODEL, result.message.usage)
        assert result.message.cost_usd == pytest.approx(full * BATCH_DISCOUNT)

    # Tokens reach the ledger once, on the create endpoint, however often the batch is read.
    claude.batch_results(batch.id)
    row = usage_row(sandbox, "POST /v1/messages/batches")
    assert row is not None and row.calls == 1
    assert row.output_tokens == sum(r.message.usage.output_tokens for r in results.values() if r.message)
    assert [b.id for b in claude.list_batches()] == [batch.id]


def test_batch_with_a_bad_request_and_cancel(claude: ClaudeClient, sandbox: Sandbox) -> None:
    good = claude.message_params(model=MODEL, system=None, messages="company: Foo", max_tokens=64)
    batch = claude.create_batch(
        [
            BatchRequest(custom_id="ok", params=good),
            BatchRequest(custom_id="bad", params={**good, "max_tokens": 0}),
        ]
    )
    sandbox.store.advance(seconds=60)
    results = {r.custom_id: r for r in claude.batch_results(batch.id)}
    assert results["ok"].succeeded
    assert not results["bad"].succeeded and results["bad"].result_type == "errored"
    assert "max_tokens" in (results["bad"].error or "")

    second = claude.create_batch([BatchRequest(custom_id="x", params=good)])
    assert claude.cancel_batch(second.id).processing_status == "canceling"
    ended = claude.get_batch(second.id)
    assert ended.ended and ended.request_counts.canceled == 1
    assert [r.result_type for r in claude.batch_results(second.id)] == ["canceled"]


def test_429_storm_is_waited_out_by_our_policy(claude: ClaudeClient, sandbox: Sandbox) -> None:
    sandbox.store.set_faults("anthropic", rate_limit_next=1, rate_limit_retry_after=1)
    result = claude.create_message(model=MODEL, system=None, messages=prompt(), max_tokens=256)
    assert result.text
    row = usage_row(sandbox, "POST /v1/messages")
    assert row is not None and (row.calls, row.errors) == (2, 1)  # the SDK itself retried nothing
    assert claude.stats.calls["POST /v1/messages"] == 2
    assert claude.stats.retries["POST /v1/messages"] == 1
    assert claude.stats.retry_wait_seconds >= 1.0


def test_529_storm_raises_server_error_after_max_attempts(sandbox: Sandbox, sandbox_path: Path) -> None:
    sandbox.store.set_faults("anthropic", server_error_next=10, server_error_status=529)
    client = AnthropicResource(
        api_key="sandbox-key",
        sandbox_state=str(sandbox_path),
        requests_per_minute=5000,
        max_attempts=3,
        backoff_base=0.01,
        backoff_max=0.02,
    ).get_client()
    with pytest.raises(ServerError) as caught:
        client.create_message(model=MODEL, system=None, messages=prompt(), max_tokens=256)
    assert caught.value.status_code == 529 and "overloaded_error" in str(caught.value)
    assert caught.value.correlation_id and caught.value.correlation_id.startswith("req_")
    assert usage_row(sandbox, "POST /v1/messages").calls == 3


def test_timeout_is_retried(sandbox: Sandbox, sandbox_path: Path) -> None:
    sandbox.store.set_faults("anthropic", timeout_next=1)
    client = AnthropicResource(
        api_key="sandbox-key",
        sandbox_state=str(sandbox_path),
        requests_per_minute=5000,
        read_timeout=0.2,
        backoff_base=0.01,
        backoff_max=0.02,
    ).get_client()
    assert client.create_message(model=MODEL, system=None, messages=prompt(), max_tokens=256).text
    assert client.stats.retries["POST /v1/messages"] == 1


# --- the SDK's retry rule (anthropic._base_client._should_retry), one test per rule ------------------------

OK_MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": MODEL,
    "content": [{"type": "text", "text": "hello"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 1},
}
ERROR_TYPES = {
    400: "invalid_request_error",
    408: "timeout_error",
    409: "conflict_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def scripted_client(status: int, headers: dict[str, str] | None = None, *, failures: int = 1):
    """A ClaudeClient whose server answers `status` (with `headers`) `failures` times, then 200; and the
    list of requests it received. The SDK's own retries are off, so every request is one of our attempts."""
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) <= failures:
            body = {"type": "error", "error": {"type": ERROR_TYPES.get(status, "error"), "message": "no"}}
            return httpx2.Response(status, json=body, headers={"request-id": "req_1", **(headers or {})})
        return httpx2.Response(200, json=OK_MESSAGE, headers={"request-id": "req_2"})

    client = ClaudeClient(
        api_key="test",
        policy=HttpPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002),
        limits=[RateLimit("anthropic-retry-rules", 10_000, 1.0)],
        transport=httpx2.MockTransport(handler),
        sleep=lambda _: None,
    )
    return client, seen


def send(client: ClaudeClient) -> str:
    return client.create_message(model=MODEL, system=None, messages="hi", max_tokens=16).text


def test_429_with_x_should_retry_false_is_raised_at_once_as_not_retryable() -> None:
    client, seen = scripted_client(429, {"x-should-retry": "false"})
    with pytest.raises(RateLimitedError) as caught:
        send(client)
    assert len(seen) == 1 and client.stats.retries["POST /v1/messages"] == 0
    assert caught.value.retryable is False and caught.value.status_code == 429
    assert "asked not to retry" in str(caught.value) and "spend cap" in str(caught.value)


def test_x_should_retry_true_retries_a_4xx_the_sdk_would_not_otherwise_retry() -> None:
    client, seen = scripted_client(400, {"x-should-retry": "true"})
    assert send(client) == "hello"
    assert len(seen) == 2 and client.stats.retries["POST /v1/messages"] == 1


def test_409_is_retried_as_a_transient_conflict() -> None:
    client, seen = scripted_client(409)
    assert send(client) == "hello"
    assert len(seen) == 2
    client, seen = scripted_client(409, failures=10)
    with pytest.raises(ServerError, match="transient conflict"):
        send(client)
    assert len(seen) == 3  # every attempt of the policy


@pytest.mark.parametrize("status", [408, 429, 500, 529])
def test_408_429_and_5xx_are_still_retried(status: int) -> None:
    client, seen = scripted_client(status)
    assert send(client) == "hello"
    assert len(seen) == 2


def test_x_should_retry_false_also_stops_a_5xx() -> None:
    client, seen = scripted_client(529, {"x-should-retry": "false"})
    with pytest.raises(ServerError, match="asked not to retry") as caught:
        send(client)
    assert len(seen) == 1 and caught.value.retryable is False


def test_400_without_the_header_is_not_retried() -> None:
    client, seen = scripted_client(400)
    with pytest.raises(RecordValidationError) as caught:
        send(client)
    assert len(seen) == 1 and caught.value.retryable is False
    assert "asked not to retry" not in str(caught.value)


def test_an_error_keeps_its_retry_verdict_through_pickling() -> None:
    import pickle

    error = RateLimitedError("spend cap", vendor="anthropic", retryable=False)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, VendorError) and copy.retryable is False
    assert RateLimitedError("busy", vendor="anthropic").retryable is True


def test_bad_key_fails_fast_naming_the_variable(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = AnthropicResource(
        api_key="sk-ant-wrong", sandbox_state=str(sandbox_path), requests_per_minute=5000
    ).get_client()
    with pytest.raises(AuthenticationError) as caught:
        client.create_message(model=MODEL, system=None, messages=prompt(), max_tokens=256)
    assert caught.value.variable == "ANTHROPIC_API_KEY" and "ANTHROPIC_API_KEY" in str(caught.value)
    assert "sk-ant-wrong" not in str(caught.value)
    assert sandbox.store.totals("anthropic").calls == 1


def test_unknown_model_is_refused_before_any_call(claude: ClaudeClient, sandbox: Sandbox) -> None:
    with pytest.raises(UnknownModelError, match="claude-nonexistent"):
        claude.create_message(model="claude-nonexistent", system=None, messages="hi", max_tokens=10)
    assert sandbox.store.totals("anthropic").calls == 0


def test_official_sdk_with_default_settings_over_a_socket(server: SandboxServer, sandbox: Sandbox) -> None:
    sdk = anthropic.Anthropic(base_url=f"{server.url}/anthropic", api_key="sandbox-key")
    raw = sdk.messages.with_raw_response.create(
        model=MODEL, max_tokens=512, system=SYSTEM, messages=[{"role": "user", "content": prompt()}]
    )
    message = raw.parse()
    assert raw.headers["request-id"] == message._request_id
    assert raw.headers["anthropic-ratelimit-requests-limit"] == str(AnthropicSimulator.REQUESTS_PER_MINUTE)
    assert (
        int(raw.headers["anthropic-ratelimit-requests-remaining"])
        == AnthropicSimulator.REQUESTS_PER_MINUTE - 1
    )
    assert raw.headers["anthropic-ratelimit-requests-reset"].endswith("Z")
    assert "Northwind Robotics" in message.content[0].text

    parsed = sdk.messages.parse(
        model=MODEL, max_tokens=1024, messages=[{"role": "user", "content": prompt()}], output_format=Email
    )
    assert parsed.parsed_output is not None and parsed.parsed_output.tier == "B"

    batch = sdk.messages.batches.create(
        requests=[
            {
                "custom_id": "one",
                "params": {
                    "model": MODEL,
                    "max_tokens": 256,
                    "messages": [{"role": "user", "content": prompt()}],
                },
            }
        ]
    )
    sandbox.store.advance(seconds=60)
    assert sdk.messages.batches.retrieve(batch.id).results_url.startswith(f"{server.url}/anthropic/")
    lines = list(sdk.messages.batches.results(batch.id))
    assert [(line.custom_id, line.result.type) for line in lines] == [("one", "succeeded")]
    assert [m.id for m in sdk.models.list().data][:1] == ["claude-haiku-4-5"]
    assert (
        sdk.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "x" * 400}]).input_tokens
        == 100
    )


def test_raw_httpx_with_x_api_key_and_the_old_version(server: SandboxServer) -> None:
    url = f"{server.url}/anthropic/v1/messages"
    body = {
        "model": MODEL,
        "max_tokens": 256,
        "temperature": 0.2,
        "messages": [{"role": "user", "content": "first_name: Ada\ncompany: Northwind Robotics"}],
    }
    ok = httpx.post(url, json=body, headers={"x-api-key": "sandbox-key", "anthropic-version": "2023-06-01"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["type"] == "message" and "Northwind Robotics" in ok.json()["content"][0]["text"]

    missing = httpx.post(url, json=body, headers={"x-api-key": "sandbox-key"})
    assert missing.status_code == 400
    assert missing.json()["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header is required",
    }

    refused = httpx.post(url, json=body, headers={"x-api-key": "nope", "anthropic-version": "2023-06-01"})
    assert refused.status_code == 401
    error = refused.json()
    assert error["type"] == "error" and error["error"]["type"] == "authentication_error"
    assert error["request_id"] == refused.headers["request-id"]


def test_temperature_is_rejected_under_2026_10_21(server: SandboxServer) -> None:
    sdk = anthropic.Anthropic(base_url=f"{server.url}/anthropic", api_key="sandbox-key", max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as caught:
        sdk.messages.create(
            model=MODEL,
            max_tokens=64,
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"temperature": 0.5},
        )
    assert caught.value.status_code == 400 and caught.value.type == "invalid_request_error"
    assert "temperature" in (caught.value.api_message or "")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"model": "claude-3-nope"}, "model"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": "10"}, "max_tokens"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}, "alternate"),
        ({"surprise": True}, "Extra inputs"),
    ],
)
def test_request_shape_is_validated(sandbox: Sandbox, change: dict[str, object], complaint: str) -> None:
    http = httpx.Client(transport=SandboxTransport(sandbox), base_url="https://api.anthropic.com")
    body = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}], **change}
    response = http.post(
        "/v1/messages",
        json=body,
        headers={"authorization": "Bearer sandbox-key", "anthropic-version": "2026-10-21"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert complaint in response.json()["error"]["message"]


def test_server_side_limit_answers_429_with_retry_after(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 2)
    http = httpx.Client(transport=SandboxTransport(sandbox), base_url="https://api.anthropic.com")
    headers = {"x-api-key": "sandbox-key", "anthropic-version": "2026-10-21"}
    body = {"model": MODEL, "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    statuses = [http.post("/v1/messages", json=body, headers=headers).status_code for _ in range(2)]
    limited = http.post("/v1/messages", json=body, headers=headers)
    assert statuses == [200, 200] and limited.status_code == 429
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["anthropic-ratelimit-requests-remaining"] == "0"


def test_price_table() -> None:
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_creation_input_tokens=1_000_000,
        cache_read_input_tokens=1_000_000,
    )
    assert cost_usd("claude-haiku-4-5", usage) == pytest.approx(1 + 5 + 1.25 + 0.10)
    assert cost_usd("claude-sonnet-4-5", usage) == pytest.approx(3 + 15 + 3.75 + 0.30)
    assert cost_usd("claude-sonnet-5-5", usage) == pytest.approx(2 + 10 + 2.5 + 0.2)
    assert cost_usd("claude-opus-5-5", usage, batch=True) == pytest.approx((4 + 20 + 5 + 0.2) / 2)
    assert cost_usd(
        "claude-haiku-4-5-20251001", {"input_tokens": 2000, "output_tokens": 400}
    ) == pytest.approx(0.004)
    one_hour = {
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_creation_input_tokens": 1_000_000,
        "cache_creation": {"ephemeral_1h_input_tokens": 1_000_000},
    }
    assert cost_usd("claude-sonnet-5", one_hour) == pytest.approx(4.0)
    with pytest.raises(UnknownModelError, match="claude-unknown"):
        cost_usd("claude-unknown", usage)
