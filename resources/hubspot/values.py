"""How Python values and web addresses become the strings HubSpot stores and matches.

What belongs here: property values (booleans, dates, lists), `hs_timestamp` values and normalised domains.
No HTTP: the area modules use these to build request bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit


def normalize_domain(value: str | None) -> str:
    """`https://WWW.Acme.com/about` -> `acme.com`: lower case, no scheme, path, port or leading `www.`."""
    if not value:
        return ""
    text = value.strip().lower()
    if "//" not in text:
        text = "//" + text
    host = urlsplit(text).hostname or ""
    host = host.strip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


def property_value(value: Any) -> str:
    """A Python value as the string HubSpot expects: booleans `true`/`false`, datetimes as epoch ms,
    dates as midnight UTC epoch ms, lists `;`-joined, None as "" (which clears the property)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return str(int(moment.timestamp() * 1000))
    if isinstance(value, date):
        return str(int(datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(str(v) for v in value)
    return str(value)


def properties_of(values: Mapping[str, Any]) -> dict[str, str]:
    # Most values are strings already (`property_value` would return them as they are).
    return {str(k): v if type(v) is str else property_value(v) for k, v in values.items()}


@functools.lru_cache(maxsize=1024)
def hs_timestamp(moment: datetime) -> str:
    """UTC ISO-8601 with a Z, which `hs_timestamp` accepts as well as epoch ms."""
    value = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
