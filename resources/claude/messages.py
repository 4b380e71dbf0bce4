"""Claude Messages: building create params, sending one message, validating JSON answers, counting tokens.

What belongs here: `POST /v1/messages`, `POST /v1/messages/count_tokens`, `GET /v1/models`, and turning a
Messages API message into a `MessageResult` with its cost (also used for batch results). Prompts belong to
the assets; prices to `pricing.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import anthropic
from pydantic import BaseModel, ValidationError

from resources.claude.base_client import ClaudeBaseClient
from resources.claude.models import MessageResult, Usage
from resources.claude.pricing import cost_usd, price_for
from resources.errors import RecordValidationError

T = TypeVar("T", bound=BaseModel)

Messages = str | Sequence[Mapping[str, Any]]


class MessagesAPI(ClaudeBaseClient):
    """One message at a time, with JSON output validated against a pydantic model."""

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


def _short_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()[:5]
    )
