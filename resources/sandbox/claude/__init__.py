"""The Anthropic API simulator: Messages, Message Batches, token counting, models and usage analytics.

What belongs here: the composed `AnthropicSimulator` and the names other code imports from it. Each API
area is a mixin in its own module (`messages`, `count_tokens`, `batches`, `models`, `analytics`) over
Anthropic's auth, versions, limits and error bodies (`base`); request validation is in `validation`, the
prompt's reading in `prompt`. The deterministic "model" answers only from the facts found in the prompt
(`facts`), shaped by the requested JSON schema (structured outputs or a forced tool) by the simulated
writer (`writer`), with prompt-cache accounting (`answers`). No network, no randomness: the same request
body always gets the same content.

Routes (all under `/v1`): POST /messages, POST /messages/count_tokens, POST /messages/batches,
GET /messages/batches, GET|DELETE /messages/batches/{id}, GET /messages/batches/{id}/results,
POST /messages/batches/{id}/cancel, GET /models, GET /models/{model_id},
GET /organizations/analytics/usage.

Fault hook (besides the shared ones in the store): a prompt containing `[[sandbox:invalid-json]]` gets an
answer that is not valid JSON the first time that exact prompt is seen, and a good one after.
"""

from __future__ import annotations

from resources.sandbox.claude.analytics import AnalyticsRoutes
from resources.sandbox.claude.answers import INVALID_JSON_MARKER
from resources.sandbox.claude.batches import BatchRoutes
from resources.sandbox.claude.count_tokens import CountTokensRoutes
from resources.sandbox.claude.facts import extract_facts
from resources.sandbox.claude.messages import MessageRoutes
from resources.sandbox.claude.models import MODELS, RETIRING, ModelRoutes
from resources.sandbox.claude.validation import validate_message
from resources.sandbox.claude.writer import SchemaFiller, summarise

__all__ = [
    "INVALID_JSON_MARKER",
    "MODELS",
    "RETIRING",
    "AnthropicSimulator",
    "SchemaFiller",
    "extract_facts",
    "summarise",
    "validate_message",
]


class AnthropicSimulator(MessageRoutes, CountTokensRoutes, BatchRoutes, ModelRoutes, AnalyticsRoutes):
    """Anthropic's API as SDK 2.x (Bearer, 2026-10-21) and older clients (x-api-key, 2023-06-01) see it."""
