"""Bottleneck rules over the funnel's figures: each finding names the rule, the group it is about, the figures
that tripped it and a plain suggestion. The thresholds are settings, not constants.

What belongs here: `BottleneckSettings` and the rules as pure functions over the frames `funnel.py` makes
(and a spend frame per ICP). No vendor calls: the optional summary in Claude's words is phrased by the
`pipeline_bottlenecks` asset from these findings only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from sales_assets.insights.funnel import STAGES


class BottleneckSettings(BaseModel):
    """When a figure counts as a bottleneck."""

    model_config = {"extra": "forbid"}

    #: A group's conversion into a stage below this share of the median of the other groups is flagged.
    conversion_ratio: float = Field(0.5, gt=0, lt=1)
    #: Groups with fewer leads at the stage before are not judged (too few to say).
    min_leads: int = Field(30, ge=1)
    #: Median hours to answer an inbound lead, per tier, beyond which the tier is answered late.
    tier_response_hours: dict[str, float] = Field(default_factory=lambda: {"A": 1.0, "B": 24.0, "C": 72.0})
    #: An ICP that spent at least this many Explorium credits, or this many dollars of Claude tokens, and
    #: booked no meeting is flagged (credits and dollars apart: the product knows no price per credit).
    spend_without_meetings_credits: float = Field(500.0, ge=0)
    spend_without_meetings_usd: float = Field(50.0, ge=0)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    subject: str
    figures: dict[str, Any]
    suggestion: str


def weak_conversions(funnel: pd.DataFrame, by: str, settings: BottleneckSettings) -> list[Finding]:
    """A group whose conversion into a stage is far below the median of the other groups at that stage."""
    findings = []
    for previous, stage in itertools.pairwise(STAGES[1:]):
        column = f"{stage}_rate"
        judged = funnel[funnel[previous] >= settings.min_leads]
        if len(judged) < 2:
            continue
        for _, row in judged.iterrows():
            others = judged.loc[judged[by] != row[by], column].dropna()
            if others.empty or pd.isna(row[column]):
                continue
            median = float(others.median())
            if median > 0 and row[column] < settings.conversion_ratio * median:
                findings.append(
                    Finding(
                        "weak_conversion",
                        f"{by}={row[by]}: {previous} -> {stage}",
                        {
                            previous: int(row[previous]),
                            stage: int(row[stage]),
                            "rate": round(float(row[column]), 4),
                            "median_of_others": round(median, 4),
                        },
                        f"{row[by]} converts {previous} to {stage} at {row[column]:.1%} against "
                        f"{median:.1%} elsewhere: review this step for {row[by]} (targeting, copy or "
                        "follow-up) before adding volume.",
                    )
                )
    return findings


def late_tiers(responses: pd.DataFrame, settings: BottleneckSettings) -> list[Finding]:
    """Inbound tiers answered later than their target. `responses` has `tier`, `leads` and
    `response_hours_median`."""
    findings = []
    for _, row in responses.iterrows():
        target = settings.tier_response_hours.get(str(row["tier"]))
        median = row["response_hours_median"]
        if target is None or pd.isna(median) or median <= target:
            continue
        findings.append(
            Finding(
                "tier_answered_late",
                f"tier={row['tier']}",
                {"leads": int(row["leads"]), "median_hours": round(float(median), 2), "target_hours": target},
                f"Tier {row['tier']} leads wait {median:.1f} h for an answer (target {target:g} h): "
                "route them to an owner sooner or shorten the review step.",
            )
        )
    return findings


def spend_without_meetings(
    spend: pd.DataFrame, funnel: pd.DataFrame, settings: BottleneckSettings
) -> list[Finding]:
    """ICPs that spent credits or money and booked nothing. `spend` has `icp`, `credits` (Explorium) and
    `usd` (Claude); `funnel` is per ICP."""
    meetings = funnel.set_index("icp")["meeting"] if len(funnel) else pd.Series(dtype="int64")
    findings = []
    for _, row in spend.iterrows():
        booked = int(meetings.get(row["icp"], 0))
        credits, usd = float(row.get("credits", 0.0)), float(row.get("usd", 0.0))
        spent = (
            credits >= settings.spend_without_meetings_credits or usd >= settings.spend_without_meetings_usd
        )
        if spent and booked == 0:
            findings.append(
                Finding(
                    "spend_without_meetings",
                    f"icp={row['icp']}",
                    {"credits": round(credits, 2), "usd": round(usd, 2), "meetings": booked},
                    f"{row['icp']} spent {credits:,.0f} credits and ${usd:.2f} and booked no meeting: narrow "
                    "the profile or pause its daily run until the copy or the segment changes.",
                )
            )
    return findings


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule": [f.rule for f in findings],
            "subject": [f.subject for f in findings],
            "figures": [f.figures for f in findings],
            "suggestion": [f.suggestion for f in findings],
        }
    )
