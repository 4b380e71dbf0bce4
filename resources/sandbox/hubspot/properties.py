"""Properties and property groups: list, get and create (single and batch) on `/crm/v3/properties` and
its date versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
)
from resources.sandbox.hubspot.errors import _Failure, _standard_error
from resources.sandbox.hubspot.limits import (
    _dated,
    crm_route,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    FIELD_TYPES,
    PROPERTY_TYPES,
    STANDARD_GROUPS,
)
from resources.sandbox.hubspot.values import (
    _iso,
)


class PropertiesApi(HubSpotRecords):
    """The property and property-group routes."""

    # --- properties -----------------------------------------------------------------------------------------

    @crm_route("GET", "properties", "/{objectType}")
    def list_properties(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(
            lambda: json_response(
                {"results": list(self._property_defs(self._object_type(objectType)).values())}
            )
        )

    @crm_route("GET", "properties", "/{objectType}/{propertyName}")
    def get_property(self, req: SimRequest, objectType: str, propertyName: str) -> SimResponse:
        def run() -> SimResponse:
            found = self._property_defs(self._object_type(objectType)).get(propertyName)
            if found is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Unable to find property {propertyName}")
            return json_response(found)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}")
    def create_property(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            with self.store.transaction():
                return json_response(self._create_property(object_type, self._body(req), _dated(req)), 201)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}/batch/create")
    def create_properties(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req)
            results, errors = [], []
            with self.store.transaction():
                for item in inputs:
                    try:
                        results.append(self._create_property(object_type, item, _dated(req)))
                    except _Failure as failure:
                        errors.append(
                            _standard_error(
                                failure.category, failure.message, {"name": [str(item.get("name"))]}
                            )
                        )
            out = self._batch_body(results, errors, started)
            # v3: 201, or 207 with errors; the 2026-09 document lists a 200 only.
            return self._batch_response(req, out, ok=201, dated_ok=200)

        return self._guarded(run)

    def _create_property(self, object_type: str, body: Mapping[str, Any], dated: bool) -> dict[str, Any]:
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
        if missing:
            raise _Failure(400, "VALIDATION_ERROR", f"Missing required fields: {missing}")
        options = body.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: options must be a list of objects")
        # The 2026-09 document requires `displayOrder` on every option; v3 leaves it optional.
        unordered = [str(o.get("value")) for o in options if dated and o.get("displayOrder") is None]
        if unordered:
            raise _Failure(400, "VALIDATION_ERROR", f"Options {unordered} are missing displayOrder")
        name = str(body["name"])
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Property name {name!r} must be lower case letters, digits and underscores",
            )
        if body["type"] not in PROPERTY_TYPES or body["fieldType"] not in FIELD_TYPES:
            raise _Failure(
                400, "VALIDATION_ERROR", f"Invalid type/fieldType {body['type']!r}/{body['fieldType']!r}"
            )
        if body["type"] == "enumeration" and not body.get("options"):
            raise _Failure(400, "VALIDATION_ERROR", "Enumeration properties need options")
        if body["groupName"] not in self._groups(object_type):
            raise _Failure(400, "VALIDATION_ERROR", f"Property group {body['groupName']} does not exist")
        # Facts ran out on the status of a duplicate property; 409 CONFLICT is the expected reading.
        if name in self._property_defs(object_type):
            raise _Failure(409, "CONFLICT", f"A property named '{name}' already exists.")
        now = _iso(self.store.now())
        prop = {
            "name": name,
            "label": body["label"],
            "type": body["type"],
            "fieldType": body["fieldType"],
            "groupName": body["groupName"],
            "description": body.get("description", ""),
            "options": list(body.get("options") or []),
            "displayOrder": body.get("displayOrder", -1),
            "calculated": False,
            "externalOptions": False,
            "hasUniqueValue": bool(body.get("hasUniqueValue")),
            "hidden": bool(body.get("hidden")),
            "hubspotDefined": False,
            "formField": bool(body.get("formField")),
            "modificationMetadata": {"archivable": True, "readOnlyDefinition": False, "readOnlyValue": False},
            "createdAt": now,
            "updatedAt": now,
            "archived": False,
        }
        self.store.put("hubspot.properties", f"{object_type}:{name}", prop, key=object_type)
        self._forget_property_defs(object_type)
        return prop

    def _groups(self, object_type: str) -> dict[str, dict[str, Any]]:
        out = {
            name: {"name": name, "label": label, "displayOrder": i, "archived": False}
            for i, (name, label) in enumerate(STANDARD_GROUPS[object_type])
        }
        out.update({g["name"]: g for g in self.store.find("hubspot.property_groups", object_type)})
        return out

    @crm_route("GET", "properties", "/{objectType}/groups")
    def list_groups(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(
            lambda: json_response({"results": list(self._groups(self._object_type(objectType)).values())})
        )

    @crm_route("GET", "properties", "/{objectType}/groups/{groupName}")
    def get_group(self, req: SimRequest, objectType: str, groupName: str) -> SimResponse:
        def run() -> SimResponse:
            found = self._groups(self._object_type(objectType)).get(groupName)
            if found is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Unable to find property group {groupName}")
            return json_response(found)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}/groups")
    def create_group(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            body = self._body(req)
            if not body.get("name") or not body.get("label"):
                raise _Failure(400, "VALIDATION_ERROR", "Missing required fields: name and label")
            if body["name"] in self._groups(object_type):
                raise _Failure(409, "CONFLICT", f"A property group named '{body['name']}' already exists.")
            group = {
                "name": str(body["name"]),
                "label": str(body["label"]),
                "displayOrder": int(body.get("displayOrder", -1)),
                "archived": False,
            }
            self.store.put(
                "hubspot.property_groups", f"{object_type}:{group['name']}", group, key=object_type
            )
            return json_response(group, 201)

        return self._guarded(run)
