"""Spend that equals the vendor's bill, lost answers included: a purchase is written to the ledger before it
is made and settled from its answer; one whose answer was lost (the run was killed, an attempt went
unanswered and was sent again) is reconciled from Explorium's own credit aggregation
(`SpendLedger.open/settle/reconcile`, `PaidCalls`, `POST /v1/credits/aggregation` in the simulator)."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, field_validator

from resources.billing import Billed
from resources.claude.client import ClaudeClient
from resources.claude.resource import AnthropicResource
from resources.errors import RecordValidationError, ServerError
from resources.explorium import ExploriumResource
from resources.explorium.client import ExploriumClient
from resources.pipeline_store import PipelineStoreResource
from resources.pipeline_store.spend import OPEN, RECONCILED, SETTLED, UNSURE, _shares, _whole_shares
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from sales_assets.common.claude_spend import ClaudeSpend
from sales_assets.common.spend import PaidCalls

PARTITION = "2026-12-01|p"
CONTACTS = "POST /v1/prospects/contacts_information/bulk_enrich"


def _client(path: Path) -> ExploriumClient:
    return ExploriumResource(
        api_key=SANDBOX_API_KEY, sandbox_state=str(path), backoff_base=0.001, backoff_max=0.01
    ).get_client()


def _billed(sandbox: Sandbox) -> float:
    return sandbox.store.totals("explorium").credits


def _paid(store: PipelineStoreResource, client: ExploriumClient | None, run_id: str = "r1") -> PaidCalls:
    return PaidCalls(
        store,
        vendor="explorium",
        partition=PARTITION,
        asset="enriched_contacts",
        budget_credits=10_000,
        run_id=run_id,
        account=client,
    )


def _enrich(client: ExploriumClient) -> Any:
    def fetch(ids: list[str]) -> tuple[dict[str, Any], float, int]:
        result = client.enrich_contacts(ids, contact_types=["email"])
        return (
            {i: c.model_dump(mode="json") for i, c in result.by_id().items()},
            result.spend.credits,
            result.spend.calls,
        )

    return fetch


def _prospects(sandbox: Sandbox, n: int, start: int = 0) -> list[str]:
    return [p.prospect_id for p in sandbox.world.people[start : start + n]]


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


# --- the ledger alone ------------------------------------------------------------------------------------


def test_shares_follow_the_estimates_and_never_pass_a_cap() -> None:
    assert _shares(6.0, {1: 4.0, 2: 8.0}) == pytest.approx({1: 2.0, 2: 4.0})
    assert _shares(20.0, {1: 4.0, 2: 8.0}) == pytest.approx({1: 4.0, 2: 8.0})
    assert _shares(0.0, {1: 4.0}) == {1: 0.0}


def test_an_open_row_counts_its_estimate_until_settled(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    row = store.ledger.open("explorium", "enrich", estimate=20.0, units=10, partition=PARTITION)
    assert store.ledger.spent(partition=PARTITION) == 20.0  # the budget sees the purchase at once
    store.ledger.settle(row, credits=14.0, units=7)
    assert store.ledger.spent(partition=PARTITION) == 14.0
    assert store.ledger.entries()["state"].tolist() == [SETTLED]
    assert store.ledger.unsettled() == 0


def test_a_row_another_live_run_holds_open_is_left_alone(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    store.ledger.open("explorium", "enrich", estimate=20.0, partition=PARTITION)  # this process: alive
    asked: list[Any] = []
    found = store.ledger.reconcile(
        "explorium", lambda a, b: asked.append((a, b)) or Billed({"credits": 99.0})
    )
    assert found.waiting and found.rows == 0 and not asked
    assert store.ledger.entries()["state"].tolist() == [OPEN]


def test_a_row_of_a_dead_run_takes_what_the_vendor_billed_beyond_the_ledger(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    store.ledger.record("explorium", "search", credits=50.0, partition=PARTITION)
    row = store.ledger.open("explorium", "enrich", estimate=20.0, partition=PARTITION)
    store.database().execute("UPDATE spend SET pid = ? WHERE id = ?", (_dead_pid(), row))
    windows: list[tuple[datetime, datetime]] = []

    def billed(start: datetime, end: datetime) -> Billed:
        windows.append((start, end))
        return Billed({"credits": 62.0})  # 50 recorded + 12 the killed run's call cost

    found = store.ledger.reconcile("explorium", billed)
    assert found.rows == 1
    assert (found.billed, found.recorded, found.attributed) == (
        {"credits": 62.0},
        {"credits": 50.0},
        {"credits": 12.0},
    )
    frame = store.ledger.entries()
    assert frame["state"].tolist() == [SETTLED, RECONCILED] and frame["credits"].tolist() == [50.0, 12.0]
    start, end = windows[0]
    assert start.minute == 0 and end - start >= timedelta(hours=1)  # from the hour before the oldest row
    # Nothing is left to do: the next reconcile does not ask the vendor.
    assert store.ledger.reconcile("explorium", billed).rows == 0 and len(windows) == 1


def test_an_unsure_row_gains_the_lost_attempt_and_no_more_than_its_cap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    row = store.ledger.open("explorium", "enrich", estimate=20.0, partition=PARTITION)
    store.ledger.settle(row, credits=20.0, units=10, lost=1)
    assert store.ledger.entries()["state"].tolist() == [UNSURE]
    with caplog.at_level(logging.WARNING):
        found = store.ledger.reconcile("explorium", lambda a, b: Billed({"credits": 45.0}))
    # Answered 20, one lost attempt of at most 20: 40 is the most this row can have cost; 5 are others'.
    assert (found.attributed, found.unattributed) == ({"credits": 20.0}, {"credits": 5.0})
    assert store.ledger.spent() == 40.0
    assert "another installation" in caplog.text


# --- against the simulator -----------------------------------------------------------------------------


def test_the_credit_aggregation_sums_what_was_charged(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = _client(sandbox_path)
    before = datetime.now(UTC) - timedelta(seconds=1)
    client.enrich_contacts(_prospects(sandbox, 30), contact_types=["email"])
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert client.billed_between(before, now).amounts["credits"] == _billed(sandbox) > 0
    assert client.billed_between(before - timedelta(days=1), before).amounts["credits"] == 0
    per_hour = client.credit_aggregation(before, now, mode="timely")
    assert sum(a["credits"] for a in per_hour.aggregations) == per_hour.total_credits


def test_a_lost_answer_resent_is_billed_twice_and_the_ledger_says_so(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _client(sandbox_path)
    sandbox.store.set_faults(
        "explorium", lose_response_next=1, lose_response_endpoint=CONTACTS, lose_response_seconds=0.05
    )
    paid = _paid(store, client)
    result = paid.by_id("contacts", _prospects(sandbox, 20), _enrich(client), unit_credits=2.0)
    assert len(result.values) == 20
    assert _billed(sandbox) == 80.0  # the lost attempt and the one answered
    assert store.ledger.spent(partition=PARTITION) == 80.0
    assert paid.tally.reconciled_credits == 40.0 and store.ledger.unsettled() == 0


def test_a_purchase_killed_after_the_vendor_billed_is_reconciled_by_the_next_run(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    ids = _prospects(sandbox, 10)
    # A run that writes its purchase, is billed for it, and is killed before the answer is recorded.
    code = (
        "import os;"
        "from resources.explorium import ExploriumResource;"
        "from resources.pipeline_store import PipelineStoreResource;"
        f"s = PipelineStoreResource(path={str(path)!r});"
        f"s.ledger.open('explorium', 'contacts', estimate=20.0, units=10, partition={PARTITION!r});"
        f"c = ExploriumResource(api_key={SANDBOX_API_KEY!r}, sandbox_state={str(sandbox_path)!r});"
        "c = c.get_client();"
        f"c.enrich_contacts({ids!r}, contact_types=['email']);"
        "os._exit(75)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 75
    store = PipelineStoreResource(path=str(path))
    assert store.ledger.entries()["state"].tolist() == [OPEN]
    client = _client(sandbox_path)
    # The next run buys the same items again (the answer never reached the store) and, before buying,
    # puts the lost purchase right.
    paid = _paid(store, client, "r2")
    paid.by_id("contacts", ids, _enrich(client), unit_credits=2.0)
    assert _billed(sandbox) == 40.0
    assert store.ledger.spent(partition=PARTITION) == 40.0
    assert store.ledger.entries()["state"].tolist() == [RECONCILED, SETTLED]


def test_a_purchase_that_failed_costs_what_the_vendor_says(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _client(sandbox_path)
    # Explorium is down: the purchase fails, and so does reading its account right after.
    sandbox.store.set_faults("explorium", server_error_next=100)
    with pytest.raises(ServerError):
        _paid(store, client).by_id("contacts", _prospects(sandbox, 5), _enrich(client), unit_credits=2.0)
    assert store.ledger.entries()["state"].tolist() == [UNSURE]
    sandbox.store.set_faults("explorium", server_error_next=0)
    # The next run reads the account first: Explorium billed nothing, so the row holds 0, not its estimate.
    _paid(store, client, "r2").reconcile()
    frame = store.ledger.entries()
    assert frame["state"].tolist() == [RECONCILED] and frame["credits"].tolist() == [0.0]
    assert store.ledger.spent() == _billed(sandbox) == 0.0


def test_without_the_vendor_account_purchases_are_settled_from_answers_alone(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    paid = _paid(store, None)
    paid.by_id("contacts", ["p1", "p2"], lambda ids: ({i: {} for i in ids}, 4.0, 1), unit_credits=2.0)
    assert store.ledger.entries()["state"].tolist() == [SETTLED] and store.ledger.spent() == 4.0


# --- Claude: Anthropic's usage report ---------------------------------------------------------------------

MODEL = "claude-haiku-4-5"


def _claude(path: Path, **fields: Any) -> ClaudeClient:
    fields.setdefault("admin_api_key", SANDBOX_API_KEY)
    return AnthropicResource(
        api_key=SANDBOX_API_KEY, sandbox_state=str(path), backoff_base=0.001, backoff_max=0.01, **fields
    ).get_client()


def _tokens(sandbox: Sandbox) -> tuple[int, int]:
    total = sandbox.store.totals("anthropic")
    return total.input_tokens + total.cache_read_tokens + total.cache_write_tokens, total.output_tokens


def _ledger_tokens(store: PipelineStoreResource) -> tuple[int, int]:
    frame = store.ledger.entries(vendor="anthropic")
    frame = frame[~frame["cached"]]
    return int(frame["tokens_in"].sum()), int(frame["tokens_out"].sum())


def _spend(store: PipelineStoreResource, client: ClaudeClient, run_id: str = "r1") -> ClaudeSpend:
    return ClaudeSpend(store, client, partition=PARTITION, asset="reply_classifications", run_id=run_id)


def _ask(spend: ClaudeSpend, text: str) -> Any:
    return spend.create_message(model=MODEL, system="Label the reply.", messages=text, max_tokens=80)


def test_the_usage_report_sums_what_messages_were_billed(sandbox: Sandbox, sandbox_path: Path) -> None:
    client = _claude(sandbox_path)
    before = datetime.now(UTC) - timedelta(minutes=1)
    for text in ("Sounds good", "Not now", "Who is this?"):
        client.create_message(model=MODEL, system="Label the reply.", messages=text, max_tokens=80)
    billed = client.billed_between(before, datetime.now(UTC) + timedelta(minutes=1))
    assert (billed.amounts["tokens_in"], billed.amounts["tokens_out"]) == _tokens(sandbox)
    assert billed.through is not None and billed.through >= before


def test_a_lost_claude_answer_resent_is_in_the_ledger_twice(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _claude(sandbox_path)
    _ask(_spend(store, client), "Thanks, send me more")
    sandbox.store.set_faults(
        "anthropic",
        lose_response_next=1,
        lose_response_endpoint="POST /v1/messages",
        lose_response_seconds=0.05,
    )
    spend = _spend(store, client)
    _ask(spend, "Please call me tomorrow")
    assert sandbox.store.totals("anthropic").calls >= 4  # two answered, one lost, the usage report
    assert _ledger_tokens(store) == _tokens(sandbox)
    assert spend.reconciled_tokens > 0 and store.ledger.unsettled() == 0


def test_a_claude_call_killed_after_it_was_billed_is_reconciled_by_the_next_run(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    code = (
        "import os;"
        "from resources.claude.resource import AnthropicResource;"
        "from resources.pipeline_store import PipelineStoreResource;"
        f"s = PipelineStoreResource(path={str(path)!r});"
        "s.ledger.open('anthropic', 'POST /v1/messages', estimate_in=4000, estimate_out=80, units=1);"
        f"c = AnthropicResource(api_key={SANDBOX_API_KEY!r}, sandbox_state={str(sandbox_path)!r});"
        f"c.get_client().create_message(model={MODEL!r}, system='Label.', messages='Yes!', max_tokens=80);"
        "os._exit(75)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 75
    store = PipelineStoreResource(path=str(path))
    client = _claude(sandbox_path)
    _ask(_spend(store, client, "r2"), "Yes!")
    assert _ledger_tokens(store) == _tokens(sandbox)
    assert store.ledger.entries()["state"].tolist() == [RECONCILED, SETTLED]


def test_an_answer_that_does_not_fit_is_paid_for_in_the_ledger(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _claude(sandbox_path)

    class Strict(BaseModel):
        label: str

        @field_validator("label")
        @classmethod
        def never(cls, value: str) -> str:
            raise ValueError("no answer fits")

    with pytest.raises(RecordValidationError):
        _spend(store, client).parse_message(
            output_model=Strict, model=MODEL, system="Label.", messages="Hello", max_tokens=80
        )
    assert _ledger_tokens(store) == _tokens(sandbox) and _tokens(sandbox)[1] > 0


def test_without_a_report_key_a_lost_call_stays_at_its_upper_bound(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _claude(sandbox_path, admin_api_key=None)
    assert not client.can_read_usage
    sandbox.store.set_faults(
        "anthropic",
        lose_response_next=1,
        lose_response_endpoint="POST /v1/messages",
        lose_response_seconds=0.05,
    )
    _ask(_spend(store, client), "Please call me tomorrow")
    frame = store.ledger.entries(vendor="anthropic")
    assert frame["state"].tolist() == [UNSURE]  # answered, with one attempt Anthropic may have billed too
    billed_in, billed_out = _tokens(sandbox)
    ours_in, ours_out = _ledger_tokens(store)
    assert ours_in < billed_in and ours_out < billed_out  # what the answer said: the lost attempt is missing
    assert store.ledger.unsettled("anthropic") == 1  # and the ledger says so


# --- what was delivered is kept ------------------------------------------------------------------------


def test_a_purchase_that_stops_midway_keeps_the_chunks_and_pages_already_delivered(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    asked: list[int] = []
    failing = [True]  # the second call of the first run fails

    def enrich(ids: list[str]) -> tuple[dict[str, Any], float, int]:
        asked.append(len(ids))
        if len(asked) == 2 and failing[0]:
            failing[0] = False
            raise ServerError("gone", vendor="explorium", endpoint="enrich")
        return {i: {"email": f"{i}@x.example"} for i in ids}, float(len(ids)), 1

    ids = [f"p{i}" for i in range(120)]
    with pytest.raises(ServerError):
        _paid(store, None).by_id("enrich", ids, enrich, unit_credits=1.0, chunk=50)
    asked.clear()
    _paid(store, None, "r2").by_id("enrich", ids, enrich, unit_credits=1.0, chunk=50)
    assert asked == [50, 20]  # the first 50 came from the cache

    def search(n: int, exclude: list[str]) -> tuple[list[dict[str, Any]], float, int]:
        asked.append(n)
        if len(asked) == 2 and failing[0]:
            failing[0] = False
            raise ServerError("gone", vendor="explorium", endpoint="search")
        start = len(exclude)
        return [{"id": f"b{start + i}"} for i in range(n)], float(n), 1

    asked.clear()
    failing[0] = True
    with pytest.raises(ServerError):
        _paid(store, None).search("search", {"q": 1}, 250, search, unit_credits=1.0, id_field="id", page=100)
    asked.clear()
    found = _paid(store, None, "r2").search(
        "search", {"q": 1}, 250, search, unit_credits=1.0, id_field="id", page=100
    )
    assert asked == [100, 50] and [r["id"] for r in found] == [f"b{i}" for i in range(250)]
    # Past what the vendor can exclude, the rest is one step.
    asked.clear()
    _paid(store, None, "r3").search(
        "search", {"q": 2}, 250, search, unit_credits=1.0, id_field="id", page=100, max_excluded=150
    )
    assert asked == [100, 150]


def test_token_shares_stay_whole_and_add_up() -> None:
    shares = _whole_shares(_shares(10.0, {1: 5.0, 2: 5.0, 3: 5.0}))
    assert sorted(shares.values()) == [3.0, 3.0, 4.0] and sum(shares.values()) == 10.0


def test_a_call_begun_while_the_report_is_read_makes_the_reconciliation_wait(tmp_path: Path) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    row = store.ledger.open("anthropic", "POST /v1/messages", estimate_in=900, estimate_out=80)
    store.database().execute("UPDATE spend SET pid = ? WHERE id = ?", (_dead_pid(), row))

    def billed_while_another_thread_opens(start: datetime, end: datetime) -> Billed:
        store.ledger.open("anthropic", "POST /v1/messages", estimate_in=900, estimate_out=80)
        return Billed({"tokens_in": 700.0, "tokens_out": 60.0})

    found = store.ledger.reconcile("anthropic", billed_while_another_thread_opens)
    # Its estimate is not a charge, and its charge may or may not be in the report: nothing is decided.
    assert found.waiting and found.rows == 0
    assert store.ledger.entries()["state"].tolist() == [OPEN, OPEN]


def test_an_answer_that_arrived_is_not_bought_again_by_the_next_run(
    sandbox: Sandbox, sandbox_path: Path, tmp_path: Path
) -> None:
    store = PipelineStoreResource(path=str(tmp_path / "s.sqlite"))
    client = _claude(sandbox_path)
    first = _ask(_spend(store, client), "Book me in for Tuesday")
    billed = _tokens(sandbox)
    # The run stopped before the stage stored what it made of the answer: the next run asks again.
    again = _ask(_spend(store, client, "r2"), "Book me in for Tuesday")
    assert again.text == first.text and _tokens(sandbox) == billed
    assert store.ledger.entries(vendor="anthropic")["cached"].tolist() == [False, True]
    # An answer the stage will not reuse (it did not fit, or a fresh try is wanted) is asked for anew.
    spend = _spend(store, client, "r3")
    spend.forget(_ask(spend, "Book me in for Tuesday"))
    _ask(_spend(store, client, "r4"), "Book me in for Tuesday")
    assert _tokens(sandbox)[1] > billed[1]
