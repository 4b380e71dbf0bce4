"""Out-of-office replies pause the lead's sequence and never opt it out (DESIGN section 1): the pause is made
in lemlist and remembered with its return day; `out_of_office_returns` resumes the lead on that day,
leaves it paused if it was suppressed meanwhile, and a re-run repeats nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from resources.lemlist.models import LeadInput
from sales_assets.common.partitions import daily_partitions
from sales_assets.engagement.checks import engagement_checks
from sales_assets.engagement.out_of_office import (
    FAILED,
    KEPT_PAUSED,
    OOO_KIND,
    PAUSED,
    RESUMED,
    due_pauses,
    out_of_office_returns,
    pause_key,
    record_pause,
    resume_due,
    resume_on,
)
from sales_assets.engagement.reply_plans import plan_action
from sales_assets.engagement.sensors import RepliesCursor
from tests.test_replies import _people_by_outcome, _run_day, _sensor

# --- pure parts -------------------------------------------------------------------------------------------


def test_the_plan_pauses_and_never_suppresses() -> None:
    plan = plan_action("out_of_office", "emailsReplied", False)
    assert (plan.action, plan.lemlist_call, plan.suppress, plan.task) == ("pause", "pause", False, False)
    # Unsure whether it is an absence: a person reads it, nothing is paused on a guess.
    assert plan_action("out_of_office", "emailsReplied", True).lemlist_call is None


def test_the_return_day_is_the_notices_else_a_default_and_never_the_same_day() -> None:
    replied = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert resume_on("2026-12-08", replied, 7) == date(2026, 12, 8)
    assert resume_on(None, replied, 7) == date(2026, 12, 8)
    assert resume_on(None, replied, 3) == date(2026, 12, 4)
    # A return date in the past, on the same day, or unreadable is not trusted.
    assert resume_on("2026-11-20", replied, 7) == date(2026, 12, 2)
    assert resume_on("2026-12-01", replied, 7) == date(2026, 12, 2)
    assert resume_on("next week", replied, 7) == date(2026, 12, 8)


def test_only_paused_leads_whose_day_has_come_are_due() -> None:
    entries = pd.DataFrame(
        {
            "key": ["a|c1", "b|c1", "c|c1"],
            "status": [PAUSED, PAUSED, RESUMED],
            "detail": [
                {"email": "a", "resume_on": "2026-12-03"},
                {"email": "b", "resume_on": "2026-12-05"},
                {"email": "c", "resume_on": "2026-12-01"},
            ],
        }
    )
    assert [key for key, _ in due_pauses(entries, date(2026, 12, 4))] == ["a|c1"]
    assert [key for key, _ in due_pauses(entries, date(2026, 12, 5))] == ["a|c1", "b|c1"]
    assert due_pauses(entries.iloc[:0], date(2026, 12, 5)) == []


# --- against the sandbox ------------------------------------------------------------------------------------


@pytest.fixture
def away(make_env: Any, tmp_path: Path) -> Any:
    """A running campaign in which two people answered its first email with an out-of-office notice, the
    replies job run 31 hours later (before the follow-up is due): their sequences are paused."""
    env = make_env(tmp_path / "env")
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    people = _people_by_outcome(env.sandbox, started.date())["out_of_office"]
    assert len(people) == 2
    client = env.resources["lemlist"].get_client()
    campaign = client.create_campaign("Out of office test")
    client.start_campaign(campaign.id)
    for person in people:
        client.add_lead(campaign.id, LeadInput(email=person.email, first_name=person.first_name))
    env.sandbox.store.advance(hours=31)
    days = sorted({r.partition_key for r in _sensor(env, RepliesCursor(after=started).dump()).run_requests})
    results = [_run_day(env, day) for day in days]
    assert all(r.success for r in results)
    return env, people, days, results


def _lead(env: Any, email: str) -> Any:
    (lead,) = env.resources["lemlist"].get_client().get_lead(email)
    return lead


def _sends_after(env: Any, email: str, moment: datetime) -> int:
    client = env.resources["lemlist"].get_client()
    return sum(
        1 for a in client.activities(type="emailsSent") if a.lead_email == email and a.created_at > moment
    )


def test_an_absence_pauses_the_lead_and_the_return_day_resumes_it(away: Any) -> None:
    env, people, days, results = away
    frames = [r.output_for_node("reply_actions") for r in results]
    actions = pd.concat(frames)
    mine = actions[actions["label"] == "out_of_office"]
    assert set(mine["email"]) == {p.email for p in people}
    assert set(mine["action"]) == {"pause"} and set(mine["status"]) == {"done"}
    assert mine["detail"].str.startswith("out of office: sequence paused until ").all()
    assert not mine["suppressed"].any()
    assert not env.store.suppression.lookup([p.email for p in people])
    assert all(_lead(env, p.email).is_paused for p in people)

    ledger = env.store.actions.entries(OOO_KIND)
    assert set(ledger["status"]) == {PAUSED}
    back = {d["email"]: date.fromisoformat(d["resume_on"]) for d in ledger["detail"]}
    assert set(back) == {p.email for p in people}

    # While paused, no follow-up goes out (the sequence's next step is due 3 days after the first email).
    paused_at = env.sandbox.store.now()
    env.sandbox.store.advance(days=4)
    assert all(_sends_after(env, p.email, paused_at) == 0 for p in people)

    # A re-run of the days pauses nothing again and says so.
    again = pd.concat(_run_day(env, day).output_for_node("reply_actions") for day in days)
    assert set(again.loc[again["label"] == "out_of_office", "status"]) == {"already_done"}

    client = env.resources["lemlist"].get_client()
    first, last = min(back.values()), max(back.values())
    # The day before the first return nothing is due.
    frame, calls = resume_due(client, env.store, first - timedelta(days=1), None)
    assert frame.empty and calls == 0
    # On the last return day, both are back; their sequences run again.
    frame, calls = resume_due(client, env.store, last, None)
    assert set(frame["email"]) == {p.email for p in people} and set(frame["status"]) == {RESUMED}
    assert calls == 2
    assert not any(_lead(env, p.email).is_paused for p in people)
    assert set(env.store.actions.entries(OOO_KIND)["status"]) == {RESUMED}
    # Nothing is resumed twice.
    frame, calls = resume_due(client, env.store, last + timedelta(days=30), None)
    assert frame.empty and calls == 0


def test_a_lead_suppressed_meanwhile_stays_paused_and_a_refused_resume_is_tried_again(away: Any) -> None:
    env, people, _, _ = away
    gone, other = people
    env.store.suppression.add("email", gone.email, reason="unsubscribe", source="test")
    client = env.resources["lemlist"].get_client()
    later = date(2100, 1, 1)
    # lemlist answers 5xx to every attempt of the client's retries: the resume is recorded as failed.
    env.sandbox.store.set_faults("lemlist", server_error_next=10)
    frame, _ = resume_due(client, env.store, later, None)
    statuses = dict(zip(frame["email"], frame["status"], strict=True))
    assert statuses == {gone.email: KEPT_PAUSED, other.email: FAILED}
    env.sandbox.store.clear_faults()
    frame, _ = resume_due(client, env.store, later, None)
    assert dict(zip(frame["email"], frame["status"], strict=True)) == {other.email: RESUMED}
    assert _lead(env, gone.email).is_paused and not _lead(env, other.email).is_paused


def test_the_asset_resumes_the_days_returns_with_its_checks(make_env: Any, tmp_path: Path) -> None:
    env = make_env(tmp_path / "env")
    client = env.resources["lemlist"].get_client()
    campaign = client.create_campaign("Returns test")
    person = env.sandbox.world.people[0]
    client.add_lead(campaign.id, LeadInput(email=person.email, first_name=person.first_name))
    client.start_campaign(campaign.id)
    client.pause_lead(person.email, campaign_id=campaign.id)
    day = daily_partitions.get_last_partition_key()
    assert day is not None
    record_pause(
        env.store,
        email=person.email,
        campaign_id=campaign.id,
        back=date.fromisoformat(day),
        activity_id="act_1",
        partition=day,
    )
    result = dg.materialize(
        [out_of_office_returns, *engagement_checks()],
        partition_key=day,
        resources=env.resources,
        instance=env.instance,
        selection=[out_of_office_returns],
    )
    assert result.success
    frame = result.asset_value("out_of_office_returns")
    assert frame[["email", "campaign_id", "status"]].values.tolist() == [
        [person.email.lower(), campaign.id, RESUMED]
    ]
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"schema": True, "nothing_left_behind": True}
    assert not _lead(env, person.email).is_paused
    assert (
        env.store.actions.get_many(OOO_KIND, [pause_key(person.email, campaign.id)])[
            pause_key(person.email, campaign.id)
        ].status
        == RESUMED
    )
