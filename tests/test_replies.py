"""The reply side: lemlist activities -> labels -> actions, the replies sensor, and the no-reply-lost
invariant, against the sandbox (its campaign engine produces the replies, bounces and unsubscribes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.claude import AnthropicResource
from resources.errors import RecordValidationError
from resources.lemlist import LemlistClient, LemlistResource
from resources.lemlist.models import Activity, LeadInput
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.transport import SandboxTransport
from resources.sandbox.world import Person
from sales_assets.common.seller import SellerSettings, sandbox_seller_values
from sales_assets.definitions import build_definitions
from sales_assets.engagement.defs import replies_sensor
from sales_assets.engagement.replies import (
    CACHE_NAMESPACE,
    LABEL_TTL,
    ClaudeLabeller,
    ClaudeReplyLabel,
    label_key,
)
from sales_assets.engagement.reply_action_run import ReplyActionRun
from sales_assets.engagement.reply_plans import next_lead_status, pick_owner, plan_action
from sales_assets.engagement.sensors import RepliesCursor, new_activities, requests_for, run_key
from sales_assets.engagement.settings import ReplySettings
from tests.sandbox_people import replayed

BULK = "POST /api/v2/unsubscribes/variables"
SINGLE = "POST /api/v2/unsubscribes/variables/{value}"

# --- pure parts -------------------------------------------------------------------------------------------


def test_each_label_leads_to_its_action() -> None:
    assert plan_action("interested", "emailsReplied", False).task
    assert plan_action("interested", "emailsReplied", False).lemlist_call == "interested"
    assert plan_action("meeting_request", "emailsReplied", False).action == "task"
    assert plan_action("referral", "emailsReplied", False).action == "referral"
    for label in ("unsubscribe", "not_interested", "wrong_person", "bounce_hard"):
        assert plan_action(label, "emailsReplied", False).suppress, label
    assert plan_action("unsubscribe", "emailsReplied", False).lemlist_call == "unsubscribe"
    # An unsubscribe activity is already on lemlist's list.
    assert plan_action("unsubscribe", "emailsUnsubscribed", False).lemlist_call is None
    assert plan_action("not_interested", "emailsReplied", False).lemlist_call == "not_interested"
    for label in ("out_of_office", "policy_block", "bounce_soft", "auto_reply"):
        plan = plan_action(label, "emailsReplied", False)
        assert not plan.suppress and not plan.task, label
    assert plan_action("policy_block", "emailsBounced", False).action == "alert"
    # Unsure: a person reads it; nobody is suppressed on a guess.
    review = plan_action("unsubscribe", "emailsReplied", True)
    assert review.action == "review" and review.task and not review.suppress


def test_lead_status_only_moves_forward() -> None:
    assert next_lead_status("NEW", "CONNECTED") == "CONNECTED"
    assert next_lead_status("OPEN_DEAL", "CONNECTED") is None
    assert next_lead_status("CONNECTED", "CONNECTED") is None
    assert next_lead_status("OPEN_DEAL", "UNQUALIFIED") == "UNQUALIFIED"
    assert next_lead_status(None, None) is None


def test_owner_is_the_contacts_else_default_else_a_stable_turn() -> None:
    owners = ["3", "1", "2"]
    assert pick_owner("a@x.io", "9", "5", owners) == "9"
    assert pick_owner("a@x.io", None, "5", owners) == "5"
    picked = pick_owner("a@x.io", None, None, owners)
    assert picked in owners and picked == pick_owner("a@x.io", None, None, list(reversed(owners)))
    assert len({pick_owner(f"p{i}@x.io", None, None, owners) for i in range(30)}) == 3
    assert pick_owner("a@x.io", None, None, []) is None


def _activity(n: int, at: datetime, kind: str = "emailsReplied") -> Activity:
    return Activity.model_validate({"_id": f"act_{n}", "type": kind, "createdAt": at.isoformat()})


def test_cursor_drops_what_was_seen_at_the_boundary_and_round_trips() -> None:
    t = datetime(2026, 11, 20, 10, tzinfo=UTC)
    acts = [
        _activity(1, t),
        _activity(2, t),
        _activity(3, t - timedelta(hours=1)),
        _activity(4, t, "emailsOpened"),
    ]
    cursor = RepliesCursor()
    fresh = new_activities(acts, cursor)
    assert [a.id for a in fresh] == ["act_3", "act_1", "act_2"]  # opens do not count; oldest first
    moved = RepliesCursor.parse(cursor.advanced(fresh).dump())
    assert moved.after == t and moved.seen == ["act_1", "act_2"]
    assert new_activities(acts, moved) == []
    later = [*acts, _activity(5, t)]
    assert [a.id for a in new_activities(later, moved)] == ["act_5"]
    assert RepliesCursor.parse(moved.advanced([later[-1]]).dump()).seen == ["act_1", "act_2", "act_5"]


def test_requests_per_day_with_stable_keys_and_future_days_held() -> None:
    day1 = datetime(2026, 11, 19, 23, 59, tzinfo=UTC)
    day2 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    future = datetime(2026, 11, 22, 8, tzinfo=UTC)
    acts = [_activity(1, day1), _activity(2, day2), _activity(3, day2, "emailsBounced"), _activity(4, future)]
    requests, passed, held = requests_for(acts, date(2026, 11, 21))
    assert [r.partition_key for r in requests] == ["2026-11-19", "2026-11-20"]
    assert [a.id for a in held] == ["act_4"] and len(passed) == 3
    assert requests[1].run_key == run_key("2026-11-20", ["act_3", "act_2"])
    assert requests[1].tags["sales/new_emailsBounced"] == "1"
    again, _, _ = requests_for(list(reversed(acts[:3])), date(2026, 11, 21))
    assert sorted(r.run_key for r in again) == sorted(r.run_key for r in requests)


# --- Claude's labels ----------------------------------------------------------------------------------------


def test_claude_labels_an_unsure_reply_once_then_reads_it_from_the_cache(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    """The Claude path reads the cache with its max age (a missing one crashed every unsure reply)."""
    client = AnthropicResource(
        api_key=SANDBOX_API_KEY, sandbox_state=str(sandbox_path), requests_per_minute=5000
    ).get_client()
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))
    settings = ReplySettings()
    labeller = ClaudeLabeller(client, store, settings, partition="2026-01-05", run_id="run-1")
    subject, body = "Re: Quick question", "Maybe. Depends on what it costs."
    first = labeller.label(subject, body, "act_1")
    assert isinstance(first, ClaudeReplyLabel)
    assert labeller.label(subject, body, "act_1") == first
    assert (labeller.paid, labeller.cached, labeller.failed) == (1, 1, 0)
    assert sandbox.store.totals("anthropic").calls == 1
    # A label of a fixed input does not go stale: kept for a long time, then asked for again.
    assert timedelta(days=180) <= LABEL_TTL
    key = label_key(settings.model, subject, body)
    store.cache.put(
        CACHE_NAMESPACE,
        key,
        first.model_dump(mode="json"),
        fetched_at=datetime.now(UTC) - LABEL_TTL - timedelta(days=1),
    )
    assert isinstance(labeller.label(subject, body, "act_1"), ClaudeReplyLabel)
    assert (labeller.paid, labeller.cached) == (2, 1)


# --- against the sandbox ------------------------------------------------------------------------------------

WANTED = {
    "interested": 2,
    "meeting_request": 1,
    "unsubscribe": 2,
    "out_of_office": 2,
    "referral": 1,
    "not_interested": 1,
}


def _outcome(sandbox: Sandbox, person: Person, today: date) -> Any:
    return replayed(sandbox, person, today)


def _people_by_outcome(sandbox: Sandbox, today: date) -> dict[str, list[Person]]:
    """World people whose engagement (the model the simulator replays) is a plainly worded reply of each
    wanted label, or a dead-mailbox bounce; the test does not depend on which people a seed happens to make
    reply."""
    found: dict[str, list[Person]] = {label: [] for label in [*WANTED, "bounce_hard"]}
    for person in sandbox.world.people:
        outcome = _outcome(sandbox, person, today)
        if outcome.bounce is not None:
            if (
                outcome.bounce.hard
                and outcome.bounce.smtp_status.startswith("5.1")
                and not found["bounce_hard"]
            ):
                found["bounce_hard"].append(person)
            continue
        reply = outcome.reply
        if reply is None or reply.after_hours > 30 or outcome.unsubscribe_after_hours is not None:
            continue
        if reply.wording != "plain":  # ambiguous replies go to Claude or review: see the tests below
            continue
        if reply.label in WANTED and len(found[reply.label]) < WANTED[reply.label]:
            found[reply.label].append(person)
        if all(len(found[k]) >= WANTED.get(k, 1) for k in found):
            break
    return found


@pytest.fixture
def replied(make_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An environment whose running lemlist campaign got replies of every kind over the last days (the
    sandbox clock is moved back a week first, so every activity falls in a day partition that exists)."""
    env = make_env(tmp_path / "env")
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    people = _people_by_outcome(env.sandbox, started.date())
    _campaign_with(env, people)
    return env, people, started


