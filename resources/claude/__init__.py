"""Anthropic (Claude) through the official `anthropic` SDK, under the shared HTTP policy.

The package is named `claude` so nothing here shadows the SDK's own `anthropic` package.
"""

from resources.claude.client import ClaudeClient
from resources.claude.models import (
    BatchRequest,
    BatchResult,
    MessageBatch,
    MessageResult,
    RequestCounts,
    Usage,
)
from resources.claude.pricing import BATCH_DISCOUNT, PRICES, ModelPrice, UnknownModelError, cost_usd
from resources.claude.resource import AnthropicResource

__all__ = [
    "BATCH_DISCOUNT",
    "PRICES",
    "AnthropicResource",
    "BatchRequest",
    "BatchResult",
    "ClaudeClient",
    "MessageBatch",
    "MessageResult",
    "ModelPrice",
    "RequestCounts",
    "UnknownModelError",
    "Usage",
    "cost_usd",
]
