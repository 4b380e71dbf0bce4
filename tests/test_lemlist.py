"""LemlistClient against the lemlist simulator: campaigns, leads, activities over sandbox time, stats,
unsubscribes, the client-side limiter against the 20-per-2-seconds window, faults and auth.

In process through `LemlistResource(sandbox_state=...)`, and once over a socket (SandboxServer).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from resources.errors import AuthenticationError, NotFoundError, RateLimitedError
from resources.http import HttpPolicy
from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.lemlist.client import parse_js_date_delay
from resources.sandbox import Sandbox
from resources.sandbox.engagement import engagement_for
from resources.sandbox.server import SandboxServer
from resources.sandbox.transport import SandboxTransport
from resources.sandbox.world import Person

ACTIVITIES = "GET /api/activities"


def client_for(sandbox_path: Path, **kwargs: object) -> LemlistClient:
    return LemlistResource(
        api_key="sandbox-key", sandbox_state=str(sandbox_path), read_timeout=5.0, **kwargs
    ).get_client()


def calls(sandbox: Sandbox, endpoint: str) -> int:
    return sum(u.calls for u in sandbox.store.usage("lemlist") if u.endpoint == endpoint)


def lead_for(person: Person, **variables: str) -> LeadInput:
    return LeadInput(
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        job_title=person.job_title,
        variables=variables,
    )


def pick_people(sandbox: Sandbox, count: int) -> tuple[list[Person], list[Person], list[Person]]:
    """`count` world people: some whose address hard-bounces with a 5.1.x answer, some who reply within a
    day, the rest in world order (a mix of verification statuses). Asks the same engagement model the
    simulator replays, so the test does not depend on which people a seed happens to make reply."""
    bouncers: list[Person] = []
    repliers: list[Person] = []
    others: list[Person] = []
    for person in sandbox.world.people:
        outcome = engagement_for(
            sandbox.store.seed,
            person.email,
            email_status=person.email_status,
            language=person.language,
            first_name=person.first_name,
            sender_name="x",
            original_subject="x",
            today=date.today(),
        )
        bounce = outcome.bounce
        dead = bounce is not None and bounce.hard and bounce.smtp_status.startswith("5.1")
        if person.email_status == "invalid" and dead:
            if len(bouncers) < 5:
                bouncers.append(person)
        elif bounce is None and outcome.reply and outcome.reply.after_hours < 24:
            if len(repliers) < 5:
                repliers.append(person)
        elif len(others) < count - 10:
            others.append(person)
        if len(bouncers) == 5 and len(repliers) == 5 and len(others) == count - 10:
            break
    return bouncers, repliers, others


# --- campaigns and leads ------------------------------------------------------------------------------


def test_campaign_starts_as_draft_and_leads_keep_their_variables(
    sandbox: Sandbox, sandbox_path: Path
) -> None:
    client = client_for(sandbox_path)
    assert client.team().id.startswith("tea_")
    seeded = client.list_campaigns()
    assert len(seeded) == 2 and {c.status for c in seeded} == {"ended", "paused"}

    campaign = client.create_campaign("Sandbox outbound", timezone="Europe/Berlin")
    assert campaign.id.startswith("cam_") and campaign.status == "draft"
    assert client.get_campaign(campaign.id).status == "draft"
    assert [c.id for c in client.list_campaigns(status="draft")] == [campaign.id]

    person = sandbox.world.people[0]
    lead = lead_for(person, subject="Scaling outbound at your team", opener="Saw your Berlin office news")
    first = client.add_lead(campaign.id, lead)
    assert first.status == "added" and first.lead is not None
    assert first.lead.id.startswith("lea_") and first.lead.contact_id.startswith("ctc_")
    assert first.lead.first_name == person.first_name

    # The same email again in the same campaign: one lead, fields merged.
    again = client.add_lead(campaign.id, lead.model_copy(update={"variables": {"opener": "New opener"}}))
    assert again.status == "added" and again.lead.id == first.lead.id
    assert [r.id for r in client.list_campaign_leads(campaign.id)] == [first.lead.id]

    [stored] = client.get_lead(person.email.upper())
    assert stored.campaign.id == campaign.id
    assert stored.variables["subject"] == "Scaling outbound at your team"
    assert stored.variables["opener"] == "New opener"
    assert stored.variables["jobTitle"] == person.job_title

    updated = client.update_lead(campaign.id, first.lead.id, fields={"icebreaker": "Congrats on the round"})
    assert updated.id == first.lead.id
    assert client.get_lead(person.email)[0].variables["icebreaker"] == "Congrats on the round"

    # Deduplicate: the email is in another campaign of the team, so it is skipped, not raised.
    other = client.create_campaign("Second campaign")
    skipped = client.add_lead(other.id, lead)
    assert skipped.status == "skipped_duplicate" and skipped.lead is None and not skipped.added
    assert client.list_campaign_leads(other.id) == []
    # Without deduplicate the same contact may be in two campaigns.
    both = client.add_lead(other.id, lead, deduplicate=False)
    assert both.status == "added" and both.lead.contact_id == first.lead.contact_id
    assert {entry.campaign.id for entry in client.get_lead(person.email)} == {campaign.id, other.id}

    assert client.get_lead("nobody@nowhere.example") == []
    with pytest.raises(NotFoundError, match="Campaign not found"):
        client.get_campaign("cam_doesnotexist")
    assert sandbox.store.totals("lemlist").errors == 3  # the 409, the 404 of get_lead, the 404 above


def test_draft_campaign_sends_nothing(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    campaign = client.create_campaign("Still a draft")
    for person in sandbox.world.people[:3]:
        assert client.add_lead(campaign.id, lead_for(person)).added
    sandbox.store.advance(days=10)
    assert client.activities(campaign_id=campaign.id) == []
    assert {r.state for r in client.list_campaign_leads(campaign.id)} == {"imported"}


# --- engagement over time -----------------------------------------------------------------------------


def test_running_campaign_produces_activities_over_time(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    started_at = sandbox.store.now()
    campaign = client.create_campaign("Engagement")
    assert client.start_campaign(campaign.id).state == "running"
    bouncers, repliers, others = pick_people(sandbox, 60)
    people = bouncers + repliers + others
    assert len(people) == 60 and {"valid", "invalid"} <= {p.email_status for p in people}
    results = [client.add_lead(campaign.id, lead_for(p, subject=f"Idea for {p.first_name}")) for p in people]
    assert all(r.added for r in results)
    leads = {r.email: r.lead for r in results}

    assert client.activities(campaign_id=campaign.id) == []  # nothing is sent at the moment of adding
    sandbox.store.advance(days=5)

    before = calls(sandbox, ACTIVITIES)
    activities = client.activities(campaign_id=campaign.id)
    n = len(activities)
    assert calls(sandbox, ACTIVITIES) - before == math.ceil(n / 100) + (1 if n % 100 == 0 else 0)
    assert n > 100  # more than one page
    assert len({a.id for a in activities}) == n
    assert [a.created_at for a in activities] == sorted(a.created_at for a in activities)
    assert all(a.created_at <= sandbox.store.now() for a in activities)
    types = Counter(a.type for a in activities)
    assert types["emailsSent"] >= 60 and types["emailsOpened"] > 0
    first_sends = [a for a in activities if a.type == "emailsSent" and a.sequence_step == 0]
    assert {a.lead_email for a in first_sends} == {p.email for p in people}
    assert all(a.created_at > started_at for a in first_sends)

    replies = [a for a in activities if a.type == "emailsReplied"]
    assert {p.email for p in repliers} <= {a.lead_email for a in replies}
    for reply in replies:
        assert reply.plain_text and reply.subject and reply.related_sent_at is not None
    bounces = {a.lead_email: a for a in activities if a.type == "emailsBounced"}
    assert {p.email for p in bouncers} <= set(bounces)
    unsubscribed = {u.value: u for u in client.unsubscribes()}
    for person in bouncers:
        assert re.search(r"\b5\.1\.\d+\b", bounces[person.email].error_message or "")
        assert unsubscribed[person.email].source == "bounced"
        assert client.is_unsubscribed(person.email)
        # A bounced lead gets no follow-up.
        assert not any(
            a.lead_email == person.email and a.sequence_step == 1 and a.type == "emailsSent"
            for a in activities
        )
    assert not client.is_unsubscribed(repliers[0].email)

    # Filters on the server side.
    only_replies = client.activities(type="emailsReplied", campaign_id=campaign.id)
    assert [a.id for a in only_replies] == [a.id for a in replies]
    one_lead = leads[repliers[0].email]
    assert {a.lead_id for a in client.activities(lead_id=one_lead.id)} == {one_lead.id}
    later = client.activities(campaign_id=campaign.id, min_date=replies[0].created_at)
    assert later and all(a.created_at >= replies[0].created_at for a in later)

    # The reply body is in the inbox as well (the activities API of the real lemlist has none).
    messages = client.inbox_messages(one_lead.contact_id)
    inbox_replies = [m for m in messages if m.is_reply]
    assert inbox_replies and inbox_replies[0].from_email == repliers[0].email
    reply_activity = next(a for a in replies if a.lead_email == repliers[0].email)
    assert inbox_replies[0].plain_text == reply_activity.plain_text
    assert any(m.type == "emailsSent" and repliers[0].first_name in (m.plain_text or "") for m in messages)

    # Stats are computed from the same activities.
    stats = client.campaign_stats(campaign.id, start=started_at - timedelta(days=1), end=sandbox.store.now())
    assert stats.nb_leads == 60 and stats.nb_leads_launched == 60
    assert stats.messages_sent == types["emailsSent"]
    assert stats.messages_bounced == types["emailsBounced"]
    assert stats.opened == types["emailsOpened"] and stats.replied == types["emailsReplied"]
    assert stats.steps[0].sent == 60
    empty = client.campaign_stats(
        campaign.id, start=started_at - timedelta(days=30), end=started_at - timedelta(days=29)
    )
    assert empty.messages_sent == 0 and empty.nb_leads == 60

    ids = [campaign.id] + [f"cam_missing{i}" for i in range(120)]
    before = calls(sandbox, "POST /api/v2/campaigns/stats/batch")
    batch = client.campaign_stats_batch(ids, start=started_at - timedelta(days=1), end=sandbox.store.now())
    assert calls(sandbox, "POST /api/v2/campaigns/stats/batch") - before == 2  # 100 ids per call
    assert [r.campaign_id for r in batch.results] == [campaign.id]
    assert batch.results[0].messages_sent == stats.messages_sent
    assert len(batch.errors) == 120 and batch.errors[0].error == "Campaign not found"

    # A hard-bounced address is refused by any other campaign (reported as skipped, not raised).
    other = client.create_campaign("Retry bounced")
    refused = client.add_lead(other.id, lead_for(bouncers[0]), deduplicate=False)
    assert refused.status == "skipped_unsubscribed"


def test_pausing_a_campaign_stops_new_sends(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    campaign = client.create_campaign("Pause me")
    client.start_campaign(campaign.id)
    people = [p for p in sandbox.world.people if p.email_status == "valid"][:8]
    for person in people:
        client.add_lead(campaign.id, lead_for(person))
    # Three days reach a weekday sending window from any start time; follow-ups are due 3 days after that.
    sandbox.store.advance(days=3)
    sent = [a for a in client.activities(type="emailsSent", campaign_id=campaign.id)]
    assert len(sent) == 8 and {a.sequence_step for a in sent} == {0}

    assert client.pause_campaign(campaign.id).state == "paused"
    assert client.get_campaign(campaign.id).status == "paused"
    sandbox.store.advance(days=7)
    assert len(client.activities(type="emailsSent", campaign_id=campaign.id)) == 8

    # Leads paused one by one stay silent after the campaign resumes; the others get their follow-up.
    paused = client.pause_lead(people[0].email, campaign_id=campaign.id)
    assert [lead.is_paused for lead in paused] == [True]
    client.start_campaign(campaign.id)
    sandbox.store.advance(days=4)
    follow_ups = client.activities(type="emailsSent", campaign_id=campaign.id)[8:]
    assert follow_ups and {a.sequence_step for a in follow_ups} == {1}
    assert people[0].email not in {a.lead_email for a in follow_ups}
    assert client.resume_lead(people[0].email)[0].is_paused is False


def test_lead_status_actions_and_unsubscribes(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    campaign = client.create_campaign("Actions")
    a, b, c = sandbox.world.people[10:13]
    for person in (a, b, c):
        client.add_lead(campaign.id, lead_for(person))

    assert client.mark_interested(a.email, campaign_id=campaign.id)[0].email == a.email
    assert client.mark_not_interested(b.email)[0].campaign_id == campaign.id
    states = {r.id: r.state for r in client.list_campaign_leads(campaign.id)}
    assert sorted(states.values()) == ["imported", "interested", "notInterested"]
    manual = client.activities(campaign_id=campaign.id)
    assert [x.type for x in manual] == ["manualInterested", "manualNotInterested"]
    assert manual[0].model_extra["userName"] == "api"

    gone = client.unsubscribe_lead(campaign.id, c.email)
    assert gone.email == c.email and client.get_lead(c.email)[0].state == "emailsUnsubscribed"
    removed = client.delete_lead(campaign.id, a.email)
    assert removed.id.startswith("lea_") and client.get_lead(a.email) == []
    assert len(client.list_campaign_leads(campaign.id)) == 2

    added = client.add_unsubscribe("@competitor.example")
    assert added.value == "@competitor.example" and added.source == "api" and added.id
    # Idempotent (documented): the same value again returns the entry already there.
    assert client.add_unsubscribe("@competitor.example").id == added.id
    assert client.add_unsubscribe("Someone@Example.com").value == "someone@example.com"
    assert client.is_unsubscribed("someone@example.com")
    assert not client.is_unsubscribed("other@example.com")
    assert {u.value for u in client.unsubscribes()} == {"@competitor.example", "someone@example.com"}
    # A domain on the list refuses every address of that domain.
    refused = client.add_lead(campaign.id, LeadInput(email="cto@competitor.example"))
    assert refused.status == "skipped_unsubscribed"


# --- rate limits, faults, auth ------------------------------------------------------------------------


class _StampingTransport(SandboxTransport):
    """Records when each request reaches the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self.stamps: list[float] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.stamps.append(time.monotonic())
        return super().handle_request(request)


