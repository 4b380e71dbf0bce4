"""Associations: v4 batch associate/create/read, single default associations and the v4 listing, and
the date versions' `/crm/associations/{date}` routes.
"""

from __future__ import annotations

from typing import Any

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
    route,
)
from resources.sandbox.hubspot.errors import _Failure, _standard_error
from resources.sandbox.hubspot.limits import (
    ASSOCIATION_BATCH_LIMIT,
    ASSOCIATION_PAGE,
    crm_route,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    ASSOCIATION_LABELS,
    ASSOCIATION_TYPES,
    DEFAULT_ASSOCIATION,
    SINGULAR,
    TYPE_IDS,
    WRITE_SCOPE,
)
from resources.sandbox.hubspot.values import (
    _iso,
    _types,
)


class AssociationsApi(HubSpotRecords):
    """The association routes."""

    # --- associations (v4, and the date versions' /crm/associations/{date}) -------------------------------

    def _pair(self, from_raw: str, to_raw: str) -> tuple[str, str, int]:
        from_type, to_type = self._object_type(from_raw), self._object_type(to_raw)
        type_id = DEFAULT_ASSOCIATION.get((from_type, to_type))
        if type_id is None:
            raise _Failure(400, "VALIDATION_ERROR", f"No association between {from_type} and {to_type}")
        return from_type, to_type, type_id

    @crm_route(
        "POST", "associations", "/{fromObjectType}/{toObjectType}/batch/associate/default", legacy="v4"
    )
    def associate_default(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, type_id = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            # Which records are live, per (type, id): this route writes associations only, so what was
            # live for one pair is live for the next (many contacts of a batch share a company).
            live: dict[tuple[str, str], bool] = {}
            with self.store.transaction():
                for item in inputs:
                    from_id = str((item.get("from") or {}).get("id") or "")
                    to_id = str((item.get("to") or {}).get("id") or "")
                    problem = self._missing_ends(from_type, from_id, to_type, to_id, live=live)
                    if problem:
                        errors.append(problem)
                        continue
                    self._associate(from_type, from_id, to_type, to_id, type_id)
                    results.append(
                        {
                            "from": {"id": from_id},
                            "to": {"id": to_id},
                            "associationSpec": {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": type_id,
                            },
                        }
                    )
            out = self._batch_body(results, errors, started)
            # Both documents (v4 and 2026-09) give this route a 200 only, with any failures in `errors[]`.
            return json_response(out, 200)

        return self._guarded(run)

    def _missing_ends(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        *,
        live: dict[tuple[str, str], bool] | None = None,
    ) -> dict[str, Any] | None:
        """The StandardError of a pair one of whose records does not exist (None when both do). `live`
        remembers the answers across the pairs of one request that writes no records."""
        for kind, object_id in ((from_type, from_id), (to_type, to_id)):
            if live is None:
                found = self._live(kind, object_id)
            elif (kind, object_id) in live:
                found = live[(kind, object_id)]
            else:
                found = live[(kind, object_id)] = self._live(kind, object_id)
            if not found:
                return _standard_error(
                    "VALIDATION_ERROR",
                    f"No {SINGULAR[kind].lower()} with ID {object_id} exists",
                    {"fromObjectId": [from_id], "toObjectId": [to_id]},
                    sub_category="crm-associations.OBJECT_NOT_FOUND",
                )
        return None

    @crm_route("POST", "associations", "/{fromObjectType}/{toObjectType}/batch/create", legacy="v4")
    def associate_create(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, _ = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            with self.store.transaction():
                for item in inputs:
                    from_id = str((item.get("from") or {}).get("id") or "")
                    to_id = str((item.get("to") or {}).get("id") or "")
                    problem = self._missing_ends(from_type, from_id, to_type, to_id)
                    type_ids = [int(t.get("associationTypeId") or 0) for t in item.get("types") or []]
                    bad = [t for t in type_ids if ASSOCIATION_TYPES.get(t) != (from_type, to_type)]
                    if problem is None and (bad or not type_ids):
                        problem = _standard_error(
                            "VALIDATION_ERROR",
                            f"Invalid association types {bad or type_ids} from {from_type} to {to_type}",
                            {"fromObjectId": [from_id], "toObjectId": [to_id]},
                            sub_category="crm-associations.INVALID_ASSOCIATION_TYPE",
                        )
                    if problem:
                        errors.append(problem)
                        continue
                    for type_id in type_ids:
                        self._associate(from_type, from_id, to_type, to_id, type_id)
                    # Both documents type the ids as strings.
                    results.append(
                        {
                            "fromObjectTypeId": TYPE_IDS[from_type],
                            "fromObjectId": from_id,
                            "toObjectTypeId": TYPE_IDS[to_type],
                            "toObjectId": to_id,
                            "labels": [ASSOCIATION_LABELS[t] for t in type_ids if t in ASSOCIATION_LABELS],
                        }
                    )
            out = self._batch_body(results, errors, started)
            # v4: 201, or 207 with errors; 2026-09: 200 either way.
            return self._batch_response(req, out, ok=201, dated_ok=200)

        return self._guarded(run)

    @crm_route(
        "PUT",
        "objects",
        "/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}",
        legacy="v4",
    )
    def associate_one(
        self, req: SimRequest, fromObjectType: str, fromObjectId: str, toObjectType: str, toObjectId: str
    ) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, type_id = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            problem = self._missing_ends(from_type, fromObjectId, to_type, toObjectId)
            if problem:
                raise _Failure(404, "OBJECT_NOT_FOUND", problem["message"])
            with self.store.transaction():
                self._associate(from_type, fromObjectId, to_type, toObjectId, type_id)
            now = _iso(self.store.now())
            return json_response(
                {
                    "status": "COMPLETE",
                    "results": [
                        {
                            "from": {"id": fromObjectId},
                            "to": {"id": toObjectId},
                            "associationSpec": {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": type_id,
                            },
                        }
                    ],
                    "startedAt": now,
                    "completedAt": now,
                }
            )

        return self._guarded(run)

    def _association_rows(self, from_type: str, object_id: str, to_type: str) -> list[dict[str, Any]]:
        rows = self.store.find("hubspot.associations", f"{from_type}:{object_id}:{to_type}")
        rows.sort(key=lambda r: int(r["toId"]))
        return rows

    @route("GET", "/crm/v4/objects/{fromObjectType}/{objectId}/associations/{toObjectType}")
    def list_associations(
        self, req: SimRequest, fromObjectType: str, objectId: str, toObjectType: str
    ) -> SimResponse:
        """v4 only: the 2026-09 associations document has no such listing route (batch/read replaces it)."""

        def run() -> SimResponse:
            from_type, to_type = self._object_type(fromObjectType), self._object_type(toObjectType)
            limit = int(req.arg("limit") or 500)
            if not 0 < limit <= 500:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 500")
            rows = self._association_rows(from_type, objectId, to_type)
            after = req.arg("after")
            if after:
                rows = [r for r in rows if int(r["toId"]) > int(after)]
            page = rows[:limit]
            out: dict[str, Any] = {
                "results": [{"toObjectId": r["toId"], "associationTypes": _types(r)} for r in page]
            }
            if len(rows) > limit:
                out["paging"] = {"next": {"after": page[-1]["toId"], "link": f"?after={page[-1]['toId']}"}}
            return json_response(out)

        return self._guarded(run)

    #: Associations per record per page of a batch read; an attribute so tests can lower it.
    association_page: int = ASSOCIATION_PAGE

    @crm_route("POST", "associations", "/{fromObjectType}/{toObjectType}/batch/read", legacy="v4")
    def read_associations(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        """Each input record's associations to `toObjectType`, a page at a time (`inputs[].after` is the
        cursor of the record's previous page, as both documents describe)."""

        def run() -> SimResponse:
            from_type, to_type = self._object_type(fromObjectType), self._object_type(toObjectType)
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            for item in inputs:
                from_id = str(item.get("id") or "")
                rows = self._association_rows(from_type, from_id, to_type)
                after = item.get("after")
                if after:
                    try:
                        rows = [r for r in rows if int(r["toId"]) > int(str(after))]
                    except ValueError as exc:
                        raise _Failure(400, "VALIDATION_ERROR", f"Invalid `after` cursor {after!r}") from exc
                if not rows:
                    # The documents are silent; third-party recordings show a record with none (or one that
                    # does not exist) listed under `errors` with this subCategory rather than an empty `to`.
                    errors.append(
                        _standard_error(
                            "OBJECT_NOT_FOUND",
                            f"No {SINGULAR[to_type].lower()} is associated with "
                            f"{SINGULAR[from_type].lower()} {from_id}.",
                            {
                                "fromObjectId": [from_id],
                                "fromObjectType": [SINGULAR[from_type].lower()],
                                "toObjectType": [SINGULAR[to_type].lower()],
                            },
                            sub_category="crm.associations.NO_ASSOCIATIONS_FOUND",
                        )
                    )
                    continue
                page = rows[: self.association_page]
                result: dict[str, Any] = {
                    "from": {"id": from_id},
                    "to": [
                        {
                            "toObjectId": r["toId"],
                            "associationTypes": _types(r),
                        }
                        for r in page
                    ],
                }
                if len(rows) > len(page):
                    # The documents call `link` deprecated ("should be ignored"): only `after` is given.
                    result["paging"] = {"next": {"after": page[-1]["toId"]}}
                results.append(result)
            out = self._batch_body(results, errors, started)
            return self._batch_response(req, out, ok=200)

        return self._guarded(run)
