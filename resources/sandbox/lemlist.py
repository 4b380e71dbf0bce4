"""The lemlist API simulator (paths under `/api`, as on https://api.lemlist.com/api).

What belongs here: lemlist's paths, payloads, text/plain error bodies, Basic auth with an empty user, the
20-requests-per-2-seconds limit with its headers on every response, and the campaign engine that turns
leads in running campaigns into activities over sandbox time (sends, opens, clicks, replies, bounces,
unsubscribes, spam complaints as unsubscribes of source `abuse`) from `resources.sandbox.engagement`.
Facts: /work/shared/reference/lemlist.md.

Routes: GET /api/team; GET|POST /api/campaigns; GET /api/campaigns/{id}; POST /api/campaigns/{id}/start|pause;
GET|POST /api/campaigns/{id}/leads/; POST|PATCH|DELETE /api/campaigns/{id}/leads/{leadIdOrEmail};
POST /api/campaigns/{id}/leads/{leadIdOrEmail}/interested|notinterested; GET /api/leads/{email};
GET /api/leads?email=|id=; POST /api/leads/pause|start|interested|notinterested/{leadIdOrEmail};
GET /api/activities; GET|POST /api/v2/unsubscribes/variables;
GET|POST|DELETE /api/v2/unsubscribes/variables/{value};
GET|POST|DELETE /api/v2/unsubscribes/contacts/{contactId};
GET /api/v2/unsubscribes/exports/variables|contacts (CSV). The legacy unsubscribe routes are retired (404).
GET /api/v2/campaigns/{id}/stats; POST /api/v2/campaigns/stats/batch; GET /api/inbox/{contactId}.

How time works: nothing is "sent" when a lead is added. Each lead has a plan computed from the campaign's
running intervals, the lead's pauses and the engagement outcome of its email; events of the plan become
activities once the sandbox clock passes them (`_sync`, run before every read). A campaign that is not
running at a planned send time defers the send to its next running interval; if it never runs again, the
send never happens. Replies and opens of an email already sent still arrive while a campaign is paused.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import math
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from resources.sandbox.app import (
    Bucket,
    BucketState,
    SimRequest,
    SimResponse,
    VendorSimulator,
    json_response,
    route,
    text_response,
)
from resources.sandbox.engagement import engagement_for

LIMIT = 20
WINDOW_SECONDS = 2.0
PAGE_MAX = 100
CAMPAIGN_LEADS_MAX = 500
STATS_BATCH_MAX = 100
UNSUB_BULK_MAX = 10_000
#: Unsubscribe sources that cannot be re-subscribed through the API (documented: LEAD and ABUSE).
PROTECTED_SOURCES = ("lead", "abuse")
FOLLOW_UP_DAYS = 3
SEQUENCE_STEPS = 2

CAMPAIGNS = "lemlist.campaigns"
LEADS = "lemlist.leads"
ACTIVITIES = "lemlist.activities"
UNSUBSCRIBES = "lemlist.unsubscribes"
#: Contacts marked do-not-contact through `/v2/unsubscribes/contacts/{contactId}`.
CONTACTS = "lemlist.contacts"
NEXT_DUE = "lemlist:next_due"

#: Lead states by progress; a lead shows the furthest one it reached (`emailsBounced` etc. override).
_PROGRESS = {
    "emailsSent": "contacted",
    "emailsOpened": "hooked",
    "emailsClicked": "attracted",
    "emailsReplied": "warmed",
}
_RANK = {"imported": 0, "contacted": 1, "hooked": 2, "attracted": 3, "warmed": 4}
_FINAL = {
    "emailsBounced": "emailsBounced",
    "emailsUnsubscribed": "emailsUnsubscribed",
    "manualInterested": "interested",
    "manualNotInterested": "notInterested",
}

_BAD_NAME = "Bad params: name is required"
#: Contact ids: `ctc_...` everywhere in lemlist's document, `con_...` in the unsubscribe-contacts examples.
_CONTACT_ID = re.compile(r"^(?:ctc|con)_[A-Za-z0-9]+$")

#: (time, key, activity type, extra fields) of one planned event of a lead.
Event = tuple[float, str, str, dict[str, Any]]
_REVIEW_CONDITIONS = {"deliverable", "risky", "undeliverable", "unverified"}


def _h(*parts: object, n: int = 17) -> str:
    """A deterministic lemlist-looking id body (base62-ish from a hash)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    alphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
    value = int.from_bytes(digest, "big")
    out = []
    for _ in range(n):
        value, r = divmod(value, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def _frac(*parts: object) -> float:
    """A deterministic number in [0, 1)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_date(value: str | None) -> float | None:
    """ISO 8601 or unix seconds (lemlist accepts both for minDate/maxDate); raises ValueError."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def js_date(ts: float) -> str:
    """JavaScript's `Date.toString()` in UTC, the format of lemlist's `X-RateLimit-Reset`."""
    stamp = datetime.fromtimestamp(ts, UTC).strftime("%a %b %d %Y %H:%M:%S")
    return f"{stamp} GMT+0000 (Coordinated Universal Time)"


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> SimResponse:
    """lemlist's errors are mostly plain-text sentences."""
    return text_response(message, status, headers)


class LemlistSimulator(VendorSimulator):
    """lemlist, as the pipeline uses it: one team, campaigns, leads, activities over time, unsubscribes."""

    vendor: ClassVar[str] = "lemlist"

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self._local = threading.local()
        seed = self.store.seed
        owner = self.world.owners[0] if self.world.owners else None
        self.team_id = f"tea_{_h(seed, 'team')}"
        self.user_id = f"usr_{_h(seed, 'user')}"
        self.mailbox_id = f"usm_{_h(seed, 'mailbox')}"
        self.sender_email = owner.email if owner else "alex.martin@relaypoint.io"
        self.sender_name = f"{owner.first_name} {owner.last_name}" if owner else "Alex Martin"
        self._sync_lock = threading.Lock()

    # --- pipeline hooks -----------------------------------------------------------------------------

    def handle(self, req: SimRequest) -> SimResponse:
        # Headers for responses that never reach the limiter (401s, faults, unknown routes).
        now = time.time()
        self._local.limit_headers = {
            "retry-after": str(int(WINDOW_SECONDS)),
            "x-ratelimit-limit": str(LIMIT),
            "x-ratelimit-remaining": str(LIMIT),
            "x-ratelimit-reset": js_date(now + WINDOW_SECONDS),
        }
        return super().handle(req)

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        found = super().match(method, path)
        if found is None:
            return None
        pattern, attr, params = found
        # The socket server passes raw paths; emails arrive as `a%40b.com`.
        return pattern, attr, {k: unquote(v) for k, v in params.items()}

    def api_key(self, req: SimRequest) -> str | None:
        # Basic auth with an empty user name and the key as password; the legacy `?access_token=` is also
        # accepted (facts ran out: the current docs no longer mention it, the old ones did).
        auth = req.headers.get("authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return ""
            _, _, password = decoded.partition(":")
            return password
        if auth:
            return ""  # Bearer and the like: refused, lemlist wants Basic.
        return req.arg("access_token")

    def unauthorized(self, req: SimRequest) -> SimResponse:
        if self.api_key(req) is None:
            return _text("No API key provided", 400)
        return _text("The authentication you supplied is incorrect", 401)

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        return [Bucket("api", LIMIT, WINDOW_SECONDS)]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        if not states:
            return {}
        state = states[0]
        headers = {
            "retry-after": str(max(1, math.ceil(state.reset_seconds))),
            "x-ratelimit-limit": str(state.bucket.limit),
            "x-ratelimit-remaining": str(state.remaining),
            "x-ratelimit-reset": js_date(time.time() + state.reset_seconds),
        }
        self._local.limit_headers = headers
        return headers

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        # Facts ran out on the 429 body: the legacy error table's wording, as text/plain.
        headers = {
            "retry-after": str(max(1, math.ceil(retry_after))),
            "x-ratelimit-limit": str(LIMIT),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": js_date(time.time() + retry_after),
        }
        self._local.limit_headers = headers
        return _text("Too Many Requests", 429, headers)

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        return _text("Internal Server Error" if status == 500 else "Service Unavailable", status)

    def not_found(self, req: SimRequest) -> SimResponse:
        return _text("Not Found", 404)

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return _text("Bad params: body must be JSON", 406)

    def extra_headers(self, req: SimRequest) -> dict[str, str]:
        return dict(getattr(self._local, "limit_headers", {}))

    # --- team ---------------------------------------------------------------------------------------

    @route("GET", "/api/team")
    def get_team(self, req: SimRequest) -> SimResponse:
        team: dict[str, Any] = {
            "_id": self.team_id,
            "name": "Relaypoint (sandbox)",
            "userIds": [self.user_id],
            "createdBy": self.user_id,
            "createdAt": self.store.epoch.replace(year=self.store.epoch.year - 1).isoformat(),
            "hooks": [],
            "beta": [],
            "invitedUsers": [],
            # No custom tracking domain: left out, since the document types customDomain as a plain string.
        }
        if req.arg("version") == "v2":
            team["users"] = [
                {
                    "userId": self.user_id,
                    "name": self.sender_name,
                    "email": self.sender_email,
                    "role": "admin",
                }
            ]
        return json_response(team)

    # --- campaigns ----------------------------------------------------------------------------------

    @route("GET", "/api/campaigns")
    def list_campaigns(self, req: SimRequest) -> SimResponse:
        self._seed()
        offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
        # Facts: `version` defaults to v2, which pages by `page`; `offset` is documented as well. `page`
        # (1-based) wins when sent, `offset` serves callers that send no page. Facts ran out on a page below
        # 1 or not a number: refused like lemlist's other bad parameters.
        page = req.arg("page")
        if page:
            try:
                number = int(page)
            except ValueError:
                number = 0
            if number < 1:
                return _text("Bad params: page must be a positive integer", 400)
            offset = (number - 1) * limit
        rows = self.store.all(CAMPAIGNS)
        status = req.arg("status")
        if status:
            rows = [c for c in rows if c["status"] == status]
        if req.arg("createdBy"):
            rows = [c for c in rows if c["createdBy"] == req.arg("createdBy")]
        rows.sort(key=lambda c: (c["createdAt"], c["_id"]), reverse=req.arg("sortOrder") == "desc")
        # Facts ran out: n8n reads a `totalPage` and a third-party doc shows `{campaigns, pagination}` for
        # version=v2, while lemlist's document shows a bare array. The document's bare array is served for
        # every version; the client reads both shapes.
        return json_response([self._campaign_summary(c) for c in rows[offset : offset + limit]])

    @route("POST", "/api/campaigns")
    def create_campaign(self, req: SimRequest) -> SimResponse:
        self._seed()
        body = req.json() or {}
        if not isinstance(body, dict) or not str(body.get("name") or "").strip():
            return _text(_BAD_NAME, 400)
        timezone = body.get("timezone") or "Europe/Paris"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return _text(f"Bad params: unknown timezone {timezone}", 400)
        conditions = body.get("autoReviewConditions") or []
        if not isinstance(conditions, list) or set(conditions) - _REVIEW_CONDITIONS:
            allowed = ", ".join(sorted(_REVIEW_CONDITIONS))
            return _text(f"Bad params: autoReviewConditions must be among {allowed}", 400)
        campaign = self._new_campaign(str(body["name"]).strip(), timezone, self.store.timestamp())
        campaign["autoReview"] = bool(body.get("autoReview", False))
        self.store.put(CAMPAIGNS, campaign["_id"], campaign)
        # The spec's create example shows state "running"; in the product a new campaign sends nothing
        # until it is launched with senders and a sequence, so here it starts as a draft until
        # POST /campaigns/{id}/start. The pipeline's own flow (create, add leads, start) relies on that.
        return json_response(
            {
                "_id": campaign["_id"],
                "name": campaign["name"],
                "sequenceId": campaign["sequenceId"],
                "scheduleIds": [campaign["scheduleId"]],
                "teamId": self.team_id,
                "createdBy": self.user_id,
                "createdAt": campaign["createdAt"],
                "state": campaign["status"],
                "status": campaign["status"],
                "timezone": timezone,
                "scannedCount": 0,
                "reviewedCount": 0,
                "inSequenceLeadCount": 0,
                "variableKeys": [],
                "senders": [self.user_id],
                "sendUsers": [{"userId": self.user_id, "mailboxId": self.mailbox_id}],
                # No `emoji` key: the document types it as a string (not nullable) and a campaign created
                # without one has none.
                "stopOnEmailReplied": True,
                "unsubscribe": "campaign",
                "autoReview": campaign["autoReview"],
                "labels": [],
            }
        )

    @route("GET", "/api/campaigns/{campaignId}")
    def get_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        campaign = self._campaign(campaignId)
        if campaign is None:
            return _text("Campaign not found", 404)
        return json_response(
            {
                **self._campaign_summary(campaign),
                "creator": {"userId": self.user_id, "userEmail": self.sender_email},
                "senders": [
                    {"id": self.user_id, "email": self.sender_email, "sendUserMailboxId": self.mailbox_id}
                ],
            }
        )

    @route("POST", "/api/campaigns/{campaignId}/start")
    def start_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        return self._set_running(campaignId, running=True)

    @route("POST", "/api/campaigns/{campaignId}/pause")
    def pause_campaign(self, req: SimRequest, campaignId: str) -> SimResponse:
        return self._set_running(campaignId, running=False)

    # --- leads --------------------------------------------------------------------------------------

    @route("POST", "/api/campaigns/{campaignId}/leads")
    def add_lead(self, req: SimRequest, campaignId: str) -> SimResponse:
        body = req.json() or {}
        if not isinstance(body, dict):
            return _text("Bad params: body must be an object", 400)
        return self._add_lead(req, campaignId, str(body.get("email") or ""), body, legacy=False)

    @route("POST", "/api/campaigns/{campaignId}/leads/{email}")
    def add_lead_legacy(self, req: SimRequest, campaignId: str, email: str) -> SimResponse:
        # The legacy path (email in the URL) is still what n8n and Pipedream send.
        body = req.json() or {}
        if not isinstance(body, dict):
            return _text("Bad params: body must be an object", 400)
        return self._add_lead(req, campaignId, email, body, legacy=True)

    @route("GET", "/api/campaigns/{campaignId}/leads")
    def list_campaign_leads(self, req: SimRequest, campaignId: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return _text("Campaign not found", 404)
        self._sync()
        try:
            limit = int(req.arg("limit") or 100)
        except ValueError:
            return _text("Bad params: limit must be a number", 400)
        if limit < 1 or limit > CAMPAIGN_LEADS_MAX:
            return _text(f"Bad params: limit must be between 1 and {CAMPAIGN_LEADS_MAX}", 400)
        leads = [lead for lead in self.store.all(LEADS) if lead["campaignId"] == campaignId]
        wanted = set(filter(None, (req.arg("state") or "").split(",")))
        rows = [{"_id": r["_id"], "contactId": r["contactId"], "state": r["state"]} for r in leads]
        if wanted:
            rows = [r for r in rows if r["state"] in wanted]
        return json_response(rows[:limit])

    @route("PATCH", "/api/campaigns/{campaignId}/leads/{lead}")
    def update_lead(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return _text("Campaign not found", 404)
        body = req.json()
        if not isinstance(body, dict) or not body:
            return _text("Bad params: body is required", 400)
        with self.store.transaction():
            record = self._lead_in(campaignId, lead)
            if record is None:
                return _text("Lead not found", 404)
            for key, value in body.items():
                if key in ("email", "_id", "contactId", "campaignId"):
                    continue
                if value is None:
                    record["fields"].pop(key, None)
                else:
                    record["fields"][key] = str(value)
            record["updatedAt"] = self.store.timestamp()
            self.store.put(LEADS, record["_id"], record, key=record["email"])
        view = self._lead_view(record)
        view.update({"leadUrl": self._lead_url(record), "emailStatus": self._email_status(record["email"])})
        return json_response(view)

    @route("DELETE", "/api/campaigns/{campaignId}/leads/{lead}")
    def delete_lead(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        if self._campaign(campaignId) is None:
            return _text("Campaign not found", 404)
        self._sync()
        record = self._lead_in(campaignId, lead)
        if record is None:
            return _text("Lead not found", 404)
        out = {
            "email": record["email"],
            "_id": record["_id"],
            "isPaused": record["isPaused"],
            "campaignId": campaignId,
            "contactId": record["contactId"],
        }
        if req.arg("action") == "remove":
            with self.store.transaction():
                self.store.delete(LEADS, record["_id"])
                for activity in self.store.find(ACTIVITIES, record["_id"]):
                    self.store.delete(ACTIVITIES, activity["_id"])
            return json_response(out)
        # Without action=remove the lead is unsubscribed; the legacy docs say from every campaign it is in.
        now = self.store.timestamp()
        with self.store.transaction():
            for other in self.store.find(LEADS, record["email"]):
                if other.get("stoppedAt") is None:
                    other["stoppedAt"] = now
                    self._manual_activity(other, "emailsUnsubscribed", now, userName="api")
                    other["state"] = "emailsUnsubscribed"
                    other["nextDue"] = 0
                    self.store.put(LEADS, other["_id"], other, key=other["email"])
        return json_response(out)

    @route("POST", "/api/campaigns/{campaignId}/leads/{lead}/interested")
    def interested_in_campaign(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        return self._interest(campaignId, lead, "manualInterested", single=True)

    @route("POST", "/api/campaigns/{campaignId}/leads/{lead}/notinterested")
    def not_interested_in_campaign(self, req: SimRequest, campaignId: str, lead: str) -> SimResponse:
        return self._interest(campaignId, lead, "manualNotInterested", single=True)

    @route("POST", "/api/leads/interested/{lead}")
    def interested(self, req: SimRequest, lead: str) -> SimResponse:
        return self._interest(req.arg("campaignId"), lead, "manualInterested", single=False)

    @route("POST", "/api/leads/notinterested/{lead}")
    def not_interested(self, req: SimRequest, lead: str) -> SimResponse:
        return self._interest(req.arg("campaignId"), lead, "manualNotInterested", single=False)

    @route("POST", "/api/leads/pause/{lead}")
    def pause_lead(self, req: SimRequest, lead: str) -> SimResponse:
        return self._pause_lead(req.arg("campaignId"), lead, pause=True)

    @route("POST", "/api/leads/start/{lead}")
    def resume_lead(self, req: SimRequest, lead: str) -> SimResponse:
        return self._pause_lead(req.arg("campaignId"), lead, pause=False)

    @route("GET", "/api/leads/{email}")
    def get_lead(self, req: SimRequest, email: str) -> SimResponse:
        self._sync()
        leads = self._leads_of(email)
        if req.arg("campaignId"):
            leads = [lead for lead in leads if lead["campaignId"] == req.arg("campaignId")]
        if not leads:
            return _text("Lead not found", 404)
        if req.arg("version") == "v1":
            return json_response(self._lead_view(leads[0]))
        return json_response([self._lead_v2(lead) for lead in leads])

    @route("GET", "/api/leads")
    def find_lead(self, req: SimRequest) -> SimResponse:
        self._sync()
        if req.arg("id"):
            record = self.store.get(LEADS, req.arg("id") or "")
            leads = [record] if record else []
        elif req.arg("email"):
            leads = self._leads_of(req.arg("email") or "")
        else:
            return _text("Bad params: email or id is required", 400)
        if not leads:
            return _text("Lead not found", 404)
        view = self._lead_view(leads[0])
        view["emailStatus"] = self._email_status(leads[0]["email"])
        return json_response(view)

    # --- activities ---------------------------------------------------------------------------------

    @route("GET", "/api/activities")
    def list_activities(self, req: SimRequest) -> SimResponse:
        try:
            offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
            lo = _parse_date(req.arg("minDate") or req.arg("startDate"))
            hi = _parse_date(req.arg("maxDate") or req.arg("endDate"))
        except ValueError as exc:
            return _text(f"Bad params: {exc}", 400)
        if lo is not None and hi is not None and hi <= lo:
            return _text("Bad params: maxDate must be greater than minDate", 400)
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

    # --- unsubscribes (v2) --------------------------------------------------------------------------
    #
    # lemlist retired the legacy `GET /unsubscribes`, `GET|POST|DELETE /unsubscribes/{email}` and
    # `GET /unsubs/export` on 2026-11-01 (`deprecated: true` in its OpenAPI document). They are not served:
    # they answer the generic 404 (`not_found`) like any unknown path, so a client still calling them fails
    # here as it would against lemlist. The exact body lemlist sends for a removed route is not documented
    # (an Express app would say `Cannot GET /api/unsubscribes/...`); a client must not depend on it.

    @route("GET", "/api/v2/unsubscribes/variables")
    def list_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        self._sync()
        offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
        return json_response([self._unsub_view(u) for u in self._unsub_rows()[offset : offset + limit]])

    @route("POST", "/api/v2/unsubscribes/variables")
    def add_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        body = req.json()
        values = body.get("values") if isinstance(body, dict) else None
        # Facts: 400 `Maximum 10000 values allowed` (text/plain). Facts ran out on the answer to a missing,
        # empty or non-string `values`: a 400 in the same style is served.
        if isinstance(values, list) and len(values) > UNSUB_BULK_MAX:
            return _text(f"Maximum {UNSUB_BULK_MAX} values allowed", 400)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            return _text("values must be a non-empty array of strings", 400)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            for value in values:
                text = _unsub_value(value)
                if text:
                    self._unsubscribe(text, "api", now)
        # Facts: 200 with the JSON string "Variables unsubscribed" (application/json), no per-value result.
        return json_response("Variables unsubscribed")

    @route("GET", "/api/v2/unsubscribes/variables/{value}")
    def get_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return _text("No value", 400)
        self._sync()
        # Exactly the value asked for: an address does not match its `@domain` entry here (lemlist does not
        # say it does); the client asks for both.
        record = self.store.get(UNSUBSCRIBES, value)
        if record is None:
            return _text("Variable not found", 404)
        return json_response(self._unsub_variable_view(record))

    @route("POST", "/api/v2/unsubscribes/variables/{value}")
    def add_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return _text("No value", 400)
        self._sync()
        # Facts: idempotent; a value already on the list returns the existing record (its own source).
        record, _ = self._unsubscribe(value, "api", self.store.timestamp())
        return json_response(self._unsub_variable_view(record))

    @route("DELETE", "/api/v2/unsubscribes/variables/{value}")
    def delete_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return _text("No value", 400)
        self._sync()
        record = self.store.get(UNSUBSCRIBES, value)
        if record is None:
            return _text("Variable not found in unsubscribe list", 400)
        # Facts: a value the lead unsubscribed itself (`lead`) or reported as spam (`abuse`) is protected.
        if record["source"] in PROTECTED_SOURCES:
            return _text("Variable is protected and cannot be re-subscribed", 409)
        self.store.delete(UNSUBSCRIBES, record["value"])
        return json_response("Variable subscribed")

    @route("GET", "/api/v2/unsubscribes/exports/variables")
    def export_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        self._sync()
        rows = [[u["_id"], u["value"], u["source"], u["createdAt"]] for u in self._unsub_rows()]
        return _csv(["_id", "value", "source", "createdAt"], rows)

    @route("GET", "/api/v2/unsubscribes/contacts/{contactId}")
    def get_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        if not _CONTACT_ID.match(contactId):
            return _text("Bad contact identifier", 400)
        # Facts ran out on an unknown contact id: the document lists no 404, so it reads as not flagged.
        return json_response({"_id": contactId, "doNotContact": self._do_not_contact(contactId)})

    @route("POST", "/api/v2/unsubscribes/contacts/{contactId}")
    def add_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        return self._set_do_not_contact(contactId, True)

    @route("DELETE", "/api/v2/unsubscribes/contacts/{contactId}")
    def delete_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        return self._set_do_not_contact(contactId, False)

    @route("GET", "/api/v2/unsubscribes/exports/contacts")
    def export_contact_subscriptions(self, req: SimRequest) -> SimResponse:
        # Facts: "all contacts with their subscription status": every contact a lead made, and any flagged.
        flags = {c["_id"]: bool(c["doNotContact"]) for c in self.store.all(CONTACTS)}
        ids = sorted({lead["contactId"] for lead in self.store.all(LEADS)} | set(flags))
        return _csv(["_id", "doNotContact"], [[cid, "true" if flags.get(cid) else "false"] for cid in ids])

    # --- stats --------------------------------------------------------------------------------------

    @route("GET", "/api/v2/campaigns/{campaignId}/stats")
    def campaign_stats(self, req: SimRequest, campaignId: str) -> SimResponse:
        start, end = req.arg("startDate"), req.arg("endDate")
        if not start or not end:
            return _text("Bad params: startDate and endDate are required", 400)
        try:
            lo, hi = _parse_date(start), _parse_date(end)
        except ValueError:
            return _text("Bad params: startDate and endDate must be ISO 8601 dates", 400)
        campaign = self._campaign(campaignId)
        if campaign is None:
            return _text("Campaign not found", 404)
        self._sync()
        return json_response(self._stats(campaign, lo or 0.0, hi or 0.0))

    @route("POST", "/api/v2/campaigns/stats/batch")
    def campaign_stats_batch(self, req: SimRequest) -> SimResponse:
        body = req.json()
        if not isinstance(body, dict):
            return _text("Bad params: body must be an object", 400)
        ids = body.get("campaignIds")
        if not isinstance(ids, list) or not 1 <= len(ids) <= STATS_BATCH_MAX:
            return _text(f"Bad params: campaignIds must contain between 1 and {STATS_BATCH_MAX} ids", 400)
        if not body.get("startDate") or not body.get("endDate"):
            return _text("Bad params: startDate and endDate are required", 400)
        try:
            lo, hi = _parse_date(str(body["startDate"])), _parse_date(str(body["endDate"]))
        except ValueError:
            return _text("Bad params: startDate and endDate must be ISO 8601 dates", 400)
        self._sync()
        activities = self._activities()
        results, errors = [], []
        for campaign_id in ids:
            campaign = self._campaign(str(campaign_id))
            if campaign is None:
                errors.append({"campaignId": campaign_id, "error": "Campaign not found"})
                continue
            results.append(
                {
                    "campaignId": campaign_id,
                    **self._stats(campaign, lo or 0.0, hi or 0.0, activities=activities),
                }
            )
        return json_response({"results": results, "errors": errors})

    # --- inbox --------------------------------------------------------------------------------------

    @route("GET", "/api/inbox/{contactId}")
    def inbox(self, req: SimRequest, contactId: str) -> SimResponse:
        try:
            limit = int(req.arg("limit") or 10)
            skip = int(req.arg("skip") or 0)
        except ValueError:
            return _text("Bad params: limit and skip must be numbers", 400)
        limit = max(1, min(limit, PAGE_MAX))
        self._sync()
        if not any(lead["contactId"] == contactId for lead in self.store.all(LEADS)):
            return _text("Contact not found", 404)
        messages = [
            self._inbox_message(a)
            for a in self._activities()
            if a.get("contactId") == contactId and a["type"] in ("emailsSent", "emailsReplied")
        ]
        page = messages[skip : skip + limit]
        total = len(messages)
        per_page = limit
        current = skip // per_page + 1
        pages = max(1, math.ceil(total / per_page))
        return json_response(
            {
                "data": page,
                "pagination": {
                    "totalItems": total,
                    "currentPage": current,
                    "nextPage": current + 1 if skip + limit < total else None,
                    "previousPage": current - 1 if current > 1 else None,
                    "perPage": per_page,
                    "totalPages": pages,
                },
            }
        )

    # --- campaign helpers ---------------------------------------------------------------------------

    def _seed(self) -> None:
        """Two campaigns the team had before the pipeline, once per state file (no leads: history only)."""
        if self.store.get_meta("once:lemlist.seed") is not None or not self.store.once("lemlist.seed"):
            return
        epoch = self.store.epoch.timestamp()
        day = 86400.0
        old = self._new_campaign("Q1 outbound - DACH SaaS", "Europe/Berlin", epoch - 120 * day)
        old.update(status="ended", runs=[[epoch - 110 * day, epoch - 60 * day]])
        webinar = self._new_campaign("Webinar follow-up", "Europe/Paris", epoch - 45 * day)
        webinar.update(status="paused", runs=[[epoch - 40 * day, epoch - 20 * day]])
        for campaign in (old, webinar):
            self.store.put(CAMPAIGNS, campaign["_id"], campaign)

    def _new_campaign(self, name: str, timezone: str, created: float) -> dict[str, Any]:
        n = self.store.next_id("lemlist.seq.campaign")
        cid = f"cam_{_h(self.store.seed, 'campaign', n)}"
        return {
            "_id": cid,
            "name": name,
            "timezone": timezone,
            "status": "draft",
            "createdAt": _iso(created),
            "createdBy": self.user_id,
            "labels": [],
            "sequenceId": f"seq_{_h(cid, 'sequence')}",
            "scheduleId": f"skd_{_h(cid, 'schedule')}",
            # [start, end or None] intervals in which the campaign was running (sandbox timestamps).
            "runs": [],
        }

    def _campaign(self, campaign_id: str) -> dict[str, Any] | None:
        self._seed()
        return self.store.get(CAMPAIGNS, campaign_id)

    def _campaign_summary(self, campaign: dict[str, Any]) -> dict[str, Any]:
        return {
            "_id": campaign["_id"],
            "name": campaign["name"],
            "timezone": campaign["timezone"],
            "labels": campaign.get("labels", []),
            "createdAt": campaign["createdAt"],
            "createdBy": campaign["createdBy"],
            "status": campaign["status"],
            "hasError": False,
        }

    def _set_running(self, campaign_id: str, *, running: bool) -> SimResponse:
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            campaign = self._campaign(campaign_id)
            if campaign is None:
                return _text("Campaign not found", 404)
            if campaign["status"] in ("ended", "archived"):
                return _text(f"Bad params: campaign is {campaign['status']}", 400)
            runs = campaign["runs"]
            is_open = bool(runs) and runs[-1][1] is None
            if running and not is_open:
                runs.append([now, None])
            elif not running and is_open:
                runs[-1][1] = now
            campaign["status"] = "running" if running else "paused"
            self.store.put(CAMPAIGNS, campaign_id, campaign)
            self._touch(campaign_id)
        return json_response({"_id": campaign_id, "state": campaign["status"]})

    def _touch(self, campaign_id: str | None) -> None:
        """Mark leads (of one campaign, or all) for re-planning at the next sync."""
        for lead in self.store.all(LEADS):
            mine = campaign_id is None or lead["campaignId"] == campaign_id
            if mine and lead.get("nextDue") != 0:
                lead["nextDue"] = 0
                self.store.put(LEADS, lead["_id"], lead, key=lead["email"])
        self.store.set_meta(NEXT_DUE, "0")

    # --- lead helpers -------------------------------------------------------------------------------

    def _add_lead(
        self, req: SimRequest, campaign_id: str, email: str, body: dict[str, Any], *, legacy: bool
    ) -> SimResponse:
        email = email.strip().lower()
        if not email or "@" not in email or email.startswith("@") or " " in email:
            return _text("Bad params: a valid email is required", 400)
        campaign = self._campaign(campaign_id)
        if campaign is None:
            return _text("Campaign not found", 404)
        fields: dict[str, str] = {}
        for key, value in body.items():
            if key == "email" or value is None:
                continue
            if isinstance(value, (dict, list)):
                return _text(f"Bad params: {key} must be a string", 400)
            fields[key] = str(value)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            existing = self._leads_of(email)
            same = next((lead for lead in existing if lead["campaignId"] == campaign_id), None)
            if same is not None:
                # The same email added twice to one campaign: lemlist keeps one lead; the new fields and
                # variables are merged into it and the existing lead is returned (no second lead, no 409).
                same["fields"].update(fields)
                same["updatedAt"] = now
                self.store.put(LEADS, same["_id"], same, key=email)
                return json_response(self._add_view(same, campaign, legacy))
            if req.arg("deduplicate") == "true" and existing:
                # Facts ran out: lemlist documents that a deduplicated lead is "not inserted" but not the
                # answer. 409 with a text body is served; the client reports it as skipped, not as a failure.
                return _text("Lead already exists in another campaign", 409)
            if self._unsubscribed(email):
                # Facts ran out: refused rather than added paused, so that a bounced or opted-out address is
                # never silently queued again; worded like lemlist's other "Bad params" errors.
                return _text("Bad params: lead email is in the unsubscribe list", 400)
            lead: dict[str, Any] = {
                "_id": f"lea_{_h(campaign_id, email)}",
                "campaignId": campaign_id,
                "email": email,
                "contactId": self._contact_id(email),
                "fields": fields,
                "addedAt": now,
                "updatedAt": now,
                "isPaused": False,
                "pauses": [],
                "stoppedAt": None,
                "state": "imported",
                "emitted": [],
                "nextDue": 0,
            }
            self.store.put(LEADS, lead["_id"], lead, key=email)
            self.store.set_meta(NEXT_DUE, "0")
        return json_response(self._add_view(lead, campaign, legacy))

    def _add_view(self, lead: dict[str, Any], campaign: dict[str, Any], legacy: bool) -> dict[str, Any]:
        view = self._lead_view(lead)
        view["campaignName"] = campaign["name"]
        if legacy:
            view["leadUrl"] = self._lead_url(lead)
        return view

    def _lead_view(self, lead: dict[str, Any]) -> dict[str, Any]:
        fields = lead["fields"]
        view: dict[str, Any] = {"campaignId": lead["campaignId"], "email": lead["email"]}
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"])
        if campaign:
            view["campaignName"] = campaign["name"]
        for name in ("firstName", "lastName", "companyName", "jobTitle", "companyDomain"):
            if name in fields:
                view[name] = fields[name]
        view.update({"_id": lead["_id"], "isPaused": lead["isPaused"], "contactId": lead["contactId"]})
        return view

    def _lead_v2(self, lead: dict[str, Any]) -> dict[str, Any]:
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"]) or {}
        return {
            "_id": lead["_id"],
            "updatedAt": _iso(lead["updatedAt"]),
            "isPaused": lead["isPaused"],
            "state": lead["state"],
            "status": "paused" if lead["isPaused"] else ("done" if lead.get("stoppedAt") else "inProgress"),
            "personalized": False,
            "source": "api",
            "variables": {"email": lead["email"], **lead["fields"]},
            "contactId": lead["contactId"],
            "enrichment": {"emailStatus": self._email_status(lead["email"])},
            "campaign": {
                "id": lead["campaignId"],
                "name": campaign.get("name"),
                "status": campaign.get("status"),
            },
            "sendingUser": {"id": self.user_id, "email": self.sender_email},
        }

    def _lead_url(self, lead: dict[str, Any]) -> str:
        email = lead["email"].replace("@", "%40")
        return f"https://app.lemlist.com/teams/{self.team_id}/leads/{email}"

    def _leads_of(self, email: str) -> list[dict[str, Any]]:
        return self.store.find(LEADS, email.strip().lower())

    def _lead_in(self, campaign_id: str, lead: str) -> dict[str, Any] | None:
        """A lead of a campaign by id or email."""
        if lead.startswith("lea_"):
            record = self.store.get(LEADS, lead)
            return record if record and record["campaignId"] == campaign_id else None
        return next((r for r in self._leads_of(lead) if r["campaignId"] == campaign_id), None)

    def _resolve(self, campaign_id: str | None, lead: str) -> list[dict[str, Any]]:
        if lead.startswith("lea_"):
            record = self.store.get(LEADS, lead)
            records = [record] if record else []
        else:
            records = self._leads_of(lead)
        if campaign_id:
            records = [r for r in records if r["campaignId"] == campaign_id]
        return records

    def _pause_lead(self, campaign_id: str | None, lead: str, *, pause: bool) -> SimResponse:
        if campaign_id and self._campaign(campaign_id) is None:
            return _text("Campaign not found", 404)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            records = self._resolve(campaign_id, lead)
            if not records:
                return _text("Lead not found", 404)
            for record in records:
                pauses = record["pauses"]
                is_open = bool(pauses) and pauses[-1][1] is None
                if pause and not is_open:
                    pauses.append([now, None])
                    self._manual_activity(record, "paused", now, userName="api")
                elif not pause and is_open:
                    pauses[-1][1] = now
                    self._manual_activity(record, "resumed", now, userName="api")
                record["isPaused"] = pause
                record["nextDue"] = 0
                self.store.put(LEADS, record["_id"], record, key=record["email"])
            self.store.set_meta(NEXT_DUE, "0")
        return json_response([self._lead_view(r) for r in records])

    def _interest(self, campaign_id: str | None, lead: str, kind: str, *, single: bool) -> SimResponse:
        if campaign_id and self._campaign(campaign_id) is None:
            return _text("Campaign not found", 404)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            records = self._resolve(campaign_id, lead)
            if not records:
                return _text("Lead not found", 404)
            for record in records:
                self._manual_activity(record, kind, now, userName="api", userId=self.user_id)
                record["state"] = _FINAL[kind]
                # An interested / not-interested lead leaves the sequence: no more follow-ups.
                if record.get("stoppedAt") is None:
                    record["stoppedAt"] = now
                record["nextDue"] = 0
                self.store.put(LEADS, record["_id"], record, key=record["email"])
            self.store.set_meta(NEXT_DUE, "0")
        views = [self._lead_view(r) for r in records]
        return json_response(views[0] if single else views)

    def _email_status(self, email: str) -> str:
        person = self.world.person_by_email(email)
        return person.email_status if person else "unknown"

    # --- unsubscribe helpers ------------------------------------------------------------------------

    def _unsubscribed(self, email: str) -> bool:
        """Whether lemlist refuses the address: it or its `@domain` is on the list, or its contact is marked
        do-not-contact (facts ran out on whether lemlist refuses the latter at add time; it is refused)."""
        email = email.strip().lower()
        domain = "@" + email.rsplit("@", 1)[-1]
        if any(self.store.get(UNSUBSCRIBES, value) is not None for value in (email, domain)):
            return True
        return self._do_not_contact(self._contact_id(email))

    def _contact_id(self, email: str) -> str:
        """The lemlist contact an address makes (one per address, shared by its leads in all campaigns)."""
        return f"ctc_{_h(self.store.seed, 'contact', email.strip().lower())}"

    def _unsubscribe(self, value: str, source: str, ts: float) -> tuple[dict[str, Any], bool]:
        existing = self.store.get(UNSUBSCRIBES, value)
        if existing is not None:
            return existing, False
        record = {
            "_id": f"uns_{_h(self.store.seed, 'unsub', value)}",
            "value": value,
            "source": source,
            "createdAt": _iso(ts),
            "ts": ts,
        }
        self.store.put(UNSUBSCRIBES, value, record)
        return record, True

    def _unsub_rows(self) -> list[dict[str, Any]]:
        """The list in a stable order (oldest first), so that offset pages never shift while it grows."""
        return sorted(self.store.all(UNSUBSCRIBES), key=lambda u: (u["createdAt"], u["_id"]))

    @staticmethod
    def _unsub_view(record: dict[str, Any]) -> dict[str, Any]:
        """A row of the list (`UnsubscribedVariable`)."""
        return {
            "_id": record["_id"],
            "value": record["value"],
            "source": record["source"],
            "createdAt": record["createdAt"],
        }

    @staticmethod
    def _unsub_variable_view(record: dict[str, Any]) -> dict[str, Any]:
        """The single-value GET/POST answer: `variable` is documented as an alias of `value`; the document
        shows no `createdAt` there."""
        return {
            "_id": record["_id"],
            "value": record["value"],
            "variable": record["value"],
            "source": record["source"],
        }

    def _do_not_contact(self, contact_id: str) -> bool:
        record = self.store.get(CONTACTS, contact_id)
        return bool(record and record["doNotContact"])

    def _set_do_not_contact(self, contact_id: str, flag: bool) -> SimResponse:
        if not _CONTACT_ID.match(contact_id):
            return _text("Bad contact identifier", 400)
        self.store.put(CONTACTS, contact_id, {"_id": contact_id, "doNotContact": flag})
        # Facts: both POST and DELETE answer the JSON string "Contact subscription updated".
        return json_response("Contact subscription updated")

    # --- activities and the campaign engine ---------------------------------------------------------

    def _activities(self) -> list[dict[str, Any]]:
        rows = self.store.all(ACTIVITIES)
        rows.sort(key=lambda a: (a["ts"], a["_id"]))
        return rows

    def _public_activity(self, activity: dict[str, Any]) -> dict[str, Any]:
        # `_source` is the simulator's own bookkeeping (which unsubscribe-list source an unsubscribe adds).
        return {k: v for k, v in activity.items() if k not in ("ts", "message", "_source")}

    def _manual_activity(self, lead: dict[str, Any], kind: str, ts: float, **extra: Any) -> None:
        n = self.store.next_id("lemlist.seq.manual")
        activity = self._activity(lead, kind, f"manual:{n}", ts, extra)
        self.store.put(ACTIVITIES, activity["_id"], activity, key=lead["_id"])

    def _activity(
        self, lead: dict[str, Any], kind: str, event_key: str, ts: float, extra: dict[str, Any]
    ) -> dict[str, Any]:
        fields = lead["fields"]
        campaign = self.store.get(CAMPAIGNS, lead["campaignId"]) or {"name": None, "sequenceId": None}
        activity: dict[str, Any] = {
            "_id": f"act_{_h(lead['_id'], event_key)}",
            "type": kind,
            "createdAt": _iso(ts),
            "teamId": self.team_id,
            "leadId": lead["_id"],
            "contactId": lead["contactId"],
            "campaignId": lead["campaignId"],
            "campaignName": campaign["name"],
            "name": campaign["name"],
            "sequenceId": campaign["sequenceId"],
            "totalSequenceStep": SEQUENCE_STEPS,
            "isFirst": kind not in {a.split(":")[0] for a in lead.get("emitted", [])},
            "stopped": False,
            "bot": False,
            "createdBy": self.user_id,
            "sendUserId": self.user_id,
            "sendUserName": self.sender_name,
            "sendUserEmail": self.sender_email,
            "sendUserMailboxId": self.mailbox_id,
            "leadEmail": lead["email"],
            "leadFirstName": fields.get("firstName"),
            "leadLastName": fields.get("lastName"),
            "leadCompanyName": fields.get("companyName"),
            "leadPhone": fields.get("phone"),
            "ts": ts,
        }
        activity.update(extra)
        return activity

    def _sync(self) -> None:
        """Turn every planned event whose time has come into an activity (idempotent, any process)."""
        now = self.store.timestamp()
        due = float(self.store.get_meta(NEXT_DUE, "0") or 0)
        if now < due:
            return
        with self._sync_lock, self.store.transaction():
            now = self.store.timestamp()
            next_due = math.inf
            campaigns: dict[str, dict[str, Any] | None] = {}
            for lead in self.store.all(LEADS):
                lead_due = lead.get("nextDue")
                if lead_due is None or lead_due > now:
                    if lead_due is not None:
                        next_due = min(next_due, lead_due)
                    continue
                cid = lead["campaignId"]
                if cid not in campaigns:
                    campaigns[cid] = self.store.get(CAMPAIGNS, cid)
                campaign = campaigns[cid]
                if campaign is None:
                    continue
                pending = self._advance_lead(lead, campaign, now)
                if pending is not None:
                    next_due = min(next_due, pending)
            self.store.set_meta(NEXT_DUE, repr(next_due if next_due != math.inf else 9e18))

    def _advance_lead(self, lead: dict[str, Any], campaign: dict[str, Any], now: float) -> float | None:
        """Emit the lead's due events; return when its next event is due (None: nothing planned)."""
        events = self._plan(lead, campaign)
        emitted = set(lead["emitted"])
        pending: float | None = None
        for ts, key, kind, extra in events:
            if key in emitted:
                continue
            if ts > now:
                pending = ts if pending is None else min(pending, ts)
                continue
            activity = self._activity(lead, kind, key, ts, extra)
            self.store.put(ACTIVITIES, activity["_id"], activity, key=lead["_id"])
            lead["emitted"].append(key)
            emitted.add(key)
            self._apply(lead, kind, ts, extra)
        lead["nextDue"] = pending
        self.store.put(LEADS, lead["_id"], lead, key=lead["email"])
        return pending

    def _apply(self, lead: dict[str, Any], kind: str, ts: float, extra: dict[str, Any]) -> None:
        """What an event does to the lead and the team's unsubscribe list."""
        if kind == "emailsBounced":
            # An email-only campaign moves a (hard-)bounced lead to the unsubscribe list.
            if extra.get("bounceType") == "hard":
                self._unsubscribe(lead["email"], "bounced", ts)
            lead["state"] = "emailsBounced"
        elif kind == "emailsUnsubscribed":
            self._unsubscribe(lead["email"], extra.get("_source") or "lead", ts)
            lead["state"] = "emailsUnsubscribed"
        elif kind in _PROGRESS and _RANK[_PROGRESS[kind]] > _RANK.get(lead["state"], 99):
            lead["state"] = _PROGRESS[kind]

    def _plan(self, lead: dict[str, Any], campaign: dict[str, Any]) -> list[Event]:
        """Every event of the lead's sequence, as (time, key, activity type, extra fields)."""
        stop = lead.get("stoppedAt")
        # A small deterministic delay after the lead is added (lemlist spaces sends out within the schedule).
        delay = 120 + _frac(lead["_id"], "delay") * 3480
        t0 = self._send_slot(lead["addedAt"] + delay, campaign, lead)
        if t0 is None or (stop is not None and t0 >= stop):
            return []
        outcome = self._outcome(lead, campaign, t0)
        subject = outcome["subject"]
        events: list[Event] = []
        message_id = f"<{_h(lead['_id'], 'msg0', n=24)}@mail.lemlist.com>"
        sent0 = {
            "sequenceStep": 0,
            "emailId": f"eml_{_h(lead['_id'], 0)}",
            "messageId": message_id,
            "subject": subject,
            "message": outcome["sent_message"],
        }
        events.append((t0, "emailsSent:0", "emailsSent", sent0))
        if outcome["bounce_after"] is not None:
            # Facts ran out on where lemlist puts the SMTP answer of a bounce: `errorMessage` is used. Any
            # bounce stops the lead's sequence; only a hard one (dead mailbox) goes on the unsubscribe list.
            events.append(
                (
                    t0 + outcome["bounce_after"],
                    "emailsBounced:0",
                    "emailsBounced",
                    {
                        "sequenceStep": 0,
                        "errorMessage": outcome["bounce_message"],
                        "bounceType": "hard" if outcome["bounce_hard"] else "soft",
                        "relatedSentAt": _iso(t0),
                    },
                )
            )
            return events
        related = {"sequenceStep": 0, "relatedSentAt": _iso(t0)}
        for i, after in enumerate(outcome["opens"]):
            events.append((t0 + after, f"emailsOpened:{i}", "emailsOpened", dict(related)))
        for i, after in enumerate(outcome["clicks"]):
            events.append((t0 + after, f"emailsClicked:{i}", "emailsClicked", dict(related)))
        ended: float | None = None
        if outcome["reply_after"] is not None:
            replied_at = t0 + outcome["reply_after"]
            if outcome["reply_stops"]:
                ended = replied_at
            events.append(
                (
                    replied_at,
                    "emailsReplied:0",
                    "emailsReplied",
                    {
                        **related,
                        "text": outcome["reply_text"],
                        "subject": outcome["reply_subject"],
                        "message": outcome["reply_text"],
                    },
                )
            )
        if outcome["complaint_after"] is not None:
            # Facts ran out on how lemlist reports a spam complaint: the documented unsubscribe source
            # `abuse` is used, with the lead's `emailsUnsubscribed` activity; it replaces a plain unsubscribe.
            t_abuse = t0 + outcome["complaint_after"]
            ended = t_abuse if ended is None else min(ended, t_abuse)
            events.append(
                (t_abuse, "emailsUnsubscribed:abuse", "emailsUnsubscribed", {**related, "_source": "abuse"})
            )
        elif outcome["unsubscribe_after"] is not None:
            t_unsub = t0 + outcome["unsubscribe_after"]
            ended = t_unsub if ended is None else min(ended, t_unsub)
            events.append((t_unsub, "emailsUnsubscribed:0", "emailsUnsubscribed", dict(related)))
        # The follow-up goes out FOLLOW_UP_DAYS later unless the lead replied, unsubscribed or was stopped.
        t1 = self._send_slot(t0 + FOLLOW_UP_DAYS * 86400, campaign, lead)
        if t1 is not None and (ended is None or t1 < ended) and (stop is None or t1 < stop):
            events.append(
                (
                    t1,
                    "emailsSent:1",
                    "emailsSent",
                    {
                        "sequenceStep": 1,
                        "emailId": f"eml_{_h(lead['_id'], 1)}",
                        "messageId": f"<{_h(lead['_id'], 'msg1', n=24)}@mail.lemlist.com>",
                        "subject": f"Re: {subject}",
                        "message": outcome["follow_up_message"],
                    },
                )
            )
        return events

    def _send_slot(self, earliest: float, campaign: dict[str, Any], lead: dict[str, Any]) -> float | None:
        """The first time >= `earliest` at which the campaign runs, the lead is not paused, and the
        campaign's sending window (Mon-Fri 09:00-18:00 in its timezone) is open. None: not (yet) ever."""
        tz = _zone(campaign.get("timezone"))
        jitter = _frac(lead["_id"], "window") * 3000
        t = earliest
        for _ in range(64):
            t = _window(t, tz, jitter)
            start = _next_start(campaign["runs"], t)
            if start is None:
                return None
            if start > t:
                t = start + jitter / 10
                continue
            resume = _next_start(_invert(lead["pauses"]), t)
            if resume is None:
                return None
            if resume > t:
                t = resume
                continue
            return t
        return None

    # --- engagement ---------------------------------------------------------------------------------

    def _outcome(self, lead: dict[str, Any], campaign: dict[str, Any], sent_at: float) -> dict[str, Any]:
        """What the lead does with the first email, from the world's engagement model (in seconds)."""
        fields = lead["fields"]
        person = self.world.person_by_email(lead["email"])
        first_name = fields.get("firstName") or (person.first_name if person else None)
        # The campaign's first step would template the subject from a custom variable; the product sends
        # `emailSubject`, hand-made campaigns often `subject`.
        subject = (
            fields.get("emailSubject")
            or fields.get("subject")
            or (f"Quick question, {first_name}" if first_name else f"{campaign['name']} - quick question")
        )
        language = fields.get("language") or (person.language if person else "en")
        engagement = engagement_for(
            self.store.seed,
            lead["email"],
            email_status=person.email_status if person else "unknown",
            language=language,
            first_name=first_name,
            sender_name=self.sender_name,
            original_subject=subject,
            today=datetime.fromtimestamp(sent_at, UTC).date(),
        )
        hour = 3600.0
        out: dict[str, Any] = {
            "subject": subject,
            "sent_message": _html(_sent_body(fields, first_name, self.sender_name)),
            "follow_up_message": _html(_follow_up_body(first_name, self.sender_name)),
            "bounce_after": None,
            "bounce_message": None,
            "bounce_hard": False,
            "opens": [h * hour for h in engagement.opens_after_hours],
            "clicks": [h * hour for h in engagement.clicks_after_hours],
            "reply_after": None,
            "reply_text": None,
            "reply_subject": None,
            "reply_stops": False,
            "unsubscribe_after": None,
            "complaint_after": None,
        }
        if engagement.bounce is not None:
            out.update(
                bounce_after=engagement.bounce.after_minutes * 60.0 + 5.0,
                bounce_message=engagement.bounce.smtp_text,
                bounce_hard=engagement.bounce.hard,
            )
        if engagement.reply is not None:
            reply = engagement.reply
            # Facts ran out on auto-reply handling: out-of-office and ticket confirmations are recorded as
            # emailsReplied (lemlist does not classify them) but do not stop the sequence; human replies do.
            out.update(
                reply_after=reply.after_hours * hour,
                reply_text=_html(reply.text),
                reply_subject=reply.subject,
                reply_stops=reply.label not in ("out_of_office", "auto_reply"),
            )
        if engagement.unsubscribe_after_hours is not None:
            out["unsubscribe_after"] = engagement.unsubscribe_after_hours * hour
        if engagement.spam_complaint:
            # A complaint is filed when the email is read: 1 to 30 hours after the send.
            out["complaint_after"] = (1.0 + _frac(lead["_id"], "complaint") * 29.0) * hour
        return out

    def _inbox_message(self, activity: dict[str, Any]) -> dict[str, Any]:
        reply = activity["type"] == "emailsReplied"
        return {
            "_id": activity["_id"],
            "type": activity["type"],
            "messageId": activity.get("messageId") or f"<{_h(activity['_id'], n=24)}@mail.lemlist.com>",
            "cc": [],
            "createdAt": activity["createdAt"],
            "teamId": self.team_id,
            "leadId": activity["leadId"],
            "campaignId": activity["campaignId"],
            "sendUserId": self.user_id,
            "sendUserName": self.sender_name,
            "sendUserEmail": self.sender_email,
            "sendUserMailboxId": self.mailbox_id,
            "leadEmail": activity["leadEmail"],
            "contactId": activity["contactId"],
            "fromEmail": activity["leadEmail"] if reply else self.sender_email,
            "message": activity.get("message") or "",
            "subject": activity.get("subject") or "",
            "attachments": [],
        }

    # --- stats --------------------------------------------------------------------------------------

    def _stats(
        self, campaign: dict[str, Any], lo: float, hi: float, activities: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        rows = [
            a
            for a in (activities if activities is not None else self._activities())
            if a["campaignId"] == campaign["_id"] and lo <= a["ts"] <= hi
        ]

        def leads(*kinds: str) -> int:
            return len({a["leadId"] for a in rows if a["type"] in kinds})

        def count(kind: str, step: int | None = None) -> int:
            return sum(
                1 for a in rows if a["type"] == kind and (step is None or a.get("sequenceStep") == step)
            )

        sent, bounced = count("emailsSent"), count("emailsBounced")
        bounced_leads = {a["leadId"] for a in rows if a["type"] == "emailsBounced"}
        steps = []
        for step in range(SEQUENCE_STEPS):
            step_sent, step_bounced = count("emailsSent", step), count("emailsBounced", step)
            steps.append(
                {
                    "index": step,
                    "sequenceId": campaign["sequenceId"],
                    "sequenceStep": step,
                    "taskType": "email",
                    "invited": 0,
                    "sent": step_sent,
                    "delivered": step_sent - step_bounced,
                    "opened": count("emailsOpened", step),
                    "clicked": count("emailsClicked", step),
                    "replied": count("emailsReplied", step),
                    "notDelivered": step_bounced,
                    "bounced": step_bounced,
                    "unsubscribed": count("emailsUnsubscribed", step),
                }
            )
        all_leads = [lead for lead in self.store.all(LEADS) if lead["campaignId"] == campaign["_id"]]
        return {
            "nbLeads": len(all_leads),
            "nbLeadsLaunched": leads("emailsSent"),
            "nbLeadsReached": len({a["leadId"] for a in rows if a["type"] == "emailsSent"} - bounced_leads),
            "nbLeadsOpened": leads("emailsOpened"),
            "nbLeadsInteracted": leads("emailsOpened", "emailsClicked", "emailsReplied"),
            "nbLeadsAnswered": leads("emailsReplied"),
            "nbLeadsInterested": leads("manualInterested"),
            "nbLeadsNotInterested": leads("manualNotInterested"),
            "nbLeadsUnsubscribed": leads("emailsUnsubscribed"),
            "nbLeadsInterrupted": 0,
            "messagesSent": sent,
            "messagesNotSent": 0,
            "messagesBounced": bounced,
            "delivered": sent - bounced,
            "opened": count("emailsOpened"),
            "clicked": count("emailsClicked"),
            "replied": count("emailsReplied"),
            "invitationAccepted": 0,
            "meetingBooked": 0,
            "steps": steps,
        }

    # --- small helpers ------------------------------------------------------------------------------

    @staticmethod
    def _page(req: SimRequest, *, default: int, maximum: int) -> tuple[int, int]:
        try:
            offset = max(0, int(req.arg("offset") or 0))
            limit = int(req.arg("limit") or default)
        except ValueError:
            offset, limit = 0, default
        # Facts: "max 100"; a larger limit is clamped rather than refused.
        return offset, max(1, min(limit, maximum))


def _unsub_value(value: object) -> str:
    """A value as the list stores it: emails and `@domain` entries lower-cased, LinkedIn URLs and phone
    numbers as given (facts ran out on lemlist's own normalisation; an address is case-insensitive)."""
    text = str(value).strip()
    return text if text.lower().startswith("http") else text.lower()


def _csv(header: list[str], rows: list[list[str]]) -> SimResponse:
    """A CSV export as lemlist's examples show it: a header line, `\n` line ends, text/csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return SimResponse(
        status=200,
        body=buffer.getvalue().encode(),
        headers={"content-type": "text/csv; charset=utf-8"},
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def _window(ts: float, tz: ZoneInfo, jitter: float) -> float:
    """`ts` if it falls on a weekday between 09:00 and 18:00 local time, else the next opening + jitter."""
    local = datetime.fromtimestamp(ts, tz)
    for _ in range(8):
        opening = local.replace(hour=9, minute=0, second=0, microsecond=0)
        closing = local.replace(hour=18, minute=0, second=0, microsecond=0)
        if local.isoweekday() <= 5:
            if opening <= local < closing:
                return local.timestamp()
            if local < opening:
                return opening.timestamp() + jitter
        local = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.timestamp()


def _next_start(intervals: list[list[float | None]], t: float) -> float | None:
    """`t` if it lies in one of the [start, end) intervals, else the next start after it, else None."""
    best: float | None = None
    for start, end in intervals:
        assert start is not None
        if start <= t and (end is None or t < end):
            return t
        if start > t and (best is None or start < best):
            best = start
    return best


def _invert(pauses: list[list[float | None]]) -> list[list[float | None]]:
    """The complement of pause intervals: the intervals in which a lead may be sent to."""
    out: list[list[float | None]] = []
    cursor: float | None = -math.inf
    for start, end in sorted(pauses, key=lambda p: p[0] or 0):
        if cursor is None:
            break
        out.append([cursor, start])
        cursor = end
    if cursor is not None:
        out.append([cursor, None])
    return out


def _html(text: str) -> str:
    """Plain text as the HTML body of an email (lemlist serves message bodies as HTML)."""
    return '<div dir="ltr">' + html.escape(text, quote=False).replace("\n", "<br>") + "</div>"


def _sent_body(fields: dict[str, str], first_name: str | None, sender_name: str) -> str:
    """The first email as the lead received it: the pipeline's own copy when it set one."""
    for name in ("body", "emailBody", "message", "email_body"):
        if fields.get(name):
            return fields[name]
    opener = fields.get("icebreaker") or (
        "I noticed your team has been growing and wanted to share how we help companies like yours find "
        "and reach the right buyers."
    )
    return (
        f"Hi {first_name or 'there'},\n\n{opener}\n\n"
        f"Would it make sense to talk for 15 minutes next week?\n\n{sender_name}"
    )


def _follow_up_body(first_name: str | None, sender_name: str) -> str:
    return (
        f"Hi {first_name or 'there'},\n\nJust bumping this up in your inbox in case it got buried. "
        f"Worth a quick chat?\n\n{sender_name}"
    )
