"""What every part of the lemlist simulator shares: limits, the store's table names, deterministic ids,
lemlist's date formats and its plain-text error bodies.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from resources.sandbox.app import SimResponse, text_response

LIMIT = 20
WINDOW_SECONDS = 2.0
PAGE_MAX = 100
CAMPAIGN_LEADS_MAX = 500
STATS_BATCH_MAX = 100
UNSUB_BULK_MAX = 10_000
#: Unsubscribe sources that cannot be re-subscribed through the API (documented: LEAD and ABUSE).
PROTECTED_SOURCES = ("lead", "abuse")
FOLLOW_UP_DAYS = 3
SEQUENCE_STEPS = 2

CAMPAIGNS = "lemlist.campaigns"
LEADS = "lemlist.leads"
ACTIVITIES = "lemlist.activities"
UNSUBSCRIBES = "lemlist.unsubscribes"
#: Contacts marked do-not-contact through `/v2/unsubscribes/contacts/{contactId}`.
CONTACTS = "lemlist.contacts"
NEXT_DUE = "lemlist:next_due"


def short_id(*parts: object, n: int = 17) -> str:
    """A deterministic lemlist-looking id body (base62-ish from a hash)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    alphabet = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
    value = int.from_bytes(digest, "big")
    out = []
    for _ in range(n):
        value, r = divmod(value, len(alphabet))
        out.append(alphabet[r])
    return "".join(out)


def fraction(*parts: object) -> float:
    """A deterministic number in [0, 1)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date(value: str | None) -> float | None:
    """ISO 8601 or unix seconds (lemlist accepts both for minDate/maxDate); raises ValueError."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def js_date(ts: float) -> str:
    """JavaScript's `Date.toString()` in UTC, the format of lemlist's `X-RateLimit-Reset`."""
    stamp = datetime.fromtimestamp(ts, UTC).strftime("%a %b %d %Y %H:%M:%S")
    return f"{stamp} GMT+0000 (Coordinated Universal Time)"


def text_error(message: str, status: int, headers: dict[str, str] | None = None) -> SimResponse:
    """lemlist's errors are mostly plain-text sentences."""
    return text_response(message, status, headers)
