"""`CopySettings`, the `copy_settings` resource: which models write the copy, how (batch threshold,
concurrency, token limit, batch polling) and when a partition's copy is held back as a whole.

What belongs here: the settings and the system prompt they give for a seller. Who the copy is written for is
the shared `SellerSettings`; the prompt's text is `copy_prompt.py`'s.
"""

import dagster as dg
from pydantic import Field

from sales_assets.common.seller import SellerSettings
from sales_assets.outbound.copy_prompt import SYSTEM_PROMPT


class CopySettings(dg.ConfigurableResource):
    """Which models write, how, and when copy is held back. Who the copy is written for is the shared
    `SellerSettings`. Prices come from `resources/claude/pricing.py`; a model without a row there is
    refused before any call."""

    copy_model: str = Field(
        default="claude-sonnet-5-5",
        description="The model that writes the emails (a strong one). Not claude-sonnet-4-5: the SDK marks "
        "it deprecated, end of life 2026-11-30.",
    )
    routine_model: str = Field(
        default="claude-haiku-4-5",
        description="A fast, cheap model for routine tasks (classification, short extraction).",
    )
    batch_threshold: int = Field(
        default=50,
        description="With more than this many leads to write, use the Message Batches API (50% price, "
        "results within hours); otherwise one Messages call per lead.",
    )
    max_held_back_share: float = Field(
        default=0.2,
        description="The blocking check `held_back_share` fails when more than this share of a "
        "partition's leads is held back.",
    )
    max_tokens: int = Field(default=1024, description="Output token limit of one answer.")
    daily_budget_usd: float | None = Field(
        default=25.0,
        ge=0,
        description="Most a partition (one ICP, one day) spends on Claude for copy, in USD. A call goes "
        "only if its most (`copy_budget.py`) still fits beside what was spent and what is in flight; a "
        "batch takes only the leads whose bounds fit. Leads the budget stops are `over_budget` and not "
        "enrolled; a re-run after raising it writes them (copy already written is cached, not paid "
        "again). None: no budget.",
    )
    max_concurrent_requests: int = Field(
        default=4, description="Messages calls in flight at once (under the client's rate limiter)."
    )
    batch_poll_seconds: float = Field(default=30.0, description="Seconds between two polls of a batch.")
    batch_timeout_seconds: float = Field(
        default=4 * 3600.0,
        description="Seconds to wait for a batch before failing the step; the retried step (or the next "
        "run) picks the same batch up again, so nothing is paid twice.",
    )

    def system_prompt(self, seller: SellerSettings) -> str:
        """The system prompt: identical for every lead (so it is cached), written for `seller`."""
        return SYSTEM_PROMPT.substitute(
            sender_name=seller.sender_name,
            sender_company=seller.company,
            seller_domain=seller.domain,
            value_proposition=seller.value_proposition.strip(),
        )
