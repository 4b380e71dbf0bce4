"""`campaign_stats` and `campaign_recommendations`: rates and rules as pure functions, complaint attribution,
and both assets materialized against a lemlist sandbox campaign that ran for six days (sends, opens,
bounces, a spam complaint), with their blocking schema checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.lemlist.models import Unsubscribe
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from resources.sandbox.world import Person
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.engagement.product_campaigns import complaints_by_campaign
from sales_assets.engagement.recommendations import (
    RULES,
    CampaignRecommendationsFrame,
    RecommendationSettings,
    campaign_recommendations,
    recommend,
)
from sales_assets.engagement.stats import RATES, CampaignStatsFrame, add_rates, campaign_stats, stats_checks
from tests.sandbox_people import spam_bounce_plain

ICP = "revops_saas"
TODAY = datetime.now(UTC).date().isoformat()

# --- pure parts -------------------------------------------------------------------------------------------


def stats_row(**figures: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "day": "2026-11-20",
        "campaign_id": "cam_a",
        "campaign_name": "sales-pipeline revops_saas",
        "icp": ICP,
        "sent": 0,
        "bounced": 0,
        "opened": 0,
        "clicked": 0,
        "replied": 0,
        "interested": 0,
        "unsubscribed": 0,
        "spam_complaints": 0,
        "leads_reached": 0,
    }
    row.update(figures)
    return row


def test_rates_divide_by_reached_leads_and_sends_and_are_zero_without_volume() -> None:
    frame = add_rates(
        pd.DataFrame(
            [
                stats_row(
                    sent=200, bounced=6, leads_reached=100, opened=40, replied=5, clicked=7, interested=2
                ),
                stats_row(campaign_id="cam_b"),
            ]
        )
    )
    first, empty = frame.to_dict("records")
    assert first["bounce_rate"] == 0.03 and first["open_rate"] == 0.4 and first["reply_rate"] == 0.05
    assert first["click_rate"] == 0.07 and first["interested_rate"] == 0.02
    assert all(empty[r] == 0.0 for r in RATES)


def judged(settings: RecommendationSettings | None = None, cap: int = 200, **figures: Any) -> dict[str, Any]:
    frame = recommend(
        add_rates(pd.DataFrame([stats_row(**figures)])), settings or RecommendationSettings(), daily_cap=cap
    )
    CampaignRecommendationsFrame.validate(frame)
    return {r["rule"]: r for r in frame.to_dict("records")}


def test_each_rule_fires_with_the_figure_that_triggered_it() -> None:
    low_open = judged(sent=60, leads_reached=60, opened=6, replied=3)
    assert set(low_open) == {"low_open_rate"}
    assert low_open["low_open_rate"]["value"] == 0.1 and low_open["low_open_rate"]["threshold"] == 0.2
    assert (
        "10.0 %" in low_open["low_open_rate"]["suggestion"]
        and "60 sends" in low_open["low_open_rate"]["suggestion"]
    )

    # A low reply rate is judged only after 100 sends.
    assert "low_reply_rate" not in judged(sent=99, leads_reached=99, opened=50, replied=1)
    low_reply = judged(sent=150, leads_reached=140, opened=70, replied=1)
    assert set(low_reply) == {"low_reply_rate"} and low_reply["low_reply_rate"]["value"] == round(1 / 140, 4)

    bounce = judged(sent=100, bounced=4, leads_reached=96, opened=50, replied=3)
    assert (
        bounce["high_bounce_rate"]["value"] == 0.04 and bounce["high_bounce_rate"]["severity"] == "critical"
    )
    assert "4 of 100 sends" in bounce["high_bounce_rate"]["suggestion"]

    strong = judged(sent=120, bounced=1, leads_reached=110, opened=66, replied=9, cap=200)
    assert set(strong) == {"raise_daily_cap"}
    assert strong["raise_daily_cap"]["value"] == round(9 / 110, 4)
    assert "from 200 to 250 leads" in strong["raise_daily_cap"]["suggestion"]

    complaint = judged(sent=10, leads_reached=10, opened=5, spam_complaints=1)
    assert set(complaint) == {"spam_complaints"} and complaint["spam_complaints"]["value"] == 1.0

    # Below every minimum volume nothing is said, and thresholds are configuration.
    assert judged(sent=20, leads_reached=20) == {}
    assert judged(RecommendationSettings(low_open_min_sent=10), sent=20, leads_reached=20).keys() == {
        "low_open_rate"
    }
    assert set(RULES) >= {"low_open_rate", "low_reply_rate", "high_bounce_rate", "raise_daily_cap"}


def test_complaints_are_abuse_entries_of_the_campaigns_own_leads() -> None:
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    entries = [
        Unsubscribe(_id="uns_1", value="ada@example.com", source="abuse", createdAt=at),
        Unsubscribe(_id="uns_2", value="bob@example.com", source="lead", createdAt=at),
        Unsubscribe(_id="uns_3", value="Cy@Example.com", source="abuse", createdAt=at - timedelta(days=3)),
        Unsubscribe(_id="uns_4", value="stranger@else.com", source="abuse", createdAt=at),
    ]
    mine = {
        "cam_a": frozenset({"ada@example.com", "bob@example.com", "cy@example.com"}),
        "cam_b": frozenset({"dee@example.com"}),
    }
    assert complaints_by_campaign(entries, mine) == {"cam_a": 2, "cam_b": 0}
    day_start = datetime(2026, 11, 20, tzinfo=UTC)
    assert complaints_by_campaign(entries, mine, start=day_start, end=day_start + timedelta(days=1)) == {
        "cam_a": 1,
        "cam_b": 0,
    }


# --- the assets against the sandbox -----------------------------------------------------------------------


def pick(
    sandbox: Sandbox, *, spam: int, bouncers: int, others: int
) -> tuple[list[Person], list[Person], list[Person]]:
    found = spam_bounce_plain(sandbox, spam=spam, bouncers=bouncers, others=others)
    return found["spam"], found["bounce"], found["plain"]


def client_for(root: Path) -> LemlistClient:
    return LemlistResource(api_key="sandbox-key", sandbox_state=str(root / "state.sqlite")).get_client()


def ran_for_days(
    sandbox: Sandbox,
    client: LemlistClient,
    store: PipelineStoreResource,
    name: str,
    people: list[Person],
    days: int,
) -> str:
    """A campaign started `days` ago (sandbox clock moved back, then forward again) with `people` enrolled
    through the product's ledger."""
    sandbox.store.advance(days=-days)
    try:
        campaign = client.create_campaign(name)
        for p in people:
            assert client.add_lead(campaign.id, LeadInput(email=p.email, first_name=p.first_name)).added
        client.start_campaign(campaign.id)
    finally:
        sandbox.store.advance(days=days)
    store.enrollments.record_many(
        [
            {"campaign_id": campaign.id, "email": p.email, "status": "added", "partition": f"x|{ICP}"}
            for p in people
        ]
    )
    return campaign.id


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    sandbox = Sandbox.at(tmp_path / "state.sqlite")
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))
    client = client_for(tmp_path)
    complainers, bouncers, plain = pick(sandbox, spam=1, bouncers=4, others=45)
    people = complainers + bouncers + plain
    campaign_id = ran_for_days(sandbox, client, store, f"sales-pipeline {ICP}", people, days=6)
    resources = {
        **build_vendor_resources(environ={}, sandbox_state=tmp_path / "state.sqlite"),
        "pipeline_store": store,
        "enrollment_settings": EnrollmentSettings(),
        "recommendation_settings": RecommendationSettings(),
    }
    return {
        "sandbox": sandbox,
        "client": client,
        "store": store,
        "campaign_id": campaign_id,
        "people": people,
        "complainer": complainers[0],
        "resources": resources,
    }


