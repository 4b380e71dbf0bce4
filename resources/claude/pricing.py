"""Claude list prices and what a call cost.

What belongs here: the price table (USD per million tokens) for the model ids this project uses, the batch
discount, and `cost_usd()`. Prices come from /work/shared/reference/anthropic_dagster.md (A5); they change,
so keep them in this one table. Token counting and API calls do not belong here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Message Batches are billed at 50% of the standard price, on all usage (reference A4/A5).
BATCH_DISCOUNT = 0.5

_PER_TOKEN = 1_000_000


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """USD per million tokens."""

    input: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    output: float


#: Reference A5. Sonnet 5.5's cache read was reportedly cut to 0.10 on 2026-10-07 by third-party trackers
#: only; the table keeps Anthropic's 0.20 until confirmed.
PRICES: dict[str, ModelPrice] = {
    "claude-haiku-4-5": ModelPrice(1.00, 1.25, 2.00, 0.10, 5.00),
    "claude-sonnet-4-5": ModelPrice(3.00, 3.75, 6.00, 0.30, 15.00),
    "claude-sonnet-5": ModelPrice(2.00, 2.50, 4.00, 0.20, 10.00),
    "claude-sonnet-5-5": ModelPrice(2.00, 2.50, 4.00, 0.20, 10.00),
    "claude-opus-5-5": ModelPrice(4.00, 5.00, 8.00, 0.20, 20.00),
}

#: Dated snapshot ids that the API also accepts (SDK types/model.py) and that bill like their alias.
ALIASES: dict[str, str] = {
    "claude-haiku-4-5-20251001": "claude-haiku-4-5",
    "claude-sonnet-4-5-20250929": "claude-sonnet-4-5",
}


class UnknownModelError(KeyError):
    """The model has no row in the price table, so its cost cannot be computed."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model

    def __str__(self) -> str:
        known = ", ".join(sorted(PRICES))
        return f"no price for Claude model {self.model!r}; add it to resources/claude/pricing.py ({known})"


def price_for(model: str) -> ModelPrice:
    """The price row of `model` (dated snapshot ids resolve to their alias); raises `UnknownModelError`."""
    row = PRICES.get(ALIASES.get(model, model))
    if row is None:
        raise UnknownModelError(model)
    return row


def _tokens(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
    return int(value or 0)


def cost_usd(model: str, usage: Any, *, batch: bool = False) -> float:
    """What a call with this usage cost, in USD.

    `usage` is anything with the Messages API usage fields (our `Usage`, the SDK's, or a dict); missing
    cache fields count as 0. Cache writes are split by TTL when the usage says how (`cache_creation`),
    otherwise they are billed as 5-minute writes, the default TTL.
    """
    price = price_for(model)
    written = _tokens(usage, "cache_creation_input_tokens")
    split = usage.get("cache_creation") if isinstance(usage, dict) else getattr(usage, "cache_creation", None)
    written_1h = _tokens(split, "ephemeral_1h_input_tokens") if split is not None else 0
    written_5m = written - written_1h
    dollars = (
        _tokens(usage, "input_tokens") * price.input
        + written_5m * price.cache_write_5m
        + written_1h * price.cache_write_1h
        + _tokens(usage, "cache_read_input_tokens") * price.cache_read
        + _tokens(usage, "output_tokens") * price.output
    ) / _PER_TOKEN
    if batch:
        dollars *= BATCH_DISCOUNT
    return round(dollars, 10)