def test_client_limiter_keeps_a_threaded_burst_under_the_window(sandbox: Sandbox, sandbox_path: Path) -> None:
    transport = _StampingTransport(sandbox)
    client = LemlistClient("sandbox-key", transport=transport, policy=HttpPolicy(read_timeout=5.0))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(15):
                client.team()
        except BaseException as exc:
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    assert errors == []
    totals = sandbox.store.totals("lemlist")
    assert totals.calls == 60 and totals.errors == 0
    assert client.stats.retries.total() == 0
    stamps = sorted(transport.stamps)
    assert len(stamps) == 60
    busiest = max(sum(1 for s in stamps[i:] if s - first < 2.0) for i, first in enumerate(stamps))
    assert busiest <= 20
    assert elapsed >= 4.0


def test_sandbox_answers_429_with_lemlist_headers_without_a_limiter(sandbox: Sandbox) -> None:
    client = LemlistClient(
        "sandbox-key", limits=[], policy=HttpPolicy(max_attempts=1), transport=SandboxTransport(sandbox)
    )
    response = client.request("GET", "/team")
    assert response.headers["x-ratelimit-limit"] == "20"
    assert response.headers["x-ratelimit-remaining"] == "19"
    assert int(response.headers["retry-after"]) >= 1
    reset = response.headers["x-ratelimit-reset"]
    js_date = r"^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(Coordinated Universal Time\)$"
    assert re.match(js_date, reset)
    assert 0 <= parse_js_date_delay(reset) <= 3

    with pytest.raises(RateLimitedError) as caught:
        for _ in range(30):
            client.team()
    err = caught.value
    assert err.status_code == 429 and err.vendor == "lemlist"
    assert "Too Many Requests" in str(err)
    assert err.retry_after is not None and 1 <= err.retry_after <= 2
    assert sandbox.store.totals("lemlist").calls == 21
    assert sandbox.store.totals("lemlist").errors == 1


