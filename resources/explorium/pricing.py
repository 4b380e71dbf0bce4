"""Explorium credit prices per billed record, for budgeting *before* a call.

What a call actually cost is read from the response (`credit_usage`, which the client always asks for);
these figures only decide how much a run may still request under its budget. Explorium publishes one
price (contacts_information: email 2, phone 5, both 5); the rest are measured or assumed, as noted, and
overridable where they are used. See /work/shared/reference/explorium.md section 4.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Credits per record returned by `POST /businesses` and `/prospects` in mode "full" (measured, fetch).
FETCH_RECORD = 1.0
#: Credits per business or prospect returned by a `bulk_enrich` other than contacts (assumed, not published).
ENRICHMENT_RECORD = 1.0
#: `POST /businesses/events` (not published; the sandbox charges nothing).
EVENTS_CALL = 0.0


def contacts_price(contact_types: Sequence[str]) -> float:
    """Credits per prospect of contacts_information (published: email only 2, phone or both 5)."""
    return 5.0 if "phone" in contact_types else 2.0
