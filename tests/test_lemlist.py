"""LemlistClient against the lemlist simulator: campaigns (paged by `page`, with a loop guard), leads,
activities over sandbox time, stats, the v2 unsubscribe routes (the legacy ones answer 404; a foreign 404
never reads as "not unsubscribed"), the client-side limiter against the 20-per-2-seconds window, faults
and auth. `httpx.MockTransport` stands in for lemlist only where the simulator serves one shape (the
wrapped campaign list, servers that ignore paging, other 404 bodies).

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

from resources.errors import AuthenticationError, NotFoundError, RateLimitedError, VendorError
from resources.http import HttpPolicy
from resources.lemlist import LeadInput, LemlistClient, LemlistResource
from resources.lemlist.client import parse_js_date_delay, parse_unsubscribe_csv
from resources.sandbox import Sandbox
from resources.sandbox.lemlist import CAMPAIGNS as SIM_CAMPAIGNS
from resources.sandbox.server import SandboxServer
from resources.sandbox.transport import SandboxTransport
from resources.sandbox.world import Person
from tests.sandbox_people import replayed

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
        outcome = replayed(sandbox, person, date.today())
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


# --- the unsubscribe list: v2 routes only ---------------------------------------------------------------


def raw_client(sandbox: Sandbox) -> httpx.Client:
    """An httpx client on the simulator with the sandbox key, to read status codes and bodies as sent."""
    return httpx.Client(
        transport=SandboxTransport(sandbox), base_url="https://api.lemlist.com/api", auth=("", "sandbox-key")
    )


def test_v2_unsubscribe_list_add_get_walk_and_export(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    single = client.add_unsubscribe("Left@Example.com")
    assert single.value == "left@example.com" and single.source == "api" and single.id.startswith("uns_")
    assert client.get_unsubscribe("left@example.com") == single
    assert client.get_unsubscribe("nobody@example.com") is None

    values = [f"person{i:03d}@bulk.example" for i in range(240)]
    linkedin = "https://www.linkedin.com/in/someone"
    before = calls(sandbox, "POST /api/v2/unsubscribes/variables")
    sent = client.add_unsubscribes([*values, *values[:5], " ", "@blocked.example", "+33612345678", linkedin])
    assert sent == 243  # blanks and repeats are dropped before sending
    assert calls(sandbox, "POST /api/v2/unsubscribes/variables") - before == 1
    assert client.get_unsubscribe(linkedin) is not None and client.get_unsubscribe("+33612345678") is not None

    # The paged walk: 100 per request, until a short page.
    before = calls(sandbox, "GET /api/v2/unsubscribes/variables")
    walked = list(client.iter_unsubscribes())
    assert calls(sandbox, "GET /api/v2/unsubscribes/variables") - before == 3
    assert len(walked) == 244 and len({u.id for u in walked}) == 244
    assert [u.value for u in client.unsubscribe_page(offset=1, limit=2)] == [walked[1].value, walked[2].value]

    # The export: the same entries, in one request, which is what `unsubscribes()` reads.
    before = calls(sandbox, "GET /api/v2/unsubscribes/exports/variables")
    exported = client.unsubscribes()
    assert calls(sandbox, "GET /api/v2/unsubscribes/exports/variables") - before == 1
    assert sorted((u.id, u.value, u.source, u.created_at) for u in exported) == sorted(
        (u.id, u.value, u.source, u.created_at) for u in walked
    )
    assert all(u.created_at is not None and u.created_at.tzinfo is not None for u in exported)

    # One address: itself, or its whole domain.
    assert client.is_unsubscribed("left@example.com") and client.is_unsubscribed("LEFT@example.com")
    assert client.is_unsubscribed("anyone@blocked.example")
    before = calls(sandbox, "GET /api/v2/unsubscribes/variables/{value}")
    assert not client.is_unsubscribed("someone.else@example.com")
    # The address, then its @domain entry: both answered lemlist's "Variable not found".
    assert calls(sandbox, "GET /api/v2/unsubscribes/variables/{value}") - before == 2


def test_v2_unsubscribe_routes_answer_as_documented(sandbox: Sandbox) -> None:
    raw = raw_client(sandbox)
    added = raw.post("/v2/unsubscribes/variables/a%40example.com")
    assert added.status_code == 200 and added.headers["content-type"].startswith("application/json")
    assert set(added.json()) == {"_id", "value", "variable", "source"}
    assert added.json()["variable"] == added.json()["value"] == "a@example.com"
    # Idempotent: the existing record, not a second one.
    assert raw.post("/v2/unsubscribes/variables/a%40example.com").json() == added.json()
    missing = raw.get("/v2/unsubscribes/variables/b%40example.com")
    assert (missing.status_code, missing.text) == (404, "Variable not found")
    assert missing.headers["content-type"].startswith("text/plain")

    # Bulk: a JSON string as the answer, at most 10,000 values.
    bulk = raw.post("/v2/unsubscribes/variables", json={"values": ["c@example.com", "@d.example"]})
    assert bulk.status_code == 200 and bulk.headers["content-type"].startswith("application/json")
    assert bulk.json() == "Variables unsubscribed"
    too_many = raw.post("/v2/unsubscribes/variables", json={"values": ["x@example.com"] * 10_001})
    assert (too_many.status_code, too_many.text) == (400, "Maximum 10000 values allowed")
    assert raw.post("/v2/unsubscribes/variables", json={"values": []}).status_code == 400

    # Re-subscribe: 200 "Variable subscribed"; 400 when absent; 409 for the protected sources.
    deleted = raw.delete("/v2/unsubscribes/variables/a%40example.com")
    assert deleted.status_code == 200 and deleted.json() == "Variable subscribed"
    again = raw.delete("/v2/unsubscribes/variables/a%40example.com")
    assert (again.status_code, again.text) == (400, "Variable not found in unsubscribe list")
    sim = sandbox.simulator("lemlist")
    for source in ("lead", "abuse"):
        sim._unsubscribe(f"{source}@example.com", source, sandbox.store.timestamp())  # type: ignore[attr-defined]
        protected = raw.delete(f"/v2/unsubscribes/variables/{source}%40example.com")
        assert (protected.status_code, protected.text) == (
            409,
            "Variable is protected and cannot be re-subscribed",
        )
    sim._unsubscribe("bounced@example.com", "bounced", sandbox.store.timestamp())  # type: ignore[attr-defined]
    assert raw.delete("/v2/unsubscribes/variables/bounced%40example.com").status_code == 200

    export = raw.get("/v2/unsubscribes/exports/variables")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.text.splitlines()
    assert lines[0] == "_id,value,source,createdAt"
    assert {line.split(",")[1] for line in lines[1:]} == {
        "c@example.com",
        "@d.example",
        "lead@example.com",
        "abuse@example.com",
    }


def test_contacts_do_not_contact_flag(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    first, second = client.create_campaign("DNC one"), client.create_campaign("DNC two")
    person = sandbox.world.people[20]
    lead = client.add_lead(first.id, lead_for(person)).lead
    assert lead is not None and lead.contact_id and lead.contact_id.startswith("ctc_")

    status = client.contact_subscription(lead.contact_id)
    assert status.id == lead.contact_id and status.do_not_contact is False
    client.mark_do_not_contact(lead.contact_id)
    assert client.is_do_not_contact(lead.contact_id)
    # A do-not-contact contact is refused by other campaigns, like an unsubscribed address.
    assert client.add_lead(second.id, lead_for(person), deduplicate=False).status == "skipped_unsubscribed"

    raw = raw_client(sandbox)
    posted = raw.post(f"/v2/unsubscribes/contacts/{lead.contact_id}")
    assert posted.status_code == 200 and posted.json() == "Contact subscription updated"
    export = raw.get("/v2/unsubscribes/exports/contacts")
    assert export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines()[0] == "_id,doNotContact"
    assert f"{lead.contact_id},true" in export.text.splitlines()
    cleared = raw.delete(f"/v2/unsubscribes/contacts/{lead.contact_id}")
    assert cleared.status_code == 200 and cleared.json() == "Contact subscription updated"
    assert not client.is_do_not_contact(lead.contact_id)
    bad = raw.get("/v2/unsubscribes/contacts/not-a-contact")
    assert (bad.status_code, bad.text) == (400, "Bad contact identifier")


def test_bulk_unsubscribe_is_chunked_at_10000(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    values = [f"p{i}@chunk.example" for i in range(10_050)]
    assert client.add_unsubscribes(values) == 10_050
    assert calls(sandbox, "POST /api/v2/unsubscribes/variables") == 2
    assert len(client.unsubscribes()) == 10_050


@pytest.mark.parametrize(
    "path",
    ["/unsubscribes", "/unsubscribes/a%40example.com", "/unsubs/export"],
)
def test_legacy_unsubscribe_routes_answer_404_like_any_unknown_route(sandbox: Sandbox, path: str) -> None:
    raw = raw_client(sandbox)
    raw.post("/v2/unsubscribes/variables/a%40example.com")
    unknown = raw.get("/no/such/route")
    assert unknown.status_code == 404
    for method in ("GET", "POST", "DELETE"):
        gone = raw.request(method, path)
        assert (gone.status_code, gone.text, gone.headers["content-type"]) == (
            404,
            unknown.text,
            unknown.headers["content-type"],
        )
    # The entry is still there: DELETE on the retired route removed nothing.
    assert raw.get("/v2/unsubscribes/variables/a%40example.com").status_code == 200


def mock_client(handler: object) -> LemlistClient:
    """A client whose far end is an `httpx.MockTransport` (test-only servers lemlist could turn into)."""
    return LemlistClient(
        "key",
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
        limits=[],
        policy=HttpPolicy(max_attempts=1),
    )


def test_is_unsubscribed_fails_closed_on_a_404_that_is_not_variable_not_found(
    sandbox: Sandbox, sandbox_path: Path
) -> None:
    # Pointed at a path lemlist does not serve: the simulator's generic 404 must not read as "not listed".
    lost = LemlistClient(
        "sandbox-key",
        base_url="https://api.lemlist.com/api/retired",
        transport=SandboxTransport(sandbox),
        policy=HttpPolicy(read_timeout=5.0),
    )
    with pytest.raises(VendorError) as caught:
        lost.is_unsubscribed("anyone@example.com")
    assert not isinstance(caught.value, NotFoundError) and caught.value.status_code == 404
    assert "Variable not found" in str(caught.value)

    def express_404(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, text=f"Cannot GET {request.url.path}", headers={"content-type": "text/html"}
        )

    with pytest.raises(VendorError):
        mock_client(express_404).is_unsubscribed("anyone@example.com")
    with pytest.raises(VendorError):
        mock_client(lambda r: httpx.Response(404, text="No user found for this API key")).get_unsubscribe("x")

    # lemlist's own "Variable not found", as text/plain or as JSON, is the one "not on the list".
    for body in (
        {"text": "Variable not found"},
        {"json": "Variable not found"},
        {"json": {"error": "Variable not found"}},
    ):
        answer = mock_client(lambda r, body=body: httpx.Response(404, **body))  # type: ignore[misc]
        assert answer.is_unsubscribed("anyone@example.com") is False


def test_unsubscribe_export_csv_reading() -> None:
    text = (
        "\ufeff_id,value,source,createdAt\r\n"
        "uns_1,john.doe@example.com,user,2023-06-12T10:45:21.367Z\r\n"
        'uns_2,"https://www.linkedin.com/in/a,b",api,2023-07-21T09:14:25.521Z\r\n'
        "uns_3,,api,2023-07-21T09:14:25.521Z\r\n"
    )
    rows = parse_unsubscribe_csv(text, endpoint="e")
    assert [(r.id, r.value, r.source) for r in rows] == [
        ("uns_1", "john.doe@example.com", "user"),
        ("uns_2", "https://www.linkedin.com/in/a,b", "api"),
    ]
    assert rows[0].created_at is not None and rows[0].created_at.utcoffset() == timedelta(0)
    # A missing column leaves that field empty (the legacy export had no `_id`).
    legacy = parse_unsubscribe_csv(
        "value,source,createdAt\njane@example.org,bounce,2022-11-23T18:23:45.890Z\n", endpoint="e"
    )
    assert [(r.id, r.value, r.source) for r in legacy] == [(None, "jane@example.org", "bounce")]
    assert [r.value for r in parse_unsubscribe_csv("Value\nx@example.com\n", endpoint="e")] == [
        "x@example.com"
    ]
    assert parse_unsubscribe_csv("", endpoint="e") == []
    assert parse_unsubscribe_csv("_id,value,source,createdAt\n", endpoint="e") == []
    # Without a value column the export is unreadable: an error, never an empty list.
    with pytest.raises(VendorError, match="no 'value' column"):
        parse_unsubscribe_csv("<html>Not Found</html>\n", endpoint="e")


# --- campaign listing: version=v2, paged by page -----------------------------------------------------


def seed_campaigns(sandbox: Sandbox, count: int) -> None:
    """`count` campaigns straight into the simulator's store (creating them through the API would cost
    `count` requests at 20 per 2 s)."""
    sim = sandbox.simulator("lemlist")
    sim._seed()  # type: ignore[attr-defined]
    start = sandbox.store.epoch.timestamp()
    with sandbox.store.transaction():
        for i in range(count):
            campaign = sim._new_campaign(f"Bulk {i:03d}", "Europe/Paris", start + i)  # type: ignore[attr-defined]
            sandbox.store.put(SIM_CAMPAIGNS, campaign["_id"], campaign)


def test_campaigns_are_paged_by_page_over_more_than_100(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = client_for(sandbox_path)
    seeded = len(client.list_campaigns())  # the simulator's own seed campaigns
    seed_campaigns(sandbox, 230)
    before = calls(sandbox, "GET /api/campaigns")
    campaigns = client.list_campaigns()
    assert calls(sandbox, "GET /api/campaigns") - before == 3  # pages 1, 2 and the short page 3
    assert len(campaigns) == 230 + seeded and len({c.id for c in campaigns}) == len(campaigns)
    assert [c.created_at for c in campaigns] == sorted(c.created_at for c in campaigns)
    assert len(client.list_campaigns(status="draft")) == 230

    raw = raw_client(sandbox)
    page2 = raw.get("/campaigns", params={"version": "v2", "page": 2, "limit": 100}).json()
    by_offset = raw.get("/campaigns", params={"offset": 100, "limit": 100}).json()
    assert page2 == by_offset and [c["_id"] for c in page2] == [c.id for c in campaigns[100:200]]
    assert len(raw.get("/campaigns", params={"page": 1, "limit": 500}).json()) == 100  # limit max 100
    assert raw.get("/campaigns", params={"page": 0}).status_code == 400


def wrapped_campaigns(total: int, *, page_size: int = 100) -> tuple[list[httpx.Request], object]:
    """A server answering the `{campaigns, pagination}` shape n8n and a third-party doc describe."""
    seen: list[httpx.Request] = []
    pages = max(1, math.ceil(total / page_size))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page = int(request.url.params["page"])
        rows = [
            {"_id": f"cam_{i:04d}", "name": f"C{i}", "status": "running"}
            for i in range((page - 1) * page_size, min(page * page_size, total))
        ]
        pagination = {
            "page": page,
            "limit": page_size,
            "totalRecords": total,
            "currentPage": page,
            "nextPage": page + 1 if page < pages else None,
            "totalPage": pages,
        }
        return httpx.Response(200, json={"campaigns": rows, "pagination": pagination})

    return seen, handler


def test_campaigns_read_the_wrapped_shape_with_pagination() -> None:
    seen, handler = wrapped_campaigns(250)
    campaigns = mock_client(handler).list_campaigns(status="running")
    assert [c.id for c in campaigns] == [f"cam_{i:04d}" for i in range(250)]
    assert [dict(r.url.params) for r in seen] == [
        {"version": "v2", "status": "running", "page": str(p), "limit": "100"} for p in (1, 2, 3)
    ]
    # Exactly 200: the pagination ends the walk, no third request for an empty page.
    seen, handler = wrapped_campaigns(200)
    assert len(mock_client(handler).list_campaigns()) == 200 and len(seen) == 2
    # A server that pages by 50 whatever the limit sent: the echoed limit and nextPage are followed.
    seen, handler = wrapped_campaigns(120, page_size=50)
    assert len(mock_client(handler).list_campaigns()) == 120 and len(seen) == 3


@pytest.mark.timeout(30)
@pytest.mark.parametrize("wrapped", [False, True])
def test_campaign_walk_stops_when_a_page_repeats(wrapped: bool, caplog: pytest.LogCaptureFixture) -> None:
    requests: list[httpx.Request] = []
    same_page = [{"_id": f"cam_{i:03d}", "name": f"C{i}"} for i in range(100)]

    def ignores_page(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if len(requests) > 50:
            raise AssertionError("the client kept walking")
        if wrapped:
            # Claims there is always a next page.
            return httpx.Response(
                200, json={"campaigns": same_page, "pagination": {"nextPage": 2, "totalPage": 99}}
            )
        return httpx.Response(200, json=same_page)

    with caplog.at_level("WARNING", logger="resources.lemlist.base_client"):
        campaigns = mock_client(ignores_page).list_campaigns()
    assert [c.id for c in campaigns] == [c["_id"] for c in same_page]
    assert len(requests) == 2
    assert any("repeats" in r.getMessage() for r in caplog.records)


@pytest.mark.timeout(30)
def test_offset_walk_stops_when_the_server_ignores_offset(caplog: pytest.LogCaptureFixture) -> None:
    requests: list[httpx.Request] = []
    same_page = [{"_id": f"uns_{i:03d}", "value": f"p{i}@example.com", "source": "api"} for i in range(100)]

    def ignores_offset(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if len(requests) > 50:
            raise AssertionError("the client kept walking")
        return httpx.Response(200, json=same_page)

    with caplog.at_level("WARNING", logger="resources.lemlist.base_client"):
        walked = list(mock_client(ignores_offset).iter_unsubscribes())
    assert len(walked) == 100 and len(requests) == 2
    assert any("repeats" in r.getMessage() for r in caplog.records)
