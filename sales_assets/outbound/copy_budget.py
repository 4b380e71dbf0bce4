"""The Claude budget of a partition's copy: which of the leads to write the day's budget can pay for,
decided before any of them is written.

What belongs here: `lead_cost_bound`, the most one lead's copy can cost, and `split_by_budget`, which keeps
the leads (in order) whose bounds fit in what is left of the budget. The budget is
`CopySettings.daily_budget_usd`; what the partition already spent is the spend ledger's (its uncached
Claude rows, `SpendLedger.spent_usd`).

Why a bound rather than a guess: the cost of an answer is known only after it is paid, and a budget must
not be passed. The bound takes the request's bytes as input tokens (no tokenizer makes more tokens than the
text has bytes) at the dearest input rate (a cache write), `max_tokens` of output, and the one retry the
writer may make, whose input also carries the first answer. Real copy costs far less (the system prompt is
read from the cache, most leads pass at the first answer), so the price of never passing the budget is
leads held over that would have fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from resources.claude.pricing import price_for

if TYPE_CHECKING:
    from sales_assets.outbound.copy_prompt import LeadPrompt
    from sales_assets.outbound.copy_settings import CopySettings
    from sales_assets.outbound.copy_writer import CopyWriter

#: Input bytes a retry adds besides the first answer: the lint's findings and the instruction to fix them.
RETRY_EXTRA_BYTES = 2_000
#: Message Batches bill at half price; the writer's retries go through the Messages API at full price.
BATCH_DISCOUNT = 0.5
T = TypeVar("T")


def lead_cost_bound(model: str, request_bytes: int, max_tokens: int, *, via_batch: bool) -> float:
    """The most one lead's copy can cost in USD: the first request (half price in a batch) and one retry."""
    price = price_for(model)
    dearest_input = max(price.input, price.cache_write_5m, price.cache_write_1h)
    first = request_bytes * dearest_input + max_tokens * price.output
    # The retry's input is the first request, the first answer (at most `max_tokens` tokens, counted four
    # times over should it tokenize differently when read back) and the lint's findings.
    retry = (request_bytes + max_tokens * 4 + RETRY_EXTRA_BYTES) * dearest_input + max_tokens * price.output
    return ((BATCH_DISCOUNT if via_batch else 1.0) * first + retry) / 1_000_000


def split_by_budget(items: Sequence[T], bounds: Sequence[float], left: float) -> tuple[list[T], list[T]]:
    """The items, in order, whose bounds fit in `left` dollars, and the rest (everything after the first
    that does not fit: the order is the leads' preference, and a later, cheaper lead does not jump it)."""
    kept: list[T] = []
    for position, (item, bound) in enumerate(zip(items, bounds, strict=True)):
        if bound > left + 1e-12:
            return kept, list(items[position:])
        kept.append(item)
        left -= bound
    return kept, []


def within_budget(
    writer: CopyWriter,
    leads: Sequence[LeadPrompt],
    settings: CopySettings,
    spent: float,
    *,
    via_batch: bool,
) -> tuple[list[LeadPrompt], list[LeadPrompt]]:
    """The leads to write now and those the partition's budget (`daily_budget_usd`, less what it `spent`)
    cannot cover, each lead counted at its `lead_cost_bound`."""
    if settings.daily_budget_usd is None or not leads:
        return list(leads), []
    bounds = [
        lead_cost_bound(
            settings.copy_model, writer.request_bytes(lead), settings.max_tokens, via_batch=via_batch
        )
        for lead in leads
    ]
    return split_by_budget(leads, bounds, settings.daily_budget_usd - spent)
