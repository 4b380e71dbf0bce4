"""Deals and their pipelines: what the insights funnel reads from HubSpot, in batches.

What belongs here: `DealsAPI`, mixed into `HubSpotClient`: deals created, updated, read by id (100 per call)
and searched (every page), the contacts and companies each deal is associated with (associations batch
read), and the deal pipelines with their stages; and the `Deal` / `Pipeline` models those calls return. The
generic object, search and association calls it builds on are the client's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, Field

from resources.hubspot.base_client import crm_path
from resources.hubspot.models import AssociationResult, BatchResult, CrmObject, SearchResult

#: What the funnel needs of a deal (HubSpot's default properties plus the calculated won flag).
DEAL_PROPERTIES = (
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "closedate",
    "createdate",
    "hs_lastmodifieddate",
    "hs_is_closed_won",
    "hs_object_id",
)
#: HUBSPOT_DEFINED association type ids: deal -> contact, deal -> company (unlabelled).
DEAL_TO_CONTACT = 3
DEAL_TO_COMPANY = 341


class PipelineStage(BaseModel):
    """One stage of a pipeline; `probability` is HubSpot's win probability (metadata, a string there)."""

    id: str
    label: str
    display_order: int = 0
    is_closed: bool = False
    probability: float | None = None


class Pipeline(BaseModel):
    id: str
    label: str
    stages: list[PipelineStage] = Field(default_factory=list)

    def stage(self, stage_id: str) -> PipelineStage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


class Deal(BaseModel):
    """One deal as the funnel reads it, with the records it is associated with."""

    id: str
    name: str | None = None
    stage: str | None = None
    pipeline: str | None = None
    amount: float | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None
    is_won: bool = False
    contact_ids: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)

    @classmethod
    def from_object(cls, record: CrmObject) -> Deal:
        amount = record.get("amount")
        return cls(
            id=record.id,
            name=record.get("dealname"),
            stage=record.get("dealstage"),
            pipeline=record.get("pipeline"),
            amount=float(amount) if amount is not None else None,
            created_at=_when(record.get("createdate")) or record.created_at,
            closed_at=_when(record.get("closedate")),
            is_won=(record.get("hs_is_closed_won") or "").lower() == "true",
        )


class _Host(Protocol):
    """What `DealsAPI` uses of the client it is mixed into."""

    crm_version: str

    def request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        extra_limits: Sequence[Any] = (),
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response: ...

    def search_objects(
        self,
        object_type: str,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = ...,
    ) -> SearchResult: ...

    def read_objects(
        self, object_type: str, ids: Sequence[str], *, properties: Sequence[str]
    ) -> BatchResult: ...

    def read_associations(self, from_type: str, ids: Sequence[str], to_type: str) -> AssociationResult: ...

    def _batch_write(
        self,
        object_type: str,
        action: str,
        prepared: Sequence[tuple[dict[str, Any], str] | tuple[dict[str, Any], str, int]],
    ) -> BatchResult: ...


class DealsAPI:
    """Deals, their associations and their pipelines."""

    def create_deals(
        self: _Host,
        inputs: Sequence[Mapping[str, Any]],
        *,
        contact_ids: Sequence[str | None] | None = None,
        company_ids: Sequence[str | None] | None = None,
    ) -> BatchResult:
        """Create deals (`batch/create`), 100 per call, each associated with the contact and company at the
        same position of `contact_ids` / `company_ids` (None: none). Properties are sent as strings."""
        prepared: list[tuple[dict[str, Any], str]] = []
        for i, item in enumerate(inputs):
            associations = []
            for ids, type_id in ((contact_ids, DEAL_TO_CONTACT), (company_ids, DEAL_TO_COMPANY)):
                target = ids[i] if ids is not None and i < len(ids) else None
                if target:
                    associations.append(
                        {
                            "to": {"id": str(target)},
                            "types": [
                                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
                            ],
                        }
                    )
            props = {k: _string(v) for k, v in item.items() if v is not None}
            prepared.append(
                ({"properties": props, "associations": associations}, str(item.get("dealname") or i))
            )
        return self._batch_write("deals", "create", prepared)

    def update_deals(self: _Host, updates: Mapping[str, Mapping[str, Any]]) -> BatchResult:
        """Update deals by record id (`batch/update`): `{deal_id: {property: value}}`."""
        prepared = [
            ({"id": str(did), "properties": {k: _string(v) for k, v in props.items()}}, str(did))
            for did, props in updates.items()
        ]
        return self._batch_write("deals", "update", prepared)

    def read_deals(
        self: _Host, ids: Sequence[str], *, properties: Sequence[str] = DEAL_PROPERTIES
    ) -> BatchResult:
        """Read deals by record id, 100 per call; unknown ids are listed in `not_found`."""
        return self.read_objects("deals", ids, properties=properties)

    def search_deals(
        self: _Host,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] = DEAL_PROPERTIES,
    ) -> SearchResult:
        """Every deal matching the filters (all of them without), walking every page."""
        return self.search_objects("deals", filter_groups=filter_groups, properties=properties)

    def deal_associations(self: _Host, deal_ids: Sequence[str], to_type: str) -> dict[str, list[str]]:
        """The ids of the `to_type` records (contacts, companies) each deal is associated with; a deal with
        none maps to an empty list. Raises nothing for per-record failures (they are dropped)."""
        out: dict[str, list[str]] = {str(i): [] for i in deal_ids}
        for association in self.read_associations("deals", list(out), to_type).results:
            targets = out.setdefault(str(association.from_id), [])
            if association.to_id not in targets:
                targets.append(association.to_id)
        return out

    def funnel_deals(self, *, filter_groups: Sequence[Mapping[str, Any]] = ()) -> list[Deal]:
        """Every deal (matching the filters) with its stage, won flag, dates and associated contacts and
        companies: one search walk and two association batch reads, 100 deals per call."""
        host: Any = self
        found = host.search_deals(filter_groups=filter_groups).results
        deals = [Deal.from_object(record) for record in found]
        ids = [d.id for d in deals]
        if ids:
            contacts = host.deal_associations(ids, "contacts")
            companies = host.deal_associations(ids, "companies")
            for deal in deals:
                deal.contact_ids = contacts.get(deal.id, [])
                deal.company_ids = companies.get(deal.id, [])
        return deals

    def deal_pipelines(self: _Host) -> list[Pipeline]:
        """The deal pipelines with their stages in display order (`GET /crm/{version}/pipelines/deals`)."""
        data = self.request("GET", crm_path("pipelines", "/deals", version=self.crm_version)).json()
        pipelines = []
        for raw in data.get("results") or []:
            stages = [
                PipelineStage(
                    id=str(stage["id"]),
                    label=str(stage.get("label") or stage["id"]),
                    display_order=int(stage.get("displayOrder") or 0),
                    is_closed=str((stage.get("metadata") or {}).get("isClosed")).lower() == "true",
                    probability=_number((stage.get("metadata") or {}).get("probability")),
                )
                for stage in raw.get("stages") or []
            ]
            stages.sort(key=lambda s: s.display_order)
            pipelines.append(
                Pipeline(id=str(raw["id"]), label=str(raw.get("label") or raw["id"]), stages=stages)
            )
        return pipelines


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _when(value: str | None) -> datetime | None:
    """A HubSpot date value: ISO 8601 (the v3 objects API) or epoch milliseconds."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
