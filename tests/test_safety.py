"""The campaign safety sensor and its pause run: settings from the environment, the judgement as a pure
function, and the sensor (via `build_sensor_context`) against lemlist sandbox campaigns that bounce or draw
a spam complaint: idle ticks skip, the cursor advances, the same figures give the same run key, the
requested run pauses the campaign through the API once and records it with its figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.errors import ConfigurationError
from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from resources.sandbox.world import Person
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.engagement.defs import campaign_safety_job, campaign_safety_sensor
from sales_assets.engagement.safety import (
    PAUSE_KIND,
    WARNING_KIND,
    CampaignFigures,
    SafetySettings,
    judge,
    safety_settings_from_env,
)
from tests.sandbox_people import spam_bounce_plain

ICP = "revops_saas"
PAUSE = "POST /api/campaigns/{campaignId}/pause"

# --- settings and judgement -------------------------------------------------------------------------------


def test_settings_default_to_the_design_and_read_the_environment() -> None:
    s = safety_settings_from_env({})
    assert (s.warn_bounce_rate, s.pause_bounce_rate, s.spam_complaints, s.min_sent) == (0.02, 0.03, 1, 50)
    s = safety_settings_from_env({"SALES_SAFETY_PAUSE_BOUNCE_RATE": "0.05", "SALES_SAFETY_MIN_SENT": "200"})
    assert s.pause_bounce_rate == 0.05 and s.min_sent == 200
    with pytest.raises(ConfigurationError, match="SALES_SAFETY_MIN_SENT"):
        safety_settings_from_env({"SALES_SAFETY_MIN_SENT": "many"})
    with pytest.raises(ConfigurationError, match="pause_bounce_rate"):
        safety_settings_from_env({"SALES_SAFETY_PAUSE_BOUNCE_RATE": "0.01"})


def figures(sent: int, bounced: int, complaints: int = 0) -> CampaignFigures:
    return CampaignFigures("cam_a", "sales-pipeline revops_saas", ICP, sent, bounced, complaints, "s", "e")


def test_judgement_complaints_first_then_volume_then_bounce_rate() -> None:
    s = SafetySettings()
    assert judge(figures(100, 1), s).action == "ok"
    assert judge(figures(100, 2), s).action == "warn"
    verdict = judge(figures(100, 3), s)
    assert verdict.action == "pause" and verdict.reason == "bounce_rate" and verdict.threshold == 0.03
    assert "3.00%" in verdict.message and "3/100" in verdict.message
    # Too few sends: a high rate is not judged yet, but one complaint stops the campaign at any volume.
    assert judge(figures(40, 10), s).action == "too_few_sends"
    assert judge(figures(5, 0, complaints=1), s).action == "stop"
    assert judge(figures(5, 0, complaints=1), SafetySettings(spam_complaints=2)).action == "too_few_sends"
    # The digest of a reason covers only its own figures.
    assert figures(100, 3, 1).digest("spam_complaint") == figures(300, 9, 1).digest("spam_complaint")
    assert figures(100, 3).digest("bounce_rate") != figures(101, 3).digest("bounce_rate")


# --- the sensor against the sandbox -----------------------------------------------------------------------


def pick(sandbox: Sandbox, *, spam: int, bouncers: int, others: int) -> list[Person]:
    found = spam_bounce_plain(sandbox, spam=spam, bouncers=bouncers, others=others)
    return found["spam"] + found["bounce"] + found["plain"]


class World:
    def __init__(self, root: Path, safety: SafetySettings | None = None) -> None:
        self.sandbox = Sandbox.at(root / "state.sqlite")
        self.store = PipelineStoreResource(path=str(root / "store.sqlite"))
        self.client: LemlistClient = LemlistResource(
            api_key="sandbox-key", sandbox_state=str(root / "state.sqlite")
        ).get_client()
        self.resources: dict[str, Any] = {
            **build_vendor_resources(environ={}, sandbox_state=root / "state.sqlite"),
            "pipeline_store": self.store,
            "enrollment_settings": EnrollmentSettings(),
            "safety_settings": safety or SafetySettings(),
        }
        self.instance = dg.DagsterInstance.ephemeral()

    def campaign(self, people: list[Person], *, icp: str = ICP, days: int = 4, start: bool = True) -> str:
        """A product campaign started `days` ago with `people` enrolled through the ledger."""
        self.sandbox.store.advance(days=-days)
        try:
            campaign = self.client.create_campaign(f"sales-pipeline {icp}")
            for p in people:
                assert self.client.add_lead(
                    campaign.id, LeadInput(email=p.email, first_name=p.first_name)
                ).added
            if start:
                self.client.start_campaign(campaign.id)
        finally:
            self.sandbox.store.advance(days=days)
        self.store.enrollments.record_many(
            [{"campaign_id": campaign.id, "email": p.email, "status": "added"} for p in people]
        )
        return campaign.id

    def tick(self, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
        # The store resource tears down its connections, so the context is entered as a context manager.
        with dg.build_sensor_context(
            cursor=cursor, resources=self.resources, instance=self.instance
        ) as context:
            return campaign_safety_sensor(context)

    def pauses(self) -> int:
        return sum(u.calls for u in self.sandbox.store.usage("lemlist") if u.endpoint == PAUSE)

    def execute(self, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
        return campaign_safety_job.execute_in_process(
            run_config=request.run_config,
            resources={k: self.resources[k] for k in ("lemlist", "pipeline_store")},
            instance=self.instance,
            tags=request.tags,
        )


def test_idle_ticks_skip(tmp_path: Path) -> None:
    world = World(tmp_path)
    skipped = world.tick()
    assert isinstance(skipped, dg.SkipReason) and "no running product campaign" in (
        skipped.skip_message or ""
    )
    # A draft campaign (nothing sent, sending off) is not judged either.
    world.campaign(pick(world.sandbox, spam=0, bouncers=0, others=3), start=False)
    assert isinstance(world.tick(), dg.SkipReason)


def test_a_bouncing_campaign_is_paused_once_by_a_requested_run(tmp_path: Path) -> None:
    world = World(tmp_path, SafetySettings(min_sent=20))
    campaign_id = world.campaign(pick(world.sandbox, spam=0, bouncers=4, others=26))

    first = world.tick()
    assert isinstance(first, dg.SensorResult)
    [request] = first.run_requests or []
    config = request.run_config["ops"]["pause_campaign"]["config"]
    assert config["campaign_id"] == campaign_id and config["reason"] == "bounce_rate"
    assert config["status"] == "paused: bounce rate" and config["bounced"] >= 4 and config["sent"] >= 30
    assert config["bounce_rate"] == round(config["bounced"] / config["sent"], 4) >= 0.03
    assert request.run_key == f"campaign_safety:{campaign_id}:bounce_rate:{config['digest']}"
    assert request.tags == {"campaign_id": campaign_id, "safety_reason": "bounce_rate"}
    cursor = json.loads(first.cursor or "{}")
    assert set(cursor) == {campaign_id}

    # Same data: the same run key from a fresh cursor; an unchanged cursor skips.
    again = world.tick()
    assert isinstance(again, dg.SensorResult) and [r.run_key for r in again.run_requests or []] == [
        request.run_key
    ]
    unchanged = world.tick(first.cursor)
    assert isinstance(unchanged, dg.SkipReason) and "unchanged" in (unchanged.skip_message or "")

    # The requested run pauses the campaign through the API and records the pause with its figures.
    assert world.pauses() == 0
    result = world.execute(request)
    assert result.success and result.output_for_node("pause_campaign") == "paused: bounce rate"
    assert world.pauses() == 1 and world.client.get_campaign(campaign_id).status == "paused"
    ledger = world.store.actions.entries(PAUSE_KIND)
    [row] = ledger.to_dict("records")
    assert row["key"] == f"{campaign_id}:bounce_rate" and row["status"] == "paused: bounce rate"
    assert row["detail"]["sent"] == config["sent"] and row["detail"]["bounced"] == config["bounced"]
    assert row["detail"]["digest"] == config["digest"] and row["detail"]["lemlist_state"] == "paused"

    # Never twice for the same figures: a second run of the request makes no call.
    assert world.execute(request).success and world.pauses() == 1
    # A paused campaign is no longer judged.
    assert isinstance(world.tick(), dg.SkipReason)


def test_any_spam_complaint_stops_the_campaign_whatever_the_volume(tmp_path: Path) -> None:
    world = World(tmp_path)
    people = pick(world.sandbox, spam=1, bouncers=0, others=4)
    campaign_id = world.campaign(people)
    result = world.tick()
    assert isinstance(result, dg.SensorResult)
    [request] = result.run_requests or []
    config = request.run_config["ops"]["pause_campaign"]["config"]
    assert config["reason"] == "spam_complaint" and config["spam_complaints"] == 1 and config["sent"] < 50
    assert world.execute(request).success
    [row] = world.store.actions.entries(PAUSE_KIND).to_dict("records")
    assert row["key"] == f"{campaign_id}:spam_complaint" and row["status"] == "stopped: spam complaint"
    assert world.client.get_campaign(campaign_id).status == "paused"

    # A person resumes it: the same complaint does not stop it again (no run requested for those figures).
    world.client.start_campaign(campaign_id)
    resumed = world.tick()
    assert not isinstance(resumed, dg.SensorResult) or not resumed.run_requests


def test_a_warning_is_logged_and_recorded_without_a_pause(tmp_path: Path) -> None:
    world = World(tmp_path, SafetySettings(min_sent=20, warn_bounce_rate=0.02, pause_bounce_rate=0.5))
    campaign_id = world.campaign(pick(world.sandbox, spam=0, bouncers=3, others=27))
    result = world.tick()
    assert isinstance(result, dg.SensorResult) and not result.run_requests
    assert "1 warning(s)" in (result.skip_reason.skip_message if result.skip_reason else "")
    assert json.loads(result.cursor or "{}").keys() == {campaign_id}
    [row] = world.store.actions.entries(WARNING_KIND).to_dict("records")
    assert row["key"] == f"{campaign_id}:bounce_rate" and row["status"] == "warned"
    assert row["detail"]["bounce_rate"] >= 0.02 and world.pauses() == 0
