"""The lemlist unsubscribe list and do-not-contact marks, through the `/v2/unsubscribes/...` routes only.

What belongs here: reading the list (CSV export, paged walk, one value), adding to it, the contact
do-not-contact routes, and reading the export's CSV.

lemlist retired the legacy `/unsubscribes` and `/unsubs/export` routes on 2026-11-01; a 404 other than
lemlist's `Variable not found` is an error, never "not unsubscribed".
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from resources.errors import NotFoundError, VendorError
from resources.lemlist.base_client import PAGE_SIZE, LemlistBaseClient, rows_of, segment
from resources.lemlist.models import ContactSubscription, Unsubscribe

logger = logging.getLogger(__name__)

#: `POST /v2/unsubscribes/variables` takes at most 10,000 values per request (documented).
UNSUB_BULK_MAX = 10_000
#: The unsubscribe exports answer text/csv; the client's default Accept is JSON.
_CSV_ACCEPT = {"accept": "text/csv, */*;q=0.1"}


class UnsubscribesAPI(LemlistBaseClient):
    """The team's unsubscribe list and contacts' do-not-contact marks."""

    # --- unsubscribes (v2 routes only) -----------------------------------------------------------
    #
    # lemlist retired the legacy `/unsubscribes` and `/unsubs/export` routes on 2026-11-01 (`deprecated`
    # in its OpenAPI document). A retired route answers 404 like any unknown path, and the legacy GET of one
    # address also answered 404 for "not on the list": reading any 404 as "not unsubscribed" would make
    # every address look safe to email. Only the `/v2/unsubscribes/...` routes are called here, and the
    # single-value check fails closed (see `get_unsubscribe`).

    def unsubscribes(self) -> list[Unsubscribe]:
        """The team's whole unsubscribe list (emails, `@domain` entries, LinkedIn URLs, phone numbers).

        Read through the CSV export (`GET /v2/unsubscribes/exports/variables`): one request whatever the
        size of the list, where the paged walk (`iter_unsubscribes`) costs one request per 100 entries out
        of the key's 20 requests per 2 s, shared with every other lemlist call of the run (50,000 entries
        would be 500 requests, some 50 s of the whole key's budget). The export's order is not documented
        and nothing here depends on it."""
        return self.export_unsubscribes()

    def export_unsubscribes(self) -> list[Unsubscribe]:
        """`GET /v2/unsubscribes/exports/variables`: the whole list as CSV (`_id,value,source,createdAt`)."""
        endpoint = "GET /v2/unsubscribes/exports/variables"
        response = self.request(
            "GET", "/v2/unsubscribes/exports/variables", endpoint=endpoint, headers=_CSV_ACCEPT
        )
        return parse_unsubscribe_csv(response.text, endpoint=endpoint)

    def unsubscribe_page(self, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[Unsubscribe]:
        """One page of `GET /v2/unsubscribes/variables` (`limit` at most 100, as documented)."""
        data = self._get(
            "/v2/unsubscribes/variables",
            endpoint="GET /v2/unsubscribes/variables",
            params={"offset": max(0, offset), "limit": max(1, min(limit, PAGE_SIZE))},
        )
        return [Unsubscribe.model_validate(r) for r in rows_of(data, None)]

    def iter_unsubscribes(self) -> Iterator[Unsubscribe]:
        """The whole list through `GET /v2/unsubscribes/variables`, 100 entries per request (offset walk,
        until a short page). For callers that want the entries as they come; `unsubscribes()` is cheaper."""
        for row in self._iter_offset(
            "/v2/unsubscribes/variables", endpoint="GET /v2/unsubscribes/variables", params={}
        ):
            yield Unsubscribe.model_validate(row)

    def get_unsubscribe(self, value: str) -> Unsubscribe | None:
        """The list's entry for exactly `value` (an email, `@domain`, LinkedIn URL or phone number), or None.

        None only on lemlist's documented answer for an absent value: 404 with the body `Variable not
        found`. Any other 404 (a route that moved or was retired answers `Not Found` / `Cannot GET ...`)
        raises `VendorError`: "unknown" must never read as "safe to email"."""
        endpoint = "GET /v2/unsubscribes/variables/{value}"
        try:
            data = self._get(f"/v2/unsubscribes/variables/{segment(value)}", endpoint=endpoint)
        except NotFoundError as exc:
            if _is_variable_not_found(exc):
                return None
            raise VendorError(
                f"404 without lemlist's 'Variable not found' ({exc.message!r}): the route may be gone, so "
                "the address cannot be read as not unsubscribed",
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=404,
                body=exc.body,
            ) from exc
        if isinstance(data, dict):
            return Unsubscribe.model_validate(data)
        # A 200 that is not the documented object still says "on the list": fail closed.
        return Unsubscribe(value=value)

    def is_unsubscribed(self, email: str) -> bool:
        """Whether the address, or its whole domain, is on the team's unsubscribe list.

        lemlist stores a blocked domain as its own entry `@example.com` (the bulk example and the export
        example show such values) and does not say that a GET of an address also matches its domain, so
        both entries are asked for. lemlist does not say whether values are matched case-insensitively:
        the address is asked as given and lower-cased. Raises instead of answering False when lemlist's
        404 is not its documented `Variable not found` (see `get_unsubscribe`)."""
        return any(self.get_unsubscribe(v) is not None for v in unsubscribe_candidates(email))

    def add_unsubscribe(self, value: str) -> Unsubscribe:
        """Put one value (an email, or a whole domain written `@example.com`) on the unsubscribe list:
        `POST /v2/unsubscribes/variables/{value}`. Idempotent on lemlist's side: a value already on the
        list returns its existing entry (whose `source` may then be `lead`, `bounced`, ... not `api`)."""
        data = self._send(
            "POST",
            f"/v2/unsubscribes/variables/{segment(value)}",
            endpoint="POST /v2/unsubscribes/variables/{value}",
        )
        if isinstance(data, dict):
            return Unsubscribe.model_validate(data)
        return Unsubscribe(value=value)

    def add_unsubscribes(self, values: Iterable[str]) -> int:
        """Put many values on the list: `POST /v2/unsubscribes/variables` with `{values: [...]}`, at most
        10,000 per request (documented). Blank and repeated values are dropped first. Returns how many
        values were sent; lemlist answers only the string "Variables unsubscribed", no per-value result."""
        unique = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
        for i in range(0, len(unique), UNSUB_BULK_MAX):
            self._send(
                "POST",
                "/v2/unsubscribes/variables",
                endpoint="POST /v2/unsubscribes/variables",
                json={"values": unique[i : i + UNSUB_BULK_MAX]},
            )
        return len(unique)

    def contact_subscription(self, contact_id: str) -> ContactSubscription:
        """`GET /v2/unsubscribes/contacts/{contactId}`: whether a lemlist contact (`ctc_...`, the
        `contactId` of a lead) is marked do-not-contact. lemlist documents no 404 here."""
        data = self._get(
            f"/v2/unsubscribes/contacts/{segment(contact_id)}",
            endpoint="GET /v2/unsubscribes/contacts/{contactId}",
        )
        return ContactSubscription.model_validate(data)

    def is_do_not_contact(self, contact_id: str) -> bool:
        """Whether the contact is marked do-not-contact (see `contact_subscription`)."""
        return self.contact_subscription(contact_id).do_not_contact

    def mark_do_not_contact(self, contact_id: str) -> None:
        """`POST /v2/unsubscribes/contacts/{contactId}`: mark a contact do-not-contact (lemlist answers the
        string "Contact subscription updated", not the contact)."""
        self._send(
            "POST",
            f"/v2/unsubscribes/contacts/{segment(contact_id)}",
            endpoint="POST /v2/unsubscribes/contacts/{contactId}",
        )


def parse_unsubscribe_csv(text: str, *, endpoint: str) -> list[Unsubscribe]:
    """lemlist's unsubscribe export: CSV with the header `_id,value,source,createdAt` (documented).

    Read with the stdlib `csv` module (quoted values, CRLF or LF). A UTF-8 byte order mark is dropped,
    header names are matched without regard to case, and a missing `_id`, `source` or `createdAt` column
    leaves that field empty. A header without `value` raises: an export that cannot be read must never
    pass for an empty list. An empty body (not even the header) is read as an empty list: lemlist does not
    say what the export of an empty list looks like."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    if "value" not in header:
        raise VendorError(
            f"the unsubscribe export has no 'value' column (header: {','.join(header)[:200]})",
            vendor="lemlist",
            endpoint=endpoint,
        )
    columns: dict[str, int] = {
        name: header.index(name) for name in ("_id", "value", "source", "createdat") if name in header
    }

    def cell(row: list[str], name: str) -> str | None:
        i = columns.get(name)
        value = row[i].strip() if i is not None and i < len(row) else ""
        return value or None

    out: list[Unsubscribe] = []
    for row in reader:
        value = cell(row, "value")
        if value is None:
            continue
        entry = Unsubscribe(_id=cell(row, "_id"), value=value, source=cell(row, "source"))
        created = cell(row, "createdat")
        if created is not None:
            try:
                when = datetime.fromisoformat(created.replace("Z", "+00:00"))
                # lemlist writes UTC with a `Z`; a bare timestamp is read as UTC too, like the JSON routes.
                entry.created_at = when if when.tzinfo else when.replace(tzinfo=UTC)
            except ValueError:
                logger.warning("lemlist unsubscribe export: unreadable createdAt %r for one entry", created)
        out.append(entry)
    return out


def unsubscribe_candidates(email: str) -> list[str]:
    """The list values that block an address: itself (as given and lower-cased) and its `@domain`."""
    value = email.strip()
    candidates = [value, value.lower()]
    local, at, domain = value.rpartition("@")
    if at and local and domain:
        candidates.append("@" + domain.lower())
    return list(dict.fromkeys(c for c in candidates if c))


def _is_variable_not_found(exc: NotFoundError) -> bool:
    """lemlist's documented 404 for a value not on the list (text/plain `Variable not found`; read the
    same if it comes as a JSON string or `{error|message}`, which `_error_details` unwraps)."""
    return exc.message.strip().strip('"').rstrip(".").strip().lower() == "variable not found"
