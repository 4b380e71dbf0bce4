"""The Claude client and the Anthropic simulator against the official `anthropic` SDK's own types.

Anthropic publishes no OpenAPI document (`../shared/contracts/README.md`): the official SDK is the contract.
Every request body the client sends is validated against the SDK's request `TypedDict`s (no key the SDK
does not know, every value of the declared type), and every answer of the simulator against the SDK's
response models (`Message`, `MessageBatch`, `MessageBatchIndividualResponse`, `ModelInfo`, error bodies).
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic.types as sdk
import pytest
from anthropic.types.message_count_tokens_params import MessageCountTokensParams
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages import MessageBatch, MessageBatchIndividualResponse
from anthropic.types.messages.batch_create_params import BatchCreateParams
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts.conftest import public_methods
from resources.claude import AnthropicResource, BatchRequest, ClaudeClient
from resources.errors import AuthenticationError, RecordValidationError, ServerError
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.claude import AnthropicSimulator
from resources.sandbox.sandbox import Exchange, recording

MODEL = "claude-haiku-4-5"


class Reply(BaseModel):
    label: str
    reason: str


def _keys(typed_dict: Any) -> set[str]:
    return set(typing.get_type_hints(typed_dict, include_extras=False))


@dataclass(frozen=True)
class Operation:
    method: str
    pattern: re.Pattern[str]
    request: Any | None  # a TypedDict, or None for bodiless requests
    response: Callable[[bytes], Any]


def _model(model: type[BaseModel]) -> Callable[[bytes], Any]:
    return lambda body: model.model_validate(json.loads(body))


def _page(model: type[BaseModel]) -> Callable[[bytes], Any]:
    def check(body: bytes) -> Any:
        data = json.loads(body)
        assert set(data) >= {"data", "has_more", "first_id", "last_id"}, sorted(data)
        return [model.model_validate(item) for item in data["data"]]

    return check


def _jsonl(model: type[BaseModel]) -> Callable[[bytes], Any]:
    return lambda body: [model.model_validate(json.loads(line)) for line in body.splitlines() if line.strip()]


OPERATIONS = {
    "POST /v1/messages": Operation(
        "POST", re.compile(r"^/v1/messages$"), MessageCreateParamsNonStreaming, _model(sdk.Message)
    ),
    "POST /v1/messages/count_tokens": Operation(
        "POST",
        re.compile(r"^/v1/messages/count_tokens$"),
        MessageCountTokensParams,
        _model(sdk.MessageTokensCount),
    ),
    "POST /v1/messages/batches": Operation(
        "POST", re.compile(r"^/v1/messages/batches$"), BatchCreateParams, _model(MessageBatch)
    ),
    "GET /v1/messages/batches": Operation(
        "GET", re.compile(r"^/v1/messages/batches$"), None, _page(MessageBatch)
    ),
    "GET /v1/messages/batches/{id}": Operation(
        "GET", re.compile(r"^/v1/messages/batches/[^/]+$"), None, _model(MessageBatch)
    ),
    "POST /v1/messages/batches/{id}/cancel": Operation(
        "POST", re.compile(r"^/v1/messages/batches/[^/]+/cancel$"), None, _model(MessageBatch)
    ),
    "GET /v1/messages/batches/{id}/results": Operation(
        "GET",
        re.compile(r"^/v1/messages/batches/[^/]+/results$"),
        None,
        _jsonl(MessageBatchIndividualResponse),
    ),
    "GET /v1/models": Operation("GET", re.compile(r"^/v1/models$"), None, _page(sdk.ModelInfo)),
}


def _operation(exchange: Exchange) -> str | None:
    for name, op in OPERATIONS.items():
        if op.method == exchange.method and op.pattern.match(exchange.path):
            return name
    return None


def _request_problems(typed_dict: Any, body: bytes) -> list[str]:
    data = json.loads(body or b"{}")
    problems = [f"key the SDK does not know: {k}" for k in sorted(set(data) - _keys(typed_dict))]
    if typed_dict is BatchCreateParams:
        for i, item in enumerate(data.get("requests") or []):
            problems += [
                f"requests/{i}/params: {p}"
                for p in _request_problems(
                    MessageCreateParamsNonStreaming, json.dumps(item.get("params") or {}).encode()
                )
            ]
    try:
        TypeAdapter(typed_dict).validate_python(data)
    except ValidationError as exc:
        problems += [f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return problems


def check(exchange: Exchange) -> list[str]:
    """What is wrong with one Anthropic exchange, measured against the SDK's types."""
    name = _operation(exchange)
    if name is None:
        return [f"{exchange.method} {exchange.path}: not an operation the SDK has"]
    op = OPERATIONS[name]
    problems = (
        [f"{name} request: {p}" for p in _request_problems(op.request, exchange.request_body)]
        if op.request
        else []
    )
    if not exchange.delivered:
        return problems
    try:
        if exchange.status < 400:
            op.response(exchange.response_body)
        else:
            sdk.ErrorResponse.model_validate(json.loads(exchange.response_body))
    except (ValidationError, AssertionError, ValueError) as exc:
        problems.append(f"{name} -> {exchange.status}: {str(exc)[:400]}")
    return problems


