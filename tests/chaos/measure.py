"""The four chaos figures, measured on a scenario's final state against its starting state (the base) and
against one clean run of the same job from the same base (the reference).

What belongs here: `StateView` (read-only access to a workdir's sandbox records, usage ledger, pipeline
store and saved asset outputs), `MeasureContext`, and one function per measure, each returning a
`Finding` (a count and a few examples). `MEASURES` lists them with the figure each one adds to:

- duplicates: a side effect made more than once (the same object twice at a vendor);
- lost: something the clean run did that the chaos run never did, or did without the product knowing;
- double_paid: money spent beyond what the clean run spent, not counting answers the vendor billed but the
  product never received (never delivered, or handed to a thread of the killed process before it could keep
  them: reported apart, as `billed_undelivered`; no vendor API gives them back, so buying them again is the
  price of the crash, and the spend ledger must show it), a spend ledger that disagrees
  with the vendor's, an orphan Message Batch;
- unrepaired: what the clean re-runs left half-done (a contact without its association or note, a lead the
  ledger says was enrolled that lemlist does not have, a campaign not started).

Measures are data-driven: each reads only the sandbox's records and ledger, the pipeline store and the
jobs' saved outputs, so any chaos the harness (or a unit test) injects into those shows up. The intrinsic
duplicate measures are also taken on the reference and only the excess counts (`intrinsic=True`), so a
scenario is charged only for what the chaos added.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from chaos.families import CAMPAIGN_NAME, Workdir
from resources.pipeline_store import ActionLedger, EnrollmentLedger, SpendLedger, SuppressionList
from resources.pipeline_store.database import Database, open_database
from resources.sandbox.store import SandboxStore, Usage

FIGURES = ("duplicates", "lost", "double_paid", "unrepaired")
EXAMPLES = 5
#: Action-ledger statuses that mean "done" for the kinds the product writes today.
DONE = {"reply_task": {"created"}, "reply_lemlist": {"done"}, "inbound_task": {"created"}}
_ACTIVITY_LINE = re.compile(r"^lemlist activity (\S+)\s*$", re.MULTILINE)
_EMAIL_LINE = re.compile(r"^Email: (\S+)", re.MULTILINE)
_TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


@dataclass
class Finding:
    """What one measure found: how many, and a few examples a person can look up."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str, n: int = 1) -> None:
        if n <= 0:
            return
        self.count += n
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)


