"""lemlist's activity feed: GET /api/activities, filtered and paged in a stable order."""

from __future__ import annotations

from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import PAGE_MAX, parse_date, text_error
from resources.sandbox.lemlist.engine import LemlistEngine


class ActivityRoutes(LemlistEngine):
    """The activity feed."""

    @route("GET", "/api/activities")
    def list_activities(self, req: SimRequest) -> SimResponse:
        try:
            offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
            lo = parse_date(req.arg("minDate") or req.arg("startDate"))
            hi = parse_date(req.arg("maxDate") or req.arg("endDate"))
        except ValueError as exc:
            return text_error(f"Bad params: {exc}", 400)
        if lo is not None and hi is not None and hi <= lo:
            return text_error("Bad params: maxDate must be greater than minDate", 400)
        self._sync()
        rows = self._activities()
        filters = {"type": req.arg("type"), "campaignId": req.arg("campaignId"), "leadId": req.arg("leadId")}
        for name, value in filters.items():
            if value:
                allowed = set(value.split(","))
                rows = [a for a in rows if a.get(name) in allowed]
        if req.arg("isFirst") in ("true", "false"):
            rows = [a for a in rows if bool(a.get("isFirst")) == (req.arg("isFirst") == "true")]
        if lo is not None:
            rows = [a for a in rows if a["ts"] >= lo]
        if hi is not None:
            rows = [a for a in rows if a["ts"] <= hi]
        # Facts ran out on the order: the legacy v1 "retrieves the last 100 activities" (newest first), but
        # integrations walk `offset += 100` until a page comes back empty, which only gives every activity
        # once if the order is stable while new ones arrive. Ascending createdAt (then _id) is served:
        # new activities land on the last page and never shift the earlier pages.
        page = rows[offset : offset + limit]
        return json_response([self._public_activity(a) for a in page])

    def _public_activity(self, activity: dict[str, Any]) -> dict[str, Any]:
        # `_source` is the simulator's own bookkeeping (which unsubscribe-list source an unsubscribe adds).
        return {k: v for k, v in activity.items() if k not in ("ts", "message", "_source", "_planted")}
