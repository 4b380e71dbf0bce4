"""Bottleneck rules: each trips on the figures it names, stays quiet below its volume floor, and says what
tripped it."""

from __future__ import annotations

import pandas as pd

from sales_assets.insights.bottlenecks import (
    BottleneckSettings,
    findings_frame,
    late_tiers,
    spend_without_meetings,
    weak_conversions,
)


def _funnel() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "icp": ["saas", "fintech", "logistics", "tiny"],
            "leads": [500, 500, 500, 10],
            "contacted": [400, 400, 400, 10],
            "replied": [40, 44, 8, 0],
            "meeting": [12, 13, 3, 0],
            "deal": [4, 4, 1, 0],
            "won": [1, 1, 0, 0],
        }
    )
    for previous, stage in zip(
        ["leads", "contacted", "replied", "meeting", "deal"],
        ["contacted", "replied", "meeting", "deal", "won"],
        strict=True,
    ):
        frame[f"{stage}_rate"] = frame[stage] / frame[previous].where(frame[previous] > 0)
    return frame


def test_a_stage_far_below_the_others_is_found_with_its_figures() -> None:
    findings = weak_conversions(_funnel(), "icp", BottleneckSettings())
    subjects = [f.subject for f in findings]
    assert subjects == ["icp=logistics: contacted -> replied"]
    (finding,) = findings
    assert finding.figures == {"contacted": 400, "replied": 8, "rate": 0.02, "median_of_others": 0.105}
    assert "2.0%" in finding.suggestion and "10.5%" in finding.suggestion


def test_groups_under_the_volume_floor_are_not_judged() -> None:
    # "tiny" has 0 replies from 10 contacted: below min_leads, so not a finding.
    findings = weak_conversions(_funnel(), "icp", BottleneckSettings())
    assert not any("tiny" in f.subject for f in findings)
    loose = weak_conversions(_funnel(), "icp", BottleneckSettings(min_leads=5))
    assert any(f.subject == "icp=tiny: contacted -> replied" for f in loose)


def test_late_tiers_against_their_targets() -> None:
    responses = pd.DataFrame(
        {
            "tier": ["A", "B", "C", "D"],
            "leads": [20, 30, 40, 5],
            "response_hours_median": [3.5, 10.0, None, 500.0],
        }
    )
    findings = late_tiers(responses, BottleneckSettings())
    assert [(f.subject, f.figures["median_hours"]) for f in findings] == [("tier=A", 3.5)]


def test_spend_without_meetings() -> None:
    spend = pd.DataFrame(
        {
            "icp": ["saas", "tiny", "health", "edu"],
            "credits": [900.0, 10.0, 900.0, 20.0],
            "usd": [300.0, 80.0, 1.0, 20.0],
        }
    )
    findings = spend_without_meetings(spend, _funnel(), BottleneckSettings())
    # saas booked meetings; tiny spent dollars and health credits for none; edu spent too little to judge.
    assert [f.subject for f in findings] == ["icp=tiny", "icp=health"]
    frame = findings_frame(findings)
    assert list(frame.columns) == ["rule", "subject", "figures", "suggestion"]
    assert frame.loc[0, "figures"] == {"credits": 10.0, "usd": 80.0, "meetings": 0}