class StateView:
    """Read-only view of a workdir after its runs. Opens the two SQLite files; `close()` releases them."""

    def __init__(self, work: Workdir) -> None:
        self.work = work
        self.sandbox = SandboxStore(work.state)
        self.db: Database = open_database(work.store)
        self._records: dict[str, list[dict[str, Any]]] = {}

    def close(self) -> None:
        self.db.close()
        self.sandbox.close()

    # --- sandbox ----------------------------------------------------------------------------------

    def records(self, ns: str) -> list[dict[str, Any]]:
        if ns not in self._records:
            self._records[ns] = self.sandbox.all(ns)
        return self._records[ns]

    def ids(self, ns: str) -> set[str]:
        return {str(r.get("id") or r.get("_id")) for r in self.records(ns)}

    def live(self, object_type: str) -> list[dict[str, Any]]:
        """HubSpot objects of a type that are not archived."""
        return [r for r in self.records(f"hubspot.{object_type}") if not r.get("archived")]

    @cached_property
    def usage(self) -> dict[tuple[str, str], Usage]:
        return {(u.vendor, u.endpoint): u for u in self.sandbox.usage()}

    @cached_property
    def undelivered(self) -> dict[tuple[str, str], Usage]:
        """What the vendors billed for answers a fault kept from the client, per endpoint."""
        return {(u.vendor, u.endpoint): u for u in self.sandbox.undelivered()}

    @cached_property
    def associations(self) -> dict[tuple[str, str, str], set[str]]:
        """(from type, from id, to type) -> the ids associated."""
        out: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for r in self.records("hubspot.associations"):
            out[(r["fromType"], str(r["fromId"]), r["toType"])].add(str(r["toId"]))
        return out

    @cached_property
    def contacts_by_email(self) -> dict[str, dict[str, Any]]:
        return {
            str(c["properties"].get("email") or "").lower(): c
            for c in self.live("contacts")
            if c["properties"].get("email")
        }

    def campaigns_named(self, name: str) -> list[dict[str, Any]]:
        return [c for c in self.records("lemlist.campaigns") if c.get("name") == name]

    def leads_in(self, campaign_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """lower email -> lead, over the leads of the given campaigns."""
        wanted = set(campaign_ids)
        return {
            str(r["email"]).lower(): r for r in self.records("lemlist.leads") if r["campaignId"] in wanted
        }

    # --- pipeline store ---------------------------------------------------------------------------

    @property
    def actions(self) -> ActionLedger:
        return ActionLedger(self.db)

    @property
    def suppression(self) -> SuppressionList:
        return SuppressionList(self.db)

    @property
    def enrollments(self) -> EnrollmentLedger:
        return EnrollmentLedger(self.db)

    @cached_property
    def spend(self) -> pd.DataFrame:
        entries = SpendLedger(self.db).entries()
        return entries[~entries["cached"]]

    # --- saved outputs ----------------------------------------------------------------------------

    def outputs(self, asset: str, partitions: Iterable[str]) -> pd.DataFrame:
        """The last saved value of an asset over the given partitions, concatenated (empty if none)."""
        frames = [self.work.output(asset, p) for p in partitions]
        frames = [f for f in frames if isinstance(f, pd.DataFrame) and len(f)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass
class MeasureContext:
    """A scenario's final state (`chaos`), the state it started from (`base`) and a clean run's final
    state from the same base (`reference`); `partitions` are the family's partitions or days."""

    chaos: StateView
    base: StateView
    reference: StateView
    partitions: list[str]

    def new(self, view: StateView, ns: str) -> list[dict[str, Any]]:
        """Records of `ns` in `view` that the base did not have (what the job runs created)."""
        before = self.base.ids(ns)
        return [r for r in view.records(ns) if str(r.get("id") or r.get("_id")) not in before]


Measure = Callable[[MeasureContext, StateView], Finding]


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    figure: str
    fn: Measure
    #: Taken on the chaos state and on the reference; only the excess counts.
    intrinsic: bool = False


# --- duplicates -------------------------------------------------------------------------------------------


def _excess(groups: Mapping[Any, int], label: Callable[[Any], str]) -> Finding:
    found = Finding()
    for key, n in groups.items():
        found.add(f"{label(key)} x{n}", n - 1)
    return found


def duplicate_contacts(ctx: MeasureContext, view: StateView) -> Finding:
    """HubSpot contacts sharing one email (lower-cased), among emails that have a contact the job runs
    created: each contact beyond the first counts."""
    new = {str(c["properties"].get("email") or "").lower() for c in ctx.new(view, "hubspot.contacts")}
    counts = Counter(
        str(c["properties"].get("email") or "").lower()
        for c in view.live("contacts")
        if str(c["properties"].get("email") or "").lower() in new - {""}
    )
    return _excess(counts, lambda email: f"contact {email}")


def _domain(value: Any) -> str:
    text = str(value or "").strip().lower()
    text = re.sub(r"^https?://", "", text).split("/")[0]
    return text.removeprefix("www.")


def duplicate_companies(ctx: MeasureContext, view: StateView) -> Finding:
    """HubSpot companies the job runs created for a domain that already had one: per domain, every new
    company beyond the first when the base had none, every new company when the base had one. HubSpot does
    not deduplicate companies, so this is the product's own promise."""
    before = Counter(
        _domain(c["properties"].get("domain"))
        for c in ctx.base.live("companies")
        if c["properties"].get("domain")
    )
    created = Counter(
        _domain(c["properties"].get("domain"))
        for c in ctx.new(view, "hubspot.companies")
        if not c.get("archived") and c["properties"].get("domain")
    )
    found = Finding()
    for domain, n in created.items():
        extra = n if before[domain] else n - 1
        found.add(f"company domain {domain}: {n} created, {before[domain]} before", extra)
    return found


def duplicate_notes(ctx: MeasureContext, view: StateView) -> Finding:
    """Notes the job runs created on one contact for one day (UTC date of `hs_timestamp`): each note beyond
    the first counts. The product writes one note per new contact."""
    counts: Counter[tuple[str, str]] = Counter()
    for note in ctx.new(view, "hubspot.notes"):
        if note.get("archived"):
            continue
        day = str(note["properties"].get("hs_timestamp") or "")[:10]
        for contact_id in view.associations.get(("notes", str(note["id"]), "contacts"), ()):
            counts[(contact_id, day)] += 1
    return _excess(counts, lambda key: f"notes on contact {key[0]} for {key[1]}")


def task_identity(task: Mapping[str, Any]) -> str:
    """What a HubSpot task is for: a reply task names its lemlist activity on its last line; an inbound
    task names the lead's email (the product keeps one task per address); any other task is its subject."""
    props = task.get("properties") or {}
    body = str(props.get("hs_task_body") or "")
    activity = _ACTIVITY_LINE.search(body)
    if activity:
        return f"reply activity {activity.group(1)}"
    email = _EMAIL_LINE.search(body)
    if email:
        return f"inbound lead {email.group(1).lower()}"
    return f"task {props.get('hs_task_subject')!r}"


def duplicate_tasks(ctx: MeasureContext, view: StateView) -> Finding:
    """Tasks the job runs created for one action (one reply activity, one inbound address, see
    `task_identity`): each task beyond the first counts."""
    counts = Counter(task_identity(t) for t in ctx.new(view, "hubspot.tasks") if not t.get("archived"))
    return _excess(counts, str)


def duplicate_leads(ctx: MeasureContext, view: StateView) -> Finding:
    """lemlist leads with the same email in the same campaign: each beyond the first counts."""
    counts = Counter((r["campaignId"], str(r["email"]).lower()) for r in view.records("lemlist.leads"))
    return _excess(counts, lambda key: f"lead {key[1]} in {key[0]}")


def duplicate_campaigns(ctx: MeasureContext, view: StateView) -> Finding:
    """lemlist campaigns sharing a name, among names the job runs created a campaign under: each beyond the
    first counts (enrollment finds its ICP's campaign by name)."""
    names = {c.get("name") for c in ctx.new(view, "lemlist.campaigns")}
    counts = Counter(c.get("name") for c in view.records("lemlist.campaigns") if c.get("name") in names)
    return _excess(counts, lambda name: f"campaign {name!r}")


def duplicate_batches(ctx: MeasureContext, view: StateView) -> Finding:
    """Claude Message Batches the job runs created for the same set of requests (the same custom ids) and
    did not cancel: each beyond the first counts."""
    counts = Counter(
        tuple(sorted(r["custom_id"] for r in b["results"]))
        for b in ctx.new(view, "anthropic.batches")
        if not b.get("cancel_initiated")
    )
    return _excess(counts, lambda ids: f"batch of {len(ids)} requests")


def duplicate_marks(ctx: MeasureContext, view: StateView) -> Finding:
    """lemlist interested / not-interested marks made on one lead more than once (each mark is an activity
    on the lead's timeline): each beyond the first counts."""
    counts = Counter(
        (a["leadId"], a["type"])
        for a in view.records("lemlist.activities")
        if a.get("type") in ("manualInterested", "manualNotInterested")
    )
    return _excess(counts, lambda key: f"{key[1]} on lead {key[0]}")


# --- lost -------------------------------------------------------------------------------------------------


def lost_contacts(ctx: MeasureContext, view: StateView) -> Finding:
    """Qualified leads the clean run synced to HubSpot (a contact row of `crm_sync_results` that is not
    `failed`) that have no HubSpot contact now and no `failed` row in the chaos run's last
    `crm_sync_results`: neither synced nor recorded as failed."""
    ref = ctx.reference.outputs("crm_sync_results", ctx.partitions)
    if ref.empty:
        return Finding()
    synced = ref[(ref["record_type"] == "contact") & (ref["outcome"] != "failed")]["key"].str.lower()
    final = view.outputs("crm_sync_results", ctx.partitions)
    failed = (
        set(final[(final["record_type"] == "contact") & (final["outcome"] == "failed")]["key"].str.lower())
        if not final.empty
        else set()
    )
    found = Finding()
    for email in sorted(set(synced)):
        if email not in view.contacts_by_email and email not in failed:
            found.add(f"contact {email}")
    return found


def lost_enrollments(ctx: MeasureContext, view: StateView) -> Finding:
    """Leads the clean run added to its ICP campaign that are in no campaign of that name now and have no
    row at all in the enrollment ledger for it (so nobody knows they were skipped)."""
    ref = ctx.reference.outputs("campaign_enrollments", ctx.partitions)
    if ref.empty:
        return Finding()
    added = set(ref[ref["outcome"] == "added"]["email"].str.lower())
    campaigns = [c["_id"] for c in view.campaigns_named(CAMPAIGN_NAME)]
    leads = view.leads_in(campaigns)
    recorded: set[str] = set()
    for campaign_id in campaigns:
        recorded |= set(view.enrollments.get_many(campaign_id, added))
    found = Finding()
    for email in sorted(added):
        if email not in leads and email not in recorded:
            found.add(f"enrollment {email}")
    return found


def _done(view: StateView, kind: str, keys: list[str]) -> set[str]:
    return {k for k, a in view.actions.get_many(kind, keys).items() if a.status in DONE[kind]}


def lost_reply_actions(ctx: MeasureContext, view: StateView) -> Finding:
    """Reply, bounce and unsubscribe activities the clean run acted on, where the chaos state misses any
    part of that action: the HubSpot task naming the activity (and its `reply_task` ledger record), the
    suppression-list entry, lemlist's side (the address on its unsubscribe list, or the lead marked
    interested / not interested, with its `reply_lemlist` ledger record), or the lead status. One count per
    activity."""
    ref = ctx.reference.outputs("reply_actions", ctx.partitions)
    if ref.empty:
        return Finding()
    ref = ref.where(ref.notna(), None)
    activities = ref["activity_id"].tolist()
    tasks_done = _done(view, "reply_task", activities)
    lemlist_done = _done(view, "reply_lemlist", activities)
    tasks = {task_identity(t) for t in view.live("tasks")}
    suppressed = view.suppression.lookup([e for e in ref["email"] if e])
    unsubscribed = {str(r["value"]).lower() for r in view.records("lemlist.unsubscribes")}
    states: dict[str, set[str]] = defaultdict(set)
    for lead in view.records("lemlist.leads"):
        states[str(lead["email"]).lower()].add(lead.get("state"))
    found = Finding()
    for row in ref.to_dict("records"):
        activity, email = row["activity_id"], (row["email"] or "").lower()
        missing = []
        if row["hubspot_task_id"] and (
            f"reply activity {activity}" not in tasks or activity not in tasks_done
        ):
            missing.append("task")
        if row["suppressed"] and email not in suppressed:
            missing.append("suppression")
        call = row["lemlist_call"]
        if call and row["status"] in ("done", "already_done"):
            effect = {
                "unsubscribe": email in unsubscribed,
                "interested": "interested" in states[email],
                "not_interested": "notInterested" in states[email],
            }.get(call, True)
            if not effect or activity not in lemlist_done:
                missing.append(f"lemlist {call}")
        if row["lead_status"]:
            contact = view.contacts_by_email.get(email)
            if contact is None or contact["properties"].get("hs_lead_status") != row["lead_status"]:
                missing.append(f"lead status {row['lead_status']}")
        if missing:
            found.add(f"activity {activity} ({email}): no {', '.join(missing)}")
    return found


def lost_inbound_tasks(ctx: MeasureContext, view: StateView) -> Finding:
    """Form submissions the clean run routed to a task where the chaos state has no inbound task for the
    lead's address or no `inbound_task` ledger record of the submission."""
    ref = ctx.reference.outputs("inbound_routing", ctx.partitions)
    if ref.empty:
        return Finding()
    routed = ref[ref["outcome"] == "task_created"]
    done = _done(view, "inbound_task", routed["conversion_id"].tolist())
    tasks = {task_identity(t) for t in view.live("tasks")}
    found = Finding()
    for row in routed.to_dict("records"):
        email = str(row["email"]).lower()
        if f"inbound lead {email}" not in tasks or row["conversion_id"] not in done:
            found.add(f"submission {row['conversion_id']} ({email})")
    return found


def lost_pauses(ctx: MeasureContext, view: StateView) -> Finding:
    """Campaigns the clean run paused (paused in lemlist with a `campaign_pause` ledger record) that the
    chaos state has not paused, or paused without the ledger record (a pause nobody can see)."""
    ref_pauses = ctx.reference.actions.entries("campaign_pause")
    found = Finding()
    if ref_pauses.empty:
        return found
    chaos_pauses = view.actions.entries("campaign_pause")
    recorded = set(chaos_pauses["key"]) if not chaos_pauses.empty else set()
    status = {c["_id"]: c.get("status") for c in view.records("lemlist.campaigns")}
    for key in ref_pauses["key"]:
        campaign_id = str(key).split(":", 1)[0]
        if status.get(campaign_id) != "paused" or key not in recorded:
            found.add(f"pause {key}: lemlist {status.get(campaign_id)}, recorded {key in recorded}")
    return found


# --- double paid ------------------------------------------------------------------------------------------


def _delta(view: StateView, base: StateView, *, undelivered: bool = False) -> dict[tuple[str, str], Usage]:
    out = {}
    mine, theirs = (view.undelivered, base.undelivered) if undelivered else (view.usage, base.usage)
    for key, now in mine.items():
        before = theirs.get(key)
        out[key] = Usage(
            *key,
            calls=now.calls - (before.calls if before else 0),
            errors=now.errors - (before.errors if before else 0),
            credits=now.credits - (before.credits if before else 0.0),
            **{t: getattr(now, t) - (getattr(before, t) if before else 0) for t in _TOKENS},
        )
    return out


def _in_flight(ctx: MeasureContext, view: StateView) -> dict[tuple[str, str], int]:
    """Claude answers the vendor billed that the product never received because its process ended with the
    call in flight, per endpoint, beyond those the sandbox counts as undelivered.

    A killed process takes with it the answers its other threads had been handed and not yet kept: the
    bytes left the vendor, but no receipt or settled row was written, so a correct re-run buys them again.
    The product's ledger tells them apart: a row it opened and never settled (state `reconciled`, no lost
    attempt) was in flight when the process ended. Not every such call reached the vendor, so the count is
    bounded by the vendor's side: the answers it billed since the base minus those the ledger received
    (rows settled from an answer)."""
    spend = view.spend.iloc[len(ctx.base.spend) :]
    spend = spend[spend["vendor"] == "anthropic"]
    usage = _delta(view, ctx.base)
    gone = _delta(view, ctx.base, undelivered=True)
    out: dict[tuple[str, str], int] = {}
    for endpoint, rows in spend.groupby("endpoint"):
        never_settled = int(((rows["state"] == "reconciled") & (rows["lost"] == 0)).sum())
        received = int(((rows["state"] == "settled") | ((rows["lost"] > 0) & (rows["units"] > 0))).sum())
        used = usage.get(("anthropic", str(endpoint)))
        billed = (used.calls - used.errors) if used else 0
        lost = gone.get(("anthropic", str(endpoint)))
        extra = min(never_settled, billed - received) - (lost.calls if lost else 0)
        if extra > 0:
            out[("anthropic", str(endpoint))] = extra
    return out


def _paid_twice(ctx: MeasureContext, view: StateView, vendor: str, cost: Callable[[Usage], float]) -> Finding:
    chaos = _delta(view, ctx.base)
    reference = _delta(ctx.reference, ctx.base)
    lost = _delta(view, ctx.base, undelivered=True)
    in_flight = _in_flight(ctx, view)
    found = Finding()
    for (v, endpoint), used in sorted(chaos.items()):
        if v != vendor:
            continue
        ref = reference.get((v, endpoint))
        gone = lost.get((v, endpoint))
        spent, ref_spent = cost(used), cost(ref) if ref else 0.0
        # An answer billed and never delivered, or delivered to a process that died before keeping it, is
        # bought again by any correct re-run: not counted here. (In-flight answers are Claude's only,
        # whose cost here is counted in calls.)
        spent -= (cost(gone) if gone else 0.0) + in_flight.get((v, endpoint), 0)
        if spent > ref_spent + 1e-6:
            extra_calls = (
                (used.calls - used.errors)
                - ((ref.calls - ref.errors) if ref else 0)
                - (gone.calls if gone else 0)
                - in_flight.get((v, endpoint), 0)
            )
            found.add(f"{endpoint}: {spent:g} vs {ref_spent:g} in the clean run", max(1, extra_calls))
    return found


def billed_undelivered(ctx: MeasureContext, view: StateView) -> Finding:
    """Answers Explorium or Anthropic billed that a fault kept from the product (killed right after the
    vendor committed, lost on the way, or handed to a thread of a process that was killed before it kept
    them): one per answer. Reported apart from `double_paid`; the spend ledger must still hold them
    (`spend_ledger_mismatch`)."""
    found = Finding()
    for (vendor, endpoint), gone in sorted(_delta(view, ctx.base, undelivered=True).items()):
        if vendor in ("explorium", "anthropic") and gone.calls > 0:
            tokens = sum(getattr(gone, t) for t in _TOKENS)
            cost = f"{gone.credits:g} credits" if vendor == "explorium" else f"{tokens} tokens"
            found.add(f"{vendor} {endpoint}: {gone.calls} answer(s), {cost}", gone.calls)
    for (vendor, endpoint), count in sorted(_in_flight(ctx, view).items()):
        found.add(f"{vendor} {endpoint}: {count} answer(s) in flight when the process was killed", count)
    return found


def paid_twice_explorium(ctx: MeasureContext, view: StateView) -> Finding:
    """Explorium endpoints billed more credits (sandbox usage ledger, since the base) than the clean run
    was: each successful call beyond the clean run's count on that endpoint counts (at least one)."""
    return _paid_twice(ctx, view, "explorium", lambda u: u.credits)


def paid_twice_anthropic(ctx: MeasureContext, view: StateView) -> Finding:
    """Anthropic endpoints that answered more paid calls (sandbox usage ledger, since the base; answers
    billed and never delivered left out) than in the clean run: one per call beyond. Counted in calls, not
    tokens: the same request costs a few tokens more or less depending on whether the prompt cache was
    already written when it arrived, which the order of parallel calls decides."""

    def paid_calls(u: Usage) -> float:
        return float(u.calls - u.errors) if any(getattr(u, t) for t in _TOKENS) else 0.0

    return _paid_twice(ctx, view, "anthropic", paid_calls)


def spend_ledger_mismatch(ctx: MeasureContext, view: StateView) -> Finding:
    """Vendors whose spend in the product's spend ledger (rows not served from cache, since the base)
    disagrees with what the vendor billed (sandbox usage ledger, since the base): Explorium credits, and
    Anthropic input tokens (input + cache read + cache write) and output tokens. One count per vendor."""
    chaos, base = view.spend, ctx.base.spend
    usage = _delta(view, ctx.base)
    found = Finding()

    def ours(vendor: str, column: str) -> float:
        return float(
            chaos[chaos["vendor"] == vendor][column].sum() - base[base["vendor"] == vendor][column].sum()
        )

    def billed(vendor: str, attrs: tuple[str, ...]) -> float:
        return float(sum(getattr(u, a) for (v, _), u in usage.items() if v == vendor for a in attrs))

    credits = (ours("explorium", "credits"), billed("explorium", ("credits",)))
    if abs(credits[0] - credits[1]) > 1e-6:
        found.add(f"explorium credits: ledger {credits[0]:g}, billed {credits[1]:g}")
    tokens_in = (ours("anthropic", "tokens_in"), billed("anthropic", ("input_tokens", *_TOKENS[2:])))
    tokens_out = (ours("anthropic", "tokens_out"), billed("anthropic", ("output_tokens",)))
    if tokens_in[0] != tokens_in[1] or tokens_out[0] != tokens_out[1]:
        found.add(
            f"anthropic tokens: ledger {tokens_in[0]:g} in / {tokens_out[0]:g} out, "
            f"billed {tokens_in[1]:g} / {tokens_out[1]:g}"
        )
    return found


def orphan_batches(ctx: MeasureContext, view: StateView) -> Finding:
    """Message Batches the job runs created that nobody canceled and whose results nobody read: Anthropic
    bills them once they end, for answers the product never uses."""
    found = Finding()
    for batch in ctx.new(view, "anthropic.batches"):
        if not batch.get("cancel_initiated") and not batch.get("results_read"):
            found.add(f"batch {batch['id']} of {batch['count']} requests")
    return found


# --- unrepaired -------------------------------------------------------------------------------------------


def _reference_contacts(ctx: MeasureContext, column: str) -> list[str]:
    ref = ctx.reference.outputs("crm_sync_results", ctx.partitions)
    if ref.empty:
        return []
    rows = ref[(ref["record_type"] == "contact") & (ref[column] == True)]  # noqa: E712 (object column)
    return sorted(set(rows["key"].str.lower()))


def unassociated_contacts(ctx: MeasureContext, view: StateView) -> Finding:
    """Contacts the clean run associated to their company that exist now without any company association."""
    found = Finding()
    for email in _reference_contacts(ctx, "associated"):
        contact = view.contacts_by_email.get(email)
        if contact is not None and not view.associations.get(("contacts", str(contact["id"]), "companies")):
            found.add(f"contact {email} ({contact['id']}) has no company")
    return found


def contacts_without_note(ctx: MeasureContext, view: StateView) -> Finding:
    """Contacts the clean run gave a timeline note that exist now without any note."""
    found = Finding()
    for email in _reference_contacts(ctx, "note_created"):
        contact = view.contacts_by_email.get(email)
        if contact is not None and not view.associations.get(("contacts", str(contact["id"]), "notes")):
            found.add(f"contact {email} ({contact['id']}) has no note")
    return found


def enrolled_not_in_lemlist(ctx: MeasureContext, view: StateView) -> Finding:
    """Enrollment-ledger rows with status `added` whose campaign has no lead with that email in lemlist."""
    entries = view.enrollments.entries()
    found = Finding()
    if entries.empty:
        return found
    leads = {(r["campaignId"], str(r["email"]).lower()) for r in view.records("lemlist.leads")}
    for row in entries[entries["status"] == "added"].to_dict("records"):
        if (row["campaign_id"], str(row["email"]).lower()) not in leads:
            found.add(f"{row['email']} in {row['campaign_id']}")
    return found


def campaign_not_started(ctx: MeasureContext, view: StateView) -> Finding:
    """ICP campaigns the clean run left running (sending is on in the harness) that are not running now."""
    ref = {c.get("status") for c in ctx.reference.campaigns_named(CAMPAIGN_NAME)}
    found = Finding()
    if "running" in ref and not any(
        c.get("status") == "running" for c in view.campaigns_named(CAMPAIGN_NAME)
    ):
        states = [c.get("status") for c in view.campaigns_named(CAMPAIGN_NAME)]
        found.add(f"campaign {CAMPAIGN_NAME!r}: {states}")
    return found


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec("duplicate_contacts", "duplicates", duplicate_contacts, intrinsic=True),
    MeasureSpec("duplicate_companies", "duplicates", duplicate_companies, intrinsic=True),
    MeasureSpec("duplicate_notes", "duplicates", duplicate_notes, intrinsic=True),
    MeasureSpec("duplicate_tasks", "duplicates", duplicate_tasks, intrinsic=True),
    MeasureSpec("duplicate_leads", "duplicates", duplicate_leads, intrinsic=True),
    MeasureSpec("duplicate_campaigns", "duplicates", duplicate_campaigns, intrinsic=True),
    MeasureSpec("duplicate_batches", "duplicates", duplicate_batches, intrinsic=True),
    MeasureSpec("duplicate_marks", "duplicates", duplicate_marks, intrinsic=True),
    MeasureSpec("lost_contacts", "lost", lost_contacts),
    MeasureSpec("lost_enrollments", "lost", lost_enrollments),
    MeasureSpec("lost_reply_actions", "lost", lost_reply_actions),
    MeasureSpec("lost_inbound_tasks", "lost", lost_inbound_tasks),
    MeasureSpec("lost_pauses", "lost", lost_pauses),
    MeasureSpec("paid_twice_explorium", "double_paid", paid_twice_explorium),
    MeasureSpec("paid_twice_anthropic", "double_paid", paid_twice_anthropic),
    MeasureSpec("spend_ledger_mismatch", "double_paid", spend_ledger_mismatch),
    MeasureSpec("orphan_batches", "double_paid", orphan_batches, intrinsic=True),
    MeasureSpec("billed_undelivered", "undelivered", billed_undelivered),
    MeasureSpec("unassociated_contacts", "unrepaired", unassociated_contacts),
    MeasureSpec("contacts_without_note", "unrepaired", contacts_without_note),
    MeasureSpec("enrolled_not_in_lemlist", "unrepaired", enrolled_not_in_lemlist, intrinsic=True),
    MeasureSpec("campaign_not_started", "unrepaired", campaign_not_started),
)


@dataclass
class Figures:
    """The four figures of one scenario (or a sum of scenarios), with every measure's finding."""

    findings: dict[str, Finding] = field(default_factory=dict)

    def figure(self, name: str) -> int:
        return sum(
            self.findings[m.name].count for m in MEASURES if m.figure == name and m.name in self.findings
        )

    @property
    def totals(self) -> dict[str, int]:
        return {name: self.figure(name) for name in FIGURES}

    def nonzero(self) -> Iterator[tuple[str, Finding]]:
        for spec in MEASURES:
            finding = self.findings.get(spec.name)
            if finding is not None and finding.count:
                yield spec.name, finding

    def __add__(self, other: Figures) -> Figures:
        merged: dict[str, Finding] = {}
        for name in {*self.findings, *other.findings}:
            a, b = self.findings.get(name, Finding()), other.findings.get(name, Finding())
            merged[name] = Finding(a.count + b.count, (a.examples + b.examples)[:EXAMPLES])
        return Figures(merged)


def measure(ctx: MeasureContext) -> Figures:
    """Every measure on the chaos state; intrinsic ones minus what the same measure finds on the reference."""
    findings: dict[str, Finding] = {}
    for spec in MEASURES:
        found = spec.fn(ctx, ctx.chaos)
        if spec.intrinsic:
            baseline = spec.fn(ctx, ctx.reference).count
            found = Finding(max(0, found.count - baseline), found.examples if found.count > baseline else [])
        findings[spec.name] = found
    return Figures(findings)


def baseline(ctx: MeasureContext) -> Figures:
    """The intrinsic measures on the reference itself (a clean run should find nothing)."""
    return Figures({s.name: s.fn(ctx, ctx.reference) for s in MEASURES if s.intrinsic})
