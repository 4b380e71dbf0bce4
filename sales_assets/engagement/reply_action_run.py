"""`ReplyActionRun`: carries out the plans of one day's classifications against HubSpot, lemlist and the
suppression list, and the pandera model `ReplyActions` of the rows it returns.

What belongs here: the side effects, each recorded in the action ledger (`resources/pipeline_store/
actions.py`) by activity id, so a re-run of the day (after a failure, or killed half-way) creates no second
task and repeats no lemlist call: suppression, lemlist's unsubscribe list (one address through lemlist's
single-value POST, several through its bulk POST, one call), its interested / not-interested marks (a
mark is checked against the lead's state in lemlist when an earlier attempt may have sent it) and the pause
of a lead who is out of office (resumed by `out_of_office.py`'s asset on the return day), the soft
bounce count, deliverability alerts (logged and recorded), HubSpot contacts and lead statuses, referral
candidates, and tasks created once through `create_once`. What each label leads to is `reply_plans.py`'s.
"""

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from resources.errors import AuthenticationError, NotFoundError, VendorError
from resources.hubspot.client import HubSpotClient
from resources.hubspot.models import CrmObject, TaskInput
from resources.pipeline_store import PipelineStoreResource
from sales_assets.common.effects import create_once
from sales_assets.common.metadata import is_missing
from sales_assets.engagement.out_of_office import record_pause, resume_on
from sales_assets.engagement.reply_plans import (
    ACTIONS,
    Plan,
    next_lead_status,
    pick_owner,
    plan_action,
    suppression_source,
    task_input,
)
from sales_assets.engagement.settings import ReplySettings

logger = logging.getLogger(__name__)

STATUSES = ("done", "already_done", "partial", "failed", "skipped")
TASK_KIND = "reply_task"
LEMLIST_KIND = "reply_lemlist"
#: lemlist calls sent again harmlessly, unlike the interested marks, which are activities.
IDEMPOTENT_CALLS = ("unsubscribe", "pause")
ALERT_KIND = "deliverability_alert"
#: Soft bounces by activity id, with the address and when: the count behind a repeated-soft suppression.
SOFT_BOUNCE_KIND = "soft_bounce"
OWNER_PROPERTIES = ["email", "firstname", "lastname", "hubspot_owner_id", "hs_lead_status"]

COLUMNS = [
    "activity_id",
    "email",
    "label",
    "action",
    "status",
    "detail",
    "suppressed",
    "hubspot_contact_id",
    "hubspot_task_id",
    "owner_id",
    "lead_status",
    "lemlist_call",
    "referral_email",
    "return_date",
]


class ReplyActions(pa.DataFrameModel):
    """One row per labelled activity: the action taken and how it went."""

    activity_id: Series[str] = pa.Field(unique=True)
    email: Series[str] = pa.Field(nullable=True)
    label: Series[str]
    action: Series[str] = pa.Field(isin=list(ACTIONS))
    status: Series[str] = pa.Field(isin=list(STATUSES))
    detail: Series[str]
    suppressed: Series[bool]
    hubspot_contact_id: Series[str] = pa.Field(nullable=True)
    hubspot_task_id: Series[str] = pa.Field(nullable=True)
    owner_id: Series[str] = pa.Field(nullable=True)
    lead_status: Series[str] = pa.Field(nullable=True)
    lemlist_call: Series[str] = pa.Field(nullable=True)
    referral_email: Series[str] = pa.Field(nullable=True)
    return_date: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


