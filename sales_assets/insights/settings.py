"""The insights stage's settings: when a figure counts as a bottleneck and how strong the evidence must be
before a profile change is proposed, as one Dagster resource a deployment can configure.

What belongs here: `InsightsSettings` and its translation into the pure modules' own settings models
(`BottleneckSettings`, `SuggestionSettings`), so the rules stay testable without Dagster.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from sales_assets.insights.bottlenecks import BottleneckSettings
from sales_assets.insights.suggestions import SuggestionSettings

_BOTTLENECKS = BottleneckSettings()
_SUGGESTIONS = SuggestionSettings()


class InsightsSettings(dg.ConfigurableResource):
    """Thresholds of the bottleneck rules and of the ICP suggestions (defaults: the pure modules')."""

    conversion_ratio: float = Field(
        default=_BOTTLENECKS.conversion_ratio,
        description="A group converting into a stage below this share of the others' median is flagged.",
    )
    min_leads: int = Field(
        default=_BOTTLENECKS.min_leads, description="Groups with fewer leads are not judged."
    )
    tier_response_hours: dict[str, float] = Field(
        default_factory=lambda: dict(_BOTTLENECKS.tier_response_hours),
        description="Median hours to a first response per inbound tier, beyond which the tier is late.",
    )
    spend_without_meetings_credits: float = Field(default=_BOTTLENECKS.spend_without_meetings_credits)
    spend_without_meetings_usd: float = Field(default=_BOTTLENECKS.spend_without_meetings_usd)
    add_min_converted: int = Field(default=_SUGGESTIONS.add_min_converted)
    add_min_lift: float = Field(default=_SUGGESTIONS.add_min_lift)
    remove_min_accounts: int = Field(default=_SUGGESTIONS.remove_min_accounts)
    remove_max_lift: float = Field(default=_SUGGESTIONS.remove_max_lift)
    weight_min_accounts: int = Field(default=_SUGGESTIONS.weight_min_accounts)
    weight_min_change: float = Field(default=_SUGGESTIONS.weight_min_change)
    summarize_with_claude: bool = Field(
        default=False,
        description="Have Claude phrase the bottleneck summary from the findings' figures (cached; off: the "
        "summary is the findings' own sentences).",
    )
    summary_model: str = Field(default="claude-haiku-4-5", description="The model that phrases the summary.")

    def bottlenecks(self) -> BottleneckSettings:
        return BottleneckSettings(
            conversion_ratio=self.conversion_ratio,
            min_leads=self.min_leads,
            tier_response_hours=dict(self.tier_response_hours),
            spend_without_meetings_credits=self.spend_without_meetings_credits,
            spend_without_meetings_usd=self.spend_without_meetings_usd,
        )

    def suggestions(self) -> SuggestionSettings:
        return SuggestionSettings(
            add_min_converted=self.add_min_converted,
            add_min_lift=self.add_min_lift,
            remove_min_accounts=self.remove_min_accounts,
            remove_max_lift=self.remove_max_lift,
            weight_min_accounts=self.weight_min_accounts,
            weight_min_change=self.weight_min_change,
        )
