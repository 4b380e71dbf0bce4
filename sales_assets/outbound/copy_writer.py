"""`CopyWriter`: sends the prompts to Claude, checks each answer (parsed into `EmailCopy`, then linted),
retries once through the Messages API with what failed, and holds the lead back after that.

What belongs here: the writing loop and what it keeps per lead (`Spend`, `Attempt`, `Outcome`): one
Messages call per lead on a few threads (the first alone, so the others read its prompt cache), or the
answers of an ended Message Batch. Every paid call is reported (`on_paid`) and every copy written
(`on_written`) as it happens; the ledger, the cache and the batch itself are the asset's
(`copywriting.py`).
"""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from resources.claude.client import ClaudeClient
from resources.claude.models import BatchRequest, MessageResult
from resources.errors import RecordValidationError
from sales_assets.common.copy_lint import lint_copy
from sales_assets.common.copy_models import EmailCopy
from sales_assets.common.seller import SellerSettings
from sales_assets.outbound.copy_budget import BudgetGate, call_cost_bound
from sales_assets.outbound.copy_prompt import LeadPrompt, retry_message
from sales_assets.outbound.copy_settings import CopySettings

MESSAGES_ENDPOINT = "POST /v1/messages"
BATCH_ENDPOINT = "POST /v1/messages/batches"


