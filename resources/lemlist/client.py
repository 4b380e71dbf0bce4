"""`LemlistClient`: the lemlist REST API (https://api.lemlist.com/api) over the shared HTTP policy.

What belongs here: lemlist's paths, query parameters, pagination walks and error-body reading, returning
the pydantic models of `models.py`. Retries, timeouts and the limiter come from `resources.http`; the
Dagster resource that builds this client is in `resource.py`.

lemlist quirks handled here:
- Auth is HTTP Basic with an EMPTY user name and the key as password (not a bearer token).
- One limit, 20 requests per 2 seconds per key, on every route.
- Error bodies are mostly text/plain (`Campaign not found`, `Bad params: ...`), sometimes JSON
  `{error, message}`; both are read.
- `X-RateLimit-Reset` is a JavaScript date string, not seconds: `Retry-After` is read first.
- The unsubscribe list is read and written only through the `/v2/unsubscribes/...` routes (the legacy
  `/unsubscribes` ones were retired on 2026-11-01); a 404 other than lemlist's `Variable not found` is an
  error, never "not unsubscribed".
- `GET /campaigns` pages by `page` under `version=v2` (the default); the walk has a loop guard.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from resources.errors import AuthenticationError, NotFoundError, RecordValidationError, VendorError
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after
from resources.lemlist.models import (
    Activity,
    Campaign,
    CampaignLead,
    CampaignState,
    CampaignStats,
    CampaignStatsBatch,
    ContactSubscription,
    InboxMessage,
    Lead,
    LeadAddResult,
    LeadInCampaign,
    LeadInput,
    Team,
    Unsubscribe,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.lemlist.com/api"
#: Documented as 20 requests per 2 s per key; the window is widened a little so that a burst timed on the
#: client never lands as 21 requests inside the server's 2 s.
DEFAULT_LIMIT = RateLimit("lemlist", 20, 2.05)
PAGE_SIZE = 100
CAMPAIGN_LEADS_MAX = 500
STATS_BATCH_MAX = 100
#: `POST /v2/unsubscribes/variables` takes at most 10,000 values per request (documented).
UNSUB_BULK_MAX = 10_000
#: The unsubscribe exports answer text/csv; the client's default Accept is JSON.
_CSV_ACCEPT = {"accept": "text/csv, */*;q=0.1"}

DateLike = datetime | str | int | float


class LemlistClient(VendorHttpClient):
    """Typed access to the lemlist endpoints the pipeline uses."""

    vendor = "lemlist"
    key_variable = "LEMLIST_API_KEY"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        policy: HttpPolicy | None = None,
        limits: Sequence[RateLimit] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            base_url=base_url,
            policy=policy or HttpPolicy(),
            limits=(DEFAULT_LIMIT,) if limits is None else limits,
            auth=("", api_key),
            transport=transport,
            sleep=sleep,
        )

    # --- team and campaigns -------------------------------------------------------------------

    def team(self) -> Team:
        """The team the key belongs to (also the cheapest auth check)."""
        return Team.model_validate(self._get("/team", endpoint="GET /team"))

    def list_campaigns(self, *, status: str | None = None) -> list[Campaign]:
        """Every campaign of the team, optionally of one status (running, draft, paused, ended, ...).

        `GET /campaigns?version=v2&page=N&limit=100`: lemlist's document defaults to `version=v2` and pages
        it by `page` (1-based); see `_walk_pages` for when the walk stops."""
        rows = self._walk_pages(
            "/campaigns",
            endpoint="GET /campaigns",
            params={"version": "v2", "status": status},
            list_key="campaigns",
        )
        return [Campaign.model_validate(r) for r in rows]

    def get_campaign(self, campaign_id: str) -> Campaign:
        """One campaign; `NotFoundError` when lemlist answers `Campaign not found`."""
        data = self._get(f"/campaigns/{_seg(campaign_id)}", endpoint="GET /campaigns/{campaignId}")
        return Campaign.model_validate(data)

    def create_campaign(self, name: str, *, timezone: str | None = None) -> Campaign:
        """Create a campaign (`timezone` is IANA; lemlist defaults to Europe/Paris)."""
        body: dict[str, Any] = {"name": name}
        if timezone:
            body["timezone"] = timezone
        # No idempotency key: a create that got no answer is not sent again (callers find campaigns by name).
        data = self._send("POST", "/campaigns", endpoint="POST /campaigns", json=body, idempotent=False)
        return Campaign.model_validate(data)

    def start_campaign(self, campaign_id: str) -> CampaignState:
        """Start (or resume) sending a campaign."""
        data = self._send(
            "POST", f"/campaigns/{_seg(campaign_id)}/start", endpoint="POST /campaigns/{campaignId}/start"
        )
        return CampaignState.model_validate(data)

    def pause_campaign(self, campaign_id: str) -> CampaignState:
        """Pause a campaign: nothing new is sent until it is started again."""
        data = self._send(
            "POST", f"/campaigns/{_seg(campaign_id)}/pause", endpoint="POST /campaigns/{campaignId}/pause"
        )
        return CampaignState.model_validate(data)

    # --- leads ---------------------------------------------------------------------------------

    def add_lead(self, campaign_id: str, lead: LeadInput, *, deduplicate: bool = True) -> LeadAddResult:
        """Add one lead to a campaign (lemlist has no bulk add). Adding an email already in the same
        campaign returns that lead. With `deduplicate`, an email already in another campaign of the team
        is skipped (`status="skipped_duplicate"`); an unsubscribed email is `skipped_unsubscribed`."""
        endpoint = "POST /campaigns/{campaignId}/leads/"
        try:
            data = self._send(
                "POST",
                f"/campaigns/{_seg(campaign_id)}/leads/",
                endpoint=endpoint,
                json=lead.to_body(),
                params={"deduplicate": _bool(deduplicate)},
            )
        except RecordValidationError as exc:
            skipped = _skip_reason(exc)
            if skipped is None:
                raise
            logger.info("lemlist: lead %s not added to %s: %s", lead.email, campaign_id, exc.message)
            return LeadAddResult(email=lead.email, status=skipped, message=exc.message)
        return LeadAddResult(email=lead.email, status="added", lead=Lead.model_validate(data))

    def update_lead(self, campaign_id: str, lead_id: str, *, fields: dict[str, str]) -> Lead:
        """Update standard fields or custom variables of a lead in a campaign (body must not be empty)."""
        data = self._send(
            "PATCH",
            f"/campaigns/{_seg(campaign_id)}/leads/{_seg(lead_id)}",
            endpoint="PATCH /campaigns/{campaignId}/leads/{leadId}",
            json=fields,
        )
        return Lead.model_validate(data)

    def list_campaign_leads(
        self, campaign_id: str, *, state: str | None = None, limit: int = CAMPAIGN_LEADS_MAX
    ) -> list[CampaignLead]:
        """Leads of a campaign (`{_id, contactId, state}`). lemlist pages this route by `limit` only
        (max 500): campaigns with more leads are read through the activities or the leads export."""
        data = self._get(
            f"/campaigns/{_seg(campaign_id)}/leads/",
            endpoint="GET /campaigns/{campaignId}/leads/",
            params={"state": state, "limit": min(limit, CAMPAIGN_LEADS_MAX)},
        )
        return [CampaignLead.model_validate(r) for r in _rows(data, "leads")]

    def get_lead(self, email: str) -> list[LeadInCampaign]:
        """The lead in every campaign it belongs to (empty when lemlist does not know the email)."""
        try:
            data = self._get(f"/leads/{_seg(email)}", endpoint="GET /leads/{email}", params={"version": "v2"})
        except NotFoundError:
            return []
        rows = data if isinstance(data, list) else [data]
        return [LeadInCampaign.model_validate(r) for r in rows]

    def pause_lead(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Pause a lead (id or email) in one campaign, or in all of them without `campaign_id`."""
        return self._lead_action("/leads/pause/", "POST /leads/pause/{leadIdOrEmail}", lead, campaign_id)

    def resume_lead(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Resume a paused lead (id or email) in one campaign, or in all of them."""
        return self._lead_action("/leads/start/", "POST /leads/start/{leadIdOrEmail}", lead, campaign_id)

    def mark_interested(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Mark a lead (id or email) interested in one campaign, or in all of them."""
        return self._interest(lead, campaign_id, "interested")

    def mark_not_interested(self, lead: str, *, campaign_id: str | None = None) -> list[Lead]:
        """Mark a lead (id or email) not interested in one campaign, or in all of them."""
        return self._interest(lead, campaign_id, "notinterested")

    def unsubscribe_lead(self, campaign_id: str, email: str) -> Lead:
        """Unsubscribe a lead: it stops receiving emails from the campaign (the lead stays)."""
        data = self._send(
            "DELETE",
            f"/campaigns/{_seg(campaign_id)}/leads/{_seg(email)}",
            endpoint="DELETE /campaigns/{campaignId}/leads/{leadIdOrEmail}",
        )
        return Lead.model_validate(data)

    def delete_lead(self, campaign_id: str, lead: str) -> Lead:
        """Remove a lead (id or email) and its statistics from a campaign (`action=remove`)."""
        data = self._send(
            "DELETE",
            f"/campaigns/{_seg(campaign_id)}/leads/{_seg(lead)}",
            endpoint="DELETE /campaigns/{campaignId}/leads/{leadIdOrEmail}",
            params={"action": "remove"},
        )
        return Lead.model_validate(data)

    # --- activities ----------------------------------------------------------------------------

    def activities(
        self,
        *,
        type: str | None = None,
        campaign_id: str | None = None,
        lead_id: str | None = None,
        min_date: DateLike | None = None,
        max_date: DateLike | None = None,
    ) -> list[Activity]:
        """Every activity matching the filters, walking offset pages of 100 until a short page."""
        params = {
            "version": "v2",
            "type": type,
            "campaignId": campaign_id,
            "leadId": lead_id,
            "minDate": _iso(min_date),
            "maxDate": _iso(max_date),
        }
        rows = self._walk_offset("/activities", endpoint="GET /activities", params=params)
        return [Activity.model_validate(r) for r in rows]

    # --- unsubscribes (v2 routes only) -----------------------------------------------------------
    #
    # lemlist retired the legacy `/unsubscribes` and `/unsubs/export` routes on 2026-11-01 (`deprecated`
    # in its OpenAPI document). A retired route answers 404 like any unknown path, and the legacy GET of one
    # address also answered 404 for "not on the list": reading any 404 as "not unsubscribed" would make
    # every address look safe to email. Only the `/v2/unsubscribes/...` routes are called here, and the
    # single-value check fails closed (see `get_unsubscribe`).

    def unsubscribes(self) -> list[Unsubscribe]:
        """The team's whole unsubscribe list (emails, `@domain` entries, LinkedIn URLs, phone numbers).

        Read through the CSV export (`GET /v2/unsubscribes/exports/variables`): one request whatever the
        size of the list, where the paged walk (`iter_unsubscribes`) costs one request per 100 entries out
        of the key's 20 requests per 2 s, shared with every other lemlist call of the run (50,000 entries
        would be 500 requests, some 50 s of the whole key's budget). The export's order is not documented
        and nothing here depends on it."""
        return self.export_unsubscribes()

    def export_unsubscribes(self) -> list[Unsubscribe]:
        """`GET /v2/unsubscribes/exports/variables`: the whole list as CSV (`_id,value,source,createdAt`)."""
        endpoint = "GET /v2/unsubscribes/exports/variables"
        response = self.request(
            "GET", "/v2/unsubscribes/exports/variables", endpoint=endpoint, headers=_CSV_ACCEPT
        )
        return parse_unsubscribe_csv(response.text, endpoint=endpoint)

    def unsubscribe_page(self, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[Unsubscribe]:
        """One page of `GET /v2/unsubscribes/variables` (`limit` at most 100, as documented)."""
        data = self._get(
            "/v2/unsubscribes/variables",
            endpoint="GET /v2/unsubscribes/variables",
            params={"offset": max(0, offset), "limit": max(1, min(limit, PAGE_SIZE))},
        )
        return [Unsubscribe.model_validate(r) for r in _rows(data, None)]

    def iter_unsubscribes(self) -> Iterator[Unsubscribe]:
        """The whole list through `GET /v2/unsubscribes/variables`, 100 entries per request (offset walk,
        until a short page). For callers that want the entries as they come; `unsubscribes()` is cheaper."""
        for row in self._iter_offset(
            "/v2/unsubscribes/variables", endpoint="GET /v2/unsubscribes/variables", params={}
        ):
            yield Unsubscribe.model_validate(row)

    def get_unsubscribe(self, value: str) -> Unsubscribe | None:
        """The list's entry for exactly `value` (an email, `@domain`, LinkedIn URL or phone number), or None.

        None only on lemlist's documented answer for an absent value: 404 with the body `Variable not
        found`. Any other 404 (a route that moved or was retired answers `Not Found` / `Cannot GET ...`)
        raises `VendorError`: "unknown" must never read as "safe to email"."""
        endpoint = "GET /v2/unsubscribes/variables/{value}"
        try:
            data = self._get(f"/v2/unsubscribes/variables/{_seg(value)}", endpoint=endpoint)
        except NotFoundError as exc:
            if _is_variable_not_found(exc):
                return None
            raise VendorError(
                f"404 without lemlist's 'Variable not found' ({exc.message!r}): the route may be gone, so "
                "the address cannot be read as not unsubscribed",
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=404,
                body=exc.body,
            ) from exc
        if isinstance(data, dict):
            return Unsubscribe.model_validate(data)
        # A 200 that is not the documented object still says "on the list": fail closed.
        return Unsubscribe(value=value)

    def is_unsubscribed(self, email: str) -> bool:
        """Whether the address, or its whole domain, is on the team's unsubscribe list.

        lemlist stores a blocked domain as its own entry `@example.com` (the bulk example and the export
        example show such values) and does not say that a GET of an address also matches its domain, so
        both entries are asked for. lemlist does not say whether values are matched case-insensitively:
        the address is asked as given and lower-cased. Raises instead of answering False when lemlist's
        404 is not its documented `Variable not found` (see `get_unsubscribe`)."""
        return any(self.get_unsubscribe(v) is not None for v in unsubscribe_candidates(email))

    def add_unsubscribe(self, value: str) -> Unsubscribe:
        """Put one value (an email, or a whole domain written `@example.com`) on the unsubscribe list:
        `POST /v2/unsubscribes/variables/{value}`. Idempotent on lemlist's side: a value already on the
        list returns its existing entry (whose `source` may then be `lead`, `bounced`, ... not `api`)."""
        data = self._send(
            "POST",
            f"/v2/unsubscribes/variables/{_seg(value)}",
            endpoint="POST /v2/unsubscribes/variables/{value}",
        )
        if isinstance(data, dict):
            return Unsubscribe.model_validate(data)
        return Unsubscribe(value=value)

    def add_unsubscribes(self, values: Iterable[str]) -> int:
        """Put many values on the list: `POST /v2/unsubscribes/variables` with `{values: [...]}`, at most
        10,000 per request (documented). Blank and repeated values are dropped first. Returns how many
        values were sent; lemlist answers only the string "Variables unsubscribed", no per-value result."""
        unique = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
        for i in range(0, len(unique), UNSUB_BULK_MAX):
            self._send(
                "POST",
                "/v2/unsubscribes/variables",
                endpoint="POST /v2/unsubscribes/variables",
                json={"values": unique[i : i + UNSUB_BULK_MAX]},
            )
        return len(unique)

    def contact_subscription(self, contact_id: str) -> ContactSubscription:
        """`GET /v2/unsubscribes/contacts/{contactId}`: whether a lemlist contact (`ctc_...`, the
        `contactId` of a lead) is marked do-not-contact. lemlist documents no 404 here."""
        data = self._get(
            f"/v2/unsubscribes/contacts/{_seg(contact_id)}",
            endpoint="GET /v2/unsubscribes/contacts/{contactId}",
        )
        return ContactSubscription.model_validate(data)

    def is_do_not_contact(self, contact_id: str) -> bool:
        """Whether the contact is marked do-not-contact (see `contact_subscription`)."""
        return self.contact_subscription(contact_id).do_not_contact

    def mark_do_not_contact(self, contact_id: str) -> None:
        """`POST /v2/unsubscribes/contacts/{contactId}`: mark a contact do-not-contact (lemlist answers the
        string "Contact subscription updated", not the contact)."""
        self._send(
            "POST",
            f"/v2/unsubscribes/contacts/{_seg(contact_id)}",
            endpoint="POST /v2/unsubscribes/contacts/{contactId}",
        )

    # --- stats and inbox -----------------------------------------------------------------------

    def campaign_stats(self, campaign_id: str, *, start: DateLike, end: DateLike) -> CampaignStats:
        """Counters of one campaign between `start` and `end` (both required by lemlist)."""
        data = self._get(
            f"/v2/campaigns/{_seg(campaign_id)}/stats",
            endpoint="GET /v2/campaigns/{campaignId}/stats",
            params={"startDate": _iso(start), "endDate": _iso(end)},
        )
        stats = CampaignStats.model_validate(data)
        if stats.campaign_id is None:
            stats.campaign_id = campaign_id
        return stats

    def campaign_stats_batch(
        self, campaign_ids: Iterable[str], *, start: DateLike, end: DateLike
    ) -> CampaignStatsBatch:
        """Counters of many campaigns, 100 ids per call; per-campaign failures land in `errors`."""
        ids = list(dict.fromkeys(campaign_ids))
        merged = CampaignStatsBatch()
        for i in range(0, len(ids), STATS_BATCH_MAX):
            data = self._send(
                "POST",
                "/v2/campaigns/stats/batch",
                endpoint="POST /v2/campaigns/stats/batch",
                json={
                    "campaignIds": ids[i : i + STATS_BATCH_MAX],
                    "startDate": _iso(start),
                    "endDate": _iso(end),
                },
            )
            part = CampaignStatsBatch.model_validate(data)
            merged.results.extend(part.results)
            merged.errors.extend(part.errors)
        return merged

    def inbox_messages(self, contact_id: str) -> list[InboxMessage]:
        """The conversation with a contact: sent emails and replies, with bodies. The activities API
        carries no reply text; this is where reply bodies are read."""
        out: list[InboxMessage] = []
        skip = 0
        while True:
            data = self._get(
                f"/inbox/{_seg(contact_id)}",
                endpoint="GET /inbox/{contactId}",
                params={"limit": PAGE_SIZE, "skip": skip},
            )
            rows = _rows(data, "data")
            out.extend(InboxMessage.model_validate(r) for r in rows)
            pagination = data.get("pagination") if isinstance(data, dict) else None
            if len(rows) < PAGE_SIZE or (isinstance(pagination, dict) and not pagination.get("nextPage")):
                return out
            skip += len(rows)

    # --- plumbing ------------------------------------------------------------------------------

    def _get(self, path: str, *, endpoint: str, params: dict[str, Any] | None = None) -> Any:
        return self._send("GET", path, endpoint=endpoint, params=params)

    def _send(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Any:
        response = self.request(
            method, path, endpoint=endpoint, json=json, params=params, idempotent=idempotent
        )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            # A few lemlist routes answer 200 with a plain string ("Variables unsubscribed").
            return response.text

    def _walk_offset(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str | None = None
    ) -> list[dict[str, Any]]:
        return list(self._iter_offset(path, endpoint=endpoint, params=params, list_key=list_key))

    def _iter_offset(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Offset pagination: `offset += limit` until a page shorter than the limit. A row whose `_id`
        was already yielded is skipped (rows can shift between requests while the list grows); a full page
        of nothing new means the server is not honouring `offset`, and the walk stops instead of looping."""
        seen: set[str] = set()
        offset = 0
        while True:
            data = self._get(path, endpoint=endpoint, params={**params, "offset": offset, "limit": PAGE_SIZE})
            rows = _rows(data, list_key)
            fresh = [r for r in rows if _row_key(r) not in seen]
            for row in fresh:
                seen.add(_row_key(row))
                yield row
            if len(rows) < PAGE_SIZE:
                return
            if not fresh:
                logger.warning(
                    "lemlist %s: the page at offset %d only repeats rows already read; stopping the walk",
                    endpoint,
                    offset,
                )
                return
            offset += PAGE_SIZE

    def _walk_pages(
        self, path: str, *, endpoint: str, params: dict[str, Any], list_key: str
    ) -> list[dict[str, Any]]:
        """Page pagination (`page` from 1, `limit` 100) for lemlist's v2 lists.

        lemlist's document shows a bare JSON array; n8n reads a `totalPage` and a third-party doc shows
        `{<list_key>: [...], pagination: {page, limit, totalRecords, currentPage, nextPage, totalPage}}`.
        Both are read. The walk stops on an empty or short page (short against the `limit` the wrapped
        answer echoes, else the one sent), when `pagination` says there is no next page, and, whatever
        the server says, as soon as a page repeats an id already read (a server that ignores `page` would
        otherwise be walked forever): that page's new rows are kept and a warning is logged."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        page = 1
        while True:
            data = self._get(path, endpoint=endpoint, params={**params, "page": page, "limit": PAGE_SIZE})
            rows = _rows(data, list_key)
            repeated = 0
            for row in rows:
                key = _row_key(row)
                if key in seen:
                    repeated += 1
                    continue
                seen.add(key)
                out.append(row)
            if repeated:
                logger.warning(
                    "lemlist %s: page %d repeats %d row(s) already read; stopping the walk with %d rows",
                    endpoint,
                    page,
                    repeated,
                    len(out),
                )
                return out
            if not rows or _last_page(data, page, len(rows)):
                return out
            page += 1

    def _lead_action(self, prefix: str, endpoint: str, lead: str, campaign_id: str | None) -> list[Lead]:
        data = self._send(
            "POST", f"{prefix}{_seg(lead)}", endpoint=endpoint, params={"campaignId": campaign_id}
        )
        rows = data if isinstance(data, list) else [data]
        return [Lead.model_validate(r) for r in rows if isinstance(r, dict)]

    def _interest(self, lead: str, campaign_id: str | None, verb: str) -> list[Lead]:
        # Each mark is an activity in lemlist: one that got no answer is not sent again (the caller checks the
        # lead's state first, see `sales_assets/engagement/reply_actions.py`).
        if campaign_id:
            data = self._send(
                "POST",
                f"/campaigns/{_seg(campaign_id)}/leads/{_seg(lead)}/{verb}",
                endpoint=f"POST /campaigns/{{campaignId}}/leads/{{leadIdOrEmail}}/{verb}",
                idempotent=False,
            )
        else:
            data = self._send(
                "POST",
                f"/leads/{verb}/{_seg(lead)}",
                endpoint=f"POST /leads/{verb}/{{leadIdOrEmail}}",
                idempotent=False,
            )
        rows = data if isinstance(data, list) else [data]
        return [Lead.model_validate(r) for r in rows if isinstance(r, dict)]

    # --- policy hooks --------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        """lemlist error bodies: a text/plain sentence, or JSON `{error, message}` / `{ok: false, message}`
        / `{success: false, error: {code, message}}`."""
        text = response.text.strip()
        if "json" in response.headers.get("content-type", "") or text.startswith(("{", '"')):
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, str):
                return body[:500], None
            if isinstance(body, dict):
                error = body.get("error")
                if isinstance(error, dict):
                    error = error.get("message") or error.get("code")
                message = body.get("message")
                parts = [str(p) for p in (error, message) if p]
                if parts:
                    return ": ".join(dict.fromkeys(parts))[:500], None
        return (text[:500] or response.reason_phrase or "error"), None

    def _retry_after(self, response: httpx.Response) -> float | None:
        seconds = parse_retry_after(response.headers.get("retry-after"))
        if seconds is not None:
            return seconds
        return parse_js_date_delay(response.headers.get("x-ratelimit-reset"))

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        if response.status_code == 400 and "no api key" in response.text.lower():
            message, _ = self._error_details(response)
            return AuthenticationError(
                f"credentials missing: {message}",
                variable=self.key_variable,
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=400,
                body=response.text[:2000],
            )
        return super()._error_from_response(response, endpoint)


_JS_DATE = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")


def parse_js_date_delay(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds until a JavaScript `Date.toString()` value such as
    `Tue Feb 16 2021 09:02:42 GMT+0100 (Central European Standard Time)`."""
    if not value:
        return None
    found = _JS_DATE.match(value.strip())
    if not found:
        return None
    try:
        when = datetime.strptime(f"{found.group(1)} {found.group(2)}", "%b %d %Y %H:%M:%S %z")
    except ValueError:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _skip_reason(exc: RecordValidationError) -> Any:
    """Map lemlist's refusals of a lead to a skipped status (None: a real error)."""
    text = (exc.message or "").lower()
    if exc.status_code == 409 or ("already" in text and "campaign" in text):
        return "skipped_duplicate"
    if "unsubscribe" in text:
        return "skipped_unsubscribed"
    return None


def parse_unsubscribe_csv(text: str, *, endpoint: str) -> list[Unsubscribe]:
    """lemlist's unsubscribe export: CSV with the header `_id,value,source,createdAt` (documented).

    Read with the stdlib `csv` module (quoted values, CRLF or LF). A UTF-8 byte order mark is dropped,
    header names are matched without regard to case, and a missing `_id`, `source` or `createdAt` column
    leaves that field empty. A header without `value` raises: an export that cannot be read must never
    pass for an empty list. An empty body (not even the header) is read as an empty list: lemlist does not
    say what the export of an empty list looks like."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    if "value" not in header:
        raise VendorError(
            f"the unsubscribe export has no 'value' column (header: {','.join(header)[:200]})",
            vendor="lemlist",
            endpoint=endpoint,
        )
    columns: dict[str, int] = {
        name: header.index(name) for name in ("_id", "value", "source", "createdat") if name in header
    }

    def cell(row: list[str], name: str) -> str | None:
        i = columns.get(name)
        value = row[i].strip() if i is not None and i < len(row) else ""
        return value or None

    out: list[Unsubscribe] = []
    for row in reader:
        value = cell(row, "value")
        if value is None:
            continue
        entry = Unsubscribe(_id=cell(row, "_id"), value=value, source=cell(row, "source"))
        created = cell(row, "createdat")
        if created is not None:
            try:
                when = datetime.fromisoformat(created.replace("Z", "+00:00"))
                # lemlist writes UTC with a `Z`; a bare timestamp is read as UTC too, like the JSON routes.
                entry.created_at = when if when.tzinfo else when.replace(tzinfo=UTC)
            except ValueError:
                logger.warning("lemlist unsubscribe export: unreadable createdAt %r for one entry", created)
        out.append(entry)
    return out


def unsubscribe_candidates(email: str) -> list[str]:
    """The list values that block an address: itself (as given and lower-cased) and its `@domain`."""
    value = email.strip()
    candidates = [value, value.lower()]
    local, at, domain = value.rpartition("@")
    if at and local and domain:
        candidates.append("@" + domain.lower())
    return list(dict.fromkeys(c for c in candidates if c))


def _is_variable_not_found(exc: NotFoundError) -> bool:
    """lemlist's documented 404 for a value not on the list (text/plain `Variable not found`; read the
    same if it comes as a JSON string or `{error|message}`, which `_error_details` unwraps)."""
    return exc.message.strip().strip('"').rstrip(".").strip().lower() == "variable not found"


def _last_page(data: Any, page: int, count: int) -> bool:
    """Whether a page of the `page` walk is the last one: short against the limit, or so says the wrapped
    answer's `pagination` (or a top-level `totalPage`, which is where n8n reads it)."""
    limit = PAGE_SIZE
    if isinstance(data, dict):
        wrapped = data.get("pagination")
        pagination: dict[str, Any] = wrapped if isinstance(wrapped, dict) else data
        echoed = pagination.get("limit")
        if isinstance(echoed, int) and 0 < echoed < PAGE_SIZE:
            limit = echoed
        if "nextPage" in pagination and not pagination["nextPage"]:
            return True
        total = pagination.get("totalPage")
        if isinstance(total, int) and page >= total:
            return True
    return count < limit


def _row_key(row: dict[str, Any]) -> str:
    """A row's identity for the loop guards: its `_id`, else the row itself."""
    ident = row.get("_id")
    return str(ident) if ident is not None else json.dumps(row, sort_keys=True, default=str)


def _rows(data: Any, key: str | None) -> list[dict[str, Any]]:
    """A page as a list: lemlist mostly answers bare arrays; some versions wrap them in an object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for k in (key, "data", "results"):
            if k and isinstance(data.get(k), list):
                return data[k]
    return []


def _seg(value: str) -> str:
    """One path segment; emails are sent URL-encoded (`a%40b.com`) as lemlist's own `leadUrl` shows."""
    return quote(value, safe="")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _iso(value: DateLike | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
    return value
