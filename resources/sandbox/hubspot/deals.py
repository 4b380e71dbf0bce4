"""Deals beyond the generic object routes: the pipelines endpoint (HubSpot's default sales pipeline) and the
deal engine, which plays the meetings of the planted outcomes (`resources.sandbox.meetings`) into the portal
on the sandbox clock, as a sales rep would.

What a rep does, step by step, for a contact the pipeline synced to HubSpot and enrolled in lemlist:

- meeting booked: the contact's `hs_lead_status` becomes CONNECTED, its lifecycle stage at least
  `salesqualifiedlead`, and `engagements_last_meeting_booked` (HubSpot's "last meeting booked") its time;
- deal opened (after the meeting): a deal in `qualifiedtobuy`, associated with the contact and its company,
  with the expected close date and amount; the contact becomes OPEN_DEAL and an `opportunity`;
- the deal moves through the stages and closes `closedwon` (contact and company become `customer`) or
  `closedlost` (the contact's lead status becomes BAD_TIMING).

A meeting whose contact is not (yet) in HubSpot waits for it. Lifecycle stages only move forward, as HubSpot
moves them.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response
from resources.sandbox.hubspot.errors import _Failure
from resources.sandbox.hubspot.limits import crm_route
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import DEAL_STAGES, LIFECYCLE_OPTIONS
from resources.sandbox.hubspot.values import _iso
from resources.sandbox.meetings import MEETINGS, NEXT_DUE

#: When the default pipeline "was created": a fixed date, so its answer is the same in every state file.
_PIPELINE_CREATED = "2020-01-01T00:00:00.000Z"
#: Facts ran out on the lemlist engine's next-due meta name being shared: it is lemlist/common.py's NEXT_DUE.
_LEMLIST_NEXT_DUE = "lemlist:next_due"
_LEMLIST_SYNCED = "outcomes:lemlist_synced_at"
_LEMLIST_SYNC_EVERY = 60.0
#: A meeting waiting for its contact to reach HubSpot is looked at again this much sandbox time later.
_WAIT_FOR_CONTACT = 3600.0
#: The lifecycle ranks the deal engine moves forward through (evangelist/other are never moved from).
_LIFECYCLE_RANK = {stage: i for i, stage in enumerate(LIFECYCLE_OPTIONS[:6])}


def default_pipeline() -> dict[str, Any]:
    """HubSpot's default sales pipeline in the pipelines API's shape."""
    stages = [
        {
            "label": label,
            "displayOrder": order,
            "metadata": {
                "isClosed": "true" if stage in ("closedwon", "closedlost") else "false",
                "probability": f"{probability:.1f}",
            },
            "id": stage,
            "createdAt": _PIPELINE_CREATED,
            "updatedAt": _PIPELINE_CREATED,
            "archived": False,
            "writePermissions": "CRUD_ALL",
        }
        for order, (stage, label, probability) in enumerate(DEAL_STAGES)
    ]
    return {
        "label": "Sales Pipeline",
        "displayOrder": 0,
        "id": "default",
        "stages": stages,
        "createdAt": _PIPELINE_CREATED,
        "updatedAt": _PIPELINE_CREATED,
        "archived": False,
    }


def _at(ts: float) -> str:
    return _iso(datetime.fromtimestamp(ts, UTC))


def _steps(meeting: dict[str, Any]) -> list[tuple[str, float]]:
    """The rep's steps for one meeting, in order, with when each falls."""
    steps = [("meeting", float(meeting["meeting_at"]))]
    deal_at, closed_at = meeting.get("deal_at"), meeting.get("closed_at")
    if deal_at is None or closed_at is None:
        return steps
    span = float(closed_at) - float(deal_at)
    steps += [("qualifiedtobuy", float(deal_at)), ("presentationscheduled", float(deal_at) + span / 3)]
    if meeting.get("won"):
        steps += [
            ("decisionmakerboughtin", float(deal_at) + span * 0.6),
            ("contractsent", float(deal_at) + span * 0.8),
            ("closedwon", float(closed_at)),
        ]
    else:
        steps.append(("closedlost", float(closed_at)))
    return steps


