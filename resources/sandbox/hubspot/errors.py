"""How HubSpot describes a failure: `_Failure` (one input, or one request, refused) and the StandardError
entries of a batch answer's `errors[]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class _Failure(Exception):
    """One input of a batch failed: how HubSpot would describe it."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        context: dict[str, list[str]] | None = None,
        sub_category: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.errors = errors or []
        self.context = context or {}
        self.sub_category = sub_category


def _invalid_values(problems: list[dict[str, Any]]) -> _Failure:
    """HubSpot's "Property values were not valid" error for a list of `{message, error, name}` problems."""
    listed = [{"isValid": False, **p} for p in problems]
    return _Failure(
        400,
        "VALIDATION_ERROR",
        f"Property values were not valid: {json.dumps(listed)}",
        errors=[
            {"message": p["message"], "code": p["error"], "context": {"propertyName": [p["name"]]}}
            for p in problems
        ],
    )


def _standard_error(
    category: str,
    message: str,
    context: Mapping[str, list[str]],
    *,
    sub_category: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One entry of a batch response's `errors[]`, a StandardError. Both documents require `status`,
    `category`, `message`, `context`, `errors` and `links`; they type `subCategory` as an object, but HubSpot
    sends strings (`crm.associations.NO_ASSOCIATIONS_FOUND`), as here."""
    entry: dict[str, Any] = {
        "status": "error",
        "category": category,
        "message": message,
        "context": dict(context),
        "errors": errors or [],
        "links": {},
    }
    if sub_category:
        entry["subCategory"] = sub_category
    return entry
