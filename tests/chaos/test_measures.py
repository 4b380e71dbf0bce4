"""Each chaos measure sees its case: a duplicate, a loss, a double payment or a half-done repair is injected
into a sandbox (through the vendor APIs where the vendor allows it, else straight into the simulator's
records) and the measure's count moves from 0; the repaired state brings it back to 0.

Three copies of one base state play the harness's roles: `base` (before the job), `reference` (a clean
run) and `chaos` (the scenario's final state). No job runs here: these are unit tests of the measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from chaos.families import CAMPAIGN_NAME, Workdir, open_sandbox
from chaos.measure import (
    MeasureContext,
    StateView,
    billed_undelivered,
    campaign_not_started,
    contacts_without_note,
    duplicate_batches,
    duplicate_campaigns,
    duplicate_companies,
    duplicate_contacts,
    duplicate_leads,
    duplicate_marks,
    duplicate_notes,
    duplicate_tasks,
    enrolled_not_in_lemlist,
    lost_contacts,
    lost_enrollments,
    lost_inbound_tasks,
    lost_pauses,
    lost_reply_actions,
    measure,
    orphan_batches,
    paid_twice_anthropic,
    paid_twice_explorium,
    spend_ledger_mismatch,
    unassociated_contacts,
)
from resources.claude.models import BatchRequest
from resources.claude.resource import AnthropicResource
from resources.explorium.resource import ExploriumResource
from resources.hubspot.models import NoteInput, TaskInput
from resources.hubspot.resource import HubSpotResource
from resources.lemlist.models import LeadInput
from resources.lemlist.resource import LemlistResource
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox

PART = "2026-11-20|revops_saas"
DAY = datetime(2026, 11, 20, 9, tzinfo=UTC)


class Vendors:
    """The real clients and the store over one workdir (the sandbox in process)."""

    def __init__(self, work: Workdir) -> None:
        state = str(work.state)
        self.work = work
        self.sandbox = Sandbox.at(work.state)
        self.hubspot = HubSpotResource(api_key=SANDBOX_API_KEY, sandbox_state=state).get_client()
        self.lemlist = LemlistResource(api_key=SANDBOX_API_KEY, sandbox_state=state).get_client()
        self.claude = AnthropicResource(api_key=SANDBOX_API_KEY, sandbox_state=state).get_client()
        self.explorium = ExploriumResource(api_key=SANDBOX_API_KEY, sandbox_state=state).get_client()
        self.store = PipelineStoreResource(path=str(work.store))

    def contact(self, email: str) -> str:
        return self.hubspot.upsert_contacts([{"email": email, "firstname": "Ada"}]).results[0].id

    def task(self, body: str) -> str:
        return self.hubspot.create_tasks([TaskInput(subject="Follow up", due=DAY, body=body)]).results[0].id

    def batch(self) -> str:
        params = self.claude.message_params(
            model="claude-haiku-4-5", system=None, messages="Say hello.", max_tokens=32
        )
        return self.claude.create_batch([BatchRequest(custom_id="lead-1", params=params)]).id


@dataclass
class Trio:
    base: Workdir
    reference: Workdir
    chaos: Workdir

    def count(self, fn: Any, partitions: tuple[str, ...] = (PART,)) -> int:
        views = [StateView(w) for w in (self.chaos, self.base, self.reference)]
        try:
            return fn(MeasureContext(views[0], views[1], views[2], list(partitions)), views[0]).count
        finally:
            for view in views:
                view.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Workdir:
    work = Workdir(tmp_path_factory.mktemp("base")).make()
    open_sandbox(work)
    return work


@pytest.fixture
def trio(base: Workdir, tmp_path: Path) -> Iterator[Trio]:
    yield Trio(base, base.copy_to(tmp_path / "reference"), base.copy_to(tmp_path / "chaos"))


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


# --- duplicates -------------------------------------------------------------------------------------------


def test_duplicate_contacts(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    contact_id = chaos.contact("ada@dup-contact.example")
    assert trio.count(duplicate_contacts) == 0
    # HubSpot refuses a second contact with one email, so the duplicate goes straight into its records.
    record = chaos.sandbox.store.get("hubspot.contacts", contact_id)
    assert record is not None
    chaos.sandbox.store.put(
        "hubspot.contacts", "99999999", {**record, "id": "99999999"}, key=record["properties"]["email"]
    )
    assert trio.count(duplicate_contacts) == 1


def test_duplicate_companies(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    chaos.hubspot.create_companies([{"name": "Dup", "domain": "dup-company.example"}])
    assert trio.count(duplicate_companies) == 0
    chaos.hubspot.create_companies([{"name": "Dup", "domain": "dup-company.example"}])
    assert trio.count(duplicate_companies) == 1
    # A domain the CRM already had before the job: any company the job creates for it is one too many.
    existing = next(c for c in chaos.sandbox.store.all("hubspot.companies") if c["properties"].get("domain"))
    chaos.hubspot.create_companies([{"name": "Again", "domain": existing["properties"]["domain"]}])
    assert trio.count(duplicate_companies) == 2


def test_duplicate_notes(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    contact_id = chaos.contact("ada@dup-note.example")
    note = NoteInput(body="Added by the sales pipeline", timestamp=DAY, contact_ids=[contact_id])
    chaos.hubspot.create_notes([note])
    assert trio.count(duplicate_notes) == 0
    chaos.hubspot.create_notes([note])
    assert trio.count(duplicate_notes) == 1


def test_duplicate_tasks_by_reply_activity_and_by_inbound_address(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    chaos.task("Reply from ada@x.example\n\nlemlist activity act_1")
    chaos.task("Why HOT: VP\nEmail: grace@y.example | Title: CTO\nTheir message: pricing")
    chaos.task("Reply from bob@x.example\n\nlemlist activity act_2")
    assert trio.count(duplicate_tasks) == 0
    chaos.task("Reply from ada@x.example (again)\n\nlemlist activity act_1")
    chaos.task("Why WARM: VP\nEmail: GRACE@y.example\nTheir message: pricing, again")
    assert trio.count(duplicate_tasks) == 2


def test_duplicate_leads(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    campaign = chaos.lemlist.create_campaign("Dup leads")
    chaos.lemlist.add_lead(campaign.id, LeadInput(email="ada@dup-lead.example"))
    assert trio.count(duplicate_leads) == 0
    # lemlist merges a second add of one email into one lead; the records are where a second one would be.
    (lead,) = [r for r in chaos.sandbox.store.all("lemlist.leads") if r["email"] == "ada@dup-lead.example"]
    chaos.sandbox.store.put("lemlist.leads", "lea_second", {**lead, "_id": "lea_second"}, key=lead["email"])
    assert trio.count(duplicate_leads) == 1


def test_duplicate_campaigns(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    chaos.lemlist.create_campaign(CAMPAIGN_NAME)
    assert trio.count(duplicate_campaigns) == 0
    chaos.lemlist.create_campaign(CAMPAIGN_NAME)
    assert trio.count(duplicate_campaigns) == 1


def test_duplicate_batches_unless_canceled(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    chaos.batch()
    assert trio.count(duplicate_batches) == 0
    second = chaos.batch()
    assert trio.count(duplicate_batches) == 1
    chaos.claude.cancel_batch(second)
    assert trio.count(duplicate_batches) == 0


def test_duplicate_marks(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    campaign = chaos.lemlist.create_campaign("Marks")
    chaos.lemlist.add_lead(campaign.id, LeadInput(email="ada@marks.example"))
    chaos.lemlist.mark_interested("ada@marks.example", campaign_id=campaign.id)
    assert trio.count(duplicate_marks) == 0
    chaos.lemlist.mark_interested("ada@marks.example", campaign_id=campaign.id)
    assert trio.count(duplicate_marks) == 1


def test_measure_charges_only_what_the_chaos_added(trio: Trio) -> None:
    for work in (trio.reference, trio.chaos):
        vendors = Vendors(work)
        for _ in range(2):
            vendors.hubspot.create_companies([{"name": "Both", "domain": "in-both.example"}])
    views = [StateView(w) for w in (trio.chaos, trio.base, trio.reference)]
    try:
        figures = measure(MeasureContext(views[0], views[1], views[2], [PART]))
    finally:
        for view in views:
            view.close()
    assert figures.findings["duplicate_companies"].count == 0
    assert figures.totals == {"duplicates": 0, "lost": 0, "double_paid": 0, "unrepaired": 0}


# --- lost -------------------------------------------------------------------------------------------------


def _crm_rows(
    email: str, *, outcome: str = "created", associated: bool = True, note: bool = True
) -> pd.DataFrame:
    return _frame(
        [
            {
                "record_type": "contact",
                "key": email,
                "prospect_id": "p1",
                "outcome": outcome,
                "hubspot_id": None,
                "reason": None,
                "correlation_id": None,
                "associated": associated,
                "note_created": note,
            }
        ]
    )


def test_lost_contacts_unless_recorded_as_failed(trio: Trio) -> None:
    email = "ada@lost-contact.example"
    Vendors(trio.reference).contact(email)
    trio.reference.save_output("crm_sync_results", PART, _crm_rows(email))
    assert trio.count(lost_contacts) == 1
    trio.chaos.save_output("crm_sync_results", PART, _crm_rows(email, outcome="failed"))
    assert trio.count(lost_contacts) == 0
    trio.chaos.save_output("crm_sync_results", PART, _crm_rows(email, outcome="created"))
    Vendors(trio.chaos).contact(email)
    assert trio.count(lost_contacts) == 0


def test_lost_enrollments_unless_in_lemlist_or_the_ledger(trio: Trio) -> None:
    email = "ada@lost-enrollment.example"
    trio.reference.save_output(
        "campaign_enrollments", PART, _frame([{"prospect_id": "p1", "email": email, "outcome": "added"}])
    )
    chaos = Vendors(trio.chaos)
    campaign = chaos.lemlist.create_campaign(CAMPAIGN_NAME)
    assert trio.count(lost_enrollments) == 1
    chaos.store.enrollments.record_many([{"campaign_id": campaign.id, "email": email, "status": "failed"}])
    assert trio.count(lost_enrollments) == 0


def test_lost_reply_actions_until_every_part_is_done(trio: Trio) -> None:
    email = "ada@lost-reply.example"
    rows = [
        {
            "activity_id": "act_9",
            "email": email,
            "label": "wrong_person",
            "action": "suppress",
            "status": "done",
            "suppressed": True,
            "hubspot_task_id": "123",
            "lemlist_call": "unsubscribe",
            "lead_status": None,
        }
    ]
    trio.reference.save_output("reply_actions", "2026-11-20", _frame(rows))
    count = lambda: trio.count(lost_reply_actions, ("2026-11-20",))  # noqa: E731
    assert count() == 1
    chaos = Vendors(trio.chaos)
    chaos.task(f"Reply from {email}\n\nlemlist activity act_9")
    chaos.store.actions.record("reply_task", "act_9", "created", {"task_id": "1"})
    chaos.store.suppression.add_many([{"kind": "email", "value": email, "reason": "x", "source": "test"}])
    assert count() == 1  # lemlist's side is still missing
    chaos.lemlist.add_unsubscribe(email)
    assert count() == 1  # ...and its ledger record
    chaos.store.actions.record("reply_lemlist", "act_9", "done", {"call": "unsubscribe"})
    assert count() == 0


def test_lost_inbound_tasks(trio: Trio) -> None:
    email = "grace@lost-inbound.example"
    routing = _frame([{"conversion_id": "conv-1", "email": email, "outcome": "task_created"}])
    trio.reference.save_output("inbound_routing", "2026-11-20", routing)
    count = lambda: trio.count(lost_inbound_tasks, ("2026-11-20",))  # noqa: E731
    assert count() == 1
    chaos = Vendors(trio.chaos)
    chaos.task(f"Why HOT: VP\nEmail: {email}\nTheir message: hi")
    assert count() == 1  # no ledger record: the next run would route it again
    chaos.store.actions.record_many("inbound_task", {"conv-1": ("created", {"task_id": "1"})})
    assert count() == 0


def test_lost_pauses(trio: Trio) -> None:
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    campaign = reference.lemlist.create_campaign(CAMPAIGN_NAME)
    chaos.lemlist.create_campaign(CAMPAIGN_NAME)  # the same id: both copies share the sequence
    reference.lemlist.pause_campaign(campaign.id)
    reference.store.actions.record("campaign_pause", f"{campaign.id}:bounce_rate", "paused: bounce rate")
    assert trio.count(lost_pauses) == 1
    chaos.lemlist.pause_campaign(campaign.id)
    assert trio.count(lost_pauses) == 1  # paused, but nobody can see why
    chaos.store.actions.record("campaign_pause", f"{campaign.id}:bounce_rate", "paused: bounce rate")
    assert trio.count(lost_pauses) == 0


# --- double paid ------------------------------------------------------------------------------------------


def test_paid_twice_explorium(trio: Trio) -> None:
    business = Vendors(trio.base).sandbox.world.companies[0].business_id
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    reference.explorium.enrich_firmographics([business])
    chaos.explorium.enrich_firmographics([business])
    assert trio.count(paid_twice_explorium) == 0
    chaos.explorium.enrich_firmographics([business])
    assert trio.count(paid_twice_explorium) == 1


def test_paid_twice_anthropic(trio: Trio) -> None:
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    for vendors in (reference, chaos):
        vendors.claude.create_message(model="claude-haiku-4-5", system=None, messages="Hello?", max_tokens=32)
    assert trio.count(paid_twice_anthropic) == 0
    chaos.claude.create_message(model="claude-haiku-4-5", system=None, messages="Hello?", max_tokens=32)
    assert trio.count(paid_twice_anthropic) == 1


def test_an_answer_billed_and_never_delivered_is_counted_apart(trio: Trio) -> None:
    business = Vendors(trio.base).sandbox.world.companies[0].business_id
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    reference.explorium.enrich_firmographics([business])
    # The first answer is lost on the way (billed, never delivered); the client's retry buys it again.
    chaos.sandbox.store.set_faults("explorium", lose_response_next=1, lose_response_seconds=0.01)
    chaos.explorium.enrich_firmographics([business])
    assert trio.count(billed_undelivered) == 1
    assert trio.count(paid_twice_explorium) == 0
    # Bought once more with the answer in hand: that is paying twice.
    chaos.explorium.enrich_firmographics([business])
    assert trio.count(paid_twice_explorium) == 1 and trio.count(billed_undelivered) == 1


def test_an_answer_in_flight_when_the_process_died_is_counted_apart(trio: Trio) -> None:
    """A thread had its answer in hand when another thread's kill ended the process: the ledger row it
    opened was never settled (it is reconciled later), and the re-run buys the answer again."""
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    hello = {"model": "claude-haiku-4-5", "system": None, "messages": "Hello?", "max_tokens": 32}
    reference.claude.create_message(**hello)
    ledger = chaos.store.ledger
    row = ledger.open("anthropic", "POST /v1/messages", estimate_in=100, estimate_out=32, units=1)
    chaos.claude.create_message(**hello)  # answered; the process "dies" before the row is settled
    chaos.claude.create_message(**hello)  # the re-run buys it again
    ledger.settle(ledger.open("anthropic", "POST /v1/messages", units=1), credits=0.0, units=1)
    assert trio.count(paid_twice_anthropic) == 1  # an open row alone is no proof of anything
    ledger.db.execute("UPDATE spend SET state = 'reconciled' WHERE id = ?", (row,))
    assert trio.count(paid_twice_anthropic) == 0 and trio.count(billed_undelivered) == 1
    # Two rows never settled, one answer billed without a received one: only one is excused.
    ledger.db.execute(
        "UPDATE spend SET state = 'reconciled' WHERE id = ?",
        (ledger.open("anthropic", "POST /v1/messages", units=1),),
    )
    assert trio.count(billed_undelivered) == 1
    # Bought once more with every answer in hand (and kept): paying twice.
    chaos.claude.create_message(**hello)
    ledger.settle(ledger.open("anthropic", "POST /v1/messages", units=1), credits=0.0, units=1)
    assert trio.count(paid_twice_anthropic) == 1


def test_spend_ledger_mismatch(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    result = chaos.claude.create_message(model="claude-haiku-4-5", system=None, messages="Hi", max_tokens=32)
    assert trio.count(spend_ledger_mismatch) == 1
    usage = result.usage
    chaos.store.ledger.record(
        "anthropic", "POST /v1/messages", tokens_in=usage.total_input_tokens, tokens_out=usage.output_tokens
    )
    assert trio.count(spend_ledger_mismatch) == 0
    business = chaos.sandbox.world.companies[0].business_id
    chaos.explorium.enrich_firmographics([business])
    assert trio.count(spend_ledger_mismatch) == 1


def test_orphan_batches(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    batch_id = chaos.batch()
    assert trio.count(orphan_batches) == 1
    chaos.sandbox.store.advance(minutes=5)  # the batch ends
    chaos.claude.batch_results(batch_id)
    assert trio.count(orphan_batches) == 0


# --- unrepaired -------------------------------------------------------------------------------------------


def test_contacts_without_association_or_note(trio: Trio) -> None:
    email = "ada@half-done.example"
    trio.reference.save_output("crm_sync_results", PART, _crm_rows(email))
    chaos = Vendors(trio.chaos)
    assert trio.count(unassociated_contacts) == 0 and trio.count(contacts_without_note) == 0  # no contact
    contact_id = chaos.contact(email)
    assert trio.count(unassociated_contacts) == 1 and trio.count(contacts_without_note) == 1
    company = chaos.hubspot.create_companies([{"name": "Half", "domain": "half-done.example"}]).results[0]
    chaos.hubspot.associate_contacts_to_companies([(contact_id, company.id)])
    chaos.hubspot.create_notes([NoteInput(body="Added", timestamp=DAY, contact_ids=[contact_id])])
    assert trio.count(unassociated_contacts) == 0 and trio.count(contacts_without_note) == 0


def test_enrolled_not_in_lemlist(trio: Trio) -> None:
    chaos = Vendors(trio.chaos)
    campaign = chaos.lemlist.create_campaign(CAMPAIGN_NAME)
    chaos.store.enrollments.record_many(
        [{"campaign_id": campaign.id, "email": "ada@ghost.example", "status": "added"}]
    )
    assert trio.count(enrolled_not_in_lemlist) == 1
    chaos.lemlist.add_lead(campaign.id, LeadInput(email="ada@ghost.example"))
    assert trio.count(enrolled_not_in_lemlist) == 0


def test_campaign_not_started(trio: Trio) -> None:
    reference, chaos = Vendors(trio.reference), Vendors(trio.chaos)
    reference.lemlist.start_campaign(reference.lemlist.create_campaign(CAMPAIGN_NAME).id)
    campaign = chaos.lemlist.create_campaign(CAMPAIGN_NAME)
    assert trio.count(campaign_not_started) == 1
    chaos.lemlist.start_campaign(campaign.id)
    assert trio.count(campaign_not_started) == 0
