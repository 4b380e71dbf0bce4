"""What the Messages API accepts: the request fields, their types and limits, and the complaint it
answers with (400 invalid_request_error) when a request breaks them.
"""

from __future__ import annotations

from typing import Any

from resources.sandbox.claude.base import AnthropicBase
from resources.sandbox.claude.models import MODELS

#: Top-level fields of a Messages request (SDK 2.x `messages.create`); anything else is refused, as the
#: API refuses extra inputs. temperature/top_p/top_k are checked per API version.
_MESSAGE_FIELDS = frozenset(
    {
        "model",
        "max_tokens",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "output_config",
        "output_format",
        "metadata",
        "stop_sequences",
        "cache_control",
        "thinking",
        "service_tier",
        "speed",
        "inference_geo",
        "container",
        "diagnostics",
        "stream",
        "temperature",
        "top_p",
        "top_k",
        "user_profile_id",
        "workspace_id",
    }
)
_SAMPLING_FIELDS = ("temperature", "top_p", "top_k")


def validate_message(body: Any, version: str, *, require_max_tokens: bool = True) -> str | None:
    """The API's complaint about a Messages request, or None when it is acceptable."""
    if not isinstance(body, dict):
        return "body: Input should be a valid object"
    allowed = (
        _MESSAGE_FIELDS if require_max_tokens else _MESSAGE_FIELDS - {"max_tokens", "stream", "metadata"}
    )
    for name in sorted(body):
        if name not in allowed:
            return f"{name}: Extra inputs are not permitted"
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "model: Field required"
    if model not in MODELS:
        return f"model: {model!r} is not a known model"
    if require_max_tokens:
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            return "max_tokens: Field required"
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            return "max_tokens: Input should be a valid integer"
        if max_tokens < 1:
            return "max_tokens: Input should be greater than or equal to 1"
    for name in _SAMPLING_FIELDS:
        if name not in body:
            continue
        if version in AnthropicBase.NO_SAMPLING_VERSIONS:
            return f"{name}: this parameter is not supported in anthropic-version {version}"
        value = body[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{name}: Input should be a valid number"
        if name == "temperature" and not 0 <= value <= 1:
            return "temperature: must be between 0 and 1"
    problem = _check_messages(body.get("messages"))
    if problem:
        return problem
    system = body.get("system")
    if (
        system is not None
        and not isinstance(system, str)
        and (
            not isinstance(system, list)
            or any(
                not isinstance(b, dict) or b.get("type") != "text" or not isinstance(b.get("text"), str)
                for b in system
            )
        )
    ):
        return "system: must be a string or a list of text blocks"
    tools = body.get("tools")
    names: list[str] = []
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Input should be a valid list"
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
                return f"tools.{i}.name: Field required"
            custom = tool.get("type") in (None, "custom")
            if custom and not isinstance(tool.get("input_schema"), dict):
                return f"tools.{i}.input_schema: Field required"
            names.append(tool["name"])
    choice = body.get("tool_choice")
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in ("auto", "any", "tool", "none"):
            return "tool_choice.type: must be one of 'auto', 'any', 'tool', 'none'"
        if choice["type"] == "tool" and choice.get("name") not in names:
            return f"tool_choice.name: no tool named {choice.get('name')!r} in tools"
        if choice["type"] == "any" and not names:
            return "tool_choice: 'any' needs at least one tool"
    for field in ("output_config", "output_format"):
        value = body.get(field)
        if value is None:
            continue
        fmt = value.get("format") if field == "output_config" and isinstance(value, dict) else value
        if field == "output_config" and not isinstance(value, dict):
            return "output_config: Input should be a valid object"
        if fmt is None:
            continue
        if (
            not isinstance(fmt, dict)
            or fmt.get("type") != "json_schema"
            or not isinstance(fmt.get("schema"), dict)
        ):
            return (
                f"{field}{'.format' if field == 'output_config' else ''}: expected {{'type': 'json_schema', "
                "'schema': {...}}"
            )
    metadata = body.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or set(metadata) - {"user_id"}):
        return "metadata: only user_id is allowed"
    cache_control = body.get("cache_control")
    if cache_control is not None and (
        not isinstance(cache_control, dict) or cache_control.get("type") != "ephemeral"
    ):
        return "cache_control.type: must be 'ephemeral'"
    return None


def _check_messages(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    previous = None
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            return f"messages.{i}: Input should be a valid object"
        role = message.get("role")
        if role not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        if role == previous:
            return f'messages.{i}: roles must alternate between "user" and "assistant"'
        previous = role
        content = message.get("content")
        if isinstance(content, str):
            if not content and i != len(messages) - 1:
                return f"messages.{i}.content: must not be empty"
        elif isinstance(content, list):
            if any(not isinstance(b, dict) or not isinstance(b.get("type"), str) for b in content):
                return f"messages.{i}.content: every block needs a type"
        else:
            return f"messages.{i}.content: Input should be a string or a list of content blocks"
    return None