def test_429_storm_is_waited_out(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    sandbox.store.set_faults("lemlist", rate_limit_next=2, rate_limit_retry_after=1)
    started = time.monotonic()
    assert client.team().id.startswith("tea_")
    assert time.monotonic() - started >= 1.9
    assert client.stats.retries["GET /team"] == 2
    totals = sandbox.store.totals("lemlist")
    assert totals.calls == 3 and totals.errors == 2


def test_bad_key_fails_at_once_naming_the_variable(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = LemlistResource(api_key="not-a-sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    with pytest.raises(AuthenticationError) as caught:
        client.team()
    assert caught.value.variable == "LEMLIST_API_KEY" and "LEMLIST_API_KEY" in str(caught.value)
    assert "The authentication you supplied is incorrect" in str(caught.value)
    assert sandbox.store.totals("lemlist").calls == 1

    # No key at all: lemlist's 400 "No API key provided", also an auth failure.
    raw = httpx.Client(transport=SandboxTransport(sandbox), base_url="https://api.lemlist.com/api")
    response = raw.get("/team")
    assert response.status_code == 400 and response.text == "No API key provided"
    assert response.headers["x-ratelimit-limit"] == "20"
    # The legacy ?access_token= still works; a bearer token does not.
    assert raw.get("/team", params={"access_token": "sandbox-key"}).status_code == 200
    assert raw.get("/team", headers={"authorization": "Bearer sandbox-key"}).status_code == 401


def test_over_a_socket(sandbox: Sandbox) -> None:
    with SandboxServer(sandbox) as server:
        client = LemlistResource(api_key="sandbox-key", base_url=f"{server.url}/lemlist/api").get_client()
        campaign = client.create_campaign("Socket campaign")
        email = "jane+outbound@example.org"
        added = client.add_lead(
            campaign.id, LeadInput(email=email, first_name="Jane", variables={"subject": "Hi Jane"})
        )
        assert added.added and added.lead.email == email
        [entry] = client.get_lead(email)
        assert entry.variables["subject"] == "Hi Jane"
        client.add_unsubscribe(email)
        assert client.is_unsubscribed(email)
        with pytest.raises(NotFoundError, match="Lead not found"):
            client.update_lead(campaign.id, "lea_missing", fields={"x": "y"})
        client.close()


def test_lead_input_flattens_custom_variables() -> None:
    lead = LeadInput(
        email="a@b.co", firstName="Ada", company_domain="b.co", variables={"subject": "S", "n": "1"}
    )
    assert lead.to_body() == {
        "email": "a@b.co",
        "firstName": "Ada",
        "companyDomain": "b.co",
        "subject": "S",
        "n": "1",
    }
    assert parse_js_date_delay(
        "Tue Feb 16 2021 09:02:42 GMT+0100 (Central European Standard Time)", now=1613462560.0
    ) == pytest.approx(2.0)
    assert parse_js_date_delay("soon") is None
