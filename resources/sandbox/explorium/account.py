"""`GET /v1/credits`, `POST /v1/credits/aggregation` and the healthcheck.

What belongs here: the account endpoints. The credit pool itself is in `core.py` (every paid call charges
it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.explorium.core import ExploriumCore
from resources.sandbox.explorium.validation import Errors, Invalid, extra_keys, request_body

#: Longest range per resolution (Explorium's docs: hour at most 7 days, day 60 days, month 2 years).
AGGREGATION_SPAN = {"hour": timedelta(days=7), "day": timedelta(days=60), "month": timedelta(days=731)}


class AccountRoutes(ExploriumCore):
    """Credits and health."""

    @route("GET", "/v1/credits")
    def credits(self, req: SimRequest) -> SimResponse:
        state = self.credits_state()
        return json_response(
            {
                "response_context": self._context(),
                "allocated_credits": state["allocated"],
                "remaining_credits": state["remaining"],
            }
        )

    @route("POST", "/v1/credits/aggregation")
    def credit_aggregation(self, req: SimRequest) -> SimResponse:
        """Credits charged between two ISO times: per endpoint (mode `endpoints`) or per hour, day or month
        (mode `timely`). Explorium types the aggregation items only as objects; the sandbox's are
        `{endpoint, credits}` and `{period, credits}` (see VENDOR_NOTES)."""
        try:
            body, times = _aggregation_request(req)
        except Invalid as exc:
            return self._invalid(exc)
        mode, resolution = body["mode"], body.get("resolution")
        start, end = times["from_date"].timestamp(), times["to_date"].timestamp()
        groups: dict[str, float] = {}
        for at, charge in self.store.billed(self.vendor, start, end):
            if mode == "endpoints":
                group = charge.endpoint.split(" ", 1)[-1]
            else:
                group = _period(datetime.fromtimestamp(at, UTC), str(resolution))
            groups[group] = groups.get(group, 0.0) + charge.credits
        label = "endpoint" if mode == "endpoints" else "period"
        return json_response(
            {
                "response_context": self._context(),
                "from_date": body["from_date"],
                "to_date": body["to_date"],
                "mode": mode,
                **({"resolution": resolution} if resolution else {}),
                "timezone": body.get("timezone") or "UTC",
                "total_credits": _whole(sum(groups.values())),
                "aggregations": [{label: k, "credits": _whole(v)} for k, v in sorted(groups.items())],
            }
        )

    # SPEC puts the healthcheck at the root; clients built on the /v1 base reach it there too.
    @route("GET", "/healthcheck/http")
    @route("GET", "/v1/healthcheck/http")
    def healthcheck(self, req: SimRequest) -> SimResponse:
        # The document types the answer as a JSON string; what the string says is not documented.
        return json_response("OK")


def _aggregation_request(req: SimRequest) -> tuple[dict[str, Any], dict[str, datetime]]:
    """The checked body of `POST /v1/credits/aggregation` and its two times (UTC when no offset is given)."""
    body = request_body(req)
    errors = Errors()
    for name in ("from_date", "to_date", "mode"):
        if name not in body:
            errors.missing(["body", name])
    extra_keys(errors, body, ("request_context", "from_date", "to_date", "mode", "resolution", "timezone"))
    mode, resolution = body.get("mode"), body.get("resolution")
    if mode is not None and mode not in ("timely", "endpoints"):
        errors.enum(["body", "mode"], ["timely", "endpoints"])
    if resolution is not None and resolution not in AGGREGATION_SPAN:
        errors.enum(["body", "resolution"], list(AGGREGATION_SPAN))
    if mode == "timely" and resolution is None:
        errors.missing(["body", "resolution"])
    times: dict[str, datetime] = {}
    for name in ("from_date", "to_date"):
        if name not in body:
            continue
        try:
            moment = datetime.fromisoformat(str(body[name]).replace("Z", "+00:00"))
        except ValueError:
            errors.add(["body", name], "invalid datetime format", "value_error.datetime")
            continue
        times[name] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if len(times) == 2:
        span = AGGREGATION_SPAN[resolution if resolution in AGGREGATION_SPAN else "month"]
        if times["to_date"] < times["from_date"]:
            errors.add(["body", "to_date"], "to_date is before from_date", "value_error")
        elif times["to_date"] - times["from_date"] > span:
            errors.add(["body", "to_date"], f"range longer than {span.days} days", "value_error")
    errors.check()
    return body, times


def _period(moment: datetime, resolution: str) -> str:
    if resolution == "hour":
        return moment.strftime("%Y-%m-%dT%H:00:00+00:00")
    if resolution == "day":
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m")


def _whole(credits: float) -> int | float:
    """Explorium types credit totals as integers; every price is whole, so a sum is too."""
    return int(credits) if float(credits).is_integer() else credits
