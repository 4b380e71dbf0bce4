"""`ClaudeClient`: Claude Messages and Message Batches through the official `anthropic` SDK.

What belongs here: only the composition. The SDK under our HTTP policy (limiter, retries, error tree) is
`base_client.py`; each API area is its own module: `messages.py`, `batches.py` and `usage.py` (what
Anthropic billed). Payload models are in `models.py`, prices in `pricing.py`. The names other modules
import from here are re-exported below.
"""

from __future__ import annotations

from resources.claude.base_client import (
    DEFAULT_BASE_URL,
    DEFAULT_LIMIT,
    SDK_RETRY_STATUSES,
    ClaudeBaseClient,
    should_retry_header,
)
from resources.claude.batches import BatchesAPI
from resources.claude.messages import Messages, MessagesAPI, json_schema, to_result
from resources.claude.usage import USAGE_ENDPOINT, UsageAPI


class ClaudeClient(MessagesAPI, BatchesAPI, UsageAPI):
    """Claude Messages and Message Batches, with our retries, limiter, error tree and cost accounting."""


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMIT",
    "SDK_RETRY_STATUSES",
    "USAGE_ENDPOINT",
    "ClaudeBaseClient",
    "ClaudeClient",
    "Messages",
    "json_schema",
    "should_retry_header",
    "to_result",
]
