"""CRM search: filtered queries over any object type, and finding companies by domain.

What belongs here: `POST .../{objectType}/search`, its own rate limit (`search_limits`), paging through
`paging.next.after`, and re-windowing on `hs_object_id` past HubSpot's 10,000-result cap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from resources.errors import RecordValidationError
from resources.hubspot.base_client import HubSpotBaseClient, in_chunks
from resources.hubspot.models import (
    IN_FILTER_VALUES,
    SEARCH_PAGE_SIZE,
    SEARCH_RESULT_CAP,
    CrmObject,
    SearchResult,
)
from resources.hubspot.objects import COMPANY_PROPERTIES
from resources.hubspot.values import normalize_domain


class SearchAPI(HubSpotBaseClient):
    """Search walks every page and re-windows past HubSpot's 10,000-result cap when it controls the sort
    order."""

    #: Paging stops here per query (HubSpot answers 400 past it). An attribute so tests can lower it.
    search_result_cap: int = SEARCH_RESULT_CAP

    def search_contacts(
        self,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every contact matching `filter_groups` (groups ORed, filters inside a group ANDed)."""
        return self.search_objects(
            "contacts",
            filter_groups=filter_groups,
            properties=properties,
            sorts=sorts,
            query=query,
            limit=limit,
        )

    def search_companies(
        self,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every company matching `filter_groups` (groups ORed, filters inside a group ANDed)."""
        return self.search_objects(
            "companies",
            filter_groups=filter_groups,
            properties=properties,
            sorts=sorts,
            query=query,
            limit=limit,
        )

    def find_companies_by_domains(
        self, domains: Sequence[str], *, properties: Sequence[str] | None = None
    ) -> dict[str, list[CrmObject]]:
        """Existing companies for each domain, keyed by normalised domain (`acme.com`).

        `batch/upsert` with idProperty `domain` is refused (domain is not a unique property), so dedupe goes
        through search: IN filters of at most 100 values, the bare domain and its `www.` form in two ORed
        groups. The cost grows with the number of candidates, not with the size of the CRM. Values are sent
        lower-case (HubSpot matches string values case-insensitively) and hits are matched back after
        normalising their stored domain, so `WWW.Acme.com` finds `acme.com`.
        """
        wanted = sorted({d for d in (normalize_domain(x) for x in domains) if d})
        found: dict[str, list[CrmObject]] = {d: [] for d in wanted}
        props = list(dict.fromkeys([*(properties or COMPANY_PROPERTIES), "domain"]))
        for chunk in in_chunks(wanted, IN_FILTER_VALUES):
            groups = [
                {"filters": [{"propertyName": "domain", "operator": "IN", "values": values}]}
                for values in (list(chunk), [f"www.{d}" for d in chunk])
            ]
            for company in self.search_objects("companies", filter_groups=groups, properties=props).results:
                key = normalize_domain(company.domain)
                if key in found and all(c.id != company.id for c in found[key]):
                    found[key].append(company)
        return found

    def search_objects(
        self,
        object_type: str,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every record of `object_type` matching the filters, walking `paging.next.after` to the end.

        Each page counts against the search limiter as well as the general one. HubSpot refuses to page past
        10,000 results of one query: without caller `sorts`, the client sorts by `hs_object_id` and starts a
        new window (`hs_object_id > last id`) before the cap; with caller sorts it raises a
        `RecordValidationError` saying to narrow the filters.
        """
        page = max(1, min(int(limit), SEARCH_PAGE_SIZE))
        groups = [{"filters": [dict(f) for f in g.get("filters") or []]} for g in filter_groups]
        rewindow = not sorts
        sort_spec = list(sorts) if sorts else [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
        path = self._crm("objects", f"/{object_type}/search")
        out = SearchResult()
        seen: set[str] = set()
        floor: str | None = None
        after: str | None = None
        while True:
            # The documents mark filterGroups, sorts, limit, properties and after all required: an empty
            # `properties` asks for the defaults, `after` "0" for the first page. `sorts` is typed `string[]`
            # there, but HubSpot's guides and its SDK users send {propertyName, direction}, as here.
            body: dict[str, Any] = {
                "filterGroups": _window(groups, floor),
                "sorts": sort_spec,
                "limit": page,
                "properties": list(properties or ()),
                "after": after if after is not None else "0",
            }
            if query:
                body["query"] = query
            data = self.request("POST", path, json=body, extra_limits=self.search_limits).json()
            out.calls += 1
            if floor is None and after is None:
                out.total = int(data.get("total") or 0)
            last_id: str | None = None
            for raw in data.get("results") or []:
                record = CrmObject.model_validate(raw)
                last_id = record.id
                if record.id not in seen:
                    seen.add(record.id)
                    out.results.append(record)
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return out
            if int(after) + page <= self.search_result_cap:
                continue
            if not rewindow:
                raise RecordValidationError(
                    f"search of {object_type} matched {out.total} records, but HubSpot pages no further than "
                    f"{self.search_result_cap} results per query. Narrow the filters, or leave `sorts` unset "
                    "so the client can re-window on hs_object_id",
                    vendor=self.vendor,
                    endpoint=f"POST {path}",
                )
            floor, after = last_id, None


def _window(groups: list[dict[str, Any]], floor: str | None) -> list[dict[str, Any]]:
    """The filter groups of one search window: every group ANDed with `hs_object_id > floor`."""
    if floor is None:
        return groups
    bound = {"propertyName": "hs_object_id", "operator": "GT", "value": floor}
    if not groups:
        return [{"filters": [bound]}]
    if any(len(g["filters"]) >= 6 for g in groups) or sum(len(g["filters"]) + 1 for g in groups) > 18:
        raise RecordValidationError(
            "search matched more than HubSpot pages through, and its filter groups are too full to add the "
            "hs_object_id window (at most 6 filters per group, 18 in all). Split the query",
            vendor="hubspot",
        )
    return [{"filters": [*g["filters"], bound]} for g in groups]