@dataclass
class Spend:
    """Claude usage of one lead in this run (all its attempts)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, result: MessageResult) -> None:
        usage = result.usage
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_read_tokens += usage.cache_read_input_tokens
        self.cache_write_tokens += usage.cache_creation_input_tokens
        self.cost_usd += result.cost_usd


@dataclass
class Attempt:
    """One answer (or the error in its place; `over_budget`: not sent, the budget would have been passed)."""

    result: MessageResult | None = None
    error: str | None = None
    over_budget: bool = False


@dataclass
class Outcome:
    """What became of one lead."""

    copy: EmailCopy | None
    status: str
    hold_reason: str | None = None
    attempts: int = 0
    via_batch: bool = False
    spend: Spend = field(default_factory=Spend)


class CopyWriter:
    """Sends the prompts, checks the answers, retries once, and reports every paid call (`on_paid`) and
    every copy written (`on_written`) as it happens."""

    def __init__(
        self,
        client: ClaudeClient,
        settings: CopySettings,
        seller: SellerSettings,
        *,
        on_paid: Callable[[str, MessageResult], None],
        on_written: Callable[[LeadPrompt, Outcome], None] | None = None,
        send: Callable[..., MessageResult] | None = None,
        forget: Callable[[MessageResult | None], None] | None = None,
        gate: BudgetGate | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.system = settings.system_prompt(seller)
        self.on_paid = on_paid
        self.on_written = on_written
        # How a Messages call is sent: `ClaudeSpend.create_message` in the asset (the ledger first).
        self.send = send or client.create_message
        # Answers of a held-back lead are not to be reused: the next run gives it a fresh try.
        self.forget = forget
        # The partition's Claude budget: each Messages call goes only if its most still fits.
        self.gate = gate

    def system_blocks(self, ttl: str) -> list[dict[str, Any]]:
        # A batch may take longer than the 5-minute default to reach every request: its cache lives 1 h.
        control: dict[str, Any] = {"type": "ephemeral"} if ttl == "5m" else {"type": "ephemeral", "ttl": ttl}
        return [{"type": "text", "text": self.system, "cache_control": control}]

    def batch_requests(self, leads: Sequence[LeadPrompt]) -> list[BatchRequest]:
        return [
            BatchRequest(
                custom_id=lead.key, params=self.client.message_params(**self.params(lead.text, ttl="1h"))
            )
            for lead in leads
        ]

    def params(self, messages: str | list[dict[str, Any]], *, ttl: str = "5m") -> dict[str, Any]:
        """The arguments of one request (`ttl`: how long the system prompt's cache lives; 1 h in a batch)."""
        return {
            "model": self.settings.copy_model,
            "system": self.system_blocks(ttl),
            "messages": messages,
            "max_tokens": self.settings.max_tokens,
            "output_schema": EmailCopy,
        }

    def message(self, messages: str | list[dict[str, Any]]) -> Attempt:
        """One Messages call, if the budget allows it. The API refusing this request is this lead's
        failure; anything systemic (auth, outage after the retries) raises."""
        params = self.params(messages)
        bound = 0.0
        if self.gate is not None:
            bound = call_cost_bound(self.client.message_params(**params))
            if not self.gate.reserve(bound):
                return Attempt(error=self.gate.reason(), over_budget=True)
        # Until an answer says what it cost, the call counts at its bound (a lost answer may be billed).
        cost = bound
        try:
            result = self.send(**params)
            cost = result.cost_usd
        except RecordValidationError as exc:
            cost = 0.0  # refused before it was processed: not billed
            return Attempt(error=f"request refused: {exc.message}")
        finally:
            if self.gate is not None:
                self.gate.settle(bound, cost)
        self.on_paid(MESSAGES_ENDPOINT, result)
        return Attempt(result=result)

    def check(self, lead: LeadPrompt, attempt: Attempt) -> tuple[EmailCopy | None, list[str]]:
        """The parsed copy (if the answer fits `EmailCopy`) and its problems (none: it may be sent)."""
        if attempt.result is None:
            return None, [attempt.error or "no answer"]
        try:
            copy = self.client.parse_output(attempt.result, EmailCopy, record_id=lead.prospect_id)
        except RecordValidationError as exc:
            return None, [f"invalid JSON: {exc.message}"]
        return copy, lint_copy(copy, lead.support)

    def finish(self, lead: LeadPrompt, first: Attempt, *, via_batch: bool) -> Outcome:
        """Check the first answer; retry once through Messages with what failed; hold back after that. A
        call the budget stopped leaves the lead `over_budget`."""
        if first.over_budget:
            return Outcome(copy=None, status="over_budget", hold_reason=first.error, via_batch=via_batch)
        outcome = Outcome(copy=None, status="held_back", attempts=1, via_batch=via_batch)
        if first.result is not None:
            outcome.spend.add(first.result)
        copy, problems = self.check(lead, first)
        retry: Attempt | None = None
        if copy is None or problems:
            messages: list[dict[str, Any]] = [{"role": "user", "content": lead.text}]
            if first.result is not None:
                messages.append({"role": "assistant", "content": first.result.text or "(no answer)"})
                messages.append({"role": "user", "content": retry_message(problems)})
            retry = self.message(messages)
            if retry.over_budget:
                outcome.status = "over_budget"
                outcome.hold_reason = f"the first answer failed ({'; '.join(problems)}); retry: {retry.error}"
                if self.forget is not None:
                    self.forget(first.result)
                return outcome
            outcome.attempts = 2
            if retry.result is not None:
                outcome.spend.add(retry.result)
            copy, problems = self.check(lead, retry)
        if copy is None or problems:
            outcome.hold_reason = f"after {outcome.attempts} attempts: " + "; ".join(problems)
            if self.forget is not None:
                self.forget(first.result)
                self.forget(retry.result if retry is not None else None)
            return outcome
        outcome.copy, outcome.status = copy, "written"
        if self.on_written is not None:
            self.on_written(lead, outcome)
        return outcome

    def write_one(self, lead: LeadPrompt) -> Outcome:
        return self.finish(lead, self.message(lead.text), via_batch=False)

    def write_each(self, leads: Sequence[LeadPrompt]) -> dict[str, Outcome]:
        """One Messages call per lead (plus retries), the first alone so the others read its cache."""
        if not leads:
            return {}
        outcomes = {leads[0].key: self.write_one(leads[0])}
        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_concurrent_requests)) as pool:
            outcomes.update(zip((x.key for x in leads[1:]), pool.map(self.write_one, leads[1:]), strict=True))
        return outcomes

    def write_batch(self, leads: Sequence[LeadPrompt], batch_id: str) -> dict[str, Outcome]:
        """The answers of an ended batch, checked; failures retried through Messages on a few threads."""
        results = {r.custom_id: r for r in self.client.batch_results(batch_id)}
        firsts: dict[str, Attempt] = {}
        for lead in leads:
            found = results.get(lead.key)
            if found is None:
                firsts[lead.key] = Attempt(error="no result in the batch")
            elif found.succeeded and found.message is not None:
                self.on_paid(BATCH_ENDPOINT, found.message)
                if self.gate is not None:
                    self.gate.add(found.message.cost_usd)
                firsts[lead.key] = Attempt(result=found.message)
            else:
                firsts[lead.key] = Attempt(error=f"batch request {found.result_type}: {found.error}")

        def finish(lead: LeadPrompt) -> Outcome:
            return self.finish(lead, firsts[lead.key], via_batch=True)

        with ThreadPoolExecutor(max_workers=max(1, self.settings.max_concurrent_requests)) as pool:
            return dict(zip((x.key for x in leads), pool.map(finish, leads), strict=True))
