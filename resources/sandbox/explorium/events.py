"""`POST /v1/businesses/events`: the world's signals as Explorium business events.

What belongs here: the events endpoint and the event record.
"""

from __future__ import annotations

import time
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, route
from resources.sandbox.explorium.core import ExploriumCore
from resources.sandbox.explorium.validation import (
    BUSINESS_ID,
    MAX_EVENT_IDS,
    Errors,
    Invalid,
    extra_keys,
    parse_time,
    request_body,
    str_list,
)
from resources.sandbox.explorium.vocabulary import BUSINESS_EVENTS
from resources.sandbox.world import Company, Signal


class EventRoutes(ExploriumCore):
    """Business events."""

    def _event(self, company: Company, signal: Signal) -> dict[str, Any]:
        occurred = self._occurred(signal)
        day = occurred.date().isoformat()
        data: dict[str, Any] = {"event_name": signal.event_name, **signal.data}
        if signal.event_name == "new_funding_round":
            data.setdefault("founding_date", day)  # "founding", as the DOCS print it
        elif signal.event_name.startswith("hiring_in_"):
            data.setdefault(
                "department", signal.event_name.removeprefix("hiring_in_").removesuffix("_department")
            )
        return {
            "event_name": signal.event_name,
            "event_time": occurred.isoformat(),
            "event_id": signal.event_id,
            "data": data,
            "business_id": company.business_id,
        }

    @route("POST", "/v1/businesses/events")
    def business_events(self, req: SimRequest) -> SimResponse:
        started = time.perf_counter()
        try:
            body = request_body(req)
            errors = Errors()
            extra_keys(
                errors,
                body,
                ("event_types", "business_ids", "timestamp_from", "timestamp_to", "request_context"),
            )
            if "event_types" not in body:
                errors.missing(["body", "event_types"])
            types = str_list(errors, body.get("event_types", []), ["body", "event_types"], min_items=1)
            for i, t in enumerate(types):
                if t not in BUSINESS_EVENTS:
                    errors.enum(["body", "event_types", i], BUSINESS_EVENTS)
            if "business_ids" not in body:
                errors.missing(["body", "business_ids"])
            ids = str_list(
                errors,
                body.get("business_ids", []),
                ["body", "business_ids"],
                min_items=1,
                max_items=MAX_EVENT_IDS,
                pattern=BUSINESS_ID,
            )
            since = parse_time(errors, body.get("timestamp_from"), ["body", "timestamp_from"], end=False)
            until = parse_time(errors, body.get("timestamp_to"), ["body", "timestamp_to"], end=True)
            errors.check()
        except Invalid as exc:
            return self._invalid(exc)
        wanted = {"company_award" if t == "award" else t for t in types}
        now = self.store.now()
        out = []
        for bid in dict.fromkeys(ids):
            company = self.world.company(bid)
            if company is None:
                continue
            for signal in self._visible_signals(company, now):
                when = self._occurred(signal)
                if signal.event_name not in wanted:
                    continue
                if (since is not None and when < since) or (until is not None and when > until):
                    continue
                out.append(self._event(company, signal))
        # Facts ran out on the price of events: free here.
        return self._ok(req, {"output_events": out}, started=started, hits=len(out))
