"""A Messages request read as a prompt: its cacheable blocks in prefix order, the shape the answer must
take (an output schema or a forced tool), and the user's own text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from resources.sandbox.claude.common import token_count


class Block:
    """One cacheable unit of the prompt (a tool, a system block, a message content block)."""

    __slots__ = ("cache_control", "key", "text", "tokens")

    def __init__(self, text: str, key: str, cache_control: dict[str, Any] | None) -> None:
        self.text = text
        self.key = key
        self.tokens = token_count(text)
        self.cache_control = cache_control


def prompt_blocks(body: dict[str, Any]) -> tuple[list[Block], int]:
    """The prompt in cache-prefix order (tools -> system -> messages) and the tokens of the output schema,
    which count as input but sit outside the cacheable prefix."""

    def block(value: Any, text: str | None = None) -> Block:
        bare = {k: v for k, v in value.items() if k != "cache_control"} if isinstance(value, dict) else value
        control = value.get("cache_control") if isinstance(value, dict) else None
        key = json.dumps(bare, sort_keys=True, default=str)
        return Block(text if text is not None else key, key, control if isinstance(control, dict) else None)

    blocks = [block(tool) for tool in body.get("tools") or []]
    system = body.get("system")
    if isinstance(system, str):
        blocks.append(block({"type": "text", "text": system}, system))
    elif isinstance(system, list):
        blocks.extend(block(b, str(b.get("text") or "")) for b in system)
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            blocks.append(block({"role": message.get("role"), "text": content}, content))
            continue
        for part in content or []:
            text = part.get("text") if part.get("type") == "text" else None
            keyed = {"role": message.get("role"), **part}
            blocks.append(block(keyed, text if isinstance(text, str) else None))
    # Automatic caching: a top-level cache_control applies to the last cacheable block.
    if isinstance(body.get("cache_control"), dict) and blocks and not blocks[-1].cache_control:
        blocks[-1].cache_control = body["cache_control"]
    # A forced tool's schema is already counted with the tools; an output format's is counted here.
    fmt = (body.get("output_config") or {}).get("format") or body.get("output_format")
    schema = fmt.get("schema") if isinstance(fmt, dict) else None
    extra = token_count(json.dumps(schema)) if isinstance(schema, dict) else 0
    return blocks, extra


def requested_shape(body: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(JSON schema the answer must follow, name of the forced tool or None)."""
    choice = body.get("tool_choice") or {}
    tools = [t for t in body.get("tools") or [] if isinstance(t.get("input_schema"), dict)]
    if choice.get("type") in ("tool", "any") and tools:
        tool = next((t for t in tools if t["name"] == choice.get("name")), tools[0])
        return tool["input_schema"], tool["name"]
    config = body.get("output_config") or {}
    fmt = config.get("format") or body.get("output_format")
    if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
        return fmt["schema"], None
    return None, None


def user_texts(messages: Iterable[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for message in messages:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for part in content or []:
            if part.get("type") == "text":
                texts.append(str(part.get("text") or ""))
            elif part.get("type") == "tool_result":
                inner = part.get("content")
                texts.append(inner if isinstance(inner, str) else json.dumps(inner))
    return texts