def _campaign_with(env, people: dict[str, list[Person]]) -> None:  # type: ignore[no-untyped-def]
    """A running lemlist campaign with `people` as leads, and six sandbox days for them to answer."""
    client = env.resources["lemlist"].get_client()
    campaign = client.create_campaign("Replies test")
    client.start_campaign(campaign.id)
    for group in people.values():
        for person in group:
            client.add_lead(
                campaign.id,
                LeadInput(email=person.email, first_name=person.first_name, last_name=person.last_name),
            )
    env.sandbox.store.advance(days=6)


def _worded_people(sandbox: Sandbox, today: date, wanted: dict[str, int]) -> dict[str, list[Person]]:
    """World people whose reply (within 30 hours, as the simulator replays it) is worded as each key of
    `wanted` says (`Reply.wording`; "injected_unsubscribe" is an injected removal request, "injected" any
    other injected reply)."""
    found: dict[str, list[Person]] = {wording: [] for wording in wanted}
    for person in sandbox.world.people:
        outcome = _outcome(sandbox, person, today)
        reply = outcome.reply
        if reply is None or outcome.bounce is not None or reply.after_hours > 30:
            continue
        kind = reply.wording
        if kind == "injected" and reply.label == "unsubscribe":
            kind = "injected_unsubscribe"
        if kind in found and len(found[kind]) < wanted[kind]:
            found[kind].append(person)
        if all(len(found[k]) == n for k, n in wanted.items()):
            return found
    raise AssertionError(f"the sandbox world has too few replies worded {wanted}")


