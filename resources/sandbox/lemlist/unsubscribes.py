"""lemlist's v2 unsubscribe list: variables (emails, `@domain`s, LinkedIn URLs, phones) one at a time or
in bulk, contacts marked do-not-contact, and the CSV exports of both.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.lemlist.common import (
    CONTACTS,
    LEADS,
    PAGE_MAX,
    PROTECTED_SOURCES,
    UNSUB_BULK_MAX,
    UNSUBSCRIBES,
    text_error,
)
from resources.sandbox.lemlist.engine import LemlistEngine

# lemlist retired the legacy `GET /unsubscribes`, `GET|POST|DELETE /unsubscribes/{email}` and
# `GET /unsubs/export` on 2026-11-01 (`deprecated: true` in its OpenAPI document). They are not served:
# they answer the generic 404 (`not_found`) like any unknown path, so a client still calling them fails
# here as it would against lemlist. The exact body lemlist sends for a removed route is not documented
# (an Express app would say `Cannot GET /api/unsubscribes/...`); a client must not depend on it.

#: Contact ids: `ctc_...` everywhere in lemlist's document, `con_...` in the unsubscribe-contacts examples.
_CONTACT_ID = re.compile(r"^(?:ctc|con)_[A-Za-z0-9]+$")


class UnsubscribeRoutes(LemlistEngine):
    """Unsubscribe routes under /api/v2/unsubscribes."""

    @route("GET", "/api/v2/unsubscribes/variables")
    def list_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        self._sync()
        offset, limit = self._page(req, default=100, maximum=PAGE_MAX)
        return json_response([self._unsub_view(u) for u in self._unsub_rows()[offset : offset + limit]])

    @route("POST", "/api/v2/unsubscribes/variables")
    def add_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        body = req.json()
        values = body.get("values") if isinstance(body, dict) else None
        # Facts: 400 `Maximum 10000 values allowed` (text/plain). Facts ran out on the answer to a missing,
        # empty or non-string `values`: a 400 in the same style is served.
        if isinstance(values, list) and len(values) > UNSUB_BULK_MAX:
            return text_error(f"Maximum {UNSUB_BULK_MAX} values allowed", 400)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            return text_error("values must be a non-empty array of strings", 400)
        self._sync()
        now = self.store.timestamp()
        with self.store.transaction():
            for value in values:
                text = _unsub_value(value)
                if text:
                    self._unsubscribe(text, "api", now)
        # Facts: 200 with the JSON string "Variables unsubscribed" (application/json), no per-value result.
        return json_response("Variables unsubscribed")

    @route("GET", "/api/v2/unsubscribes/variables/{value}")
    def get_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return text_error("No value", 400)
        self._sync()
        # Exactly the value asked for: an address does not match its `@domain` entry here (lemlist does not
        # say it does); the client asks for both.
        record = self.store.get(UNSUBSCRIBES, value)
        if record is None:
            return text_error("Variable not found", 404)
        return json_response(self._unsub_variable_view(record))

    @route("POST", "/api/v2/unsubscribes/variables/{value}")
    def add_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return text_error("No value", 400)
        self._sync()
        # Facts: idempotent; a value already on the list returns the existing record (its own source).
        record, _ = self._unsubscribe(value, "api", self.store.timestamp())
        return json_response(self._unsub_variable_view(record))

    @route("DELETE", "/api/v2/unsubscribes/variables/{value}")
    def delete_unsubscribe_variable(self, req: SimRequest, value: str) -> SimResponse:
        value = _unsub_value(value)
        if not value:
            return text_error("No value", 400)
        self._sync()
        record = self.store.get(UNSUBSCRIBES, value)
        if record is None:
            return text_error("Variable not found in unsubscribe list", 400)
        # Facts: a value the lead unsubscribed itself (`lead`) or reported as spam (`abuse`) is protected.
        if record["source"] in PROTECTED_SOURCES:
            return text_error("Variable is protected and cannot be re-subscribed", 409)
        self.store.delete(UNSUBSCRIBES, record["value"])
        return json_response("Variable subscribed")

    @route("GET", "/api/v2/unsubscribes/exports/variables")
    def export_unsubscribe_variables(self, req: SimRequest) -> SimResponse:
        self._sync()
        rows = [[u["_id"], u["value"], u["source"], u["createdAt"]] for u in self._unsub_rows()]
        return _csv(["_id", "value", "source", "createdAt"], rows)

    @route("GET", "/api/v2/unsubscribes/contacts/{contactId}")
    def get_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        if not _CONTACT_ID.match(contactId):
            return text_error("Bad contact identifier", 400)
        # Facts ran out on an unknown contact id: the document lists no 404, so it reads as not flagged.
        return json_response({"_id": contactId, "doNotContact": self._do_not_contact(contactId)})

    @route("POST", "/api/v2/unsubscribes/contacts/{contactId}")
    def add_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        return self._set_do_not_contact(contactId, True)

    @route("DELETE", "/api/v2/unsubscribes/contacts/{contactId}")
    def delete_contact_subscription(self, req: SimRequest, contactId: str) -> SimResponse:
        return self._set_do_not_contact(contactId, False)

    @route("GET", "/api/v2/unsubscribes/exports/contacts")
    def export_contact_subscriptions(self, req: SimRequest) -> SimResponse:
        # Facts: "all contacts with their subscription status": every contact a lead made, and any flagged.
        flags = {c["_id"]: bool(c["doNotContact"]) for c in self.store.all(CONTACTS)}
        ids = sorted({lead["contactId"] for lead in self.store.all(LEADS)} | set(flags))
        return _csv(["_id", "doNotContact"], [[cid, "true" if flags.get(cid) else "false"] for cid in ids])

    def _unsub_rows(self) -> list[dict[str, Any]]:
        """The list in a stable order (oldest first), so that offset pages never shift while it grows."""
        return sorted(self.store.all(UNSUBSCRIBES), key=lambda u: (u["createdAt"], u["_id"]))

    @staticmethod
    def _unsub_view(record: dict[str, Any]) -> dict[str, Any]:
        """A row of the list (`UnsubscribedVariable`)."""
        return {
            "_id": record["_id"],
            "value": record["value"],
            "source": record["source"],
            "createdAt": record["createdAt"],
        }

    @staticmethod
    def _unsub_variable_view(record: dict[str, Any]) -> dict[str, Any]:
        """The single-value GET/POST answer: `variable` is documented as an alias of `value`; the document
        shows no `createdAt` there."""
        return {
            "_id": record["_id"],
            "value": record["value"],
            "variable": record["value"],
            "source": record["source"],
        }

    def _set_do_not_contact(self, contact_id: str, flag: bool) -> SimResponse:
        if not _CONTACT_ID.match(contact_id):
            return text_error("Bad contact identifier", 400)
        self.store.put(CONTACTS, contact_id, {"_id": contact_id, "doNotContact": flag})
        # Facts: both POST and DELETE answer the JSON string "Contact subscription updated".
        return json_response("Contact subscription updated")


def _unsub_value(value: object) -> str:
    """A value as the list stores it: emails and `@domain` entries lower-cased, LinkedIn URLs and phone
    numbers as given (facts ran out on lemlist's own normalisation; an address is case-insensitive)."""
    text = str(value).strip()
    return text if text.lower().startswith("http") else text.lower()


def _csv(header: list[str], rows: list[list[str]]) -> SimResponse:
    """A CSV export as lemlist's examples show it: a header line, `\n` line ends, text/csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return SimResponse(
        status=200,
        body=buffer.getvalue().encode(),
        headers={"content-type": "text/csv; charset=utf-8"},
    )
