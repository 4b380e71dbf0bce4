"""CRM search: filter groups and operators, free-text query, sorts and paging with the 10,000-result cap."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from resources.sandbox.app import (
    SimRequest,
    SimResponse,
    json_response,
)
from resources.sandbox.hubspot.errors import _Failure
from resources.sandbox.hubspot.limits import (
    MAX_FILTER_GROUPS,
    MAX_FILTERS_PER_GROUP,
    MAX_FILTERS_TOTAL,
    SEARCH_CAP,
    SEARCH_PAGE_DEFAULT,
    SEARCH_PAGE_MAX,
    crm_route,
)
from resources.sandbox.hubspot.records import HubSpotRecords
from resources.sandbox.hubspot.schema import (
    CREATED,
    MODIFIED,
    OPERATORS,
    QUERY_PROPERTIES,
)
from resources.sandbox.hubspot.values import (
    _comparable,
    _comparable_set,
    _tokens,
)


class SearchApi(HubSpotRecords):
    """The `/crm/v3/objects/{objectType}/search` route and its date versions."""

    #: Paging stops here per query; an attribute so tests can lower it.
    search_cap: int = SEARCH_CAP

    # --- CRM objects: search --------------------------------------------------------------------------------

    @crm_route("POST", "objects", "/{objectType}/search")
    def search(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._search(req, objectType))

    def _search(self, req: SimRequest, raw_type: str) -> SimResponse:
        object_type = self._object_type(raw_type)
        body = self._body(req)
        groups = body.get("filterGroups") or []
        if len(groups) > MAX_FILTER_GROUPS:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Too many filter groups ({len(groups)}); the maximum is {MAX_FILTER_GROUPS}",
            )
        total_filters = 0
        defs = self._property_defs(object_type)
        for group in groups:
            filters = (group or {}).get("filters") or []
            total_filters += len(filters)
            if len(filters) > MAX_FILTERS_PER_GROUP:
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    f"Too many filters in a group ({len(filters)}); the maximum is {MAX_FILTERS_PER_GROUP}",
                )
            for f in filters:
                self._check_filter(f, defs)
        if total_filters > MAX_FILTERS_TOTAL:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Too many filters ({total_filters}); the maximum is {MAX_FILTERS_TOTAL} in all groups",
            )
        try:
            asked = body.get("limit")
            limit = int(asked if asked is not None else SEARCH_PAGE_DEFAULT)
            after = int(body.get("after") or 0)
        except (TypeError, ValueError) as exc:
            raise _Failure(400, "VALIDATION_ERROR", f"Invalid input JSON: {exc}") from exc
        if not 0 < limit <= SEARCH_PAGE_MAX:
            raise _Failure(400, "VALIDATION_ERROR", f"limit must be between 1 and {SEARCH_PAGE_MAX}")
        if after < 0 or after >= self.search_cap:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Paging past {self.search_cap} results is not supported; narrow the search",
            )
        query = str(body.get("query") or "").strip().lower()
        if len(query) > 3000:
            raise _Failure(400, "VALIDATION_ERROR", "query must be at most 3000 characters")

        matched = []
        for record in self.store.all(self._ns(object_type)):
            if record.get("archived"):
                continue
            props = record["properties"]
            if groups and not any(
                all(self._matches(props, f) for f in (g or {}).get("filters") or []) for g in groups
            ):
                continue
            if query and not any(
                query in str(props.get(p) or "").lower() for p in QUERY_PROPERTIES[object_type]
            ):
                continue
            matched.append(record)
        for name, descending in reversed(self._sorts(body.get("sorts"))):
            present = [r for r in matched if _comparable(r["properties"].get(name)) is not None]
            absent = [r for r in matched if _comparable(r["properties"].get(name)) is None]
            # `present` has no None key; mypy cannot infer the lambda whose n=name binds this pass's name.
            present.sort(key=lambda r, n=name: _comparable(r["properties"].get(n)), reverse=descending)  # type: ignore[arg-type, misc]
            matched = present + absent
        end = min(after + limit, self.search_cap)
        page = matched[after:end]
        requested = self._requested(req, body) or None
        always = ["hs_object_id", CREATED[object_type], MODIFIED[object_type]]
        out: dict[str, Any] = {
            "total": len(matched),
            "results": [self._public(object_type, r, requested, always=always) for r in page],
        }
        if end < len(matched):
            out["paging"] = {"next": {"after": str(end), "link": f"?after={end}"}}
        return json_response(out, 200)

    @staticmethod
    def _sorts(raw: Any) -> list[tuple[str, bool]]:
        if not raw:
            return [("hs_object_id", False)]
        out: list[tuple[str, bool]] = []
        for item in raw:
            # The spec types `sorts` as strings; docs and clients send {propertyName, direction}. Both work.
            if isinstance(item, str):
                out.append((item.lstrip("-"), item.startswith("-")))
            elif isinstance(item, dict):
                out.append(
                    (str(item.get("propertyName")), str(item.get("direction", "")).upper() == "DESCENDING")
                )
        return out or [("hs_object_id", False)]

    @staticmethod
    def _check_filter(f: Any, defs: Mapping[str, Any]) -> None:
        if not isinstance(f, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: a filter must be an object")
        operator = str(f.get("operator") or "")
        name = f.get("propertyName")
        if operator not in OPERATORS:
            raise _Failure(400, "VALIDATION_ERROR", f"Invalid operator {operator!r}")
        if not name or name not in defs:
            raise _Failure(400, "VALIDATION_ERROR", f'Property "{name}" does not exist')
        if operator in ("IN", "NOT_IN") and not isinstance(f.get("values"), list):
            raise _Failure(400, "VALIDATION_ERROR", f"{operator} needs `values`")
        if operator == "BETWEEN" and (f.get("value") is None or f.get("highValue") is None):
            raise _Failure(400, "VALIDATION_ERROR", "BETWEEN needs `value` and `highValue`")
        if operator in ("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN") and (
            f.get("value") is None
        ):
            raise _Failure(400, "VALIDATION_ERROR", f"{operator} needs `value`")

    @staticmethod
    def _matches(props: Mapping[str, Any], f: Mapping[str, Any]) -> bool:
        operator = f["operator"]
        raw = props.get(f["propertyName"])
        have = _comparable(raw)
        if operator == "HAS_PROPERTY":
            return have is not None
        if operator == "NOT_HAS_PROPERTY":
            return have is None
        # String comparisons are case-insensitive, as HubSpot's are (the reference does not say; lower-case
        # values, which the client sends, match either way).
        if operator in ("IN", "NOT_IN"):
            found = have is not None and have in _comparable_set(tuple(f.get("values") or ()))
            return found if operator == "IN" else not found
        if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            pattern = str(f.get("value") or "").lower()
            tokens = _tokens(str(raw)) if raw not in (None, "") else set()
            found = (
                any(fnmatch.fnmatchcase(t, pattern) for t in tokens) if "*" in pattern else pattern in tokens
            )
            return found if operator == "CONTAINS_TOKEN" else not found
        want = _comparable(f.get("value"))
        if operator == "EQ":
            return have is not None and have == want
        if operator == "NEQ":
            return have != want
        if have is None or want is None or have[0] != want[0]:
            return False
        if operator == "LT":
            return have < want
        if operator == "LTE":
            return have <= want
        if operator == "GT":
            return have > want
        if operator == "GTE":
            return have >= want
        high = _comparable(f.get("highValue"))
        return high is not None and high[0] == have[0] and want <= have <= high
