"""Demo mode of the sandbox (`resources.sandbox.demo`): off unless switched on; then a draft campaign the
pipeline filled starts a short delay after its latest lead, and its leads send, open, reply, bounce and
unsubscribe at demo pace, read through the real lemlist client."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.sandbox import Sandbox, demo
from resources.sandbox.world import Person
from tests.sandbox_people import replayed


def client_for(sandbox_path: Path) -> LemlistClient:
    return LemlistResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()


def people_with_news(sandbox: Sandbox, count: int) -> list[Person]:
    """`count` people with a valid address, some of whom reply within a day or bounce (as the engagement
    model the simulator replays says), the rest in world order."""
    news: list[Person] = []
    quiet: list[Person] = []
    for person in sandbox.world.people:
        outcome = replayed(sandbox, person, date.today())
        if (outcome.reply and outcome.reply.after_hours < 24) or outcome.bounce:
            if len(news) < count // 2:
                news.append(person)
        elif len(quiet) < count - count // 2:
            quiet.append(person)
        if len(news) + len(quiet) == count:
            break
    return news + quiet


def add_people(client: LemlistClient, campaign_id: str, people: list[Person]) -> None:
    for person in people:
        lead = LeadInput(email=person.email, first_name=person.first_name, last_name=person.last_name)
        assert client.add_lead(campaign_id, lead).added


def test_demo_is_off_unless_switched_on(sandbox: Sandbox, sandbox_path: Path) -> None:
    assert demo.settings(sandbox.store) is None
    client = client_for(sandbox_path)
    campaign = client.create_campaign("sales-pipeline revops_saas")
    add_people(client, campaign.id, sandbox.world.people[:3])
    sandbox.store.advance(hours=2)
    assert client.get_campaign(campaign.id).status == "draft"
    assert client.activities(campaign_id=campaign.id) == []


def test_a_filled_draft_starts_after_its_last_lead_and_plays_at_demo_pace(
    sandbox: Sandbox, sandbox_path: Path
) -> None:
    settings = demo.enable(sandbox.store)
    client = client_for(sandbox_path)
    campaign = client.create_campaign("sales-pipeline revops_saas")
    people = people_with_news(sandbox, 40)
    add_people(client, campaign.id, people[:20])
    sandbox.store.advance(seconds=settings.start_delay_seconds / 2)
    add_people(client, campaign.id, people[20:])
    # The last lead moved the start on: half the delay after it the campaign is still a draft.
    sandbox.store.advance(seconds=settings.start_delay_seconds * 0.75)
    assert client.activities(campaign_id=campaign.id) == []
    assert client.get_campaign(campaign.id).status == "draft"
    sandbox.store.advance(seconds=settings.start_delay_seconds)
    # The engine starts it at its next sync (any read of activities, as the replies sensor's each minute).
    # The clock runs on meanwhile: a lead whose spread is near zero is sent within milliseconds of the
    # start, so the bound is read before the sync (floored to the second; lemlist writes milliseconds).
    started = sandbox.store.now().replace(microsecond=0)
    assert client.activities(campaign_id=campaign.id) == []
    assert client.get_campaign(campaign.id).status == "running"

    # Within the send spread every lead has had its first email, whatever the day and hour.
    sandbox.store.advance(seconds=settings.send_spread_seconds + 1)
    sends = [a for a in client.activities(campaign_id=campaign.id, type="emailsSent")]
    assert {a.lead_email for a in sends} == {p.email for p in people}
    assert all(a.created_at >= started for a in sends)

    # A day of the sequence takes 24 * 3600 / pace seconds: replies and bounces are in after that.
    sandbox.store.advance(seconds=24 * 3600 / settings.pace)
    activities = client.activities(campaign_id=campaign.id)
    kinds = Counter(a.type for a in activities)
    assert kinds["emailsReplied"] + kinds["emailsBounced"] >= 5, kinds
    assert kinds["emailsOpened"] > 0
    for reply in (a for a in activities if a.type == "emailsReplied"):
        sent = next(s for s in sends if s.lead_id == reply.lead_id)
        # Its email is the one sent at demo pace, not the one the real sending window would have sent.
        assert reply.related_sent_at == sent.created_at
        assert reply.plain_text
    assert all(a.created_at <= sandbox.store.now() for a in activities)

    # The follow-ups (3 days later in a real sequence) come minutes later here.
    sandbox.store.advance(seconds=6 * 24 * 3600 / settings.pace)
    follow_ups = client.activities(campaign_id=campaign.id, type="emailsSent")
    assert any(a.sequence_step == 1 for a in follow_ups)


def test_a_campaign_already_started_or_paused_is_left_alone(sandbox: Sandbox, sandbox_path: Path) -> None:
    demo.enable(sandbox.store)
    client = client_for(sandbox_path)
    campaign = client.create_campaign("sales-pipeline fintech_eu")
    add_people(client, campaign.id, sandbox.world.people[:2])
    client.pause_campaign(campaign.id)
    sandbox.store.advance(minutes=5)
    assert client.activities(campaign_id=campaign.id) == []
    assert client.get_campaign(campaign.id).status == "paused"
    # Started by a person: it keeps the real sending window and pace (the demo did not start it).
    other = client.create_campaign("sales-pipeline health_ops")
    add_people(client, other.id, sandbox.world.people[2:4])
    client.start_campaign(other.id)
    assert demo.CAMPAIGN_MARK not in (sandbox.store.get("lemlist.campaigns", other.id) or {})
    sandbox.store.advance(minutes=5)
    client.activities(campaign_id=other.id)
    assert demo.CAMPAIGN_MARK not in (sandbox.store.get("lemlist.campaigns", other.id) or {})


def test_switching_demo_off_stops_drafts_from_starting(sandbox: Sandbox, sandbox_path: Path) -> None:
    demo.enable(sandbox.store)
    client = client_for(sandbox_path)
    campaign = client.create_campaign("sales-pipeline revops_saas")
    add_people(client, campaign.id, sandbox.world.people[:2])
    demo.disable(sandbox.store)
    sandbox.store.advance(minutes=5)
    assert client.activities(campaign_id=campaign.id) == []
    assert client.get_campaign(campaign.id).status == "draft"
