"""The job families the chaos harness kills: the state each one starts from, how its job runs, what it
outputs, and the settings that keep a run quick.

What belongs here: `Workdir` (one scenario's files: the sandbox state, the pipeline store, the saved
outputs, the logs), `chaos_resources` (the product's own resources bound to those files), `tune_sandbox`
(the simulated Anthropic tier made fast enough for dozens of runs), and one `Family` per job:

- `outbound`: one outbound partition (ICP x today), sending switched on so campaign start is covered;
- `outbound_messages`: the same partition with copy written one Messages call per lead (no batch);
- `replies`: every complete day of a running campaign's replies, bounces and unsubscribes;
- `inbound`: yesterday's "Request a demo" form leads;
- `safety`: the safety sensor's tick over the replies campaign, and the pause runs it requests.

A family's `run` executes its job in the calling process; the runner calls it inside a child process so
that the sandbox's `kill_after` can end it. Nothing here decides what is measured (`measure.py`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from resources.claude.resource import AnthropicResource
from resources.lemlist.models import LeadInput
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from resources.sandbox.claude import AnthropicSimulator
from resources.sandbox.engagement import LABELS, engagement_for
from resources.sandbox.sandbox import SIMULATORS
from sales_assets.common.campaigns import EnrollmentSettings
from sales_assets.definitions import build_definitions, default_resources
from sales_assets.engagement.defs import campaign_safety_job, campaign_safety_sensor
from sales_assets.engagement.safety import SafetySettings
from sales_assets.engagement.sensors import RepliesCursor, new_activities, requests_for
from sales_assets.inbound.settings import InboundSettings
from sales_assets.outbound.copy_settings import CopySettings

OUTBOUND_ICP = "revops_saas"
DEMO_FORM = "Request a demo"
CAMPAIGN_NAME = f"sales-pipeline {OUTBOUND_ICP}"


@dataclass(frozen=True)
class Workdir:
    """One copy of a family's world: sandbox state, pipeline store, saved outputs, logs."""

    root: Path

    @property
    def state(self) -> Path:
        return self.root / "state.sqlite"

    @property
    def store(self) -> Path:
        return self.root / "store.sqlite"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def meta_file(self) -> Path:
        return self.root / "meta.json"

    def meta(self) -> dict[str, Any]:
        return json.loads(self.meta_file.read_text()) if self.meta_file.exists() else {}

    def make(self) -> Workdir:
        for folder in (self.root, self.outputs, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def copy_to(self, root: Path) -> Workdir:
        """A fresh copy of this workdir's state, store and meta under `root` (no outputs, no history). The
        SQLite files are copied with their write-ahead logs, so nothing committed is left behind."""
        target = Workdir(root)
        if root.exists():
            shutil.rmtree(root)
        target.make()
        for path in self.root.iterdir():
            if path.name.startswith(("state.sqlite", "store.sqlite")) and not path.name.endswith("-shm"):
                shutil.copy2(path, root / path.name)
        if self.meta_file.exists():
            shutil.copy2(self.meta_file, target.meta_file)
        return target

    def save_output(self, asset: str, partition: str, value: Any) -> None:
        """The last materialized value of an asset for a partition (a later run replaces it)."""
        name = f"{asset}__{partition.replace('|', '__')}.pkl"
        pd.to_pickle(value, self.outputs / name)

    def output(self, asset: str, partition: str) -> Any | None:
        path = self.outputs / f"{asset}__{partition.replace('|', '__')}.pkl"
        return pd.read_pickle(path) if path.exists() else None


def tune_sandbox() -> None:
    """Make the simulated Anthropic account fast: Tier-4 request limits instead of Tier 1's 50 a minute, and
    batches that end after 2 s instead of 30 s. Set in every process that serves the sandbox in a chaos run
    (the simulators read these class attributes when they answer)."""
    AnthropicSimulator.REQUESTS_PER_MINUTE = 5000
    AnthropicSimulator.BATCH_PROCESSING_SECONDS = 2.0


def chaos_resources(work: Workdir, *, copy_batch_threshold: int = 50) -> dict[str, Any]:
    """The product's resources over a workdir's files, as the code location binds them, with: sending
    switched on (so campaign start is a write to cover), batch polls every half second, the Anthropic
    client's limiter matching `tune_sandbox`, one inbound form, and a safety floor of 5 sends."""
    resources = default_resources(sandbox_state=work.state, store_path=work.store, environ={})
    resources.update(
        anthropic=AnthropicResource(
            api_key=SANDBOX_API_KEY,
            admin_api_key=SANDBOX_API_KEY,
            sandbox_state=str(work.state),
            requests_per_minute=5000,
        ),
        copy_settings=CopySettings(batch_poll_seconds=0.5, batch_threshold=copy_batch_threshold),
        enrollment_settings=EnrollmentSettings(sending_enabled=True),
        inbound_settings=InboundSettings(forms=[DEMO_FORM]),
        safety_settings=SafetySettings(min_sent=5, window_days=14),
    )
    return resources


@dataclass(frozen=True)
class RunOutcome:
    """One job run of a family: the partition (or run key) and whether it succeeded."""

    partition: str
    success: bool


@dataclass(frozen=True)
class Family:
    """A job the harness kills: how its starting state is made, how it runs, what it outputs."""

    name: str
    description: str
    build_base: Callable[[Workdir], dict[str, Any]]
    run: Callable[[Workdir], list[RunOutcome]]
    #: Write kinds to kill in this family (None: every kind its clean run makes).
    kinds: tuple[str, ...] | None = None
    #: Another family whose base this one starts from.
    base_of: str | None = None


# --- shared pieces ----------------------------------------------------------------------------------------


def _instance(work: Workdir) -> dg.DagsterInstance:
    # In memory: the run history is not what is measured, and a SQLite event log costs seconds per run.
    # Each run recomputes every asset of its job, so nothing is read back from an earlier run. The IO
    # manager's files go in the workdir (an ephemeral instance would leave a temporary folder behind).
    return dg.DagsterInstance.ephemeral(tempdir=str(work.root / "dagster"))


def _run_asset_job(
    work: Workdir, job_name: str, partitions: list[str], assets: list[str], resources: dict[str, Any]
) -> list[RunOutcome]:
    defs = build_definitions(resources=resources)
    job = defs.resolve_job_def(job_name)
    outcomes: list[RunOutcome] = []
    with _instance(work) as instance:
        for partition in partitions:
            result = job.execute_in_process(partition_key=partition, instance=instance, raise_on_error=False)
            for asset in assets:
                if result.asset_materializations_for_node(asset):
                    work.save_output(asset, partition, result.asset_value(asset))
            outcomes.append(RunOutcome(partition, result.success))
    return outcomes


def open_sandbox(work: Workdir) -> Sandbox:
    """The sandbox over a workdir's state, every simulator created once so their one-off seeding is done."""
    sandbox = Sandbox.at(work.state)
    for vendor in SIMULATORS:
        sandbox.simulator(vendor)
    PipelineStoreResource(path=str(work.store)).ledger  # noqa: B018 (creates the store file and its schema)
    return sandbox


# --- outbound ---------------------------------------------------------------------------------------------

OUTBOUND_ASSETS = ["qualified_leads", "crm_sync_results", "outreach_copy", "campaign_enrollments"]


def _outbound_base(work: Workdir) -> dict[str, Any]:
    open_sandbox(work)
    today = datetime.now(UTC).date().isoformat()
    return {"partitions": [f"{today}|{OUTBOUND_ICP}"]}


def _outbound_run(work: Workdir, *, batch_threshold: int = 50) -> list[RunOutcome]:
    resources = chaos_resources(work, copy_batch_threshold=batch_threshold)
    return _run_asset_job(work, "outbound_daily_job", work.meta()["partitions"], OUTBOUND_ASSETS, resources)


def _outbound_messages_run(work: Workdir) -> list[RunOutcome]:
    # Above every partition's size: copy is written one Messages call per lead, cached lead by lead.
    return _outbound_run(work, batch_threshold=100_000)


# --- replies ----------------------------------------------------------------------------------------------

REPLY_ASSETS = ["lemlist_activities", "reply_classifications", "reply_actions"]
#: Reply labels the campaign's people are picked for (two each), plus dead mailboxes, opt-out clicks and
#: people who never answer (they make the sent count the safety sensor divides by).
PER_LABEL = 2
BOUNCERS = 2
UNSUBSCRIBERS = 2
SILENT = 10


def _pick_people(sandbox: Sandbox, today: Any) -> list[Any]:
    """World people chosen by the engagement the simulator will replay for them: every reply label, hard
    bounces, unsubscribe clicks and silent leads, all reacting within ~30 hours of the first email."""
    wanted: dict[str, int] = {label: PER_LABEL for label in LABELS}
    wanted.update(bounce=BOUNCERS, unsubscribe_click=UNSUBSCRIBERS, silent=SILENT)
    found: dict[str, list[Any]] = {k: [] for k in wanted}
    for person in sandbox.world.people:
        outcome = engagement_for(
            sandbox.store.seed,
            person.email,
            email_status=person.email_status,
            language=person.language,
            first_name=person.first_name,
            sender_name="x",
            original_subject="x",
            today=today,
        )
        if outcome.spam_complaint:
            continue
        if outcome.bounce is not None:
            kind = "bounce" if outcome.bounce.hard and outcome.bounce.smtp_status.startswith("5.1") else None
        elif outcome.unsubscribe_after_hours is not None:
            kind = "unsubscribe_click" if outcome.unsubscribe_after_hours <= 30 else None
        elif outcome.reply is not None:
            kind = outcome.reply.label if outcome.reply.after_hours <= 30 else None
        else:
            kind = "silent"
        if kind is not None and len(found[kind]) < wanted[kind]:
            found[kind].append(person)
        if all(len(found[k]) >= n for k, n in wanted.items()):
            break
    return [p for group in found.values() for p in group]


def _replies_base(work: Workdir) -> dict[str, Any]:
    """A running product campaign whose replies, bounces and unsubscribes all fall in days that are over:
    the leads are added 9 sandbox days ago and the clock is left 3 days behind the wall, so a copy of the
    state made minutes later still has the same complete days."""
    sandbox = open_sandbox(work)
    store = PipelineStoreResource(path=str(work.store))
    resources = chaos_resources(work)
    client = resources["lemlist"].get_client()
    sandbox.store.advance(days=-9)
    started = sandbox.store.now()
    people = _pick_people(sandbox, started.date())
    campaign = client.create_campaign(CAMPAIGN_NAME)
    client.start_campaign(campaign.id)
    for person in people:
        client.add_lead(
            campaign.id,
            LeadInput(email=person.email, first_name=person.first_name, last_name=person.last_name),
        )
    # As enrollment would have recorded them: the campaign is the product's (stats and safety judge it).
    store.enrollments.record_many(
        [{"campaign_id": campaign.id, "email": p.email, "status": "added"} for p in people]
    )
    sandbox.store.advance(days=6)
    now = sandbox.store.now()
    fresh = new_activities(client.activities(campaign_id=campaign.id), RepliesCursor(after=started))
    requests, _, _ = requests_for(fresh, now.date() - timedelta(days=1))
    days = sorted({r.partition_key for r in requests if r.partition_key})
    return {"days": days, "campaign_id": campaign.id, "people": len(people)}


def _replies_run(work: Workdir) -> list[RunOutcome]:
    return _run_asset_job(
        work, "engagement_replies_job", work.meta()["days"], REPLY_ASSETS, chaos_resources(work)
    )


# --- inbound ----------------------------------------------------------------------------------------------

INBOUND_ASSETS = ["form_submissions", "inbound_leads", "inbound_routing"]


def _inbound_base(work: Workdir) -> dict[str, Any]:
    sandbox = open_sandbox(work)
    yesterday = (sandbox.store.now() - timedelta(days=1)).date().isoformat()
    return {"days": [yesterday]}


def _inbound_run(work: Workdir) -> list[RunOutcome]:
    return _run_asset_job(work, "inbound_job", work.meta()["days"], INBOUND_ASSETS, chaos_resources(work))


# --- safety -----------------------------------------------------------------------------------------------


def _safety_run(work: Workdir) -> list[RunOutcome]:
    """One tick of the safety sensor from a fresh cursor, then each pause run it requests."""
    resources = chaos_resources(work)
    outcomes: list[RunOutcome] = []
    with _instance(work) as instance:
        with dg.build_sensor_context(cursor=None, resources=resources, instance=instance) as context:
            tick = campaign_safety_sensor(context)
        requests = (tick.run_requests or []) if isinstance(tick, dg.SensorResult) else []
        for request in requests:
            result = campaign_safety_job.execute_in_process(
                run_config=request.run_config,
                resources={k: resources[k] for k in ("lemlist", "pipeline_store")},
                instance=instance,
                tags=request.tags,
                raise_on_error=False,
            )
            outcomes.append(RunOutcome(str(request.run_key), result.success))
    return outcomes


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "outbound",
            f"outbound_daily_job, partition today|{OUTBOUND_ICP}, sending on",
            _outbound_base,
            _outbound_run,
        ),
        Family(
            "outbound_messages",
            "outbound_daily_job with copy written one Messages call per lead",
            _outbound_base,
            _outbound_messages_run,
            kinds=("anthropic.message",),
            base_of="outbound",
        ),
        Family("replies", "engagement_replies_job, every complete reply day", _replies_base, _replies_run),
        Family("inbound", f"inbound_job, yesterday, form {DEMO_FORM!r}", _inbound_base, _inbound_run),
        Family(
            "safety",
            "campaign_safety_sensor tick + campaign_safety_job runs",
            _replies_base,
            _safety_run,
            base_of="replies",
        ),
    )
}
