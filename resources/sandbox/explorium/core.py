"""The core every Explorium area builds on: `ExploriumCore`, a `VendorSimulator` with Explorium's auth,
rate-limit and error hooks, the credit pool (tracked in the store, 403 when it runs out), the success
envelope, and the world views the areas share (visible signals, intent topics, filtered companies and
people).

What belongs here: behaviour more than one area needs. An endpoint belongs in its area's module.
"""

from __future__ import annotations

import functools
import math
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from resources.sandbox.app import (
    Bucket,
    BucketState,
    SimRequest,
    SimResponse,
    Spend,
    VendorSimulator,
    json_response,
)
from resources.sandbox.explorium.filters import Filter
from resources.sandbox.explorium.validation import Invalid
from resources.sandbox.explorium.vocabulary import INTENT_LEVELS, SIGNAL_TOPICS
from resources.sandbox.world import Company, Person, Signal

ACCOUNT_NS = "explorium.account"
DEFAULT_ALLOCATED_CREDITS = 100_000
INSUFFICIENT_CREDITS = (
    "You have insufficient credits to perform this operation. Please purchase additional credits."
)


def present(value: Any) -> Any:
    """A record without its absent values. Explorium's document types these fields as plain strings and
    numbers (not nullable): a value the world does not have is left out, never sent as null."""
    if isinstance(value, dict):
        return {k: present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [present(v) for v in value]
    return value


class ExploriumCore(VendorSimulator):
    """Explorium AgentSource v1 over the sandbox world: what every area mixin shares."""

    vendor = "explorium"
    RATE_LIMIT = Bucket("requests", 200, 60.0)

    # --- hooks ---------------------------------------------------------------------------------------

    def api_key(self, req: SimRequest) -> str | None:
        # SPEC: header `api_key`; DOCS curl writes API_KEY (headers are case-insensitive). Proxies that turn
        # underscores into dashes would send `api-key`, which we accept too.
        return req.headers.get("api_key") or req.headers.get("api-key")

    def unauthorized(self, req: SimRequest) -> SimResponse:
        message = "Invalid API key" if self.api_key(req) else "Missing API key: send it in the api_key header"
        return json_response(
            {
                "response_context": self._context(status="failure"),
                "error": {"code": "UNAUTHORIZED", "message": message},
            },
            401,
        )

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        # One 200/min sliding window per API key, shared by every endpoint.
        return [self.RATE_LIMIT]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        if not states:
            return {}
        state = states[0]
        return {
            "X-RateLimit-Limit": str(state.bucket.limit),
            "X-RateLimit-Remaining": str(max(0, state.remaining)),
            "X-RateLimit-Reset": str(math.ceil(time.time() + state.reset_seconds)),
        }

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        # Body of DOCS rate-limit.mdx; error-handling.mdx shows {"code": 429, ...}. CONFLICT: we chose this.
        seconds = max(1, math.ceil(retry_after))
        return json_response(
            {
                "error": "rate_limit_exceeded",
                "message": f"Rate limit exceeded: at most {self.RATE_LIMIT.limit} requests per minute.",
                "retry_after": seconds,
            },
            429,
            {
                "Retry-After": str(seconds),
                "X-RateLimit-Limit": str(self.RATE_LIMIT.limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(math.ceil(time.time() + retry_after)),
            },
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        details = "Service temporarily unavailable" if status == 503 else "Internal server error"
        return json_response({"details": details, "correlation_id": uuid.uuid4().hex}, status)

    def not_found(self, req: SimRequest) -> SimResponse:
        return json_response({"detail": "Not Found"}, 404)

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return json_response(
            {"detail": [{"loc": ["body", 0], "msg": error, "type": "value_error.jsondecode"}]}, 422
        )

    # --- account -------------------------------------------------------------------------------------

    def credits_state(self) -> dict[str, float]:
        """{allocated, remaining} of the sandbox account (100,000 allocated until set otherwise)."""
        state = self.store.get(ACCOUNT_NS, "credits")
        if state is None:
            state = {"allocated": DEFAULT_ALLOCATED_CREDITS, "remaining": DEFAULT_ALLOCATED_CREDITS}
        return state

    def set_credits(self, remaining: float, allocated: float | None = None) -> None:
        """Set the account's credits (tests use this to run the pool dry)."""
        state = self.credits_state()
        self.store.put(
            ACCOUNT_NS,
            "credits",
            {
                "allocated": allocated if allocated is not None else state["allocated"],
                "remaining": remaining,
            },
        )

    def _charge(self, credits: float) -> bool:
        """Take `credits` from the pool atomically; False (nothing taken) when there are not enough."""
        if credits <= 0:
            return True
        with self.store.transaction():
            state = self.credits_state()
            if state["remaining"] < credits:
                return False
            self.store.put(ACCOUNT_NS, "credits", {**state, "remaining": state["remaining"] - credits})
        return True

    # --- envelope ------------------------------------------------------------------------------------

    def _context(self, *, status: str = "success", started: float | None = None) -> dict[str, Any]:
        took = round(time.perf_counter() - started, 3) if started is not None else 0.0
        return {"correlation_id": uuid.uuid4().hex, "request_status": status, "time_took_in_seconds": took}

    def _ok(
        self,
        req: SimRequest,
        payload: dict[str, Any],
        *,
        started: float,
        hits: int,
        credits: float = 0.0,
        billed: int = 0,
    ) -> SimResponse:
        """A success: charge the pool (403 if it cannot pay), wrap the envelope, report the spend."""
        if not self._charge(credits):
            return json_response({"details": INSUFFICIENT_CREDITS, "correlation_id": uuid.uuid4().hex}, 403)
        body = {
            "response_context": self._context(status="success" if hits else "miss", started=started),
            **payload,
        }
        if (req.headers.get("credit-usage") or "").strip().lower() == "true":
            body["credit_usage"] = {"total_credits": credits, "total_results": billed}
        return json_response(body, spend=Spend(credits=credits))

    @staticmethod
    def _invalid(exc: Invalid) -> SimResponse:
        return json_response({"detail": exc.errors}, 422)

    # --- world views ---------------------------------------------------------------------------------

    def _occurred(self, signal: Signal) -> datetime:
        return self.store.epoch - timedelta(days=signal.offset_days)

    def _visible_signals(self, company: Company, now: datetime, days: int | None = None) -> list[Signal]:
        """Signals that have happened (no later than now), within the last `days` when given."""
        start = now - timedelta(days=days) if days is not None else None
        out = []
        for signal in company.signals:
            when = self._occurred(signal)
            if when <= now and (start is None or when >= start):
                out.append(signal)
        return out

    def _has_recent_event(self, company: Company, arg: tuple[set[str], int], now: datetime) -> bool:
        names, days = arg
        return any(s.event_name in names for s in self._visible_signals(company, now, days))

    def _intent_topics(self, company: Company, now: datetime) -> list[dict[str, str]]:
        """Topics from the last 90 days of signals; the fresher the signal, the stronger the intent."""
        strength: dict[str, int] = {}
        for signal in self._visible_signals(company, now, 90):
            age = (now - self._occurred(signal)).days
            level = 2 if age <= 30 else 1 if age <= 60 else 0
            for topic in SIGNAL_TOPICS.get(signal.kind, ()):
                strength[topic] = max(level, strength.get(topic, 0))
        return [{"topic": t, "topic_intent_level": INTENT_LEVELS[lvl]} for t, lvl in sorted(strength.items())]

    def _has_intent(self, company: Company, arg: tuple[set[str], str | None], now: datetime) -> bool:
        wanted, level = arg
        floor = INTENT_LEVELS.index(level) if level else 0
        return any(
            t["topic"].lower() in wanted and INTENT_LEVELS.index(t["topic_intent_level"]) >= floor
            for t in self._intent_topics(company, now)
        )

    @functools.cached_property
    def _person_index(self) -> dict[str, int]:
        return {p.prospect_id: i for i, p in enumerate(self.world.people)}

    def _matching_companies(self, filters: list[Filter], exclude: set[str]) -> list[Company]:
        return [
            c for c in self.world.companies if c.business_id not in exclude and all(f(c) for f in filters)
        ]

    def _matching_people(self, filters: list[Filter], exclude: set[str]) -> list[tuple[Person, Company]]:
        people: Iterable[Person] = self.world.people
        by_id = next((f for f in filters if f.name == "business_id" and not f.negate), None)
        if by_id is not None:
            # Narrow to the named companies first, then restore world order.
            found = [p for bid in dict.fromkeys(by_id.arg) for p in self.world.people_at(bid)]
            people = sorted(found, key=lambda p: self._person_index[p.prospect_id])
        out = []
        for p in people:
            if p.prospect_id in exclude:
                continue
            company = self.world.company(p.business_id)
            if company is None:
                continue
            pair = (p, company)
            if all(f(pair) for f in filters):
                out.append(pair)
        return out
