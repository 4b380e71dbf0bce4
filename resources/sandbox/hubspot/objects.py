"""CRM objects: batch upsert/create/update/read (200/201/207 with per-record StandardErrors, partial
failures by `objectWriteTraceId`) and single-object list/create/get/update.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
)
from resources.sandbox.hubspot.errors import _Failure, _invalid_values, _standard_error
from resources.sandbox.hubspot.limits import (
    crm_route,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    _EMAIL,
    DEFAULT_PROPERTIES,
    SINGULAR,
    TYPE_IDS,
    WRITE_SCOPE,
)
from resources.sandbox.hubspot.values import (
    _fraction,
    _iso,
)


class ObjectsApi(HubSpotRecords):
    """The `/crm/v3/objects` and `/crm/objects/{date}` routes except search."""

    # --- CRM objects: batch ---------------------------------------------------------------------------------

    @crm_route("POST", "objects", "/{objectType}/batch/upsert")
    def batch_upsert(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "upsert"))

    @crm_route("POST", "objects", "/{objectType}/batch/create")
    def batch_create(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "create"))

    @crm_route("POST", "objects", "/{objectType}/batch/update")
    def batch_update(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "update"))

    def _batch_write(self, req: SimRequest, raw_type: str, action: str) -> SimResponse:
        object_type = self._object_type(raw_type)
        denied = self._scope_error(req, WRITE_SCOPE[object_type])
        if denied is not None:
            return denied
        started = _iso(self.store.now())
        inputs = self._batch_inputs(req)
        traces = [i.get("objectWriteTraceId") for i in inputs]
        # The docs promise 207 partial failures only when every input carries a unique objectWriteTraceId.
        # Facts ran out on what happens without them: here the first failing input fails the whole batch.
        partial = all(traces) and len(set(traces)) == len(traces)
        rate = self.store.faults(self.vendor).partial_failure_rate

        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        # The lookups run inside the write transaction: what they found is still true when the inputs are
        # written (no other writer can come in between), which lets `_write_one` skip looking an email up
        # a second time.
        with self.store.transaction():
            targets, keys, looked_up = self._batch_targets(req, object_type, action, inputs)
            seen = Counter(keys)
            duplicates = sorted({str(inputs[n].get("id")) for n, k in enumerate(keys) if seen[k] > 1})
            if duplicates:
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    f"Duplicate IDs found in batch input: {duplicates}. IDs must be unique",
                )
            # Emails a write of this batch gave or took away: a lookup made before it is stale for them.
            touched: set[str] = set()
            for n, item in enumerate(inputs):
                trace = item.get("objectWriteTraceId")
                known = looked_up[n]
                if known is not None and known[0] in touched:
                    known = None
                try:
                    record = self._write_one(object_type, action, item, targets[n], rate, known=known)
                except _Failure as failure:
                    if not partial:
                        raise
                    errors.append(
                        _standard_error(
                            failure.category,
                            failure.message,
                            # Only reached when partial, so every input carries a trace id.
                            {**failure.context, "objectWriteTraceId": [trace]},  # type: ignore[list-item]
                            sub_category=failure.sub_category,
                            errors=failure.errors,
                        )
                    )
                    continue
                if object_type == "contacts":
                    for was in (targets[n], record):
                        email = (was or {}).get("properties", {}).get("email")
                        if email:
                            touched.add(str(email).strip().lower())
                created = targets[n] is None
                written = list(DEFAULT_PROPERTIES[object_type])
                written += [p for p in (item.get("properties") or {}) if p not in written]
                public = self._public(object_type, record, written)
                if action == "upsert":
                    # Both documents type upsert results' property values as strings (the read, search and
                    # create results of 2026-09 allow null): unset ones are left out rather than null.
                    public["properties"] = {k: v for k, v in public["properties"].items() if v is not None}
                    public["new"] = created
                if trace:
                    public["objectWriteTraceId"] = trace
                results.append(public)
        body = self._batch_body(results, errors, started)
        return self._batch_response(req, body, ok=201 if action == "create" else 200)

    def _batch_targets(
        self, req: SimRequest, object_type: str, action: str, inputs: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any] | None], list[str], list[tuple[str, dict[str, Any] | None] | None]]:
        """Per input: the record it updates (None: it creates one), its key for the duplicate check, and,
        for contacts looked up by email, `(email, what that lookup found)`."""
        targets: list[dict[str, Any] | None] = []
        keys: list[str] = []
        looked_up: list[tuple[str, dict[str, Any] | None] | None] = [None] * len(inputs)
        if action == "upsert":
            unique = self._unique_properties(object_type)
            for n, item in enumerate(inputs):
                id_property = item.get("idProperty") or req.arg("idProperty")
                if id_property and id_property != "hs_object_id" and id_property not in unique:
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"Unable to perform update/upsert by non-unique {TYPE_IDS[object_type]} property "
                        f"{id_property}",
                    )
                value = str(item.get("id") or "").strip()
                if id_property == "email":
                    value = value.lower()
                record = self._find_by(object_type, id_property, value) if value else None
                if value and object_type == "contacts" and id_property == "email":
                    looked_up[n] = (value, record)
                targets.append(record)
                keys.append(f"record:{record['id']}" if record else f"new:{id_property}:{value.lower()}")
        elif action == "update":
            for item in inputs:
                id_property = item.get("idProperty") or req.arg("idProperty")
                value = str(item.get("id") or "").strip()
                record = self._find_by(object_type, id_property, value) if value else None
                targets.append(record)
                keys.append(f"record:{record['id']}" if record else f"missing:{value}")
        else:
            targets = [None] * len(inputs)
            keys = [f"input:{n}" for n in range(len(inputs))]
        return targets, keys, looked_up

    def _write_one(
        self,
        object_type: str,
        action: str,
        item: Mapping[str, Any],
        target: dict[str, Any] | None,
        rate: float,
        *,
        known: tuple[str, dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """Validate and write one input. `known` is `(email, the live contact with it)` when the caller
        looked that email up in this transaction and nothing written since changed the answer."""
        if rate > 0:
            ident = item.get("id") or json.dumps(item.get("properties") or {}, sort_keys=True)
            if _fraction(f"{self.store.seed}:{object_type}:{ident}") < rate:
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    "Property values were not valid (sandbox partial_failure_rate fault)",
                    errors=[{"message": "this input was chosen to fail", "code": "SANDBOX_FAULT"}],
                )
        if action == "update" and target is None:
            raise _Failure(
                404,
                "OBJECT_NOT_FOUND",
                f"{SINGULAR[object_type]} {item.get('id')} does not exist",
                context={"ids": [str(item.get("id"))]},
            )
        props = self._validate(object_type, item.get("properties"), creating=target is None)
        if action == "upsert" and target is None:
            id_property = item.get("idProperty")
            if id_property and id_property != "hs_object_id" and not props.get(id_property):
                value = str(item.get("id") or "").strip()
                props[id_property] = value.lower() if id_property == "email" else value
            if object_type == "contacts" and props.get("email") and not _EMAIL.match(props["email"] or ""):
                raise _invalid_values(
                    [
                        {
                            "message": f"Email address {props['email']} is invalid",
                            "error": "INVALID_EMAIL",
                            "name": "email",
                        }
                    ]
                )
        if object_type == "contacts" and props.get("email"):
            email = props["email"] or ""
            if known is not None and known[0] == email.strip().lower():
                other = known[1]
            else:
                other = self._find_by("contacts", "email", email)
            if other is not None and (target is None or other["id"] != target["id"]):
                raise _Failure(409, "CONFLICT", f"Contact already exists. Existing ID: {other['id']}")
        associations = self._check_associations(object_type, item.get("associations"))
        record = self._write(object_type, target, props)
        for to_type, to_id, type_id in associations:
            self._associate(object_type, record["id"], to_type, to_id, type_id)
        return record

    @crm_route("POST", "objects", "/{objectType}/batch/read")
    def batch_read(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            started = _iso(self.store.now())
            body = self._body(req)
            inputs = self._batch_inputs(req)
            id_property = body.get("idProperty")
            if (
                id_property
                and id_property != "hs_object_id"
                and id_property not in self._unique_properties(object_type)
            ):
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    f"Unable to perform read by non-unique {TYPE_IDS[object_type]} property {id_property}",
                )
            requested = self._requested(req, body)
            results, missing = [], []
            for item in inputs:
                value = str(item.get("id") or "")
                record = self._find_by(object_type, id_property, value)
                if record is None:
                    missing.append(value)
                else:
                    results.append(self._public(object_type, record, requested, always=["hs_object_id"]))
            out: dict[str, Any] = {
                "status": "COMPLETE",
                "results": results,
                "startedAt": started,
                "completedAt": _iso(self.store.now()),
            }
            if not missing:
                return json_response(out, 200)
            # 207 in v3; the 2026-09 document carries the same error in a 200.
            out["numErrors"] = 1
            out["errors"] = [
                _standard_error(
                    "OBJECT_NOT_FOUND",
                    f"Could not get some {SINGULAR[object_type]} objects, they may be deleted or not exist. "
                    "Check that ids are valid.",
                    {"ids": missing},
                )
            ]
            return self._batch_response(req, out, ok=200)

        return self._guarded(run)

    # --- CRM objects: single --------------------------------------------------------------------------------

    @crm_route("GET", "objects", "/{objectType}")
    def list_objects(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            limit = int(req.arg("limit") or 10)
            if not 0 < limit <= 100:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 100")
            records = [r for r in self.store.all(self._ns(object_type)) if not r.get("archived")]
            records.sort(key=lambda r: int(r["id"]))
            after = req.arg("after")
            if after:
                records = [r for r in records if int(r["id"]) > int(after)]
            page = records[:limit]
            out: dict[str, Any] = {
                "results": [self._public(object_type, r, self._requested(req)) for r in page]
            }
            if len(records) > limit:
                nxt = str(int(page[-1]["id"]) + 1)
                out["paging"] = {"next": {"after": nxt, "link": f"?after={nxt}"}}
            return json_response(out)

        return self._guarded(run)

    @crm_route("POST", "objects", "/{objectType}")
    def create_object(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, WRITE_SCOPE[object_type])
            if denied is not None:
                return denied
            body = self._body(req)
            with self.store.transaction():
                record = self._write_one(object_type, "create", body, None, 0.0)
            return json_response(self._public(object_type, record, list(body.get("properties") or {})), 201)

        return self._guarded(run)

    @crm_route("GET", "objects", "/{objectType}/{objectId}")
    def get_object(self, req: SimRequest, objectType: str, objectId: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            record = self._find_by(object_type, req.arg("idProperty"), unquote(objectId))
            if record is None:
                raise _Failure(
                    404,
                    "OBJECT_NOT_FOUND",
                    "Object not found.  objectId are usually numeric.",
                    context={"id": [unquote(objectId)]},
                )
            return json_response(self._public(object_type, record, self._requested(req)))

        return self._guarded(run)

    @crm_route("PATCH", "objects", "/{objectType}/{objectId}")
    def update_object(self, req: SimRequest, objectType: str, objectId: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, WRITE_SCOPE[object_type])
            if denied is not None:
                return denied
            record = self._find_by(object_type, req.arg("idProperty"), unquote(objectId))
            if record is None:
                raise _Failure(
                    404,
                    "OBJECT_NOT_FOUND",
                    "Object not found.  objectId are usually numeric.",
                    context={"id": [unquote(objectId)]},
                )
            body = self._body(req)
            with self.store.transaction():
                record = self._write_one(object_type, "update", {"id": record["id"], **body}, record, 0.0)
            return json_response(self._public(object_type, record, list(body.get("properties") or {})))

        return self._guarded(run)
