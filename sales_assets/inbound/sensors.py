"""What `form_leads_sensor` does; the sensor and the `inbound_job` it starts are declared in `defs.py`.

What belongs here: the sensor's evaluation (`poll_form_leads`): the polling of HubSpot form submissions for
the allow-listed forms (cursor on each form's newest submission time) and of the webhook events the intake
landed in the action ledger (cursor on their time), turned into one run request per day partition with a
deterministic run key: the same submissions always give the same key, so a tick evaluated twice never starts
a second run. The work of a run is the inbound assets'.
"""

# No `from __future__ import annotations` in asset modules: Dagster reads the parameter annotations at
# definition time to find the context and the resources.
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd

from resources.hubspot.resource import HubSpotResource
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.partitions import daily_partitions
from sales_assets.inbound.settings import InboundSettings
from sales_assets.inbound.webhook_events import WEBHOOK_KIND

#: How far back the very first tick reads (later ticks read from the cursor).
FIRST_TICK_LOOKBACK = timedelta(hours=24)


@dataclass
class LeadsCursor:
    """Per form id, the newest submission time read (epoch ms); and the newest webhook event time."""

    forms: dict[str, int] = field(default_factory=dict)
    webhook_at: str | None = None

    @classmethod
    def parse(cls, raw: str | None) -> "LeadsCursor":
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            forms={k: int(v) for k, v in (data.get("forms") or {}).items()}, webhook_at=data.get("webhook_at")
        )

    def dump(self) -> str:
        return json.dumps(
            {"forms": dict(sorted(self.forms.items())), "webhook_at": self.webhook_at}, sort_keys=True
        )


def run_key(day: str, conversion_ids: list[str]) -> str:
    """The same day and submissions give the same key, whatever order they were read in."""
    digest = hashlib.sha256("\n".join(sorted(set(conversion_ids))).encode()).hexdigest()[:20]
    return f"form-leads:{day}:{digest}"


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


@dataclass(frozen=True)
class OpenDays:
    """The first and last day partitions that exist now (today included)."""

    first: str
    last: str

    @classmethod
    def now(cls) -> "OpenDays":
        window = daily_partitions.get_first_partition_window()
        first = window.start.date().isoformat() if window is not None else "0000-00-00"
        return cls(first, daily_partitions.get_last_partition_key() or first)

    def state(self, day: str) -> str:
        """ "open" (the partition exists), "too_old" (before the first partition: never runnable) or
        "future" (the partition does not exist yet: held until it does)."""
        if day < self.first:
            return "too_old"
        return "open" if day <= self.last else "future"


def poll_form_leads(
    context: dg.SensorEvaluationContext,
    hubspot: HubSpotResource,
    pipeline_store: PipelineStoreResource,
    inbound_settings: InboundSettings,
) -> dg.SensorResult:
    """One tick of `form_leads_sensor`: a run request per day partition with new submissions."""
    inbound_settings.check()
    cursor = LeadsCursor.parse(context.cursor)
    now = datetime.now(UTC)
    days = OpenDays.now()
    client = hubspot.get_client()
    forms = inbound_settings.resolve_forms(client)
    by_day: dict[str, list[str]] = defaultdict(list)
    held = 0
    dropped = 0
    for form in forms:
        after = cursor.forms.get(form.id, int((now - FIRST_TICK_LOOKBACK).timestamp() * 1000))
        submissions = client.list_form_submissions(form.id, after_ms=after)
        future = [s.submitted_at for s in submissions if days.state(_day(s.submitted_at)) == "future"]
        limit = min(future) if future else None
        newest = after
        for submission in submissions:
            if limit is not None and submission.submitted_at >= limit:
                held += 1
                continue
            newest = max(newest, submission.submitted_at)
            day = _day(submission.submitted_at)
            if days.state(day) == "too_old":
                dropped += 1
            elif submission.conversion_id:
                by_day[day].append(submission.conversion_id)
        cursor.forms[form.id] = newest

    since = pd.Timestamp(cursor.webhook_at) if cursor.webhook_at else None
    events = pipeline_store.actions.entries(
        WEBHOOK_KIND, since=since.to_pydatetime() if since is not None else None
    )
    if since is not None:
        events = events[events["at"] > since]
    for key, day in zip(events["key"], events["partition"], strict=True):
        if day and days.state(str(day)) == "open":
            by_day[str(day)].append(f"webhook:{key}")
    if len(events):
        cursor.webhook_at = events["at"].max().isoformat()

    requests = [
        dg.RunRequest(
            run_key=run_key(day, ids),
            partition_key=day,
            tags={"inbound/submissions": str(len(set(ids)))},
        )
        for day, ids in sorted(by_day.items())
    ]
    if not requests:
        reason = "no new form submissions"
        if held:
            reason += f" in open partitions ({held} wait for their day's partition to exist)"
        return dg.SensorResult(skip_reason=dg.SkipReason(reason), cursor=cursor.dump())
    context.log.info(
        f"{sum(len(v) for v in by_day.values())} new submission(s) on {len(requests)} day(s)"
        + (f"; {dropped} before the first partition ignored" if dropped else "")
    )
    return dg.SensorResult(run_requests=requests, cursor=cursor.dump())
