"""Demo mode of the sandbox: the campaigns the pipeline fills start by themselves, and their leads react at
demo pace, so the engagement side has replies, bounces and unsubscribes minutes after the first run.

What belongs here: the demo switch and its settings (kept in the state file, so every process that shares
the sandbox agrees: the code server, each run's process, the sandbox server), the start of a draft campaign
a short delay after its latest lead was added (what a person does in lemlist once the day's leads are in),
and the pace at which a demo campaign's sequence plays out. The lemlist simulator calls three hooks:
`lead_added` (a lead went into a campaign), `start_due_campaigns` (before each sync of its campaign engine)
and `paced` (on each lead's plan). Everything else stays the simulator's: which leads open, reply, bounce
or unsubscribe, and with what text (`resources.sandbox.engagement`). Nothing is sent anywhere: these are the
simulator's campaigns; the product's own setting (`SALES_SENDING_ENABLED`) is untouched and still off.

Why a pace: a real sequence unfolds over days within a sending window (Mon-Fri 09:00-18:00 in the
campaign's timezone): a reply comes a median of 7 hours after the email, the follow-up 3 days later. At the
default pace (720) an hour of the sequence takes 5 seconds of the sandbox clock and the sending window is
not waited for, so the first sends come within a minute of the start, replies within minutes, the
follow-ups after about 6 minutes, on any day at any hour.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from resources.sandbox.lemlist.common import CAMPAIGNS

if TYPE_CHECKING:
    from resources.sandbox.lemlist.engine import Event, LemlistEngine
    from resources.sandbox.store import SandboxStore

logger = logging.getLogger(__name__)

#: The switch and its settings in the state file's meta table (absent: demo off).
SETTINGS_KEY = "demo"
#: campaign id -> sandbox time at which the demo starts it.
STARTS_KEY = "demo:starts"
#: The mark a campaign started by the demo carries in its record (never shown in an API answer).
CAMPAIGN_MARK = "demo"


@dataclass(frozen=True, slots=True)
class DemoSettings:
    #: Seconds after a draft campaign's latest lead was added before the demo starts it.
    start_delay_seconds: float = 30.0
    #: How many times faster than real time a demo campaign's sequence plays out.
    pace: float = 720.0
    #: The first sends of a started campaign spread over this many seconds.
    send_spread_seconds: float = 60.0


def enable(store: SandboxStore, settings: DemoSettings | None = None) -> DemoSettings:
    """Switch demo mode on for this state file (campaigns already started keep their own pace)."""
    chosen = settings or DemoSettings()
    if chosen.pace <= 0 or chosen.start_delay_seconds < 0 or chosen.send_spread_seconds < 0:
        raise ValueError(f"demo settings must be positive: {chosen}")
    store.set_meta(SETTINGS_KEY, json.dumps(asdict(chosen)))
    return chosen


def disable(store: SandboxStore) -> None:
    """Switch demo mode off: no draft starts by itself any more; campaigns it started keep running (a
    person pauses them like any other) at the pace they started with."""
    with store.transaction() as db:
        db.execute("DELETE FROM meta WHERE name IN (?, ?)", (SETTINGS_KEY, STARTS_KEY))


def switch(store: SandboxStore, *, on: bool) -> None:
    """Turn demo mode on (with the default settings) or off, and say so in the log."""
    if not on:
        disable(store)
        return
    chosen = enable(store)
    logger.info(
        "sandbox demo mode on (%s): filled draft campaigns start %.0f s after their last lead and play "
        "%.0fx faster; nothing is sent anywhere",
        store.path,
        chosen.start_delay_seconds,
        chosen.pace,
    )


def settings(store: SandboxStore) -> DemoSettings | None:
    """The demo settings of this state file, or None when demo mode is off."""
    raw = store.get_meta(SETTINGS_KEY)
    return DemoSettings(**json.loads(raw)) if raw else None


def _starts(store: SandboxStore) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(store.get_meta(STARTS_KEY) or "{}").items()}


def lead_added(store: SandboxStore, campaign: dict[str, Any], now: float) -> None:
    """Hook: a lead was added to `campaign` at sandbox time `now`. In demo mode a draft campaign is due to
    start `start_delay_seconds` later; each new lead moves that time on, so a run adding leads one by one
    finishes before its campaign starts (the product adds nothing to a running campaign while sending is
    off)."""
    demo = settings(store)
    if demo is None or campaign.get("status") != "draft":
        return
    with store.transaction():
        starts = _starts(store)
        starts[campaign["_id"]] = now + demo.start_delay_seconds
        store.set_meta(STARTS_KEY, json.dumps(starts, sort_keys=True))


def start_due_campaigns(simulator: LemlistEngine) -> list[str]:
    """Hook, before each sync of the campaign engine: start every draft whose start is due, as `POST
    /campaigns/{id}/start` would, and mark it to play at the demo's pace. Returns the ids started."""
    store = simulator.store
    demo = settings(store)
    if demo is None or store.get_meta(STARTS_KEY) in (None, "{}"):
        return []
    now = store.timestamp()
    # Claimed in one transaction, so of several processes syncing at once only one starts a campaign.
    with store.transaction():
        starts = _starts(store)
        due = sorted(cid for cid, at in starts.items() if at <= now)
        if not due:
            return []
        store.set_meta(STARTS_KEY, json.dumps({k: v for k, v in starts.items() if k not in due}))
    started: list[str] = []
    for campaign_id in due:
        campaign = simulator.store.get(CAMPAIGNS, campaign_id)
        if campaign is None or campaign.get("status") != "draft":
            continue  # a person started, paused or deleted it meanwhile
        # The simulator's own start (status, running interval, every lead re-planned at the next sync).
        simulator._set_running(campaign_id, running=True)
        campaign = simulator.store.get(CAMPAIGNS, campaign_id) or campaign
        campaign[CAMPAIGN_MARK] = {"startedAt": campaign["runs"][-1][0], **asdict(demo)}
        simulator.store.put(CAMPAIGNS, campaign_id, campaign)
        started.append(campaign_id)
    return started


def paced(campaign: dict[str, Any], lead: dict[str, Any], events: list[Event]) -> list[Event]:
    """Hook, on each lead's plan: the events of a demo campaign's lead moved to the demo's pace. The first
    send comes within `send_spread_seconds` of the later of the start and the lead's addition; every later
    event keeps its distance from the first send, divided by the pace. Other campaigns' plans are
    returned as they are."""
    mark = campaign.get(CAMPAIGN_MARK)
    if not mark or not events:
        return events
    pace = float(mark["pace"])
    spread = float(mark["send_spread_seconds"]) * _fraction(lead["_id"])
    first = events[0][0]
    anchor = max(float(lead["addedAt"]), float(mark["startedAt"])) + spread
    sent_at, paced_sent_at = _iso(first), _iso(anchor)
    out: list[Event] = []
    for ts, key, kind, extra in events:
        moved = dict(extra)
        if moved.get("relatedSentAt") == sent_at:
            moved["relatedSentAt"] = paced_sent_at
        out.append((anchor + (ts - first) / pace, key, kind, moved))
    return out


def _fraction(*parts: object) -> float:
    digest = hashlib.sha256(":".join(map(str, ("demo", *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _iso(ts: float) -> str:
    """lemlist's timestamp format, as the simulator writes it."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
