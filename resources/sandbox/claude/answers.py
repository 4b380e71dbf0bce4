"""How the sandbox answers one Messages request (direct or in a batch): content from the simulated
writer shaped by the requested schema or forced tool, the stop reason, and usage with prompt caching
over the prefix tools -> system -> messages, cache entries kept in the store.

Fault hook (besides the shared ones in the store): a prompt containing `[[sandbox:invalid-json]]` gets an
answer that is not valid JSON the first time that exact prompt is seen, and a good one after.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from resources.sandbox.app import Spend
from resources.sandbox.claude.base import AnthropicBase
from resources.sandbox.claude.common import b58, digest, token_count
from resources.sandbox.claude.facts import extract_facts
from resources.sandbox.claude.prompt import Block, prompt_blocks, requested_shape, user_texts
from resources.sandbox.claude.writer import SchemaFiller, summarise

INVALID_JSON_MARKER = "[[sandbox:invalid-json]]"


class AnthropicAnswers(AnthropicBase):
    """The deterministic "model" and its prompt cache."""

    #: Per-model minimum cacheable prefix lengths come only from third-party copies (NOT CONFIRMED), so the
    #: sandbox caches any marked prefix. Raise this to mimic a minimum.
    MIN_CACHEABLE_TOKENS: ClassVar[int] = 0
    CACHE_TTL_SECONDS: ClassVar[dict[str, float]] = {"5m": 300.0, "1h": 3600.0}

    def _answer_message(
        self, body: dict[str, Any], *, scope: str, batch: bool = False
    ) -> tuple[dict[str, Any], Spend]:
        model = body["model"]
        blocks, extra_tokens = prompt_blocks(body)
        prompt = "\n".join(b.text for b in blocks)
        facts = extract_facts(user_texts(body.get("messages") or []))
        seed = digest({k: v for k, v in body.items() if k != "metadata"})
        broken = INVALID_JSON_MARKER in prompt and self._first_time(prompt)

        schema, tool_name = requested_shape(body)
        content: list[dict[str, Any]]
        if tool_name is not None:
            value = {} if broken else SchemaFiller(schema or {}, facts, seed).fill()
            tool_id = "toolu_" + b58(f"{seed}:tool")
            content = [{"type": "tool_use", "id": tool_id, "name": tool_name, "input": value}]
            output, stop_reason = json.dumps(value), "tool_use"
        elif schema is not None:
            output = json.dumps(SchemaFiller(schema, facts, seed).fill(), ensure_ascii=False)
            if broken:
                output = "Sure, here is the JSON you asked for:\n" + output[: max(1, len(output) // 2)]
            content, stop_reason = [{"type": "text", "text": output}], "end_turn"
        else:
            output = summarise(facts, prompt)
            content, stop_reason = [{"type": "text", "text": output}], "end_turn"

        output_tokens = max(1, token_count(output))
        if output_tokens > body["max_tokens"]:
            output_tokens = body["max_tokens"]
            stop_reason = "max_tokens"
            if content[0]["type"] == "text":
                content[0]["text"] = output[: body["max_tokens"] * 4]

        usage = self._cache_usage(model, blocks, extra_tokens, scope=scope)
        usage.update(
            output_tokens=output_tokens,
            service_tier="batch" if batch else "standard",
            server_tool_use=None,
            inference_geo=None,
        )
        message = {
            "id": "msg_" + b58(f"{self.store.seed}:msg:{self.store.next_id('anthropic.seq.msg')}"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "stop_details": None,
            "usage": usage,
        }
        spend = Spend(
            input_tokens=usage["input_tokens"],
            output_tokens=output_tokens,
            cache_read_tokens=usage["cache_read_input_tokens"],
            cache_write_tokens=usage["cache_creation_input_tokens"],
        )
        return message, spend

    def _first_time(self, prompt: str) -> bool:
        """True the first time this exact prompt is seen (the invalid-JSON fault fires once per prompt)."""
        key = digest(prompt)
        with self.store.transaction():
            seen = self.store.get("anthropic.invalid_json", key) or {"count": 0}
            seen["count"] += 1
            self.store.put("anthropic.invalid_json", key, seen)
        return seen["count"] == 1

    def _cache_usage(
        self, model: str, blocks: list[Block], extra_tokens: int, *, scope: str
    ) -> dict[str, Any]:
        """Prompt caching over the prefix tools -> system -> messages, with entries (and their expiry in
        sandbox time) kept in the store. A hit is refreshed for another TTL, as the API does."""
        now = self.store.timestamp()
        total = sum(b.tokens for b in blocks) + extra_tokens
        prefix_tokens: list[int] = []
        prefix_keys: list[str] = []
        running, chain = 0, hashlib.sha256(f"{scope}:{model}".encode())
        for block in blocks:
            running += block.tokens
            chain.update(block.key.encode())
            prefix_tokens.append(running)
            prefix_keys.append(chain.hexdigest())
        breakpoints = [
            i
            for i, b in enumerate(blocks)
            if b.cache_control and prefix_tokens[i] >= max(1, self.MIN_CACHEABLE_TOKENS)
        ]

        read, read_at = 0, -1
        with self.store.transaction():
            for i in reversed(breakpoints):
                entry = self.store.get("anthropic.cache", prefix_keys[i])
                if entry and entry["expires"] > now:
                    read, read_at = prefix_tokens[i], i
                    entry["expires"] = now + entry["ttl_seconds"]
                    self.store.put("anthropic.cache", prefix_keys[i], entry)
                    break
            written = {"5m": 0, "1h": 0}
            covered = read
            for i in breakpoints:
                if i <= read_at:
                    continue
                ttl = "1h" if (blocks[i].cache_control or {}).get("ttl") == "1h" else "5m"
                written[ttl] += prefix_tokens[i] - covered
                covered = prefix_tokens[i]
                seconds = self.CACHE_TTL_SECONDS[ttl]
                self.store.put(
                    "anthropic.cache",
                    prefix_keys[i],
                    {"tokens": prefix_tokens[i], "ttl_seconds": seconds, "expires": now + seconds},
                )
        creation = written["5m"] + written["1h"]
        return {
            "input_tokens": max(1, total - read - creation) if total else 1,
            "cache_creation_input_tokens": creation,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": written["5m"],
                "ephemeral_1h_input_tokens": written["1h"],
            },
        }
