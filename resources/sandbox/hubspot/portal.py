"""The base of the HubSpot simulator: the portal (its id and its seed from the world), the hooks of the
shared request pipeline (bearer auth, the 10-second and secondly buckets, their headers and 429 bodies,
HubSpot's error bodies) and the response helpers every API area uses.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from resources.sandbox.app import (
    Bucket,
    BucketState,
    SimRequest,
    SimResponse,
    VendorSimulator,
    json_response,
    new_uuid,
)
from resources.sandbox.hubspot.calculated import apply_calculated
from resources.sandbox.hubspot.errors import _Failure
from resources.sandbox.hubspot.limits import (
    BURST_LIMIT,
    BURST_WINDOW,
    DAILY_LIMIT,
    PUBLIC_KEY,
    PUBLIC_SUBMIT_PREFIX,
    SEARCH_LIMIT,
    _dated,
)
from resources.sandbox.hubspot.schema import (
    ASSOCIATION_LABELS,
    CREATED,
    INVERSE_TYPE,
    MODIFIED,
    OBJECT_TYPES,
    READ_ONLY_TOKEN_PREFIX,
)
from resources.sandbox.hubspot.values import (
    _iso,
)
from resources.sandbox.world import normalize_domain


class HubSpotPortal(VendorSimulator):
    """One HubSpot portal (Professional tier), seeded once per state file from the world: the base every
    API area of the simulator builds on."""

    vendor = "hubspot"

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self.portal_id = 20_000_000 + int(
            hashlib.sha256(f"{self.store.seed}:portal".encode()).hexdigest()[:6], 16
        )
        self._owner_ids = frozenset(o.id for o in self.world.owners)
        # Per thread, what one request has read and may read again (see `HubSpotRecords._property_defs`).
        self._request = threading.local()
        self._seed_portal()

    # --- seeding -------------------------------------------------------------------------------------

    def _seed_portal(self) -> None:
        store, world = self.store, self.world
        with store.transaction():
            if not store.once("hubspot.seed"):
                return
            epoch = store.epoch
            company_ids: dict[str, str] = {}
            by_business: dict[str, str] = {}
            for company in world.crm_companies:
                created = _iso(epoch - timedelta(days=company.created_days_ago))
                props = {
                    "name": company.name,
                    "domain": company.domain,
                    "lifecyclestage": company.lifecyclestage,
                    "hubspot_owner_id": company.owner_id,
                }
                record_id = self._put_new("companies", props, created=created)["id"]
                company_ids.setdefault(normalize_domain(company.domain), record_id)
                if company.business_id:
                    by_business[company.business_id] = record_id
            seen: set[str] = set()
            for contact in world.crm_contacts:
                # Email is unique in HubSpot: a second world contact with the same address is not seeded.
                if contact.email.strip().lower() in seen:
                    continue
                seen.add(contact.email.strip().lower())
                created = _iso(epoch - timedelta(days=contact.created_days_ago))
                props = {
                    "email": contact.email.strip().lower(),
                    "firstname": contact.firstname,
                    "lastname": contact.lastname,
                    "company": contact.company,
                    "jobtitle": contact.jobtitle,
                    "hubspot_owner_id": contact.owner_id,
                    "lifecyclestage": contact.lifecyclestage,
                    "hs_lead_status": contact.hs_lead_status,
                    "hs_email_optout": "true" if contact.email_optout else "false",
                    "hs_sequences_is_enrolled": "true" if contact.in_sequence else "false",
                }
                contact_id = self._put_new("contacts", props, created=created)["id"]
                company_id = None
                person = world.person(contact.prospect_id) if contact.prospect_id else None
                if person is not None:
                    company_id = by_business.get(person.business_id)
                if company_id is None:
                    company_id = company_ids.get(normalize_domain(contact.email))
                if company_id is not None:
                    self._associate("contacts", contact_id, "companies", company_id, 279)
                    self._associate("contacts", contact_id, "companies", company_id, 1)

    def _put_new(
        self, object_type: str, props: Mapping[str, Any], *, created: str | None = None
    ) -> dict[str, Any]:
        """Store a new record; returns it as stored."""
        record_id = str(self.store.next_id("hubspot.object_id", start=10_001))
        stamp = created or _iso(self.store.now())
        properties = {k: v for k, v in props.items() if v is not None}
        apply_calculated(object_type, properties)
        properties.update(
            {"hs_object_id": record_id, CREATED[object_type]: stamp, MODIFIED[object_type]: stamp}
        )
        record = {
            "id": record_id,
            "properties": properties,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        self.store.put(self._ns(object_type), record_id, record, key=self._key(object_type, properties))
        return record

    @staticmethod
    def _ns(object_type: str) -> str:
        return f"hubspot.{object_type}"

    @staticmethod
    def _key(object_type: str, properties: Mapping[str, Any]) -> str | None:
        if object_type == "contacts":
            return (properties.get("email") or "").lower() or None
        if object_type == "companies":
            return normalize_domain(properties.get("domain") or "") or None
        return None

    # --- the association store (seeding writes to it too) ----------------------------------------------

    def _associate(self, from_type: str, from_id: str, to_type: str, to_id: str, type_id: int) -> None:
        """Store an association and its inverse (HubSpot associations are two-way)."""
        for a_type, a_id, b_type, b_id, tid in (
            (from_type, from_id, to_type, to_id, type_id),
            (to_type, to_id, from_type, from_id, INVERSE_TYPE.get(type_id, type_id)),
        ):
            ns, rid = "hubspot.associations", f"{a_type}:{a_id}:{b_type}:{b_id}"
            current = self.store.get(ns, rid) or {
                "fromType": a_type,
                "fromId": a_id,
                "toType": b_type,
                "toId": b_id,
                "types": [],
            }
            if not any(t["typeId"] == tid for t in current["types"]):
                current["types"].append(
                    {"category": "HUBSPOT_DEFINED", "typeId": tid, "label": ASSOCIATION_LABELS.get(tid)}
                )
            self.store.put(ns, rid, current, key=f"{a_type}:{a_id}:{b_type}")

    # --- hooks of the base pipeline --------------------------------------------------------------------

    def api_key(self, req: SimRequest) -> str | None:
        if req.path.startswith(PUBLIC_SUBMIT_PREFIX):
            return PUBLIC_KEY
        auth = req.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        return None

    def unauthorized(self, req: SimRequest) -> SimResponse:
        return self._error(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
            "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        if req.path.startswith(PUBLIC_SUBMIT_PREFIX):
            return []
        # The daily window is rolling here; HubSpot resets it at midnight in the account's time zone.
        daily = Bucket("daily", DAILY_LIMIT, 86_400.0)
        if endpoint.endswith("/search"):
            return [Bucket("secondly", SEARCH_LIMIT, 1.0), daily]
        return [Bucket("ten_secondly", BURST_LIMIT, BURST_WINDOW), daily]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        by_name = {s.bucket.name: s for s in states}
        burst = by_name.get("ten_secondly")
        if burst is None:
            # Search responses carry no X-HubSpot-RateLimit-* headers.
            return {}
        headers = {
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(BURST_WINDOW * 1000)),
            "X-HubSpot-RateLimit-Max": str(BURST_LIMIT),
            "X-HubSpot-RateLimit-Remaining": str(burst.remaining),
        }
        daily = by_name.get("daily")
        if daily is not None:
            headers["X-HubSpot-RateLimit-Daily"] = str(DAILY_LIMIT)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(daily.remaining)
        return headers

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        name = state.bucket.name
        if name == "storm":
            name = "secondly" if req.path.endswith("/search") else "ten_secondly"
        policy, message = {
            "secondly": ("SECONDLY", "You have reached your secondly limit."),
            "daily": ("DAILY", "You have reached your daily limit."),
        }.get(name, ("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."))
        body = {
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": new_uuid(),
            "policyName": policy,
            "category": "RATE_LIMITS",
        }
        # Facts ran out on whether HubSpot sends Retry-After on API 429s; the sandbox sends it (the client
        # copes without). Storm faults keep the test's value; real windows are rounded up to whole seconds.
        wait = f"{retry_after:g}" if state.bucket.name == "storm" else str(max(1, math.ceil(retry_after)))
        return json_response(
            body, 429, {"Retry-After": wait, "X-HubSpot-Correlation-Id": body["correlationId"]}
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        return self._error(status, "INTERNAL_ERROR", "internal error")

    def not_found(self, req: SimRequest) -> SimResponse:
        return self._error(404, "OBJECT_NOT_FOUND", f"No route for {req.method} {req.path}")

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return self._error(400, "VALIDATION_ERROR", f"Invalid input JSON: {error}")

    def handle(self, req: SimRequest) -> SimResponse:
        # `reset` (CLI) forgets the seed while this simulator lives on: a cheap read re-seeds the portal then.
        # "once:<name>" is how SandboxStore.once records a claim.
        if self.store.get_meta("once:hubspot.seed") is None:
            self._seed_portal()
        self._request.defs = {}
        try:
            response = super().handle(req)
        finally:
            self._request.defs = None
        if "X-HubSpot-Correlation-Id" not in response.headers:
            response.headers["X-HubSpot-Correlation-Id"] = new_uuid()
        return response

    # --- response helpers ----------------------------------------------------------------------------------

    def _error(self, status: int, category: str, message: str, **extra: Any) -> SimResponse:
        correlation = new_uuid()
        body = {"status": "error", "message": message, "correlationId": correlation, "category": category}
        body.update({k: v for k, v in extra.items() if v is not None})
        return json_response(body, status, {"X-HubSpot-Correlation-Id": correlation})

    def _batch_body(
        self, results: list[dict[str, Any]], errors: list[dict[str, Any]], started: str
    ) -> dict[str, Any]:
        """A batch answer (`BatchResponse...`): the results, and the per-input errors when there are any."""
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": _iso(self.store.now()),
        }
        if errors:
            body.update(numErrors=len(errors), errors=errors)
        return body

    def _failure_response(self, failure: _Failure) -> SimResponse:
        return self._error(
            failure.status,
            failure.category,
            failure.message,
            subCategory=failure.sub_category,
            errors=failure.errors or None,
            context=failure.context or None,
        )

    @staticmethod
    def _batch_response(
        req: SimRequest, body: dict[str, Any], *, ok: int, dated_ok: int | None = None
    ) -> SimResponse:
        """A batch answer with its per-record errors. v3 and v4 document them on a 207 Multi-Status; the
        2026-09 documents have no 207 and carry `errors[]` and `numErrors` in the success body, so a
        date-versioned call answers `dated_ok` (default `ok`) either way."""
        if _dated(req):
            return json_response(body, ok if dated_ok is None else dated_ok)
        return json_response(body, 207 if body.get("errors") else ok)

    def _object_type(self, raw: str) -> str:
        found = OBJECT_TYPES.get(raw.lower())
        if found is None:
            raise _Failure(400, "VALIDATION_ERROR", f"Unable to infer object type from: {raw}")
        return found

    def _scope_error(self, req: SimRequest, scope: str) -> SimResponse | None:
        """403 MISSING_SCOPES for read-only sandbox tokens on writes."""
        key = self.api_key(req) or ""
        if not key.startswith(READ_ONLY_TOKEN_PREFIX):
            return None
        return self._error(
            403,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required "
            "scopes here: https://developers.hubspot.com/scopes.",
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": [scope]},
                }
            ],
            links={"scopes": "https://developers.hubspot.com/scopes"},
        )

    def _body(self, req: SimRequest) -> dict[str, Any]:
        body = req.json()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: expected an object")
        return body

    def _guarded(self, fn: Callable[[], SimResponse]) -> SimResponse:
        try:
            return fn()
        except _Failure as failure:
            return self._failure_response(failure)
