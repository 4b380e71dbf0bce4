"""Holding recorded Anthropic traffic against the official `anthropic` SDK's own types.

Anthropic publishes no OpenAPI document (`../shared/contracts/README.md`): the official SDK is the contract.
What belongs here: the operations the SDK has, the request `TypedDict` and response model of each, and
`check`, which lists what is wrong with one exchange (a key the SDK does not know, a value of the wrong
type, an answer the SDK's models refuse, an error body that is not the SDK's `ErrorResponse`).
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anthropic.types as sdk
from anthropic.types.beta.organization.analytics.beta_analytics_usage_item import BetaAnalyticsUsageItem
from anthropic.types.message_count_tokens_params import MessageCountTokensParams
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages import DeletedMessageBatch, MessageBatch, MessageBatchIndividualResponse
from anthropic.types.messages.batch_create_params import BatchCreateParams
from pydantic import BaseModel, TypeAdapter, ValidationError

from resources.sandbox.sandbox import Exchange


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


def _report_page(model: type[BaseModel]) -> Callable[[bytes], Any]:
    """The SDK's `SyncReportPageCursor`: `data`, and optionally `has_more`, `next_page`,
    `data_refreshed_at`; nothing else."""

    def check(body: bytes) -> Any:
        data = json.loads(body)
        known = {"data", "has_more", "next_page", "data_refreshed_at"}
        assert "data" in data and set(data) <= known, sorted(data)
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
    "GET /v1/models/{id}": Operation("GET", re.compile(r"^/v1/models/[^/]+$"), None, _model(sdk.ModelInfo)),
    "GET /v1/organizations/analytics/usage": Operation(
        "GET",
        re.compile(r"^/v1/organizations/analytics/usage$"),
        None,
        _report_page(BetaAnalyticsUsageItem),
    ),
    "DELETE /v1/messages/batches/{id}": Operation(
        "DELETE", re.compile(r"^/v1/messages/batches/[^/]+$"), None, _model(DeletedMessageBatch)
    ),
}


def operation_of(exchange: Exchange) -> str | None:
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
    name = operation_of(exchange)
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