@pytest.fixture
def worded(make_env, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An environment whose campaign got replies the offline rules cannot be sure of: ambiguous ones, and
    injected ones (words addressed to the machine), one of them a removal request."""
    env = make_env(tmp_path / "env")
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    wanted = {"ambiguous": 2, "injected": 2, "injected_unsubscribe": 1}
    people = _worded_people(env.sandbox, started.date(), wanted)
    _campaign_with(env, people)
    return env, people, started


def _sensor(env, cursor: str | None):  # type: ignore[no-untyped-def]
    with dg.build_sensor_context(
        cursor=cursor, resources={"lemlist": env.resources["lemlist"]}, instance=env.instance
    ) as context:
        return replies_sensor(context)


def _run_day(env, day: str, selection: list[str] | None = None) -> dg.ExecuteInProcessResult:  # type: ignore[no-untyped-def]
    defs = build_definitions(resources=env.resources)
    job = defs.resolve_job_def("engagement_replies_job")
    keys = [dg.AssetKey(k) for k in selection] if selection else None
    return job.execute_in_process(partition_key=day, instance=env.instance, asset_selection=keys)


def _tasks(env) -> list:  # type: ignore[no-untyped-def]
    return env.resources["hubspot"].get_client().search_objects("tasks", properties=["hs_task_body"]).results


def test_sensor_fires_and_runs_turn_replies_into_tasks_and_suppression(replied) -> None:  # type: ignore[no-untyped-def]
    env, people, started = replied
    start_cursor = RepliesCursor(after=started).dump()

    result = _sensor(env, start_cursor)
    assert isinstance(result, dg.SensorResult) and result.run_requests
    again = _sensor(env, start_cursor)
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in result.run_requests]
    assert RepliesCursor.parse(result.cursor).after > started  # the cursor advanced
    idle = _sensor(env, result.cursor)
    assert isinstance(idle, dg.SkipReason)

    for request in result.run_requests:
        assert _run_day(env, request.partition_key).success

    store = env.store
    hits = store.suppression.lookup(
        [p.email for label in ("unsubscribe", "not_interested", "bounce_hard") for p in people[label]]
    )
    assert len(hits) == sum(len(people[k]) for k in ("unsubscribe", "not_interested", "bounce_hard"))
    assert not store.suppression.lookup([p.email for p in people["out_of_office"]])
    assert not store.suppression.lookup([p.email for p in people["interested"]])

    tasks = _tasks(env)
    bodies = "\n".join(t.get("hs_task_body") or "" for t in tasks)
    for label in ("interested", "meeting_request", "referral"):
        for person in people[label]:
            assert person.email in bodies, (label, person.email)
    for person in people["out_of_office"] + people["unsubscribe"]:
        assert person.email not in bodies
    lemlist = env.resources["lemlist"].get_client()
    assert all(lemlist.is_unsubscribed(p.email) for p in people["unsubscribe"])

    # A re-run of every day creates no second task.
    for request in result.run_requests:
        assert _run_day(env, request.partition_key).success
    assert len(_tasks(env)) == len(tasks)


def test_a_run_killed_after_fetching_loses_no_reply(replied) -> None:  # type: ignore[no-untyped-def]
    env, people, started = replied
    days = sorted({r.partition_key for r in _sensor(env, RepliesCursor(after=started).dump()).run_requests})
    # The "killed" run: activities fetched and labelled, nothing acted on.
    for day in days:
        assert _run_day(env, day, ["lemlist_activities", "reply_classifications"]).success
    assert _tasks(env) == [] and not env.store.suppression.lookup([p.email for p in people["unsubscribe"]])

    for day in days:
        result = _run_day(env, day)
        actions = result.asset_value("reply_actions")
        labels = result.asset_value("reply_classifications")
        assert set(actions["activity_id"]) == set(labels["activity_id"])
    assert len(env.store.suppression.lookup([p.email for p in people["unsubscribe"]])) == len(
        people["unsubscribe"]
    )
    bodies = "\n".join(t.get("hs_task_body") or "" for t in _tasks(env))
    assert all(p.email in bodies for p in people["interested"])


def test_classifications_say_who_decided_and_spend_nothing_twice(replied) -> None:  # type: ignore[no-untyped-def]
    env, _, started = replied
    day = sorted({r.partition_key for r in _sensor(env, RepliesCursor(after=started).dump()).run_requests})[
        -1
    ]
    first = _run_day(env, day, ["lemlist_activities", "reply_classifications"])
    frame = first.asset_value("reply_classifications")
    assert set(frame["decided_by"]) <= {"rules", "claude", "lemlist", "review"}
    counts = Counter(frame["label"])
    assert sum(counts.values()) == len(frame)
    tokens_before = env.sandbox.store.totals("anthropic").calls
    _run_day(env, day, ["lemlist_activities", "reply_classifications"])
    assert env.sandbox.store.totals("anthropic").calls == tokens_before


def _run_every_day(env, started: datetime) -> list[dg.ExecuteInProcessResult]:  # type: ignore[no-untyped-def]
    days = sorted({r.partition_key for r in _sensor(env, RepliesCursor(after=started).dump()).run_requests})
    return [_run_day(env, day) for day in days]


def _frames(results: list[dg.ExecuteInProcessResult], asset: str, emails: set[str]) -> Any:
    import pandas as pd

    frame = pd.concat([r.asset_value(asset) for r in results], ignore_index=True)
    return frame[frame["email"].isin(emails)].set_index("email")


def test_replies_the_rules_are_unsure_of_are_labelled_by_claude(worded) -> None:  # type: ignore[no-untyped-def]
    env, people, started = worded
    emails = {p.email for p in people["ambiguous"]}
    results = _run_every_day(env, started)
    assert all(r.success for r in results)  # the Claude path used to crash the step
    labels = _frames(results, "reply_classifications", emails)
    assert set(labels.index) == emails
    assert set(labels["decided_by"]) == {"claude"} and not labels["needs_review"].any()
    actions = _frames(results, "reply_actions", emails)
    for email, row in labels.iterrows():
        assert actions.loc[email, "action"] == plan_action(row["label"], row["type"], False).action
    paid = env.sandbox.store.totals("anthropic").calls
    assert paid >= len(emails)
    # Claude is asked about injected replies too, but what it says is only a suggestion for a person.
    injected = {p.email for p in people["injected"]}
    flagged = _frames(results, "reply_classifications", injected)
    assert set(flagged["decided_by"]) == {"review"} and flagged["addresses_system"].notna().all()
    assert flagged["reason"].str.contains("Claude suggested").all()
    _assert_review_only(env, results, injected)
    # A re-run of the days reads Claude's labels from the cache.
    assert all(r.success for r in _run_every_day(env, started))
    assert env.sandbox.store.totals("anthropic").calls == paid


def _claude_down(env) -> None:  # type: ignore[no-untyped-def]
    """Every Claude call answers 529; two quick attempts each."""
    env.resources["anthropic"] = AnthropicResource(
        api_key=SANDBOX_API_KEY,
        sandbox_state=str(env.root / "state.sqlite"),
        max_attempts=2,
        backoff_base=0.01,
        backoff_max=0.02,
    )
    env.sandbox.store.set_faults("anthropic", server_error_rate=1.0, server_error_status=529)


def _assert_review_only(env, results: list[dg.ExecuteInProcessResult], emails: set[str]) -> None:  # type: ignore[no-untyped-def]
    """Each of `emails` got a review task and nothing else: no suppression, lead status or lemlist mark."""
    labels = _frames(results, "reply_classifications", emails)
    assert set(labels.index) == emails
    assert set(labels["decided_by"]) == {"review"} and labels["needs_review"].all()
    actions = _frames(results, "reply_actions", emails)
    assert set(actions["action"]) == {"review"} and set(actions["status"]) == {"done"}
    assert actions["hubspot_task_id"].notna().all()
    assert not actions["suppressed"].any()
    assert actions["lead_status"].isna().all() and actions["lemlist_call"].isna().all()
    assert not env.store.suppression.lookup(sorted(emails))
    hubspot = env.resources["hubspot"].get_client()
    tasks = hubspot.search_objects("tasks", properties=["hs_task_subject", "hs_task_body"]).results
    for email in emails:
        mine = [t for t in tasks if email in (t.get("hs_task_body") or "")]
        assert len(mine) == 1 and "reply and decide" in (mine[0].get("hs_task_subject") or ""), email
    contacts = hubspot.read_contacts(sorted(emails), properties=["email", "hs_lead_status"]).results
    assert not [c.get("hs_lead_status") for c in contacts if c.get("hs_lead_status")]
    lemlist = env.resources["lemlist"].get_client()
    for email in emails:
        assert not lemlist.is_unsubscribed(email)
        assert {lead.state for lead in lemlist.get_lead(email)} & {"interested", "notInterested"} == set()


def test_unsure_and_injected_replies_end_as_review_tasks_when_claude_is_unavailable(worded) -> None:  # type: ignore[no-untyped-def]
    env, people, started = worded
    _claude_down(env)
    results = _run_every_day(env, started)
    assert all(r.success for r in results)
    unsure = {p.email for p in people["ambiguous"]}
    injected = {p.email for p in people["injected"]}
    _assert_review_only(env, results, unsure | injected)
    labels = _frames(results, "reply_classifications", unsure | injected)
    assert labels["reason"].str.contains("Claude unavailable").all()
    assert labels.loc[sorted(injected), "addresses_system"].notna().all()
    assert labels.loc[sorted(unsure), "addresses_system"].isna().all()
    # The day's metadata counts them (the injected removal request too).
    counted = sum(
        r.asset_materializations_for_node("reply_classifications")[0]
        .metadata["replies_addressing_the_system"]
        .value
        for r in results
    )
    assert counted == len(injected) + len(people["injected_unsubscribe"])


def test_an_injected_removal_request_is_still_honoured(worded) -> None:  # type: ignore[no-untyped-def]
    env, people, started = worded
    results = _run_every_day(env, started)
    emails = {p.email for p in people["injected_unsubscribe"]}
    labels = _frames(results, "reply_classifications", emails)
    assert set(labels["label"]) == {"unsubscribe"} and set(labels["decided_by"]) == {"rules"}
    assert labels["addresses_system"].notna().all() and labels["reason"].str.contains("not followed").all()
    actions = _frames(results, "reply_actions", emails)
    assert set(actions["action"]) == {"suppress"} and actions["suppressed"].all()
    assert len(env.store.suppression.lookup(sorted(emails))) == len(emails)
    lemlist = env.resources["lemlist"].get_client()
    assert all(lemlist.is_unsubscribed(email) for email in emails)
    assert actions["hubspot_task_id"].isna().all()


# --- lemlist's unsubscribe list from reply actions ----------------------------------------------------------


class _BulkRefused(LemlistClient):
    """A client whose bulk unsubscribe is refused, as lemlist refuses a whole bulk call for one bad value."""

    def add_unsubscribes(self, values: Iterable[str]) -> int:
        raise RecordValidationError("Maximum 10000 values allowed", vendor="lemlist", status_code=400)


def _unsubscribe_rows(emails: list[str]) -> list[dict[str, Any]]:
    return [
        {"activity_id": f"act_{i}", "email": email, "label": "unsubscribe", "type": "emailsReplied"}
        for i, email in enumerate(emails)
    ]


def _lemlist_actions(client: LemlistClient, store: PipelineStoreResource, rows: list[dict[str, Any]]) -> Any:
    run = ReplyActionRun(None, client, store, ReplySettings(), "2026-01-05")  # type: ignore[arg-type]
    plans = {r["activity_id"]: plan_action(r["label"], r["type"], False) for r in rows}
    out = {
        r["activity_id"]: {**ReplyActionRun._start_row(r, plans[r["activity_id"]]), "status": "done"}
        for r in rows
    }
    run._lemlist(rows, plans, out)
    return run, out


def test_reply_unsubscribes_use_the_single_post_for_one_and_the_bulk_post_for_many(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    client = LemlistResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))

    def calls(endpoint: str) -> int:
        return sum(u.calls for u in sandbox.store.usage("lemlist") if u.endpoint == endpoint)

    many = _unsubscribe_rows(["a@one.example", "b@two.example", "c@three.example"])
    run, out = _lemlist_actions(client, store, many)
    assert run.calls["lemlist"] == 1 and calls(BULK) == 1 and calls(SINGLE) == 0
    assert all(client.is_unsubscribed(r["email"]) for r in many)
    assert {o["lemlist_call"] for o in out.values()} == {"unsubscribe"}
    assert {
        a.status for a in store.actions.get_many("reply_lemlist", [r["activity_id"] for r in many]).values()
    } == {"done"}
    # A re-run of the day repeats no lemlist call.
    assert _lemlist_actions(client, store, many)[0].calls["lemlist"] == 0 and calls(BULK) == 1

    one = [{**_unsubscribe_rows(["d@four.example"])[0], "activity_id": "act_single"}]
    run, _ = _lemlist_actions(client, store, one)
    assert run.calls["lemlist"] == 1 and calls(SINGLE) == 1 and calls(BULK) == 1
    assert client.is_unsubscribed("d@four.example")

    # The bulk call refused as a whole: one call per address instead, each recorded on its own row.
    refused = _BulkRefused("sandbox-key", transport=SandboxTransport(sandbox))
    rows = [
        {**r, "activity_id": f"{r['activity_id']}_again"}
        for r in _unsubscribe_rows(["e@x.example", "f@y.example"])
    ]
    run, out = _lemlist_actions(refused, store, rows)
    assert run.calls["lemlist"] == 2 and calls(SINGLE) == 3
    assert all(o["status"] == "done" for o in out.values())
    assert client.is_unsubscribed("e@x.example") and client.is_unsubscribed("f@y.example")


def test_tasks_of_contacts_without_an_owner_go_to_the_sellers_default_owner(replied) -> None:  # type: ignore[no-untyped-def]
    env, people, started = replied
    hubspot = env.resources["hubspot"].get_client()
    default = sorted(o.id for o in hubspot.list_owners())[-1]
    # SALES_DEFAULT_OWNER_ID, as the `seller` resource carries it to the reply actions.
    env.resources["seller"] = SellerSettings(**{**sandbox_seller_values(), "default_owner_id": default})
    emails = [p.email for group in people.values() for p in group]
    known = hubspot.read_contacts(emails, properties=["email", "hubspot_owner_id"]).results
    owner_of = {c.get("email"): c.get("hubspot_owner_id") for c in known}

    days = sorted({r.partition_key for r in _sensor(env, RepliesCursor(after=started).dump()).run_requests})
    tasks = [
        row
        for day in days
        for row in _run_day(env, day).asset_value("reply_actions").to_dict("records")
        if isinstance(row["hubspot_task_id"], str)
    ]
    assert tasks
    for row in tasks:
        assert row["owner_id"] == (owner_of.get(row["email"]) or default), row
    assert any(not owner_of.get(r["email"]) for r in tasks), "no task for a contact without an owner"


def _bouncing_people(sandbox: Sandbox, today: date, wanted: dict[str, int]) -> dict[str, list[Person]]:
    """World people whose mail bounces: "ambiguous" (an answer that does not say why), "hard" (a plainly
    worded dead mailbox)."""
    found: dict[str, list[Person]] = {kind: [] for kind in wanted}
    for person in sandbox.world.people:
        bounce = _outcome(sandbox, person, today).bounce
        if bounce is None:
            continue
        kind = "ambiguous" if bounce.wording == "ambiguous" else "hard" if bounce.kind == "hard" else None
        if kind in found and len(found[kind]) < wanted[kind]:
            found[kind].append(person)
        if all(len(found[k]) == n for k, n in wanted.items()):
            return found
    raise AssertionError(f"the sandbox world has too few bounces of {wanted}")


def test_an_unsure_bounce_suppresses_nobody_and_a_sure_hard_one_does(make_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = make_env(tmp_path / "env")
    env.sandbox.store.advance(days=-7)
    started = env.sandbox.store.now()
    people = _bouncing_people(env.sandbox, started.date(), {"ambiguous": 2, "hard": 1})
    _campaign_with(env, people)

    results = _run_every_day(env, started)
    unsure = {p.email for p in people["ambiguous"]}
    labelled = _frames(results, "reply_classifications", unsure)
    assert set(labelled.index) == unsure
    # Read as a guess, acted on as a soft bounce (or a policy block's alert): never a suppression.
    assert set(labelled["label"]) <= {"bounce_soft", "policy_block"}, labelled[["label", "reason"]]
    acted = _frames(results, "reply_actions", unsure)
    assert not acted["suppressed"].any()
    assert not env.store.suppression.lookup(unsure)
    assert env.store.suppression.lookup([p.email for p in people["hard"]])


def test_a_second_soft_bounce_within_the_window_suppresses(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "store.sqlite"))
    run = ReplyActionRun(None, None, store, ReplySettings(), "2026-11-02")  # type: ignore[arg-type]
    day = datetime(2026, 11, 2, 9, tzinfo=UTC)

    def bounce(activity_id: str, email: str, at: datetime) -> dict[str, Any]:
        return {
            "activity_id": activity_id,
            "email": email,
            "label": "bounce_soft",
            "type": "emailsBounced",
            "created_at": at,
        }

    def plans_of(rows: list[dict[str, Any]]) -> dict[str, str]:
        plans = {r["activity_id"]: plan_action(r["label"], r["type"], False) for r in rows}
        run._soft_bounces(rows, plans)
        return {k: p.action for k, p in plans.items()}

    assert plans_of([bounce("a1", "ada@x.example", day)]) == {"a1": "soft_bounce"}
    # Counted once: the same activity again (a re-run) is still one soft bounce.
    assert plans_of([bounce("a1", "ada@x.example", day)]) == {"a1": "soft_bounce"}
    assert plans_of([bounce("a2", "ada@x.example", day + timedelta(days=12))]) == {"a2": "suppress"}
    # Two soft bounces further apart than the window are two temporary failures.
    assert plans_of([bounce("b1", "bo@x.example", day)]) == {"b1": "soft_bounce"}
    assert plans_of([bounce("b2", "bo@x.example", day + timedelta(days=45))]) == {"b2": "soft_bounce"}