def materialize(resources: dict[str, Any], partition: str = TODAY) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [campaign_stats, campaign_recommendations, *stats_checks()],
        partition_key=partition,
        resources=resources,
    )


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_campaign_stats_and_recommendations_from_a_running_campaign(world: dict[str, Any]) -> None:
    client: LemlistClient = world["client"]
    result = materialize(world["resources"])
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 2 and all(c.passed for c in checks)

    frame = result.asset_value("campaign_stats")
    CampaignStatsFrame.validate(frame)
    [row] = frame.to_dict("records")
    assert row["campaign_id"] == world["campaign_id"] and row["icp"] == ICP and row["status"] == "running"
    assert row["day"] == TODAY

    truth = client.campaign_stats(
        world["campaign_id"], start=datetime.now(UTC) - timedelta(days=30), end=datetime.now(UTC)
    )
    assert row["sent"] == truth.messages_sent >= len(world["people"])
    assert row["bounced"] == truth.messages_bounced >= 4
    assert row["opened"] == truth.nb_leads_opened and row["replied"] == truth.nb_leads_answered
    assert row["leads"] == len(world["people"])
    assert row["bounce_rate"] == round(row["bounced"] / row["sent"], 4)
    assert row["open_rate"] == round(row["opened"] / row["leads_reached"], 4)
    # The complainer is on lemlist's unsubscribe list as `abuse` and counts against this campaign only.
    abuse = [u for u in client.unsubscribes() if u.source == "abuse"]
    assert [u.value for u in abuse] == [world["complainer"].email]
    assert row["spam_complaints"] == 1 and row["unsubscribed"] >= 1
    start_of_today = datetime.fromisoformat(TODAY).replace(tzinfo=UTC)
    today_truth = client.campaign_stats(world["campaign_id"], start=start_of_today, end=datetime.now(UTC))
    assert row["sent_day"] == today_truth.messages_sent

    meta = metadata(result, "campaign_stats")
    assert meta["dagster/row_count"] == 1 and meta["campaigns"] == 1
    assert meta["sent"] == row["sent"] and isinstance(meta["sent"], int)
    for name in RATES:
        assert isinstance(meta[name], float) and isinstance(meta[f"{ICP}/{name}"], float)
    assert meta[f"{ICP}/bounce_rate"] == row["bounce_rate"]
    # The campaign list, two batch stats calls (to date, the day) and the unsubscribe list.
    assert meta["lemlist_calls"] == 4

    recommendations = result.asset_value("campaign_recommendations")
    CampaignRecommendationsFrame.validate(recommendations)
    by_rule = {r["rule"]: r for r in recommendations.to_dict("records")}
    assert by_rule["spam_complaints"]["value"] == 1.0
    assert by_rule["high_bounce_rate"]["value"] == row["bounce_rate"] >= 0.02
    assert metadata(result, "campaign_recommendations")["rule_spam_complaints"] == 1


