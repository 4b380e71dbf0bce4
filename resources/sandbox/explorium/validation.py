"""FastAPI-style (pydantic v1) request validation for Explorium: the 422 `detail` items, body and field
checks, the id patterns and batch limits, and the id-list body the enrichment endpoints share.

What belongs here: checks of a request's shape. What a filter means is in `filters.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from resources.sandbox.app import SimRequest

BUSINESS_ID_PATTERN = "^[a-f0-9]{32}$"
PROSPECT_ID_PATTERN = "^[a-f0-9]{40}$"
BUSINESS_ID = re.compile(BUSINESS_ID_PATTERN)
PROSPECT_ID = re.compile(PROSPECT_ID_PATTERN)

MAX_SIZE = 60_000
MAX_PAGE_SIZE = 500
MAX_BATCH = 50
MAX_EVENT_IDS = 40
MAX_EXCLUDE = 1000


class Invalid(Exception):
    """A request that fails validation; becomes a 422 with FastAPI's (pydantic v1) `detail` list."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


class Errors:
    """The 422 `detail` items of one request, collected so every problem is reported at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, loc: Sequence[Any], msg: str, type_: str, ctx: dict[str, Any] | None = None) -> None:
        item: dict[str, Any] = {"loc": list(loc), "msg": msg, "type": type_}
        if ctx is not None:
            item["ctx"] = ctx
        self.items.append(item)

    def missing(self, loc: Sequence[Any]) -> None:
        self.add(loc, "field required", "value_error.missing")

    def enum(self, loc: Sequence[Any], permitted: Sequence[str]) -> None:
        listed = ", ".join(f"'{p}'" for p in permitted)
        self.add(
            loc,
            f"value is not a valid enumeration member; permitted: {listed}",
            "type_error.enum",
            {"enum_values": list(permitted)},
        )

    def check(self) -> None:
        if self.items:
            raise Invalid(self.items)


def request_body(req: SimRequest) -> dict[str, Any]:
    """The JSON body as an object; `Invalid` when it is missing or not an object."""
    body = req.json()
    if body is None:
        raise Invalid([{"loc": ["body"], "msg": "field required", "type": "value_error.missing"}])
    if not isinstance(body, dict):
        raise Invalid([{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}])
    return body


def extra_keys(
    errors: Errors, body: dict[str, Any], allowed: Iterable[str], loc: Sequence[Any] = ("body",)
) -> None:
    # SPEC request schemas say additionalProperties: false. Facts ran out on whether the server enforces it
    # at the top level; we enforce it there (a misspelt "pagesize" should not pass silently) but tolerate
    # extra keys inside filter objects, where clients are known to send "type" and succeed.
    allowed = set(allowed)
    for key in body:
        if key not in allowed:
            errors.add([*loc, key], "extra fields not permitted", "value_error.extra")


def int_field(
    errors: Errors,
    body: dict[str, Any],
    key: str,
    *,
    required: bool,
    default: int | None = None,
    ge: int | None = None,
    le: int | None = None,
    loc: Sequence[Any] = ("body",),
) -> int | None:
    """The integer `body[key]` (numeric strings accepted, as pydantic v1 does), checked against `ge`/`le`."""
    where = [*loc, key]
    if key not in body or body[key] is None:
        if required:
            errors.missing(where)
        return default
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        errors.add(where, "value is not a valid integer", "type_error.integer")
        return None
    try:
        number = int(value)
    except ValueError:
        errors.add(where, "value is not a valid integer", "type_error.integer")
        return None
    if ge is not None and number < ge:
        errors.add(
            where,
            f"ensure this value is greater than or equal to {ge}",
            "value_error.number.not_ge",
            {"limit_value": ge},
        )
        return None
    if le is not None and number > le:
        errors.add(
            where,
            f"ensure this value is less than or equal to {le}",
            "value_error.number.not_le",
            {"limit_value": le},
        )
        return None
    return number


def str_list(
    errors: Errors,
    value: Any,
    loc: Sequence[Any],
    *,
    min_items: int = 0,
    max_items: int | None = None,
    pattern: re.Pattern[str] | None = None,
) -> list[str]:
    """The strings of a list, each checked against `pattern`; item and size problems go to `errors`."""
    if not isinstance(value, list):
        errors.add(loc, "value is not a valid list", "type_error.list")
        return []
    if len(value) < min_items:
        errors.add(
            loc,
            f"ensure this value has at least {min_items} items",
            "value_error.list.min_items",
            {"limit_value": min_items},
        )
    if max_items is not None and len(value) > max_items:
        errors.add(
            loc,
            f"ensure this value has at most {max_items} items",
            "value_error.list.max_items",
            {"limit_value": max_items},
        )
    out: list[str] = []
    for i, item in enumerate(value):
        if item is None:
            errors.add([*loc, i], "none is not an allowed value", "type_error.none.not_allowed")
        elif not isinstance(item, str):
            errors.add([*loc, i], "str type expected", "type_error.str")
        elif pattern is not None and not pattern.match(item):
            errors.add(
                [*loc, i],
                f'string does not match regex "{pattern.pattern}"',
                "value_error.str.regex",
                {"pattern": pattern.pattern},
            )
        else:
            out.append(item)
    return out


def parse_time(errors: Errors, value: Any, loc: Sequence[Any], *, end: bool) -> datetime | None:
    """An ISO date or datetime in UTC; a bare date read as the end of its day when `end`."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
                # A bare date as the upper bound covers the whole day.
                return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except ValueError:
            pass
    errors.add(loc, "invalid datetime format", "value_error.datetime")
    return None


def ids_body(
    req: SimRequest, key: str, pattern: re.Pattern[str], *, many: bool
) -> tuple[list[str], dict[str, Any]]:
    """The id (or ids, when `many`) and `parameters` of an enrichment body, ids checked against `pattern`."""
    body = request_body(req)
    errors = Errors()
    extra_keys(errors, body, (key, "parameters", "request_context"))
    if key not in body:
        errors.missing(["body", key])
    if many:
        ids = str_list(
            errors, body.get(key, []), ["body", key], min_items=1, max_items=MAX_BATCH, pattern=pattern
        )
    else:
        value = body.get(key)
        ids = [value] if isinstance(value, str) and pattern.match(value) else []
        if key in body and not ids:
            errors.add(
                ["body", key],
                f'string does not match regex "{pattern.pattern}"',
                "value_error.str.regex",
                {"pattern": pattern.pattern},
            )
    parameters = body.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        errors.add(["body", "parameters"], "value is not a valid dict", "type_error.dict")
        parameters = None
    errors.check()
    return ids, parameters or {}