class ReplyActionRun:
    """Carries out the plans of one day's classifications against HubSpot, lemlist and the store."""

    def __init__(
        self,
        hubspot: HubSpotClient,
        lemlist: Any,
        store: PipelineStoreResource,
        settings: ReplySettings,
        partition: str,
        log: Any = logger,
        default_owner: str | None = None,
    ) -> None:
        self.hubspot, self.lemlist, self.store = hubspot, lemlist, store
        self.settings, self.partition, self.log = settings, partition, log
        self.default_owner = default_owner
        self.alerts = 0
        self.calls = {"hubspot": 0, "lemlist": 0}

    def run(self, classifications: pd.DataFrame) -> pd.DataFrame:
        # to_dict types record keys Hashable; these columns are str.
        rows: list[dict[str, Any]] = [
            {k: (None if is_missing(v) else v) for k, v in r.items()}
            for r in cast(list[dict[str, Any]], classifications.to_dict("records"))
        ]
        plans = {r["activity_id"]: plan_action(r["label"], r["type"], bool(r["needs_review"])) for r in rows}
        self._soft_bounces(rows, plans)
        out = {r["activity_id"]: self._start_row(r, plans[r["activity_id"]]) for r in rows}
        self._suppress(rows, plans, out)
        self._lemlist(rows, plans, out)
        self._alerts(rows, plans, out)
        self._hubspot(rows, plans, out)
        frame = pd.DataFrame(list(out.values()), columns=COLUMNS)
        frame["suppressed"] = frame["suppressed"].astype(bool)
        return ReplyActions.validate(frame)

    # --- each side effect ---------------------------------------------------------------------------------

    def _soft_bounces(self, rows: list[dict[str, Any]], plans: dict[Any, Plan]) -> None:
        """Count each soft bounce once (by activity id) and turn the one that reaches
        `soft_bounces_to_suppress` for its address within the window into a suppression."""
        soft = [r for r in rows if plans[r["activity_id"]].action == "soft_bounce" and r.get("email")]
        if not soft:
            return
        self.store.actions.record_many(
            SOFT_BOUNCE_KIND,
            {
                r["activity_id"]: (
                    "counted",
                    {"email": str(r["email"]).lower(), "at": pd.Timestamp(r["created_at"]).isoformat()},
                )
                for r in soft
            },
            partition=self.partition,
        )
        window = timedelta(days=self.settings.soft_bounce_window_days)
        # A soft bounce is recorded after it happened, so anything inside the window of the earliest bounce
        # here was recorded since that bounce's window began: older rows need not be read.
        earliest = min(pd.Timestamp(r["created_at"]) for r in soft).to_pydatetime()
        seen = self.store.actions.entries(SOFT_BOUNCE_KIND, since=earliest - window)
        by_email: dict[str, list[tuple[pd.Timestamp, str]]] = {}
        for key, detail in zip(seen["key"], seen["detail"], strict=True):
            by_email.setdefault(detail["email"], []).append((pd.Timestamp(detail["at"]), key))
        for r in soft:
            at = pd.Timestamp(r["created_at"])
            earlier = {
                key for when, key in by_email.get(str(r["email"]).lower(), []) if at - window <= when <= at
            }
            if len(earlier) >= self.settings.soft_bounces_to_suppress:
                plans[r["activity_id"]] = Plan(
                    "suppress",
                    suppress=True,
                    lemlist_call="unsubscribe",
                    detail=f"{len(earlier)} soft bounces within {window.days} days",
                )

    @staticmethod
    def _start_row(row: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
        return {
            "activity_id": row["activity_id"],
            "email": row.get("email"),
            "label": row["label"],
            "action": plan.action,
            "status": "done" if plan.action in ("none",) else "skipped",
            "detail": plan.detail,
            "suppressed": False,
            "hubspot_contact_id": None,
            "hubspot_task_id": None,
            "owner_id": None,
            "lead_status": None,
            "lemlist_call": None,
            "referral_email": row.get("referral_email"),
            "return_date": row.get("return_date"),
        }

    def _suppress(
        self, rows: list[dict[str, Any]], plans: Mapping[str, Plan], out: dict[str, dict[str, Any]]
    ) -> None:
        entries = [
            {
                "kind": "email",
                "value": r["email"],
                "reason": "bounce_soft_repeated" if r["label"] == "bounce_soft" else r["label"],
                "source": suppression_source(r["type"]),
                "at": pd.Timestamp(r["created_at"]).to_pydatetime(),
            }
            for r in rows
            if plans[r["activity_id"]].suppress and r.get("email")
        ]
        # Idempotent: an address already on the list keeps its first date (and an erased one stays erased).
        self.store.suppression.add_many(entries)
        for r in rows:
            if plans[r["activity_id"]].suppress and r.get("email"):
                row = out[r["activity_id"]]
                row.update(suppressed=True, status="done")
                row["detail"] = (
                    f"suppressed ({plans[r['activity_id']].detail})"
                    if r["label"] == "bounce_soft"
                    else f"suppressed ({r['label']})"
                )

    def _lemlist(
        self, rows: list[dict[str, Any]], plans: Mapping[str, Plan], out: dict[str, dict[str, Any]]
    ) -> None:
        todo = [r for r in rows if plans[r["activity_id"]].lemlist_call and r.get("email")]
        done = self.store.actions.get_many(LEMLIST_KIND, [r["activity_id"] for r in todo])
        pending: list[dict[str, Any]] = []
        for r in todo:
            out[r["activity_id"]]["lemlist_call"] = plans[r["activity_id"]].lemlist_call
            if r["activity_id"] in done and done[r["activity_id"]].status == "done":
                if plans[r["activity_id"]].lemlist_call == "pause":
                    out[r["activity_id"]]["status"] = "already_done"
                continue
            pending.append(r)
        unsubscribes = [r for r in pending if plans[r["activity_id"]].lemlist_call == "unsubscribe"]
        if len(unsubscribes) > 1 and self._bulk_unsubscribe(unsubscribes):
            pending = [r for r in pending if plans[r["activity_id"]].lemlist_call != "unsubscribe"]
        marks = [r for r in pending if plans[r["activity_id"]].lemlist_call not in IDEMPOTENT_CALLS]
        # A mark is an activity in lemlist, not idempotent: an earlier attempt that sent it and crashed, or
        # lost the answer, left an intent; the lead's state in lemlist tells whether it was taken.
        unsure = {r["activity_id"] for r in marks if r["activity_id"] in done}
        taken = self._marks_taken([r for r in marks if r["activity_id"] in unsure], plans)
        self.store.actions.record_many(
            LEMLIST_KIND,
            {
                **{
                    r["activity_id"]: ("intended", {"call": plans[r["activity_id"]].lemlist_call})
                    for r in marks
                    if r["activity_id"] not in taken
                },
                **{key: ("done", {"call": plans[key].lemlist_call, "found": True}) for key in taken},
            },
            partition=self.partition,
        )
        pending = [r for r in pending if r["activity_id"] not in taken]
        for r in pending:
            call = plans[r["activity_id"]].lemlist_call
            try:
                if call == "unsubscribe":
                    # One address: lemlist's single-value POST (idempotent, so a re-run is harmless).
                    self.lemlist.add_unsubscribe(r["email"])
                elif call == "pause":
                    self._pause(r, out[r["activity_id"]])
                elif call == "interested":
                    self.lemlist.mark_interested(r["email"], campaign_id=r.get("campaign_id"))
                else:
                    self.lemlist.mark_not_interested(r["email"], campaign_id=r.get("campaign_id"))
                self.calls["lemlist"] += 1
            except AuthenticationError:
                raise
            except (NotFoundError, VendorError) as exc:
                # The suppression list already holds the address; lemlist is tried again on the next run.
                row = out[r["activity_id"]]
                row["detail"] = f"{row['detail']}; lemlist {call} failed: {exc}".lstrip("; ")
                row["status"] = "partial" if row["status"] == "done" else "failed"
                self.store.actions.record(
                    LEMLIST_KIND,
                    r["activity_id"],
                    "failed",
                    {"error": str(exc)[:300]},
                    partition=self.partition,
                )
                continue
            self.store.actions.record(
                LEMLIST_KIND, r["activity_id"], "done", {"call": call}, partition=self.partition
            )

    def _pause(self, row: Mapping[str, Any], out: dict[str, Any]) -> None:
        """Pause the lead's sequence in its campaign until the person is back, and remember it so
        `out_of_office_returns` resumes it on that day (pausing twice is harmless in lemlist)."""
        back = resume_on(
            row.get("return_date"),
            pd.Timestamp(row["created_at"]).to_pydatetime(),
            self.settings.out_of_office_days,
        )
        self.lemlist.pause_lead(row["email"], campaign_id=row.get("campaign_id"))
        record_pause(
            self.store,
            email=str(row["email"]),
            campaign_id=row.get("campaign_id"),
            back=back,
            activity_id=str(row["activity_id"]),
            partition=self.partition,
        )
        out.update(status="done", detail=f"out of office: sequence paused until {back.isoformat()}")

    def _marks_taken(self, rows: list[dict[str, Any]], plans: Mapping[str, Plan]) -> set[str]:
        """The activity ids whose interested / not-interested mark lemlist already shows on the lead."""
        wanted = {"interested": "interested", "not_interested": "notInterested"}
        taken: set[str] = set()
        for r in rows:
            state = wanted[str(plans[r["activity_id"]].lemlist_call)]
            entries = self.lemlist.get_lead(r["email"])
            self.calls["lemlist"] += 1
            campaign = r.get("campaign_id")
            if any(
                e.state == state and (not campaign or (e.campaign and e.campaign.id == campaign))
                for e in entries
            ):
                taken.add(r["activity_id"])
        return taken

    def _bulk_unsubscribe(self, rows: list[dict[str, Any]]) -> bool:
        """Several addresses onto lemlist's unsubscribe list in one bulk POST. lemlist answers the bulk call
        with one sentence and no per-value result, so one refused value fails them all: False sends the
        caller back to one call per address, which records each failure on its own row."""
        try:
            self.lemlist.add_unsubscribes([r["email"] for r in rows])
        except AuthenticationError:
            raise
        except VendorError as exc:
            self.log.warning(f"lemlist bulk unsubscribe of {len(rows)} addresses failed ({exc}); one by one")
            return False
        self.calls["lemlist"] += 1
        self.store.actions.record_many(
            LEMLIST_KIND,
            {r["activity_id"]: ("done", {"call": "unsubscribe", "bulk": True}) for r in rows},
            partition=self.partition,
        )
        return True

    def _alerts(
        self, rows: list[dict[str, Any]], plans: Mapping[str, Plan], out: dict[str, dict[str, Any]]
    ) -> None:
        for r in rows:
            if plans[r["activity_id"]].action != "alert":
                continue
            self.alerts += 1
            self.log.warning(
                f"deliverability alert: {r.get('email')} refused by policy ({r.get('smtp_status')}) in "
                f"campaign {r.get('campaign_id')}: {r.get('reason')}"
            )
            self.store.actions.record(
                ALERT_KIND,
                r["activity_id"],
                "raised",
                {
                    "campaign_id": r.get("campaign_id"),
                    "smtp_status": r.get("smtp_status"),
                    "reason": r.get("reason"),
                },
                partition=self.partition,
            )
            out[r["activity_id"]]["status"] = "done"

    def _hubspot(
        self, rows: list[dict[str, Any]], plans: Mapping[str, Plan], out: dict[str, dict[str, Any]]
    ) -> None:
        wanted_status = {
            r["activity_id"]: self.settings.lead_status.get(r["label"])
            for r in rows
            if not r["needs_review"] and r.get("email")
        }
        touching = [
            r
            for r in rows
            if r.get("email") and (plans[r["activity_id"]].task or wanted_status.get(r["activity_id"]))
        ]
        if not touching:
            return
        emails = sorted({r["email"] for r in touching})
        found = self.hubspot.read_contacts(emails, properties=OWNER_PROPERTIES)
        self.calls["hubspot"] += found.calls
        contacts: dict[str, CrmObject] = {c.email.lower(): c for c in found.results if c.email}
        # Contacts HubSpot does not know yet (replies from campaigns the product did not sync) are created,
        # with the status their reply gives them.
        upserts: dict[str, dict[str, str]] = {}
        for r in touching:
            contact = contacts.get(r["email"])
            status = next_lead_status(
                contact.get("hs_lead_status") if contact else None, wanted_status.get(r["activity_id"])
            )
            if contact is None or status:
                props = upserts.setdefault(r["email"], {"email": r["email"]})
                if contact is None:
                    props.update(
                        {
                            k: v
                            for k, v in (("firstname", r.get("first_name")), ("lastname", r.get("last_name")))
                            if v
                        }
                    )
                if status:
                    props["hs_lead_status"] = status
                    out[r["activity_id"]]["lead_status"] = status
        referrals = self._referral_candidates(rows, plans, out)
        upserts.update(referrals)
        if upserts:
            written = self.hubspot.upsert_contacts(list(upserts.values()))
            self.calls["hubspot"] += written.calls
            for record in written.results:
                if record.email:
                    contacts.setdefault(record.email.lower(), record)
            for error in written.errors:
                for r in touching:
                    if r["email"] == (error.id or "").lower():
                        out[r["activity_id"]]["detail"] += (
                            f"; HubSpot contact write failed: {error.message[:200]}"
                        )
        self._tasks(rows, plans, out, contacts)

    def _referral_candidates(
        self, rows: list[dict[str, Any]], plans: Mapping[str, Plan], out: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, str]]:
        refs = [r for r in rows if plans[r["activity_id"]].action == "referral" and r.get("referral_email")]
        blocked = self.store.suppression.lookup([r["referral_email"] for r in refs])
        candidates: dict[str, dict[str, str]] = {}
        for r in refs:
            email = r["referral_email"]
            if email in blocked:
                out[r["activity_id"]]["detail"] = "referred person is on the suppression list: not added"
                continue
            first, _, last = (r.get("referral_name") or "").partition(" ")
            props = {"email": email, "hs_lead_status": "NEW", "lifecyclestage": "lead"}
            if first:
                props["firstname"] = first
            if last:
                props["lastname"] = last
            candidates[email] = props
        return candidates

    def _tasks(
        self,
        rows: list[dict[str, Any]],
        plans: Mapping[str, Plan],
        out: dict[str, dict[str, Any]],
        contacts: Mapping[str, CrmObject],
    ) -> None:
        task_rows = [r for r in rows if plans[r["activity_id"]].task]
        if not task_rows:
            return
        owners = [o.id for o in self.hubspot.list_owners()]
        inputs: dict[str, TaskInput] = {}
        detail: dict[str, dict[str, Any]] = {}
        for r in task_rows:
            row = out[r["activity_id"]]
            contact = contacts.get(r["email"]) if r.get("email") else None
            row["hubspot_contact_id"] = contact.id if contact else None
            owner = pick_owner(
                r.get("email") or r["activity_id"],
                contact.get("hubspot_owner_id") if contact else None,
                self.default_owner,
                owners,
            )
            row["owner_id"] = owner
            inputs[r["activity_id"]] = task_input(
                r, plans[r["activity_id"]], self.settings, owner, row["hubspot_contact_id"]
            )
            detail[r["activity_id"]] = {"owner_id": owner}
        # Recorded before the create and findable by its key after, so a crash or a lost answer right
        # after HubSpot created a task never creates it twice (sales_assets/common/effects.py).
        outcome = create_once(
            self.hubspot,
            self.store,
            kind=TASK_KIND,
            object_type="tasks",
            inputs=inputs,
            partition=self.partition,
            detail=detail,
        )
        self.calls["hubspot"] += outcome.calls
        for key in inputs:
            row = out[key]
            if key in outcome.already:
                row.update(status="already_done", hubspot_task_id=outcome.already[key])
            elif outcome.record_id(key):
                row.update(status="done", hubspot_task_id=outcome.record_id(key))
            elif key in outcome.pending:
                row["status"] = "failed"
                pending = "task pending: an earlier attempt may have created it"
                row["detail"] = f"{row['detail']}; {pending}".lstrip("; ")
            else:
                row["status"] = "failed"
                reason = outcome.failed.get(key, "no result")
                row["detail"] = f"{row['detail']}; task not created: {reason[:200]}".lstrip("; ")
