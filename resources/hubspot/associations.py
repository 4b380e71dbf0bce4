"""Associations between CRM records: creating default contact->company links and reading them back.

What belongs here: the associations batch routes (v4 next to the legacy v3, the date version otherwise),
their per-record errors, and HubSpot's NO_ASSOCIATIONS_FOUND read as an empty answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from resources.errors import RecordValidationError
from resources.hubspot.base_client import HubSpotBaseClient, in_chunks, text_or_none
from resources.hubspot.models import BATCH_SIZE, Association, AssociationResult, AssociationSpec, RecordError

#: The error subCategory of a record that has no associations of the asked type: HubSpot lists it in a batch
#: read's `errors[]` (third-party recordings; the documents are silent), which for us is an empty answer.
NO_ASSOCIATIONS_FOUND = "crm.associations.NO_ASSOCIATIONS_FOUND"


class AssociationsAPI(HubSpotBaseClient):
    """Associations of contacts, companies and engagements, 100 records per call."""

    def associate_contacts_to_companies(self, pairs: Sequence[tuple[str, str]]) -> AssociationResult:
        """Default (unlabelled) contact->company associations, `(contact_id, company_id)` pairs, via
        `batch/associate/default` (v4 or the date version), 100 per call (HubSpot's own cap here is not
        confirmed). Both documents answer 200 with any per-pair failures in `errors[]`."""
        path = self._associations("associations", "/contacts/companies/batch/associate/default")
        unique = list(dict.fromkeys((str(c), str(co)) for c, co in pairs))

        def send(chunk: Sequence[tuple[str, str]]) -> tuple[list[Association], list[RecordError]]:
            body = {"inputs": [{"from": {"id": c}, "to": {"id": co}} for c, co in chunk]}
            response = self.request("POST", path, json=body)
            data = response.json()
            results = []
            for raw in data.get("results") or []:
                spec = raw.get("associationSpec") or {}
                results.append(
                    Association(
                        from_id=str((raw.get("from") or {}).get("id")),
                        to_id=str((raw.get("to") or {}).get("id")),
                        types=[AssociationSpec.model_validate(spec)] if spec else [],
                    )
                )
            corr = response.headers.get("x-hubspot-correlation-id")
            errors = [e for raw in data.get("errors") or [] for e in self._record_errors(raw, {}, {}, corr)]
            return results, errors

        out = AssociationResult()
        for results, errors in self._each_chunk(list(in_chunks(unique, BATCH_SIZE)), send):
            out.calls += 1
            out.results.extend(results)
            out.errors.extend(errors)
        return out

    def read_associations(self, from_type: str, ids: Sequence[str], to_type: str) -> AssociationResult:
        """Every association of the records `ids` (of `from_type`) to records of `to_type`.

        `POST .../{from}/{to}/batch/read`, the one listing route both the v4 and the date-versioned documents
        have (2026-09 has no `GET .../associations/{toObjectType}`): 100 ids per call (the changelog and
        third-party notes say 1,000 and 100; 100 fits both), then each record's own `paging.next.after`
        until it has none. A record with no such associations is not a failure: HubSpot lists it under
        `errors[]` as NO_ASSOCIATIONS_FOUND, which is dropped here; other errors are returned.
        """
        path = self._associations("associations", f"/{from_type}/{to_type}/batch/read")
        out = AssociationResult()
        pending: list[dict[str, str]] = [{"id": i} for i in dict.fromkeys(str(i) for i in ids)]

        def send(
            chunk: Sequence[dict[str, str]],
        ) -> tuple[list[Association], list[RecordError], list[dict[str, str]]]:
            response = self.request("POST", path, json={"inputs": list(chunk)})
            data = response.json()
            corr = response.headers.get("x-hubspot-correlation-id")
            found: list[Association] = []
            following: list[dict[str, str]] = []
            for raw in data.get("results") or []:
                from_id = str((raw.get("from") or {}).get("id"))
                # The documents type toObjectId as a string; a number is read as well.
                found.extend(
                    Association(
                        from_id=from_id,
                        to_id=str(target.get("toObjectId")),
                        types=[
                            AssociationSpec.model_validate(t) for t in target.get("associationTypes") or []
                        ],
                    )
                    for target in raw.get("to") or []
                )
                after = ((raw.get("paging") or {}).get("next") or {}).get("after")
                if after:
                    following.append({"id": from_id, "after": str(after)})
            errors = [
                e
                for raw in data.get("errors") or []
                if text_or_none(raw.get("subCategory")) != NO_ASSOCIATIONS_FOUND
                for e in self._record_errors(raw, {}, {}, corr)
            ]
            return found, errors, following

        while pending:
            next_round: list[dict[str, str]] = []
            for found, errors, following in self._each_chunk(list(in_chunks(pending, BATCH_SIZE)), send):
                out.calls += 1
                out.results.extend(found)
                out.errors.extend(errors)
                next_round.extend(following)
            pending = next_round
        return out

    def list_associations(self, from_type: str, object_id: str, to_type: str) -> list[Association]:
        """Every association of one record to records of `to_type` (empty when it has none); raises a
        `RecordValidationError` when HubSpot reports anything else wrong with the record."""
        found = self.read_associations(from_type, [str(object_id)], to_type)
        if found.errors:
            raise RecordValidationError(
                f"{found.errors[0].category}: {found.errors[0].message}",
                vendor=self.vendor,
                endpoint=f"POST {self._associations('associations', f'/{from_type}/{to_type}/batch/read')}",
            )
        return found.results
