"""`ExploriumClient`: the httpx client of Explorium AgentSource v1 (businesses, prospects, events).

What belongs here: Explorium's endpoints, their batch limits and paging, its auth header and how its error
bodies read. Retries, timeouts and the client-side limiter come from `resources.http`; payload models from
`models.py`. Every method asks for `credit-usage: true`, so each result carries the credits it cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from resources.billing import Billed
from resources.errors import InsufficientCreditsError, VendorError
from resources.explorium.models import (
    DEFAULT_PAGE_SIZE,
    ENRICH_BATCH,
    EVENTS_BATCH,
    MATCH_BATCH,
    MAX_FETCH_SIZE,
    MAX_PAGE_SIZE,
    AutocompleteOption,
    Business,
    BusinessEnrichmentResult,
    BusinessEvent,
    BusinessEventsResult,
    BusinessFilters,
    BusinessMatch,
    BusinessMatchResult,
    BusinessStats,
    BusinessToMatch,
    CallSpend,
    ContactsEnrichmentResult,
    ContactType,
    CreditAggregation,
    Credits,
    CreditUsage,
    EnrichedBusiness,
    EnrichedContacts,
    EnrichedProfile,
    FetchPage,
    FetchResult,
    Firmographics,
    FundingAndAcquisition,
    ProfilesEnrichmentResult,
    Prospect,
    ProspectFilters,
    ProspectMatch,
    ProspectMatchResult,
    ProspectProfile,
    ProspectToMatch,
    Technographics,
    VendorModel,
    WorkforceTrends,
)
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after

DEFAULT_BASE_URL = "https://api.explorium.ai/v1"
#: 200 requests per minute per key, in a 60 s sliding window shared by all endpoints. Half a second of
#: margin on the window so clock skew between us and Explorium cannot push a burst over.
DEFAULT_LIMIT = RateLimit("explorium", 200, 60.5)

#: The business enrichments this client has typed models for; any other SPEC kind returns `VendorModel`.
ENRICHMENT_MODELS: dict[str, type[BaseModel]] = {
    "firmographics": Firmographics,
    "technographics": Technographics,
    "funding_and_acquisition": FundingAndAcquisition,
    "workforce_trends": WorkforceTrends,
}

RecordT = TypeVar("RecordT", bound=BaseModel)
T = TypeVar("T")

Filters = BusinessFilters | ProspectFilters | Mapping[str, Any] | None


class ExploriumClient(VendorHttpClient):
    """Explorium AgentSource v1 over httpx. Methods batch to Explorium's limits and walk every page."""

    vendor = "explorium"
    key_variable = "EXPLORIUM_API_KEY"

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
            limits=limits if limits is not None else (DEFAULT_LIMIT,),
            # The SPEC's header is `api_key` (REST has no Bearer token; that belongs to the MCP server).
            headers={"api_key": api_key, "content-type": "application/json", "credit-usage": "true"},
            transport=transport,
            sleep=sleep,
        )

    # --- businesses ------------------------------------------------------------------------------

    def iter_business_pages(
        self,
        filters: BusinessFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> Iterator[FetchPage[Business]]:
        """Each page of `POST /businesses` (page mode), one request per page, until the last one."""
        yield from self._pages("/businesses", Business, filters, page_size, max_results, exclude)

    def fetch_businesses(
        self,
        filters: BusinessFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> FetchResult[Business]:
        """Every business matching `filters` (up to `max_results`), over all pages, deduplicated by id.

        `page_size` defaults to 100: the SPEC allows 500 in page mode but Explorium's fetch pages and
        quick-start say 100, and 100 is valid under both readings (and in cursor mode).
        """
        return self._collect(
            self.iter_business_pages(filters, page_size=page_size, max_results=max_results, exclude=exclude),
            key=lambda b: b.business_id,
            max_results=max_results,
        )

    def businesses_stats(self, filters: BusinessFilters | Mapping[str, Any] | None = None) -> BusinessStats:
        """`POST /businesses/stats`: the size of a search (not capped at 60,000) and its breakdowns."""
        raw, usage = self._post("/businesses/stats", {"filters": _filters(filters)})
        stats = BusinessStats.model_validate(raw)
        stats.spend.add(usage)
        return stats

    def autocomplete_businesses(
        self, *, field: str, query: str, semantic_search: bool = False
    ) -> list[AutocompleteOption]:
        """`GET /businesses/autocomplete`: the exact filter values Explorium knows for `field`."""
        response = self.request(
            "GET",
            "/businesses/autocomplete",
            endpoint="GET /businesses/autocomplete",
            params={"field": field, "query": query, "semantic_search": str(semantic_search).lower()},
        )
        return [AutocompleteOption.model_validate(o) for o in response.json()]

    def match_businesses(
        self, businesses: Sequence[BusinessToMatch | Mapping[str, Any]]
    ) -> BusinessMatchResult:
        """`POST /businesses/match` in chunks of 50; matches come back in input order."""
        inputs = [_dump(BusinessToMatch, b) for b in businesses]
        spend = CallSpend()
        matches: list[BusinessMatch] = []
        for chunk in _chunks(inputs, MATCH_BATCH):
            raw, usage = self._post("/businesses/match", {"businesses_to_match": chunk})
            spend.add(usage)
            matches.extend(BusinessMatch.model_validate(m) for m in raw.get("matched_businesses") or [])
        return BusinessMatchResult(matches=matches, spend=spend)

    def business_events(
        self,
        *,
        business_ids: Sequence[str],
        event_types: Sequence[str],
        timestamp_from: datetime | date | str | None = None,
        timestamp_to: datetime | date | str | None = None,
    ) -> BusinessEventsResult:
        """`POST /businesses/events` in chunks of 40 ids. Explorium keeps only about the last quarter."""
        if not event_types:
            raise ValueError("event_types needs at least one event type")
        spend = CallSpend()
        events: list[BusinessEvent] = []
        for chunk in _chunks(_unique(business_ids), EVENTS_BATCH):
            body: dict[str, Any] = {"event_types": list(event_types), "business_ids": chunk}
            if timestamp_from is not None:
                body["timestamp_from"] = _timestamp(timestamp_from)
            if timestamp_to is not None:
                body["timestamp_to"] = _timestamp(timestamp_to)
            raw, usage = self._post("/businesses/events", body)
            spend.add(usage)
            events.extend(BusinessEvent.model_validate(e) for e in raw.get("output_events") or [])
        return BusinessEventsResult(events=events, spend=spend)

    def enrich_businesses(
        self,
        kind: str,
        business_ids: Sequence[str],
        *,
        parameters: Mapping[str, Any] | None = None,
    ) -> BusinessEnrichmentResult[Any]:
        """`POST /businesses/{kind}/bulk_enrich` in chunks of 50 (ids deduplicated, order kept)."""
        model = ENRICHMENT_MODELS.get(kind, VendorModel)
        spend = CallSpend()
        rows: list[EnrichedBusiness[Any]] = []
        for chunk in _chunks(_unique(business_ids), ENRICH_BATCH):
            body: dict[str, Any] = {"business_ids": chunk}
            if parameters:
                body["parameters"] = dict(parameters)
            raw, usage = self._post(f"/businesses/{kind}/bulk_enrich", body)
            spend.add(usage)
            rows.extend(
                EnrichedBusiness[model](  # type: ignore[valid-type]
                    business_id=row["business_id"], data=_one(row.get("data"), model)
                )
                for row in raw.get("data") or []
            )
        return BusinessEnrichmentResult[model](kind=kind, rows=rows, spend=spend)  # type: ignore[valid-type]

    def enrich_firmographics(self, business_ids: Sequence[str]) -> BusinessEnrichmentResult[Firmographics]:
        """Name, description, location, size, revenue and industry codes of each business."""
        return self.enrich_businesses("firmographics", business_ids)

    def enrich_technographics(self, business_ids: Sequence[str]) -> BusinessEnrichmentResult[Technographics]:
        """The technologies each business uses, in full and by category."""
        return self.enrich_businesses("technographics", business_ids)

    def enrich_funding_and_acquisition(
        self, business_ids: Sequence[str]
    ) -> BusinessEnrichmentResult[FundingAndAcquisition]:
        """Funding rounds, investors, IPO and acquisition of each business."""
        return self.enrich_businesses("funding_and_acquisition", business_ids)

    def enrich_workforce_trends(
        self, business_ids: Sequence[str]
    ) -> BusinessEnrichmentResult[WorkforceTrends]:
        """Share of roles per department and its change over the last quarter."""
        return self.enrich_businesses("workforce_trends", business_ids)

    # --- prospects -------------------------------------------------------------------------------

    def iter_prospect_pages(
        self,
        filters: ProspectFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> Iterator[FetchPage[Prospect]]:
        """Each page of `POST /prospects` (page mode)."""
        yield from self._pages("/prospects", Prospect, filters, page_size, max_results, exclude)

    def fetch_prospects(
        self,
        filters: ProspectFilters | Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int | None = None,
        exclude: Sequence[str] = (),
    ) -> FetchResult[Prospect]:
        """Every prospect matching `filters` (business_id, job_level, job_department, job_title,
        has_email, ...), over all pages. Records carry no contact details: see `enrich_contacts`."""
        return self._collect(
            self.iter_prospect_pages(filters, page_size=page_size, max_results=max_results, exclude=exclude),
            key=lambda p: p.prospect_id,
            max_results=max_results,
        )

    def match_prospects(
        self, prospects: Sequence[ProspectToMatch | Mapping[str, Any]]
    ) -> ProspectMatchResult:
        """`POST /prospects/match` in chunks of 50; matches come back in input order."""
        inputs = [_dump(ProspectToMatch, p) for p in prospects]
        spend = CallSpend()
        matches: list[ProspectMatch] = []
        for chunk in _chunks(inputs, MATCH_BATCH):
            raw, usage = self._post("/prospects/match", {"prospects_to_match": chunk})
            spend.add(usage)
            matches.extend(ProspectMatch.model_validate(m) for m in raw.get("matched_prospects") or [])
        return ProspectMatchResult(matches=matches, spend=spend)

    def enrich_contacts(
        self,
        prospect_ids: Sequence[str],
        *,
        contact_types: Sequence[ContactType] = ("email",),
    ) -> ContactsEnrichmentResult:
        """`POST /prospects/contacts_information/bulk_enrich` in chunks of 50.

        Email only costs 2 credits per prospect, phone (with or without email) 5: ask only for what you use.
        """
        spend = CallSpend()
        rows: list[EnrichedContacts] = []
        for chunk in _chunks(_ids(prospect_ids), ENRICH_BATCH):
            body = {"prospect_ids": chunk, "parameters": {"contact_types": list(contact_types)}}
            raw, usage = self._post("/prospects/contacts_information/bulk_enrich", body)
            spend.add(usage)
            rows.extend(EnrichedContacts.model_validate(r) for r in raw.get("data") or [])
        return ContactsEnrichmentResult(rows=rows, spend=spend)

    def enrich_prospect_profiles(self, prospect_ids: Sequence[str]) -> ProfilesEnrichmentResult:
        """`POST /prospects/profiles/bulk_enrich` in chunks of 50: education, experience, seniority."""
        spend = CallSpend()
        rows: list[EnrichedProfile] = []
        for chunk in _chunks(_ids(prospect_ids), ENRICH_BATCH):
            raw, usage = self._post("/prospects/profiles/bulk_enrich", {"prospect_ids": chunk})
            spend.add(usage)
            rows.extend(
                EnrichedProfile(prospect_id=row["prospect_id"], data=_one(row.get("data"), ProspectProfile))
                for row in raw.get("data") or []
            )
        return ProfilesEnrichmentResult(rows=rows, spend=spend)

    # --- account ---------------------------------------------------------------------------------

    def credits(self) -> Credits:
        """`GET /credits`: allocated and remaining credits of the account."""
        response = self.request("GET", "/credits", endpoint="GET /credits")
        return Credits.model_validate(response.json())

    def credit_aggregation(
        self, start: datetime, end: datetime, *, mode: str = "endpoints"
    ) -> CreditAggregation:
        """`POST /credits/aggregation`: credits charged between `start` and `end` (at most 7 days apart at
        hourly resolution, which is what is asked for)."""
        body = {
            "from_date": _utc_iso(start),
            "to_date": _utc_iso(end),
            "mode": mode,
            "resolution": "hour",
            "timezone": "UTC",
        }
        response = self.request(
            "POST", "/credits/aggregation", endpoint="POST /credits/aggregation", json=body
        )
        return CreditAggregation.model_validate(response.json())

    def billed_between(self, start: datetime, end: datetime) -> Billed:
        """Credits the account was charged between two moments, by Explorium's own account (for
        `SpendLedger.reconcile`)."""
        return Billed({"credits": float(self.credit_aggregation(start, end).total_credits)})

    @property
    def unanswered_attempts(self) -> int:
        """Attempts this client sent that got no answer (Explorium may have billed them)."""
        return self.stats.total_unanswered

    # --- plumbing --------------------------------------------------------------------------------

    def _post(self, path: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], CreditUsage | None]:
        response = self.request("POST", path, endpoint=f"POST {path}", json=body)
        raw = response.json()
        usage = raw.get("credit_usage") if isinstance(raw, dict) else None
        return raw, CreditUsage.model_validate(usage) if isinstance(usage, dict) else None

    def _pages(
        self,
        path: str,
        model: type[RecordT],
        filters: Filters,
        page_size: int,
        max_results: int | None,
        exclude: Sequence[str],
    ) -> Iterator[FetchPage[RecordT]]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        if max_results is not None and max_results < 1:
            raise ValueError("max_results must be at least 1")
        size = min(max_results or MAX_FETCH_SIZE, MAX_FETCH_SIZE)
        # Explorium rejects size < page_size with a 422, so a small max_results shrinks the page.
        page_size = min(page_size, size)
        body: dict[str, Any] = {
            "mode": "full",
            "size": size,
            "page_size": page_size,
            "filters": _filters(filters),
        }
        if exclude:
            body["exclude"] = list(exclude)
        page_type = FetchPage[model]  # type: ignore[valid-type]
        page = 1
        while True:
            raw, usage = self._post(path, {**body, "page": page})
            parsed = page_type.model_validate(raw)
            parsed.credit_usage = usage
            yield parsed
            if not parsed.data or page >= parsed.total_pages:
                return
            page += 1

    @staticmethod
    def _collect(
        pages: Iterable[FetchPage[RecordT]], *, key: Callable[[Any], str], max_results: int | None
    ) -> FetchResult[RecordT]:
        spend = CallSpend()
        seen: set[str] = set()
        records: list[RecordT] = []
        total = 0
        count = 0
        for page in pages:
            count += 1
            spend.add(page.credit_usage)
            total = page.total_results
            for record in page.data:
                if key(record) not in seen:
                    seen.add(key(record))
                    records.append(record)
        if max_results is not None:
            records = records[:max_results]
        return FetchResult[Any](records=records, total_results=total, pages=count, spend=spend)

    # --- error bodies ----------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        try:
            body = response.json()
        except ValueError:
            return super()._error_details(response)
        if not isinstance(body, dict):
            return super()._error_details(response)
        context = body.get("response_context")
        correlation_id = body.get("correlation_id") or (
            context.get("correlation_id") if isinstance(context, dict) else None
        )
        return _error_message(body) or response.reason_phrase or "error", correlation_id

    def _retry_after(self, response: httpx.Response) -> float | None:
        header = parse_retry_after(response.headers.get("retry-after"))
        if header is not None:
            return header
        try:
            value = response.json().get("retry_after")
        except (ValueError, AttributeError):
            return None
        return float(value) if isinstance(value, int | float) else None

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        if response.status_code == 403:
            message, correlation_id = self._error_details(response)
            # Explorium documents 403 as "insufficient credits"; any other 403 is a refused key.
            if "credit" in message.lower():
                return InsufficientCreditsError(
                    message,
                    vendor=self.vendor,
                    endpoint=endpoint,
                    status_code=403,
                    correlation_id=correlation_id,
                    body=_json_or_text(response),
                )
        return super()._error_from_response(response, endpoint)


# --- helpers -----------------------------------------------------------------------------------------


def _error_message(body: Mapping[str, Any]) -> str | None:
    """Explorium's error bodies differ by endpoint: FastAPI `detail` lists, `detail`/`details`/`message`
    strings, or `{"error": {"code", "message"}}`."""
    detail = body.get("detail")
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc") or [])
                msg = item.get("msg") or item.get("message") or ""
                parts.append(f"{loc}: {msg}" if loc else str(msg))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    for key in ("detail", "details", "message"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    error = body.get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        return f"{code}: {message}" if code and message else (message or code)
    if isinstance(error, str):
        return error
    return None


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def _filters(filters: Filters) -> dict[str, Any]:
    if filters is None:
        return {}
    if isinstance(filters, BusinessFilters | ProspectFilters):
        return filters.to_api()
    # Plain mappings may use the same shorthands as the models: a list (or string) for an includes
    # filter, a bool for an exists filter. Filter objects pass through untouched.
    out: dict[str, Any] = {}
    for name, value in filters.items():
        if isinstance(value, bool):
            out[name] = {"value": value}
        elif isinstance(value, str):
            out[name] = {"values": [value]}
        elif isinstance(value, Sequence):
            out[name] = {"values": list(value)}
        else:
            out[name] = value
    return out


def _dump(model: type[BaseModel], value: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    parsed = value if isinstance(value, BaseModel) else model.model_validate(value)
    return parsed.model_dump(exclude_none=True)


def _one(data: Any, model: type[RecordT]) -> RecordT | None:
    # Explorium's enrich outputs are an object or a one-element list depending on the type.
    if isinstance(data, list):
        data = data[0] if data else None
    if data is None:
        return None
    return model.model_validate(data)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _ids(ids: Sequence[str]) -> list[str]:
    # A single null id makes Explorium reject the whole batch with a 422, so refuse it here.
    if any(not isinstance(i, str) or not i for i in ids):
        raise ValueError("prospect ids must be non-empty strings (Explorium rejects a batch with a null id)")
    return _unique(ids)


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _timestamp(value: datetime | date | str) -> str:
    # Explorium takes ISO datetimes or plain YYYY-MM-DD dates.
    return value.isoformat() if isinstance(value, date) else value
