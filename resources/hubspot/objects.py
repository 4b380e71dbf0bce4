"""CRM objects in batches: contacts, companies, tasks and notes (create, upsert, update, read).

What belongs here: the `batch/create|upsert|update|read` routes, HubSpot's 100-input chunks, the write trace
ids that map per-record errors (207 multi-status in v3, inline `errors[]` in the date versions) back to the
inputs they belong to, and the default properties read. Search is in `search.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from resources.hubspot.base_client import HubSpotBaseClient, in_chunks, offset_chunks
from resources.hubspot.models import (
    BATCH_SIZE,
    NOTE_TO_COMPANY,
    NOTE_TO_CONTACT,
    TASK_TO_COMPANY,
    TASK_TO_CONTACT,
    BatchResult,
    BatchWriteBody,
    CrmObject,
    NoteInput,
    RecordError,
    TaskInput,
)
from resources.hubspot.values import hs_timestamp, properties_of

#: Properties the client asks for when the caller names none.
CONTACT_PROPERTIES = (
    "email",
    "firstname",
    "lastname",
    "company",
    "jobtitle",
    "lifecyclestage",
    "hs_lead_status",
    "hubspot_owner_id",
    "hs_email_optout",
    "hs_sequences_is_enrolled",
    "createdate",
    "lastmodifieddate",
)
COMPANY_PROPERTIES = ("name", "domain", "website", "industry", "country", "hubspot_owner_id", "createdate")


def _trace_id() -> str:
    return uuid.uuid4().hex


def _association_inputs(ids: Sequence[str], type_id: int) -> list[dict[str, Any]]:
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
    return [{"to": {"id": str(i)}, "types": [dict(spec)]} for i in ids]


class CrmObjectsAPI(HubSpotBaseClient):
    """Batch writes and reads of CRM records, any number of inputs, sent 100 at a time."""

    # --- contacts -----------------------------------------------------------------------------------

    def upsert_contacts(self, inputs: Sequence[Mapping[str, Any]]) -> BatchResult:
        """Create or update contacts by email (`batch/upsert`, idProperty `email`), 100 per call.

        Each input is a property mapping that must contain `email`. Emails are lower-cased and inputs with
        the same email merged (later values win), because HubSpot refuses a batch in which two inputs
        resolve to one record. Results carry `new` (created or updated); failures are in `errors`.
        """
        merged: dict[str, dict[str, str]] = {}
        first_seen: dict[str, int] = {}
        for position, item in enumerate(inputs):
            email = str(item.get("email") or "").strip().lower()
            if not email:
                raise ValueError(f"upsert_contacts: input {position} has no email")
            first_seen.setdefault(email, position)
            merged.setdefault(email, {}).update(properties_of(item))
            merged[email]["email"] = email
        prepared = [
            ({"id": email, "idProperty": "email", "properties": props}, email, first_seen[email])
            for email, props in merged.items()
        ]
        return self._batch_write("contacts", "upsert", prepared)

    def read_contacts(
        self,
        ids: Sequence[str],
        *,
        id_property: str | None = "email",
        properties: Sequence[str] | None = None,
    ) -> BatchResult:
        """Read contacts by email (or another unique property, or record id with `id_property=None`).

        Ids HubSpot does not know are listed in `not_found` (HubSpot answers 207), not raised.
        """
        if id_property == "email":
            ids = [i.strip().lower() for i in ids]
        return self._batch_read(
            "contacts", ids, id_property=id_property, properties=properties or CONTACT_PROPERTIES
        )

    # --- companies ----------------------------------------------------------------------------------

    def create_companies(self, inputs: Sequence[Mapping[str, Any]]) -> BatchResult:
        """Create companies (`batch/create`), 100 per call. HubSpot does not deduplicate API-created
        companies by domain: call `find_companies_by_domains` first."""
        # Both documents mark `associations` required on each create input (the guides leave it out): an
        # empty list says "none" in either reading.
        prepared = [
            (
                {"properties": properties_of(item), "associations": []},
                str(item.get("domain") or item.get("name") or i),
            )
            for i, item in enumerate(inputs)
        ]
        return self._batch_write("companies", "create", prepared)

    def update_companies(self, updates: Mapping[str, Mapping[str, Any]]) -> BatchResult:
        """Update companies by record id (`batch/update`): `{company_id: {property: value}}`."""
        prepared = [
            ({"id": str(cid), "properties": properties_of(props)}, str(cid)) for cid, props in updates.items()
        ]
        return self._batch_write("companies", "update", prepared)

    def read_companies(self, ids: Sequence[str], *, properties: Sequence[str] | None = None) -> BatchResult:
        """Read companies by record id; unknown ids are listed in `not_found`."""
        return self._batch_read(
            "companies", [str(i) for i in ids], id_property=None, properties=properties or COMPANY_PROPERTIES
        )

    def read_objects(self, object_type: str, ids: Sequence[str], *, properties: Sequence[str]) -> BatchResult:
        """Read records of any object type (tasks, notes, ...) by record id, 100 per call; unknown ids are
        listed in `not_found`."""
        return self._batch_read(
            object_type, [str(i) for i in ids], id_property=None, properties=list(properties)
        )

    # --- tasks and notes ------------------------------------------------------------------------------

    def create_tasks(self, tasks: Sequence[TaskInput]) -> BatchResult:
        """Create tasks associated to contacts (type 204) and companies (type 192), 100 per call."""
        prepared = []
        for i, task in enumerate(tasks):
            props: dict[str, Any] = {
                "hs_timestamp": hs_timestamp(task.due),
                "hs_task_subject": task.subject,
                "hs_task_status": task.status,
                "hs_task_type": task.type,
            }
            if task.body is not None:
                props["hs_task_body"] = task.body
            if task.priority is not None:
                props["hs_task_priority"] = task.priority
            if task.owner_id is not None:
                props["hubspot_owner_id"] = task.owner_id
            props.update(task.extra_properties)
            associations = _association_inputs(task.contact_ids, TASK_TO_CONTACT) + _association_inputs(
                task.company_ids, TASK_TO_COMPANY
            )
            prepared.append(({"properties": properties_of(props), "associations": associations}, str(i)))
        return self._batch_write("tasks", "create", prepared)

    def create_notes(self, notes: Sequence[NoteInput]) -> BatchResult:
        """Create notes on contact (type 202) and company (type 190) timelines, 100 per call."""
        prepared = []
        for i, note in enumerate(notes):
            props: dict[str, Any] = {"hs_timestamp": hs_timestamp(note.timestamp), "hs_note_body": note.body}
            if note.owner_id is not None:
                props["hubspot_owner_id"] = note.owner_id
            props.update(note.extra_properties)
            associations = _association_inputs(note.contact_ids, NOTE_TO_CONTACT) + _association_inputs(
                note.company_ids, NOTE_TO_COMPANY
            )
            prepared.append(({"properties": properties_of(props), "associations": associations}, str(i)))
        return self._batch_write("notes", "create", prepared)

    # --- batch plumbing -------------------------------------------------------------------------------

    def _batch_write(
        self,
        object_type: str,
        action: str,
        prepared: Sequence[tuple[dict[str, Any], str] | tuple[dict[str, Any], str, int]],
    ) -> BatchResult:
        """Send `(input, key[, caller position])` to `batch/{action}` 100 at a time, each with a unique trace
        id, and map per-record errors back to the input through the trace id HubSpot echoes in
        `context.objectWriteTraceId`. The position defaults to the input's place in `prepared`.

        v3 documents those errors on a 207; the 2026-09 documents have no 207 and put `errors[]` and
        `numErrors` in the 200/201 body. Either way they are read from the body, whatever the 2xx status."""
        path = self._crm("objects", f"/{object_type}/batch/{action}")

        def send(piece: tuple[int, Sequence[Any]]) -> tuple[list[CrmObject], list[RecordError]]:
            offset, chunk = piece
            keys: dict[str, str] = {}
            positions: dict[str, int] = {}
            inputs = []
            # One random part per call and the input's place after it: unique across calls and inputs at
            # the cost of one uuid per call rather than one per input.
            base = _trace_id()[:24]
            for place, entry in enumerate(chunk, start=offset):
                item, key = entry[0], entry[1]
                trace = f"{base}{place:08x}"
                keys[trace] = key
                positions[trace] = entry[2] if len(entry) > 2 else place
                inputs.append({**item, "objectWriteTraceId": trace})
            # HubSpot has no idempotency key: a create that got no answer may have been taken, and is not
            # sent again here (the caller finds it first). Upserts and updates are safe to repeat.
            response = self.request("POST", path, json={"inputs": inputs}, idempotent=action != "create")
            # Parsed and validated in one pass from the bytes (100 records a call).
            data = BatchWriteBody.model_validate_json(response.content)
            corr = response.headers.get("x-hubspot-correlation-id")
            results = data.results or []
            for record in results:
                record.input_key = keys.get(record.object_write_trace_id or "")
            return (
                results,
                [e for raw in data.errors or [] for e in self._record_errors(raw, keys, positions, corr)],
            )

        out = BatchResult()
        for results, errors in self._each_chunk(list(offset_chunks(prepared, BATCH_SIZE)), send):
            out.calls += 1
            out.results.extend(results)
            out.errors.extend(errors)
        return out

    def _batch_read(
        self, object_type: str, ids: Sequence[str], *, id_property: str | None, properties: Sequence[str]
    ) -> BatchResult:
        path = self._crm("objects", f"/{object_type}/batch/read")

        def send(chunk: Sequence[str]) -> tuple[list[CrmObject], list[str], list[RecordError]]:
            body: dict[str, Any] = {
                "inputs": [{"id": i} for i in chunk],
                "properties": list(properties),
                "propertiesWithHistory": [],
            }
            if id_property and id_property != "hs_object_id":
                body["idProperty"] = id_property
            response = self.request("POST", path, json=body, params={"archived": "false"})
            data = response.json()
            corr = response.headers.get("x-hubspot-correlation-id")
            not_found: list[str] = []
            errors: list[RecordError] = []
            for raw in data.get("errors") or []:
                if raw.get("category") == "OBJECT_NOT_FOUND":
                    not_found.extend(str(i) for i in (raw.get("context") or {}).get("ids") or [])
                else:
                    errors.extend(self._record_errors(raw, {}, {}, corr))
            return [CrmObject.model_validate(r) for r in data.get("results") or []], not_found, errors

        out = BatchResult()
        chunks = list(in_chunks(list(dict.fromkeys(ids)), BATCH_SIZE))
        for results, not_found, errors in self._each_chunk(chunks, send):
            out.calls += 1
            out.results.extend(results)
            out.not_found.extend(not_found)
            out.errors.extend(errors)
        return out