def test_a_day_before_the_campaign_has_its_row_with_nothing_that_day(world: dict[str, Any]) -> None:
    before = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    result = materialize(world["resources"], partition=before)
    frame = result.asset_value("campaign_stats")
    [row] = frame.to_dict("records")
    assert row["sent"] == 0 and row["sent_day"] == 0 and row["spam_complaints"] == 0
    assert result.asset_value("campaign_recommendations").empty


def test_a_bad_frame_fails_the_blocking_schema_check() -> None:
    @dg.asset(name="campaign_stats", partitions_def=campaign_stats.partitions_def)
    def broken() -> pd.DataFrame:
        return pd.DataFrame({"campaign_id": ["cam_a", "cam_a"]})

    result = dg.materialize(
        [broken, campaign_recommendations, *stats_checks()],
        partition_key=TODAY,
        resources={
            "recommendation_settings": RecommendationSettings(),
            "enrollment_settings": EnrollmentSettings(),
        },
        raise_on_error=False,
    )
    [check] = [
        c for c in result.get_asset_check_evaluations() if c.asset_key.to_user_string() == "campaign_stats"
    ]
    assert not check.passed and check.metadata["failure_cases"].value > 0
    # Blocking: the recommendations never ran on the bad frame.
    assert not any(
        e.asset_key.to_user_string() == "campaign_recommendations"
        for e in result.get_asset_materialization_events()
    )


def test_no_product_campaign_gives_an_empty_valid_frame(tmp_path: Path) -> None:
    resources = {
        **build_vendor_resources(environ={}, sandbox_state=tmp_path / "state.sqlite"),
        "pipeline_store": PipelineStoreResource(path=str(tmp_path / "store.sqlite")),
        "enrollment_settings": EnrollmentSettings(),
        "recommendation_settings": RecommendationSettings(),
    }
    result = materialize(resources)
    assert result.success and all(c.passed for c in result.get_asset_check_evaluations())
    assert result.asset_value("campaign_stats").empty
    meta = metadata(result, "campaign_stats")
    assert meta["campaigns"] == 0 and meta["bounce_rate"] == 0.0
    # Only the campaign list was read: the sandbox's two pre-existing campaigns are not the product's.
    assert meta["lemlist_calls"] == 1
