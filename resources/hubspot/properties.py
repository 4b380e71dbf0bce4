"""CRM property definitions and groups: listing them, and creating the ones the pipeline needs.

What belongs here: the `/properties` routes (groups, list, `batch/create`). Values of properties are in
`values.py`; the definitions the pipeline wants are the assets' to say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from resources.hubspot.base_client import HubSpotBaseClient, in_chunks
from resources.hubspot.models import (
    BATCH_SIZE,
    EnsuredProperties,
    Property,
    PropertyDefinition,
    PropertyGroup,
)


class PropertiesAPI(HubSpotBaseClient):
    """Property groups and definitions of one object type, created only when missing."""

    def list_property_groups(self, object_type: str) -> list[PropertyGroup]:
        data = self.request("GET", self._crm("properties", f"/{object_type}/groups")).json()
        return [PropertyGroup.model_validate(g) for g in data.get("results") or []]

    def ensure_property_group(
        self, object_type: str, *, name: str, label: str, display_order: int | None = None
    ) -> PropertyGroup:
        """The property group `name`, created if it does not exist yet (GET, then POST only if missing)."""
        for group in self.list_property_groups(object_type):
            if group.name == name:
                return group
        body: dict[str, Any] = {"name": name, "label": label}
        if display_order is not None:
            body["displayOrder"] = display_order
        response = self.request("POST", self._crm("properties", f"/{object_type}/groups"), json=body)
        return PropertyGroup.model_validate(response.json())

    def list_properties(self, object_type: str) -> list[Property]:
        data = self.request("GET", self._crm("properties", f"/{object_type}")).json()
        return [Property.model_validate(p) for p in data.get("results") or []]

    def ensure_properties(
        self, object_type: str, definitions: Sequence[PropertyDefinition | Mapping[str, Any]]
    ) -> EnsuredProperties:
        """Create the properties that do not exist yet (one GET, then `batch/create` for the missing ones).

        Existing properties are left as they are: HubSpot cannot change `hasUniqueValue` later anyway. The
        groups they name must exist (see `ensure_property_group`).
        """
        wanted = [
            d if isinstance(d, PropertyDefinition) else PropertyDefinition.model_validate(d)
            for d in definitions
        ]
        existing = {p.name for p in self.list_properties(object_type)}
        out = EnsuredProperties(existing=[d.name for d in wanted if d.name in existing])
        missing = [d for d in wanted if d.name not in existing]
        for chunk in in_chunks(missing, BATCH_SIZE):
            response = self.request(
                "POST",
                self._crm("properties", f"/{object_type}/batch/create"),
                json={"inputs": [d.create_body() for d in chunk]},
            )
            data = response.json()
            out.created.extend(str(p.get("name")) for p in data.get("results") or [])
            corr = response.headers.get("x-hubspot-correlation-id")
            for raw in data.get("errors") or []:
                out.errors.extend(self._record_errors(raw, {}, {}, corr))
        return out