class DealsApi(HubSpotRecords):
    """`GET /crm/v3/pipelines/{objectType}` (and its date-versioned path) and the deal engine. The single
    pipeline route (`.../{pipelineId}`) is not served: nothing reads it."""

    _deal_lock = threading.Lock()

    @crm_route("GET", "pipelines", "/{objectType}")
    def list_pipelines(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            self._check_pipelines(objectType)
            return json_response({"results": [default_pipeline()]})

        return self._guarded(run)

    def _check_pipelines(self, raw: str) -> None:
        # Facts ran out on HubSpot's answer for an object type without pipelines (contacts, say): a 400.
        if self._object_type(raw) != "deals":
            raise _Failure(400, "VALIDATION_ERROR", f"Pipelines are not supported for object type {raw}")

    # --- the deal engine -----------------------------------------------------------------------------

    def handle(self, req: SimRequest) -> SimResponse:
        if self.store.get_meta("once:hubspot.seed") is not None:
            self._sync_deals()
        return super().handle(req)

    def _sync_deals(self) -> None:
        """Play every due step of every stored meeting (idempotent, any process)."""
        store = self.store
        now = store.timestamp()
        lemlist_due = store.get_meta(_LEMLIST_NEXT_DUE)
        synced = float(store.get_meta(_LEMLIST_SYNCED, "0") or 0)
        if lemlist_due is not None and float(lemlist_due) <= now and now - synced >= _LEMLIST_SYNC_EVERY:
            # Replies (and so meetings) are recorded when the lemlist engine emits them: bring it up to date,
            # at most once a sandbox minute (it reads every lead; a CRM sync sends thousands of requests).
            store.set_meta(_LEMLIST_SYNCED, repr(now))
            lemlist: Any = self.sandbox.simulator("lemlist")
            lemlist._sync()
        if now < float(store.get_meta(NEXT_DUE, "inf") or math.inf):
            return
        with self._deal_lock, store.transaction():
            now = store.timestamp()
            next_due = math.inf
            for meeting in store.all(MEETINGS):
                pending = self._play(meeting, now)
                if pending is not None:
                    next_due = min(next_due, pending)
            store.set_meta(NEXT_DUE, repr(next_due))

    def _play(self, meeting: dict[str, Any], now: float) -> float | None:
        """Apply the meeting's due steps; return when the next one is due (None: all done)."""
        done = set(meeting["done"])
        pending: float | None = None
        for name, ts in _steps(meeting):
            if name in done:
                continue
            if ts > now:
                pending = ts
                break
            contact = self._find_by("contacts", "email", meeting["email"])
            if contact is None:
                pending = now + _WAIT_FOR_CONTACT
                break
            self._step(meeting, name, ts, contact)
            meeting["done"].append(name)
        self.store.put(MEETINGS, meeting["id"], meeting, key=meeting["email"])
        return pending

    def _step(self, meeting: dict[str, Any], name: str, ts: float, contact: dict[str, Any]) -> None:
        if name == "meeting":
            self._advance(contact, "salesqualifiedlead", "CONNECTED", booked=_at(ts))
            return
        if name == "qualifiedtobuy":
            meeting["deal_id"] = self._open_deal(meeting, ts, contact)
            self._advance(contact, "opportunity", "OPEN_DEAL")
            return
        deal = self._find_by("deals", None, str(meeting.get("deal_id") or ""))
        if deal is None:
            # The deal was archived through the API: the rep has nothing left to move.
            return
        props: dict[str, str | None] = {"dealstage": name}
        if name in ("closedwon", "closedlost"):
            props["closedate"] = _at(ts)
        self._write("deals", deal, props)
        if name == "closedwon":
            self._advance(contact, "customer", None)
            for company in self._companies_of(contact["id"]):
                self._advance(company, "customer", None, object_type="companies")
        elif name == "closedlost":
            self._advance(contact, None, "BAD_TIMING")

    def _open_deal(self, meeting: dict[str, Any], ts: float, contact: dict[str, Any]) -> str:
        companies = self._companies_of(contact["id"])
        props = contact["properties"]
        company_name = (companies[0]["properties"].get("name") if companies else None) or props.get("company")
        who = company_name or " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
        deal = self._put_new(
            "deals",
            {
                "dealname": f"{who or meeting['email']} - New Business",
                "dealstage": "qualifiedtobuy",
                "pipeline": "default",
                "amount": str(meeting["amount"]) if meeting.get("amount") is not None else None,
                "closedate": _at(float(meeting["closed_at"])),
                "hubspot_owner_id": props.get("hubspot_owner_id"),
            },
            created=_at(ts),
        )
        self._associate("deals", deal["id"], "contacts", contact["id"], 3)
        for company in companies:
            self._associate("deals", deal["id"], "companies", company["id"], 341)
        return str(deal["id"])

    def _companies_of(self, contact_id: str) -> list[dict[str, Any]]:
        rows = self.store.find("hubspot.associations", f"contacts:{contact_id}:companies")
        found = (self._find_by("companies", None, str(row["toId"])) for row in rows)
        return [company for company in found if company is not None]

    def _advance(
        self,
        record: dict[str, Any],
        lifecycle: str | None,
        lead_status: str | None,
        *,
        object_type: str = "contacts",
        booked: str | None = None,
    ) -> None:
        props: dict[str, str | None] = {}
        if booked is not None:
            props["engagements_last_meeting_booked"] = booked
        current = record["properties"].get("lifecyclestage")
        rank = _LIFECYCLE_RANK.get(current or "", -1)
        movable = current in (None, "", *_LIFECYCLE_RANK)
        if lifecycle is not None and movable and rank < _LIFECYCLE_RANK[lifecycle]:
            props["lifecyclestage"] = lifecycle
        if lead_status is not None:
            props["hs_lead_status"] = lead_status
        if props:
            self._write(object_type, record, props)