def whole_surface(client: ClaudeClient, sandbox: Sandbox) -> set[str]:
    """Every public method of the client once; returns the names called."""
    called: set[str] = set()

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        called.add(name)
        return getattr(client, name)(*args, **kwargs)

    system = "You label sales replies. Answer as JSON. " * 40
    params = call(
        "message_params",
        model=MODEL,
        system=system,
        messages="Label: 'Sounds good, call me.'",
        max_tokens=200,
        output_schema=Reply,
    )
    result = call(
        "create_message",
        model=MODEL,
        system=system,
        messages="Label: 'Not now.'",
        max_tokens=200,
        output_schema=Reply,
    )
    call("parse_output", result, Reply)
    call(
        "parse_message",
        model=MODEL,
        system=system,
        messages="Label: 'Remove me.'",
        max_tokens=200,
        output_model=Reply,
    )
    call("count_tokens", model=MODEL, system=system, messages="Label: 'Who are you?'")
    call("list_models")
    batch = call("create_batch", [BatchRequest(custom_id=f"r{i}", params=params) for i in range(3)])
    call("get_batch", batch.id)
    call("list_batches", limit=5)
    sandbox.store.advance(hours=2)
    call("wait_for_batch", batch.id, poll_seconds=0.01, timeout=5)
    call("batch_results", batch.id)
    other = call("create_batch", [BatchRequest(custom_id="c0", params=params)])
    call("cancel_batch", other.id)
    return called


def error_answers(path: Path, sandbox: Sandbox) -> None:
    with pytest.raises(AuthenticationError):
        _client(path, api_key="not-a-sandbox-key").list_models()
    client = _client(path)
    with pytest.raises(RecordValidationError):
        client.create_message(model=MODEL, system=None, messages=[], max_tokens=10)
    sandbox.store.set_faults("anthropic", server_error_next=2, server_error_status=529)
    with pytest.raises(ServerError):
        client.list_models()


def _client(path: Path, **fields: Any) -> ClaudeClient:
    return AnthropicResource(
        api_key=fields.pop("api_key", SANDBOX_API_KEY),
        sandbox_state=str(path),
        requests_per_minute=5000,
        backoff_base=0.001,
        backoff_max=0.01,
        max_attempts=2,
    ).create_client()


@dataclass
class Traffic:
    called: set[str]
    log: list[Exchange]


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    path = tmp_path_factory.mktemp("anthropic") / "state.sqlite"
    sandbox = Sandbox.at(path)
    with pytest.MonkeyPatch.context() as patch, recording() as log:
        # Tier-1's 50 requests a minute is not under test here.
        patch.setattr(AnthropicSimulator, "REQUESTS_PER_MINUTE", 5000)
        called = whole_surface(_client(path), sandbox)
        error_answers(path, sandbox)
    return Traffic(called, [e for e in log if e.vendor == "anthropic"])


def test_the_scenario_calls_every_public_method_of_the_client(traffic: Traffic) -> None:
    surface = {n for n in public_methods(ClaudeClient) if n not in {"close", "sdk"}}
    assert surface - traffic.called == set()


def test_every_exchange_fits_the_official_sdk_types(traffic: Traffic) -> None:
    problems = [p for exchange in traffic.log for p in check(exchange)]
    assert {_operation(e) for e in traffic.log} == set(OPERATIONS)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_checker_catches_a_key_the_sdk_does_not_know() -> None:
    body = json.dumps({"model": MODEL, "max_tokens": 5, "messages": [], "temperature_mode": "hot"}).encode()
    exchange = Exchange("anthropic", "POST", "/v1/messages", "", {}, body, 200, {}, b"{}")
    problems = check(exchange)
    assert any("temperature_mode" in p for p in problems)
    assert any("-> 200" in p for p in problems)  # `{}` is no Message either
