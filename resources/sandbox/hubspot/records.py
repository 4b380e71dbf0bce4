"""Records as the HubSpot simulator keeps them: property definitions and the validation of written values,
lookups by id or unique property, the public shape of a record, writes, the association store and batch
inputs. Shared by every API area; no routes here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from resources.sandbox.app import (
    SimRequest,
)
from resources.sandbox.hubspot.calculated import apply_calculated
from resources.sandbox.hubspot.errors import _Failure, _invalid_values
from resources.sandbox.hubspot.limits import (
    BATCH_LIMIT,
)
from resources.sandbox.hubspot.portal import HubSpotPortal
from resources.sandbox.hubspot.schema import (
    _EMAIL,
    ASSOCIATION_TYPES,
    DEFAULT_PROPERTIES,
    ENUM_OPTIONS,
    MODIFIED,
    SINGULAR,
    STANDARD_PROPERTIES,
)
from resources.sandbox.hubspot.values import (
    _comparable,
    _iso,
)

#: The property types and names `_check_value` checks; any other value is stored as written.
_CHECKED_TYPES = frozenset({"enumeration", "number", "bool", "date", "datetime"})
_CHECKED_NAMES = frozenset({"hubspot_owner_id", "email"})


class HubSpotRecords(HubSpotPortal):
    """The record layer over the portal."""

    # --- properties and validation -------------------------------------------------------------------------

    def _custom_properties(self, object_type: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.store.find("hubspot.properties", object_type)}

    def _property_defs(self, object_type: str) -> dict[str, dict[str, Any]]:
        """Every property of an object type, HubSpot's JSON shape, standard first.

        Read once per request (a batch validates each of its 100 inputs against them) and kept until the
        request ends or creates a property (`_forget_property_defs`)."""
        cache: dict[str, dict[str, dict[str, Any]]] | None = getattr(self._request, "defs", None)
        found = cache.get(object_type) if cache is not None else None
        if found is None:
            found = {**self._standard_property_defs(object_type), **self._custom_properties(object_type)}
            if cache is not None:
                cache[object_type] = found
        return found

    def _forget_property_defs(self, object_type: str) -> None:
        cache = getattr(self._request, "defs", None)
        if cache is not None:
            cache.pop(object_type, None)

    @functools.cache  # noqa: B019 (one simulator per sandbox, living as long as it)
    def _standard_property_defs(self, object_type: str) -> dict[str, dict[str, Any]]:
        # Built once: validation asks for the definitions once per input record.
        out: dict[str, dict[str, Any]] = {}
        for order, (name, ptype, field_type, group, flags) in enumerate(STANDARD_PROPERTIES[object_type]):
            options = ENUM_OPTIONS.get((object_type, name), ())
            if name == "hubspot_owner_id":
                options = tuple(o.id for o in self.world.owners)
            out[name] = {
                "name": name,
                "label": name.replace("hs_", "").replace("_", " ").capitalize(),
                "type": ptype,
                "fieldType": field_type,
                "groupName": group,
                "description": "",
                "options": [
                    {"label": o, "value": o, "displayOrder": i, "hidden": False}
                    for i, o in enumerate(options)
                ],
                "displayOrder": order,
                "calculated": False,
                "externalOptions": name == "hubspot_owner_id",
                "hasUniqueValue": "u" in flags,
                "hidden": False,
                "hubspotDefined": True,
                "formField": "r" not in flags,
                "modificationMetadata": {
                    "archivable": False,
                    "readOnlyDefinition": True,
                    "readOnlyValue": "r" in flags,
                },
                "archived": False,
            }
        return out

    def _validate(self, object_type: str, raw: Any, *, creating: bool) -> dict[str, str | None]:
        """The input's properties as stored strings, or a `_Failure` the way HubSpot words it."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: properties must be an object")
        defs = self._property_defs(object_type)
        problems: list[dict[str, Any]] = []
        out: dict[str, str | None] = {}
        for name, value in raw.items():
            spec = defs.get(name)
            if spec is None:
                problems.append(
                    {
                        "message": f'Property "{name}" does not exist',
                        "error": "PROPERTY_DOESNT_EXIST",
                        "name": name,
                    }
                )
                continue
            if spec["modificationMetadata"]["readOnlyValue"]:
                problems.append(
                    {
                        "message": f"{name} is a read only property; its value cannot be set.",
                        "error": "READ_ONLY_VALUE",
                        "name": name,
                    }
                )
                continue
            if value is None or value == "":
                out[name] = None
                continue
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            if spec["type"] not in _CHECKED_TYPES and name not in _CHECKED_NAMES:
                # Text and phone values of other properties are taken as they come (`_check_value` has
                # nothing to say about them): most of what a batch writes.
                out[name] = text
                continue
            problem = self._check_value(object_type, spec, name, text)
            if problem:
                problems.append(problem)
                continue
            if name == "email":
                text = text.strip().lower()
            out[name] = text
        if creating:
            required = [p[0] for p in STANDARD_PROPERTIES[object_type] if "x" in p[4]]
            problems.extend(
                {"message": f"{name} is required", "error": "REQUIRED_PROPERTY", "name": name}
                for name in required
                if not out.get(name)
            )
        if problems:
            raise _invalid_values(problems)
        return out

    def _check_value(
        self, object_type: str, spec: Mapping[str, Any], name: str, text: str
    ) -> dict[str, Any] | None:
        ptype = spec["type"]
        if name == "hubspot_owner_id":
            if text not in self._owner_ids:
                return {
                    "message": f"{text} is not a valid owner id",
                    "error": "INVALID_OWNER_ID",
                    "name": name,
                }
            return None
        if name == "email" and not _EMAIL.match(text.strip()):
            return {"message": f"Email address {text} is invalid", "error": "INVALID_EMAIL", "name": name}
        if ptype == "enumeration":
            allowed = [o["value"] for o in spec.get("options") or []]
            values = text.split(";") if spec.get("fieldType") == "checkbox" else [text]
            bad = [v for v in values if v not in allowed]
            if bad:
                return {
                    "message": f'"{bad[0]}" was not one of the allowed options: {allowed}',
                    "error": "INVALID_OPTION",
                    "name": name,
                }
        elif ptype == "number":
            try:
                float(text)
            except ValueError:
                return {"message": f'"{text}" is not a valid number', "error": "INVALID_NUMBER", "name": name}
        elif ptype == "bool":
            if text.lower() not in ("true", "false"):
                return {
                    "message": f'"{text}" is not a valid boolean',
                    "error": "INVALID_BOOLEAN",
                    "name": name,
                }
        elif ptype in ("date", "datetime"):
            comparable = _comparable(text)
            if comparable is None or comparable[0] != 0:
                return {"message": f'"{text}" is not a valid date', "error": "INVALID_DATE", "name": name}
        return None

    def _unique_properties(self, object_type: str) -> set[str]:
        return {name for name, spec in self._property_defs(object_type).items() if spec.get("hasUniqueValue")}

    def _live(self, object_type: str, record_id: str) -> bool:
        """Whether a live (not archived) record has this id: `_find_by(type, None, id) is not None`, without
        reading the record."""
        return self.store.exists(self._ns(object_type), str(record_id), unless="archived")

    def _find_by(self, object_type: str, id_property: str | None, value: str) -> dict[str, Any] | None:
        """The live record whose `id_property` (record id when None) equals `value`."""
        ns = self._ns(object_type)
        if not id_property or id_property == "hs_object_id":
            record = self.store.get(ns, str(value))
        elif object_type == "contacts" and id_property == "email":
            record = self.store.find_one(ns, str(value).strip().lower())
        else:
            wanted = str(value).strip().lower()
            record = next(
                (
                    r
                    for r in self.store.all(ns)
                    if str(r["properties"].get(id_property) or "").lower() == wanted
                ),
                None,
            )
        if record is None or record.get("archived"):
            return None
        return record

    # --- record shaping -------------------------------------------------------------------------------------

    def _public(
        self,
        object_type: str,
        record: Mapping[str, Any],
        properties: Iterable[str] | None = None,
        *,
        always: Iterable[str] = (),
    ) -> dict[str, Any]:
        names = list(properties) if properties else list(DEFAULT_PROPERTIES[object_type])
        names.extend(n for n in always if n not in names)
        props = record["properties"]
        return {
            "id": record["id"],
            "properties": {n: props.get(n) for n in names},
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "archived": bool(record.get("archived")),
        }

    @staticmethod
    def _requested(req: SimRequest, body: Mapping[str, Any] | None = None) -> list[str]:
        if body is not None and body.get("properties"):
            return [str(p) for p in body["properties"]]
        names: list[str] = []
        for raw in req.query.get("properties", []):
            names.extend(p for p in raw.split(",") if p)
        return names

    def _write(
        self, object_type: str, record: dict[str, Any] | None, props: Mapping[str, str | None]
    ) -> dict:
        """Create (record None) or update a record with validated properties; returns the stored record."""
        now = _iso(self.store.now())
        if record is None:
            return self._put_new(object_type, props, created=now)
        properties = dict(record["properties"])
        for name, value in props.items():
            if value is None:
                properties.pop(name, None)
            else:
                properties[name] = value
        properties[MODIFIED[object_type]] = now
        apply_calculated(object_type, properties)
        record = {**record, "properties": properties, "updatedAt": now}
        self.store.put(self._ns(object_type), record["id"], record, key=self._key(object_type, properties))
        return record

    # --- create-time associations ---------------------------------------------------------------------

    def _check_associations(self, object_type: str, raw: Any) -> list[tuple[str, str, int]]:
        """Validate create-time `associations`; returns (to type, to id, type id) triples."""
        out: list[tuple[str, str, int]] = []
        for item in raw or []:
            to_id = str(((item or {}).get("to") or {}).get("id") or "")
            for spec in (item or {}).get("types") or []:
                type_id = int(spec.get("associationTypeId") or 0)
                pair = ASSOCIATION_TYPES.get(type_id)
                if pair is None or pair[0] != object_type:
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"{type_id} is not a valid association type id for {SINGULAR[object_type]}",
                        sub_category="crm-associations.INVALID_ASSOCIATION_TYPE",
                    )
                if not self._live(pair[1], to_id):
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"One or more associations are invalid: {SINGULAR[pair[1]]} {to_id} does not exist",
                        context={"ids": [to_id]},
                        sub_category="crm-associations.OBJECT_NOT_FOUND",
                    )
                out.append((pair[1], to_id, type_id))
        return out

    # --- batch inputs ---------------------------------------------------------------------------------------

    def _batch_inputs(self, req: SimRequest, limit: int = BATCH_LIMIT) -> list[dict[str, Any]]:
        inputs = self._body(req).get("inputs")
        if not isinstance(inputs, list):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: `inputs` is required")
        if len(inputs) > limit:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Batch input size {len(inputs)} exceeds the maximum of {limit} inputs",
            )
        if not all(isinstance(i, dict) for i in inputs):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: every input must be an object")
        return inputs
