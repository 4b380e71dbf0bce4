"""Side effects once per key, against the sandbox: HubSpot tasks and notes (`sales_assets/common/effects.py`)
and Claude Message Batches (`sales_assets/common/batches.py`), each in the states a crash or a lost answer
leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from resources.claude import AnthropicResource, BatchRequest
from resources.errors import ServerError
from resources.hubspot import HubSpotResource
from resources.hubspot.models import NoteInput, TaskInput
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import Sandbox
from sales_assets.common.batches import adopted_matches, create_batch_once, forget
from sales_assets.common.effects import EFFECT_KEY_PROPERTY, create_once, ensure_effect_key_property

DUE = datetime(2026, 12, 1, 9, tzinfo=UTC)
KIND = "test_task"


@pytest.fixture
def crm(sandbox: Sandbox, sandbox_path: Path):  # type: ignore[no-untyped-def]
    return HubSpotResource(api_key="sandbox-key", sandbox_state=str(sandbox_path)).get_client()


@pytest.fixture
def store(tmp_path: Path) -> PipelineStoreResource:
    return PipelineStoreResource(path=str(tmp_path / "store.sqlite"))


def _contact(crm, email: str) -> str:  # type: ignore[no-untyped-def]
    return crm.upsert_contacts([{"email": email}]).results[0].id


def _tasks(crm, key: str) -> list:  # type: ignore[no-untyped-def]
    wanted = {"propertyName": EFFECT_KEY_PROPERTY, "operator": "EQ", "value": key}
    return crm.search_objects("tasks", filter_groups=[{"filters": [wanted]}]).results


def test_a_key_is_created_once_and_never_again(crm, store) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(crm, "once@pipeline-test.example")
    inputs = {"a1": TaskInput(subject="Call back", due=DUE, contact_ids=[contact])}
    first = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert set(first.created) == {"a1"} and len(_tasks(crm, "a1")) == 1
    again = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert again.already == first.created and not again.created and again.calls == 0
    assert len(_tasks(crm, "a1")) == 1


def test_an_intent_whose_task_hubspot_created_is_adopted_not_created_again(crm, store) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(crm, "lost@pipeline-test.example")
    ensure_effect_key_property(crm, store, "tasks")
    # What a run killed right after HubSpot committed the create leaves: the intent, and the task.
    store.actions.record(KIND, "a2", "intended", {"contact_ids": [contact]})
    made = crm.create_tasks(
        [
            TaskInput(
                subject="Call back",
                due=DUE,
                contact_ids=[contact],
                extra_properties={EFFECT_KEY_PROPERTY: "a2"},
            )
        ]
    )
    inputs = {"a2": TaskInput(subject="Call back", due=DUE, contact_ids=[contact])}
    outcome = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert outcome.adopted == {"a2": made.results[0].id} and not outcome.created
    assert len(_tasks(crm, "a2")) == 1
    assert store.actions.get(KIND, "a2").status == "created"


def test_an_intent_that_never_reached_hubspot_is_created(crm, store) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(crm, "early@pipeline-test.example")
    store.actions.record(KIND, "a3", "intended", {"contact_ids": [contact]})  # killed before the create
    inputs = {"a3": TaskInput(subject="Call back", due=DUE, contact_ids=[contact])}
    outcome = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert set(outcome.created) == {"a3"} and len(_tasks(crm, "a3")) == 1


def test_a_create_whose_answer_was_lost_is_found_not_sent_again(sandbox, crm, store) -> None:  # type: ignore[no-untyped-def]
    contact = _contact(crm, "lostanswer@pipeline-test.example")
    ensure_effect_key_property(crm, store, "tasks")
    sandbox.store.set_faults(
        "hubspot", lose_response_next=1, lose_response_endpoint="POST */tasks/batch/create"
    )
    inputs = {"a9": TaskInput(subject="Call back", due=DUE, contact_ids=[contact])}
    with pytest.raises(ServerError, match="not sent again"):
        create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert len(_tasks(crm, "a9")) == 1  # HubSpot took it
    # The step's retry (or the next run) finds it by its key.
    outcome = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert set(outcome.adopted) == {"a9"} and len(_tasks(crm, "a9")) == 1


def test_without_contacts_search_finds_it_and_a_young_unseen_intent_waits(crm, store) -> None:  # type: ignore[no-untyped-def]
    ensure_effect_key_property(crm, store, "tasks")
    store.actions.record(KIND, "found", "intended", {"contact_ids": []})
    crm.create_tasks([TaskInput(subject="Review", due=DUE, extra_properties={EFFECT_KEY_PROPERTY: "found"})])
    store.actions.record(KIND, "young", "intended", {"contact_ids": []})
    old = datetime.now(UTC) - timedelta(hours=1)
    store.actions.record(KIND, "old", "intended", {"contact_ids": []}, at=old)
    inputs = {k: TaskInput(subject="Review", due=DUE) for k in ("found", "young", "old")}
    outcome = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs)
    assert set(outcome.adopted) == {"found"}
    # HubSpot's search lags: an intent seconds old that it does not show may still have created its task.
    assert outcome.pending == {"young"} and set(outcome.created) == {"old"}
    later = create_once(crm, store, kind=KIND, object_type="tasks", inputs=inputs, settle_seconds=0)
    assert set(later.created) == {"young"}
    assert all(len(_tasks(crm, k)) == 1 for k in ("found", "young", "old"))


def test_notes_too_and_a_refused_record_is_tried_again(sandbox, crm, store) -> None:  # type: ignore[no-untyped-def]
    contacts = [_contact(crm, f"note{i}@pipeline-test.example") for i in range(6)]
    inputs = {c: NoteInput(body="Added by the pipeline", timestamp=DUE, contact_ids=[c]) for c in contacts}
    ensure_effect_key_property(crm, store, "notes")
    sandbox.store.set_faults("hubspot", partial_failure_rate=0.5)
    first = create_once(crm, store, kind="test_note", object_type="notes", inputs=inputs)
    assert first.failed and first.created
    assert {store.actions.get("test_note", k).status for k in first.failed} == {"failed"}
    sandbox.store.clear_faults("hubspot")
    second = create_once(crm, store, kind="test_note", object_type="notes", inputs=inputs)
    assert set(second.created) == set(first.failed) and set(second.already) == set(first.created)


# --- Message Batches ----------------------------------------------------------------------------------------


@pytest.fixture
def claude(sandbox: Sandbox, sandbox_path: Path):  # type: ignore[no-untyped-def]
    return AnthropicResource(
        api_key="sandbox-key",
        sandbox_state=str(sandbox_path),
        requests_per_minute=5000,
        max_attempts=2,
        backoff_base=0.001,
        backoff_max=0.01,
        read_timeout=1.0,
    ).get_client()


def _requests(claude, tag: str, n: int = 3) -> list[BatchRequest]:  # type: ignore[no-untyped-def]
    params = claude.message_params(model="claude-haiku-4-5", system=None, messages="Say hi", max_tokens=20)
    return [BatchRequest(custom_id=f"{tag}{i}", params=params) for i in range(n)]


def test_an_unanswered_batch_create_is_not_sent_again(sandbox, claude) -> None:  # type: ignore[no-untyped-def]
    sandbox.store.set_faults("anthropic", timeout_next=1)
    with pytest.raises(ServerError, match="not sent again"):
        claude.create_batch(_requests(claude, "t"))
    assert sum(u.calls for u in sandbox.store.usage("anthropic") if "batches" in u.endpoint) == 1


def test_a_batch_whose_answer_was_lost_is_adopted_and_checked(sandbox, claude, store) -> None:  # type: ignore[no-untyped-def]
    cache, once = store.cache, {"namespace": "test:batch", "key": "set1"}
    requests = _requests(claude, "mine")
    # The intent an attempt records before its create, then the batch Anthropic took but never answered.
    cache.put(
        "test:batch",
        "set1",
        {"batch_id": None, "before": [b.id for b in claude.list_batches(limit=100)], "consumed": False},
    )
    lost = claude.create_batch(requests)
    batch_id, adopted = create_batch_once(claude, cache, requests=requests, ttl=timedelta(hours=1), **once)
    assert (batch_id, adopted) == (lost.id, True)
    sandbox.store.advance(hours=2)
    assert adopted_matches(claude, batch_id, requests)
    before = len(claude.list_batches(limit=100))
    assert create_batch_once(claude, cache, requests=requests, ttl=timedelta(hours=1), **once)[0] == lost.id
    assert len(claude.list_batches(limit=100)) == before


def test_another_runs_batch_of_the_same_size_is_not_trusted(sandbox, claude, store) -> None:  # type: ignore[no-untyped-def]
    cache, once = store.cache, {"namespace": "test:batch", "key": "set2"}
    mine, theirs = _requests(claude, "mine"), _requests(claude, "theirs")
    cache.put(
        "test:batch",
        "set2",
        {"batch_id": None, "before": [b.id for b in claude.list_batches(limit=100)], "consumed": False},
    )
    other = claude.create_batch(theirs)  # a concurrent run's, created in the same minutes
    batch_id, adopted = create_batch_once(claude, cache, requests=mine, ttl=timedelta(hours=1), **once)
    assert (batch_id, adopted) == (other.id, True)
    sandbox.store.advance(hours=2)
    assert not adopted_matches(claude, batch_id, mine)
    forget(cache, **once)
    fresh, adopted = create_batch_once(claude, cache, requests=mine, ttl=timedelta(hours=1), **once)
    assert fresh != other.id and not adopted
