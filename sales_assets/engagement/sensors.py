"""What the replies sensor does: lemlist replies, bounces and unsubscribes -> a run of their day.

What belongs here: the sensor's evaluation (`poll_replies`) and its cursor (`RepliesCursor`); the sensor
(`replies_sensor`) and the job it starts (`engagement_replies_job`: activities -> classifications -> actions
for one day) are declared in `defs.py`. The sensor only looks: it reads lemlist's activities
since its cursor, and asks for a run of each day that has new ones, with a `run_key` made of the day and the
new activities' ids, so the same news never starts two runs. The run re-reads its whole day, so what the
sensor saw is never the only copy.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from resources.errors import VendorError
from resources.lemlist.models import Activity
from resources.lemlist.resource import LemlistResource
from sales_assets.common.partitions import daily_partitions
from sales_assets.engagement.activities import ACTIONABLE_TYPES

#: How far back a sensor without a cursor looks (older days are a backfill's job).
FIRST_LOOKBACK = timedelta(days=2)


@dataclass
class RepliesCursor:
    """The newest activity time the sensor has passed on, and the ids seen at exactly that time (lemlist's
    `minDate` is inclusive, so those come back on the next poll and are dropped by id)."""

    after: datetime | None = None
    seen: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str | None) -> "RepliesCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            datetime.fromisoformat(data["after"]) if data.get("after") else None, list(data.get("seen", []))
        )

    def dump(self) -> str:
        return json.dumps(
            {"after": self.after.isoformat() if self.after else None, "seen": sorted(self.seen)}
        )

    def advanced(self, passed: Sequence[Activity]) -> "RepliesCursor":
        if not passed:
            return self
        newest = max(a.created_at for a in passed)
        same = {a.id for a in passed if a.created_at == newest}
        if self.after is not None and newest == self.after:
            same |= set(self.seen)
        return RepliesCursor(newest, sorted(same))


def run_key(day: str, activity_ids: Iterable[str]) -> str:
    """Same day and same activities -> same key, whatever order they arrived in."""
    digest = hashlib.sha256("\n".join(sorted(activity_ids)).encode()).hexdigest()[:16]
    return f"replies-{day}-{digest}"


def new_activities(activities: Iterable[Activity], cursor: RepliesCursor) -> list[Activity]:
    seen = set(cursor.seen)
    out = {
        a.id: a
        for a in activities
        if a.type in ACTIONABLE_TYPES
        and (
            cursor.after is None
            or a.created_at > cursor.after
            or (a.created_at == cursor.after and a.id not in seen)
        )
    }
    return sorted(out.values(), key=lambda a: (a.created_at, a.id))


def requests_for(
    activities: Sequence[Activity], last_day: date
) -> tuple[list[dg.RunRequest], list[Activity], list[Activity]]:
    """(run requests per day, activities passed on, activities held back). An activity dated after the
    last partition (a clock ahead of Dagster's) is held, with everything after it, until its day exists."""
    passed: list[Activity] = []
    held: list[Activity] = []
    for activity in activities:
        if held or activity.created_at.astimezone(UTC).date() > last_day:
            held.append(activity)
        else:
            passed.append(activity)
    by_day: dict[str, list[Activity]] = {}
    for activity in passed:
        by_day.setdefault(activity.created_at.astimezone(UTC).date().isoformat(), []).append(activity)
    requests = []
    for day, items in sorted(by_day.items()):
        counts = {t: sum(1 for a in items if a.type == t) for t in ACTIONABLE_TYPES}
        requests.append(
            dg.RunRequest(
                run_key=run_key(day, (a.id for a in items)),
                partition_key=day,
                tags={
                    "sales/trigger": "lemlist_activities",
                    **{f"sales/new_{t}": str(n) for t, n in counts.items()},
                },
            )
        )
    return requests, passed, held


def poll_replies(
    context: dg.SensorEvaluationContext, lemlist: LemlistResource
) -> dg.SensorResult | dg.SkipReason:
    """One tick of `replies_sensor`: a run request per day with new replies, bounces or unsubscribes."""
    cursor = RepliesCursor.parse(context.cursor)
    now = datetime.now(UTC)
    since = cursor.after or (now - FIRST_LOOKBACK)
    client = lemlist.get_client()
    found: list[Activity] = []
    try:
        # One filtered walk per type: replies are few, opens and clicks are many and not needed here.
        for kind in ACTIONABLE_TYPES:
            found.extend(client.activities(type=kind, min_date=since))
    except VendorError as exc:
        # The cursor stays where it was: the next tick asks again from the same point.
        return dg.SkipReason(f"lemlist unavailable, will retry: {exc}")
    fresh = new_activities(found, cursor)
    if not fresh:
        return dg.SkipReason(f"no new replies, bounces or unsubscribes since {since.isoformat()}")
    last_key = daily_partitions.get_last_partition_key()
    if last_key is None:
        # Only with a start date in the future: the tick fails, and says why.
        raise ValueError(f"no daily partition exists yet (start {daily_partitions.start:%Y-%m-%d})")
    last_day = date.fromisoformat(last_key)
    requests, passed, held = requests_for(fresh, last_day)
    if held:
        context.log.info(
            f"{len(held)} activities dated after {last_day} wait until their day's partition exists"
        )
    if not requests:
        return dg.SkipReason(f"{len(held)} new activities are dated after the last partition ({last_day})")
    return dg.SensorResult(run_requests=requests, cursor=cursor.advanced(passed).dump())
