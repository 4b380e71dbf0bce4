"""Explorium businesses: fetching and counting companies, matching them, their events and enrichments.

What belongs here: the `/businesses...` routes, their batch limits (match and enrich 50, events 40), and
the typed models of the business enrichments this client knows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from resources.explorium.base_client import (
    ExploriumBaseClient,
    as_input,
    filters_body,
    in_chunks,
    one_record,
    unique,
)
from resources.explorium.filters import BusinessFilters
from resources.explorium.models import (
    DEFAULT_PAGE_SIZE,
    ENRICH_BATCH,
    EVENTS_BATCH,
    MATCH_BATCH,
    AutocompleteOption,
    Business,
    BusinessEnrichmentResult,
    BusinessEvent,
    BusinessEventsResult,
    BusinessMatch,
    BusinessMatchResult,
    BusinessStats,
    BusinessToMatch,
    CallSpend,
    EnrichedBusiness,
    FetchPage,
    FetchResult,
    Firmographics,
    FundingAndAcquisition,
    Technographics,
    VendorModel,
    WorkforceTrends,
)

#: The business enrichments this client has typed models for; any other SPEC kind returns `VendorModel`.
ENRICHMENT_MODELS: dict[str, type[BaseModel]] = {
    "firmographics": Firmographics,
    "technographics": Technographics,
    "funding_and_acquisition": FundingAndAcquisition,
    "workforce_trends": WorkforceTrends,
}


class BusinessesAPI(ExploriumBaseClient):
    """Companies: search, stats, autocomplete, match, events and bulk enrichments."""

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
        raw, usage = self._post("/businesses/stats", {"filters": filters_body(filters)})
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
        inputs = [as_input(BusinessToMatch, b) for b in businesses]
        spend = CallSpend()
        matches: list[BusinessMatch] = []
        for chunk in in_chunks(inputs, MATCH_BATCH):
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
        for chunk in in_chunks(unique(business_ids), EVENTS_BATCH):
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
        for chunk in in_chunks(unique(business_ids), ENRICH_BATCH):
            body: dict[str, Any] = {"business_ids": chunk}
            if parameters:
                body["parameters"] = dict(parameters)
            raw, usage = self._post(f"/businesses/{kind}/bulk_enrich", body)
            spend.add(usage)
            rows.extend(
                EnrichedBusiness[model](  # type: ignore[valid-type]
                    business_id=row["business_id"], data=one_record(row.get("data"), model)
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


def _timestamp(value: datetime | date | str) -> str:
    # Explorium takes ISO datetimes or plain YYYY-MM-DD dates.
    return value.isoformat() if isinstance(value, date) else value
