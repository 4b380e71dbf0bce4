"""`HubSpotClient`: the httpx client of the HubSpot CRM APIs this pipeline uses.

What belongs here: HubSpot's paths and API versions (legacy v3/v4, or a date version such as 2026-09, chosen
per client), its batch limits (100 inputs, chunked here), search paging and the 10,000-result cap, its
Bearer auth, how its error bodies and 429 policies read, and the mapping of per-record batch errors (207
multi-status in v3/v4, inline `errors[]` in the date versions) back to the inputs they belong to. Retries,
timeouts and the client-side limiters come from `resources.http`; payload models from `models.py`.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from resources.errors import RecordValidationError, ServerError, VendorError
from resources.http import HttpPolicy, RateLimit, VendorHttpClient, parse_retry_after
from resources.hubspot.models import (
    BATCH_SIZE,
    COMPANY_TO_CONTACT,
    CONTACT_TO_COMPANY,
    IN_FILTER_VALUES,
    NOTE_TO_COMPANY,
    NOTE_TO_CONTACT,
    SEARCH_PAGE_SIZE,
    SEARCH_RESULT_CAP,
    SUBMISSIONS_PAGE_SIZE,
    TASK_TO_COMPANY,
    TASK_TO_CONTACT,
    AccountInfo,
    Association,
    AssociationResult,
    AssociationSpec,
    BatchResult,
    CrmObject,
    EnsuredProperties,
    Form,
    FormSubmission,
    NoteInput,
    Owner,
    Property,
    PropertyDefinition,
    PropertyGroup,
    RecordError,
    SearchResult,
    SubscriptionStatus,
    TaskInput,
)

DEFAULT_BASE_URL = "https://api.hubapi.com"
#: The public form-submission endpoint lives on its own host.
FORMS_BASE_URL = "https://api.hsforms.com"

#: The API version a client uses unless told otherwise: HubSpot's current date version. HubSpot files the
#: v1-v3 CRM paths as legacy: they become unsupported in September 2027, and associations v4 on 2027-03-30
#: (changelog "legacy APIs and legacy apps: what's going unsupported and when"). The date versions
#: (`/crm/objects/2026-09/...`, since 2026-03-30) replace both. `HubSpotResource.crm_version` overrides it.
DEFAULT_CRM_VERSION = "2026-09"
#: The legacy version: CRM objects, properties and owners v3, account info and communication preferences v3,
#: with associations v4 (the v3 associations API is older still).
LEGACY_CRM_VERSION = "v3"
_DATE_VERSION = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
#: The error subCategory of a record that has no associations of the asked type: HubSpot lists it in a batch
#: read's `errors[]` (third-party recordings; the documents are silent), which for us is an empty answer.
NO_ASSOCIATIONS_FOUND = "crm.associations.NO_ASSOCIATIONS_FOUND"

#: Professional and Enterprise: 190 requests per 10 s per app (Free/Starter: 100). The extra 0.1 s of window
#: keeps clock skew between us and HubSpot from pushing a burst over.
DEFAULT_LIMIT = RateLimit("hubspot", 190, 10.1)
#: Search has its own bucket: the 2021 changelog says 4/s per token, current docs 5/s per account. 4 is the
#: defensive reading.
DEFAULT_SEARCH_LIMIT = RateLimit("hubspot.search", 4, 1.05)

#: How long to wait on a 429 that carries no Retry-After, by HubSpot's `policyName` (the official Node SDK
#: waits 10 s on TEN_SECONDLY_ROLLING and 1 s on the search "secondly" limit).
TEN_SECONDLY_WAIT = 10.0
SECONDLY_WAIT = 1.0
#: The daily limit resets at midnight in the account's time zone: nothing a retry inside a step can wait
#: out, so it is reported as a day, longer than any policy's `max_retry_after`, and the policy gives up.
DAILY_WAIT = 86_400.0

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

T = TypeVar("T")
R = TypeVar("R")

#: Batch calls in flight at once per client (see `_each_chunk`); the rate limiter still paces them.
DEFAULT_CONCURRENCY = 6


def check_crm_version(version: str) -> str:
    """`version` if it is `v3` or a date version `YYYY-MM`; otherwise a ValueError saying what is accepted."""
    text = str(version).strip()
    if text == LEGACY_CRM_VERSION or _DATE_VERSION.fullmatch(text):
        return text
    raise ValueError(
        f"HubSpot crm_version must be {LEGACY_CRM_VERSION!r} (the legacy v3/v4 paths) or a date version "
        f"'YYYY-MM' such as {DEFAULT_CRM_VERSION!r}; got {version!r}"
    )


def crm_path(area: str, rest: str = "", *, version: str) -> str:
    """A CRM path: `/crm/v3/objects/contacts` for vN versions, `/crm/objects/2026-09/contacts` for dates
    (the date versions put the version after the area instead of before it)."""
    if version.startswith("v"):
        return f"/crm/{version}/{area}{rest}"
    return f"/crm/{area}/{version}{rest}"


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


def _properties(values: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): property_value(v) for k, v in values.items()}


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _trace_id() -> str:
    return uuid.uuid4().hex


class HubSpotClient(VendorHttpClient):
    """HubSpot CRM objects, associations, properties, owners, forms, communication preferences and account
    info, over one httpx client, in one API version (`crm_version`: `v3` or a date such as `2026-09`).

    Batch methods take any number of inputs and send them 100 at a time; per-record failures come back in
    the result's `errors`, never as exceptions. Search walks every page and re-windows past HubSpot's
    10,000-result cap when it controls the sort order.
    """

    vendor = "hubspot"
    key_variable = "HUBSPOT_ACCESS_TOKEN"

    #: Paging stops here per query (HubSpot answers 400 past it). An attribute so tests can lower it.
    search_result_cap: int = SEARCH_RESULT_CAP

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        policy: HttpPolicy | None = None,
        limits: Sequence[RateLimit] | None = None,
        search_limits: Sequence[RateLimit] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        crm_version: str = DEFAULT_CRM_VERSION,
    ) -> None:
        self.crm_version = check_crm_version(crm_version)
        #: Associations are v4 next to the legacy v3; a date version covers every area, associations included.
        self.associations_version = "v4" if self.crm_version == LEGACY_CRM_VERSION else self.crm_version
        super().__init__(
            base_url=base_url,
            policy=policy or HttpPolicy(),
            limits=limits if limits is not None else (DEFAULT_LIMIT,),
            headers={"authorization": f"Bearer {access_token}"},
            transport=transport,
            sleep=sleep,
        )
        self.search_limits = tuple(search_limits) if search_limits is not None else (DEFAULT_SEARCH_LIMIT,)
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency

    # --- versioned paths --------------------------------------------------------------------------------
    # Marketing forms (`/marketing/v3/forms`), the legacy form submissions (`/form-integrations/v1/...`) and
    # the public hsforms submit endpoint have no date-versioned document: they keep their own paths.

    def _crm(self, area: str, rest: str = "") -> str:
        """A path of a CRM area (objects, properties, owners) in this client's version."""
        return crm_path(area, rest, version=self.crm_version)

    def _associations(self, area: str, rest: str) -> str:
        """An associations path (`associations` batch routes or `objects/.../associations/...` routes)."""
        return crm_path(area, rest, version=self.associations_version)

    def _api(self, area: str, rest: str) -> str:
        """A path outside `/crm` (account info, communication preferences): `/{area}/{version}{rest}` in
        both the v3 and the date shapes."""
        return f"/{area}/{self.crm_version}{rest}"

    def _each_chunk(self, chunks: Sequence[T], send: Callable[[T], R]) -> list[R]:
        """`send` every chunk, up to `max_concurrency` at a time, results in chunk order.

        A batch call spends most of its time waiting on HubSpot (hundreds of milliseconds); one at a time,
        a large sync would run far under the rate limit. The process-wide limiter still decides when each
        request may go, so concurrency only fills the window, never exceeds it.
        """
        if len(chunks) <= 1 or self.max_concurrency == 1:
            return [send(chunk) for chunk in chunks]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(chunks))) as pool:
            return list(pool.map(send, chunks))

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
            merged.setdefault(email, {}).update(_properties(item))
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

    def search_contacts(
        self,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every contact matching `filter_groups` (groups ORed, filters inside a group ANDed)."""
        return self.search_objects(
            "contacts",
            filter_groups=filter_groups,
            properties=properties,
            sorts=sorts,
            query=query,
            limit=limit,
        )

    # --- companies ----------------------------------------------------------------------------------

    def search_companies(
        self,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every company matching `filter_groups` (groups ORed, filters inside a group ANDed)."""
        return self.search_objects(
            "companies",
            filter_groups=filter_groups,
            properties=properties,
            sorts=sorts,
            query=query,
            limit=limit,
        )

    def create_companies(self, inputs: Sequence[Mapping[str, Any]]) -> BatchResult:
        """Create companies (`batch/create`), 100 per call. HubSpot does not deduplicate API-created
        companies by domain: call `find_companies_by_domains` first."""
        # Both documents mark `associations` required on each create input (the guides leave it out): an
        # empty list says "none" in either reading.
        prepared = [
            (
                {"properties": _properties(item), "associations": []},
                str(item.get("domain") or item.get("name") or i),
            )
            for i, item in enumerate(inputs)
        ]
        return self._batch_write("companies", "create", prepared)

    def update_companies(self, updates: Mapping[str, Mapping[str, Any]]) -> BatchResult:
        """Update companies by record id (`batch/update`): `{company_id: {property: value}}`."""
        prepared = [
            ({"id": str(cid), "properties": _properties(props)}, str(cid)) for cid, props in updates.items()
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

    def find_companies_by_domains(
        self, domains: Sequence[str], *, properties: Sequence[str] | None = None
    ) -> dict[str, list[CrmObject]]:
        """Existing companies for each domain, keyed by normalised domain (`acme.com`).

        `batch/upsert` with idProperty `domain` is refused (domain is not a unique property), so dedupe goes
        through search: IN filters of at most 100 values, the bare domain and its `www.` form in two ORed
        groups. The cost grows with the number of candidates, not with the size of the CRM. Values are sent
        lower-case (HubSpot matches string values case-insensitively) and hits are matched back after
        normalising their stored domain, so `WWW.Acme.com` finds `acme.com`.
        """
        wanted = sorted({d for d in (normalize_domain(x) for x in domains) if d})
        found: dict[str, list[CrmObject]] = {d: [] for d in wanted}
        props = list(dict.fromkeys([*(properties or COMPANY_PROPERTIES), "domain"]))
        for chunk in _chunks(wanted, IN_FILTER_VALUES):
            groups = [
                {"filters": [{"propertyName": "domain", "operator": "IN", "values": values}]}
                for values in (list(chunk), [f"www.{d}" for d in chunk])
            ]
            for company in self.search_objects("companies", filter_groups=groups, properties=props).results:
                key = normalize_domain(company.domain)
                if key in found and all(c.id != company.id for c in found[key]):
                    found[key].append(company)
        return found

    # --- associations ---------------------------------------------------------------------------------

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
        for results, errors in self._each_chunk(list(_chunks(unique, BATCH_SIZE)), send):
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
                if _text(raw.get("subCategory")) != NO_ASSOCIATIONS_FOUND
                for e in self._record_errors(raw, {}, {}, corr)
            ]
            return found, errors, following

        while pending:
            next_round: list[dict[str, str]] = []
            for found, errors, following in self._each_chunk(list(_chunks(pending, BATCH_SIZE)), send):
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

    # --- tasks and notes ------------------------------------------------------------------------------

    def create_tasks(self, tasks: Sequence[TaskInput]) -> BatchResult:
        """Create tasks associated to contacts (type 204) and companies (type 192), 100 per call."""
        prepared = []
        for i, task in enumerate(tasks):
            props: dict[str, Any] = {
                "hs_timestamp": _iso(task.due),
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
            associations = _associations(task.contact_ids, TASK_TO_CONTACT) + _associations(
                task.company_ids, TASK_TO_COMPANY
            )
            prepared.append(({"properties": _properties(props), "associations": associations}, str(i)))
        return self._batch_write("tasks", "create", prepared)

    def create_notes(self, notes: Sequence[NoteInput]) -> BatchResult:
        """Create notes on contact (type 202) and company (type 190) timelines, 100 per call."""
        prepared = []
        for i, note in enumerate(notes):
            props: dict[str, Any] = {"hs_timestamp": _iso(note.timestamp), "hs_note_body": note.body}
            if note.owner_id is not None:
                props["hubspot_owner_id"] = note.owner_id
            props.update(note.extra_properties)
            associations = _associations(note.contact_ids, NOTE_TO_CONTACT) + _associations(
                note.company_ids, NOTE_TO_COMPANY
            )
            prepared.append(({"properties": _properties(props), "associations": associations}, str(i)))
        return self._batch_write("notes", "create", prepared)

    # --- properties -----------------------------------------------------------------------------------

    def list_property_groups(self, object_type: str) -> list[PropertyGroup]:
        data = self.request("GET", self._crm("properties", f"/{object_type}/groups")).json()
        return [PropertyGroup.model_validate(g) for g in data.get("results") or []]

    def ensure_property_group(
        self, object_type: str, *, name: str, label: str, display_order: int | None = None
    ) -> PropertyGroup:
        """The property group `name`, created if it does not exist yet (GET, then POST only if missing)."""
        for group in self.list_property_groups(object_type):
            if group.name == name:
                return group
        body: dict[str, Any] = {"name": name, "label": label}
        if display_order is not None:
            body["displayOrder"] = display_order
        response = self.request("POST", self._crm("properties", f"/{object_type}/groups"), json=body)
        return PropertyGroup.model_validate(response.json())

    def list_properties(self, object_type: str) -> list[Property]:
        data = self.request("GET", self._crm("properties", f"/{object_type}")).json()
        return [Property.model_validate(p) for p in data.get("results") or []]

    def ensure_properties(
        self, object_type: str, definitions: Sequence[PropertyDefinition | Mapping[str, Any]]
    ) -> EnsuredProperties:
        """Create the properties that do not exist yet (one GET, then `batch/create` for the missing ones).

        Existing properties are left as they are: HubSpot cannot change `hasUniqueValue` later anyway. The
        groups they name must exist (see `ensure_property_group`).
        """
        wanted = [
            d if isinstance(d, PropertyDefinition) else PropertyDefinition.model_validate(d)
            for d in definitions
        ]
        existing = {p.name for p in self.list_properties(object_type)}
        out = EnsuredProperties(existing=[d.name for d in wanted if d.name in existing])
        missing = [d for d in wanted if d.name not in existing]
        for chunk in _chunks(missing, BATCH_SIZE):
            response = self.request(
                "POST",
                self._crm("properties", f"/{object_type}/batch/create"),
                json={"inputs": [d.create_body() for d in chunk]},
            )
            data = response.json()
            out.created.extend(str(p.get("name")) for p in data.get("results") or [])
            corr = response.headers.get("x-hubspot-correlation-id")
            for raw in data.get("errors") or []:
                out.errors.extend(self._record_errors(raw, {}, {}, corr))
        return out

    # --- owners, forms, subscriptions, account --------------------------------------------------------

    def list_owners(self, *, email: str | None = None) -> list[Owner]:
        """Every active owner (paged `GET /crm/v3/owners`, `/crm/owners/2026-09`)."""
        params: dict[str, Any] = {"limit": 100, "email": email}
        return [Owner.model_validate(o) for o in self._paged_get(self._crm("owners"), params)]

    def list_forms(self, *, form_types: Sequence[str] | None = None) -> list[Form]:
        """Every form definition (`GET /marketing/v3/forms`, paged), for finding form ids."""
        params: dict[str, Any] = {"limit": 50}
        if form_types:
            params["formTypes"] = list(form_types)
        return [Form.model_validate(f) for f in self._paged_get("/marketing/v3/forms", params)]

    def list_form_submissions(
        self, form_guid: str, *, after_ms: int | None = None, limit: int = SUBMISSIONS_PAGE_SIZE
    ) -> list[FormSubmission]:
        """Submissions of a form newer than `after_ms` (epoch ms), newest first.

        There is no dated or v3 endpoint for reading submissions; legacy v1 returns them newest first, so
        paging stops at the first submission at or before `after_ms` (with `after_ms=None`, all of them).
        """
        page_size = max(1, min(limit, SUBMISSIONS_PAGE_SIZE))
        path = f"/form-integrations/v1/submissions/forms/{quote(form_guid, safe='')}"
        out: list[FormSubmission] = []
        after: str | None = None
        while True:
            data = self.request(
                "GET",
                path,
                endpoint="GET /form-integrations/v1/submissions/forms/{formGuid}",
                params={"limit": page_size, "after": after},
            ).json()
            for raw in data.get("results") or []:
                submission = FormSubmission.model_validate(raw)
                if after_ms is not None and submission.submitted_at <= after_ms:
                    return out
                out.append(submission)
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return out

    def submit_form(
        self,
        portal_id: int | str,
        form_guid: str,
        fields: Mapping[str, Any],
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Submit a form as a website visitor would (`POST /submissions/v3/integration/submit/...`).

        This is the public forms endpoint on `api.hsforms.com` (a socket sandbox serves it under the same
        base URL as the rest); it needs no token. `fields` maps field names to values; `context` may hold
        `pageUri`, `pageName`, `hutk`. HubSpot answers 400 with `errors[]` (REQUIRED_FIELD, INVALID_EMAIL),
        which raises like any other refused request.
        """
        api_base = str(self._http.base_url).rstrip("/")
        base = FORMS_BASE_URL if api_base == DEFAULT_BASE_URL else api_base
        path = (
            f"/submissions/v3/integration/submit/{quote(str(portal_id), safe='')}/{quote(form_guid, safe='')}"
        )
        body: dict[str, Any] = {
            "fields": [
                {"objectTypeId": "0-1", "name": str(k), "value": property_value(v)} for k, v in fields.items()
            ]
        }
        if context:
            body["context"] = dict(context)
        response = self.request(
            "POST",
            base.rstrip("/") + path,
            endpoint="POST /submissions/v3/integration/submit/{portalId}/{formGuid}",
            json=body,
        )
        return dict(_json(response) or {})

    def get_subscription_status(self, email: str) -> SubscriptionStatus:
        """Communication preferences of one email address: the authoritative "may we email" answer."""
        address = quote(email.strip().lower(), safe="@")
        path = self._api("communication-preferences", f"/status/email/{address}")
        # The endpoint name keeps the address out of stats and logs.
        endpoint = f"GET {self._api('communication-preferences', '/status/email/{email}')}"
        response = self.request("GET", path, endpoint=endpoint)
        return SubscriptionStatus.model_validate(response.json())

    def account_info(self) -> AccountInfo:
        """Portal id and time zone: one cheap call that proves the token works."""
        return AccountInfo.model_validate(self.request("GET", self._api("account-info", "/details")).json())

    # --- generic CRM object calls -----------------------------------------------------------------------

    def search_objects(
        self,
        object_type: str,
        *,
        filter_groups: Sequence[Mapping[str, Any]] = (),
        properties: Sequence[str] | None = None,
        sorts: Sequence[Mapping[str, str] | str] | None = None,
        query: str | None = None,
        limit: int = SEARCH_PAGE_SIZE,
    ) -> SearchResult:
        """Every record of `object_type` matching the filters, walking `paging.next.after` to the end.

        Each page counts against the search limiter as well as the general one. HubSpot refuses to page past
        10,000 results of one query: without caller `sorts`, the client sorts by `hs_object_id` and starts a
        new window (`hs_object_id > last id`) before the cap; with caller sorts it raises a
        `RecordValidationError` saying to narrow the filters.
        """
        page = max(1, min(int(limit), SEARCH_PAGE_SIZE))
        groups = [{"filters": [dict(f) for f in g.get("filters") or []]} for g in filter_groups]
        rewindow = not sorts
        sort_spec = list(sorts) if sorts else [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
        path = self._crm("objects", f"/{object_type}/search")
        out = SearchResult()
        seen: set[str] = set()
        floor: str | None = None
        after: str | None = None
        while True:
            # The documents mark filterGroups, sorts, limit, properties and after all required: an empty
            # `properties` asks for the defaults, `after` "0" for the first page. `sorts` is typed `string[]`
            # there, but HubSpot's guides and its SDK users send {propertyName, direction}, as here.
            body: dict[str, Any] = {
                "filterGroups": _window(groups, floor),
                "sorts": sort_spec,
                "limit": page,
                "properties": list(properties or ()),
                "after": after if after is not None else "0",
            }
            if query:
                body["query"] = query
            data = self.request("POST", path, json=body, extra_limits=self.search_limits).json()
            out.calls += 1
            if floor is None and after is None:
                out.total = int(data.get("total") or 0)
            last_id: str | None = None
            for raw in data.get("results") or []:
                record = CrmObject.model_validate(raw)
                last_id = record.id
                if record.id not in seen:
                    seen.add(record.id)
                    out.results.append(record)
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return out
            if int(after) + page <= self.search_result_cap:
                continue
            if not rewindow:
                raise RecordValidationError(
                    f"search of {object_type} matched {out.total} records, but HubSpot pages no further than "
                    f"{self.search_result_cap} results per query. Narrow the filters, or leave `sorts` unset "
                    "so the client can re-window on hs_object_id",
                    vendor=self.vendor,
                    endpoint=f"POST {path}",
                )
            floor, after = last_id, None

    # --- internals ------------------------------------------------------------------------------------

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
            for place, entry in enumerate(chunk, start=offset):
                item, key = entry[0], entry[1]
                trace = _trace_id()
                keys[trace] = key
                positions[trace] = entry[2] if len(entry) > 2 else place
                inputs.append({**item, "objectWriteTraceId": trace})
            # HubSpot has no idempotency key: a create that got no answer may have been taken, and is not
            # sent again here (the caller finds it first). Upserts and updates are safe to repeat.
            response = self.request("POST", path, json={"inputs": inputs}, idempotent=action != "create")
            data = response.json()
            corr = response.headers.get("x-hubspot-correlation-id")
            results = [CrmObject.model_validate(r) for r in data.get("results") or []]
            for record in results:
                record.input_key = keys.get(record.object_write_trace_id or "")
            return (
                results,
                [
                    e
                    for raw in data.get("errors") or []
                    for e in self._record_errors(raw, keys, positions, corr)
                ],
            )

        out = BatchResult()
        for results, errors in self._each_chunk(list(_offset_chunks(prepared, BATCH_SIZE)), send):
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
        chunks = list(_chunks(list(dict.fromkeys(ids)), BATCH_SIZE))
        for results, not_found, errors in self._each_chunk(chunks, send):
            out.calls += 1
            out.results.extend(results)
            out.not_found.extend(not_found)
            out.errors.extend(errors)
        return out

    def _record_errors(
        self,
        raw: Mapping[str, Any],
        keys: Mapping[str, str],
        positions: Mapping[str, int],
        correlation_id: str | None,
    ) -> list[RecordError]:
        """One `RecordError` per input a 207 StandardError names (by trace id, else by `context.ids`)."""
        context = {
            str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in (raw.get("context") or {}).items()
        }
        common: dict[str, Any] = {
            "status": str(raw["status"]) if raw.get("status") is not None else None,
            "category": str(raw.get("category") or "UNKNOWN"),
            "sub_category": _text(raw.get("subCategory")),
            "message": str(raw.get("message") or ""),
            "correlation_id": raw.get("correlationId") or correlation_id,
            "context": context,
            "details": [dict(e) for e in raw.get("errors") or [] if isinstance(e, Mapping)],
        }
        traces = context.get("objectWriteTraceId") or []
        if traces:
            return [RecordError(id=keys.get(t), trace_id=t, index=positions.get(t), **common) for t in traces]
        ids = context.get("ids") or []
        if not ids and context.get("fromObjectId"):
            # Association errors name both ends of a pair, or only the record a batch read asked about.
            to_ids = context.get("toObjectId") or []
            if to_ids:
                ids = [f"{f}->{t}" for f, t in zip(context["fromObjectId"], to_ids, strict=False)]
            else:
                ids = list(context["fromObjectId"])
        if ids:
            return [RecordError(id=i, **common) for i in ids]
        return [RecordError(**common)]

    def _paged_get(
        self, path: str, params: Mapping[str, Any], *, endpoint: str | None = None
    ) -> Iterator[dict[str, Any]]:
        after: str | None = None
        while True:
            data = self.request("GET", path, endpoint=endpoint, params={**params, "after": after}).json()
            yield from data.get("results") or []
            after = ((data.get("paging") or {}).get("next") or {}).get("after")
            if not after or not data.get("results"):
                return

    # --- error hooks ----------------------------------------------------------------------------------

    def _error_details(self, response: httpx.Response) -> tuple[str, str | None]:
        """HubSpot's error body: {status, message, correlationId, category, subCategory, errors, context}."""
        correlation = response.headers.get("x-hubspot-correlation-id")
        body = _json(response)
        if not isinstance(body, Mapping):
            return super()._error_details(response)[0], correlation
        message = str(body.get("message") or response.reason_phrase or "error")
        category = body.get("category")
        parts = [f"{category}: {message}" if category else message]
        sub = _text(body.get("subCategory"))
        if sub:
            parts.append(f"({sub})")
        scopes: list[str] = []
        for item in body.get("errors") or []:
            if not isinstance(item, Mapping):
                continue
            ctx = item.get("context") or {}
            for key in ("requiredGranularScopes", "requiredScopes"):
                scopes.extend(str(s) for s in ctx.get(key) or [])
            detail = item.get("message")
            if detail and detail != message and not scopes:
                parts.append(f"- {detail}")
        if scopes:
            parts.append(f"- required scopes: {', '.join(dict.fromkeys(scopes))}")
        return " ".join(parts)[:1000], body.get("correlationId") or correlation

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds to wait on a 429/5xx, by HubSpot's 429 `policyName` when no Retry-After came."""
        body = _json(response)
        policy = str(body.get("policyName") or "").upper() if isinstance(body, Mapping) else ""
        message = str(body.get("message") or "").lower() if isinstance(body, Mapping) else ""
        if response.status_code == 429 and (policy == "DAILY" or "daily limit" in message):
            return DAILY_WAIT
        header = parse_retry_after(response.headers.get("retry-after"))
        if header is not None:
            return header
        if response.status_code != 429:
            return None
        if policy == "TEN_SECONDLY_ROLLING" or "ten_secondly" in message:
            return TEN_SECONDLY_WAIT
        if policy == "SECONDLY" or "secondly limit" in message:
            return SECONDLY_WAIT
        return None

    def _error_from_response(self, response: httpx.Response, endpoint: str) -> VendorError:
        # 423 Locked (retry about 2 s later) and 477 Migration in progress come from third-party notes only;
        # retrying them is harmless, failing a run on them is not.
        if response.status_code in (423, 477):
            message, correlation_id = self._error_details(response)
            return ServerError(
                message,
                retry_after=self._retry_after(response) or 2.0,
                vendor=self.vendor,
                endpoint=endpoint,
                status_code=response.status_code,
                correlation_id=correlation_id,
                body=_json(response),
            )
        return super()._error_from_response(response, endpoint)


def _window(groups: list[dict[str, Any]], floor: str | None) -> list[dict[str, Any]]:
    """The filter groups of one search window: every group ANDed with `hs_object_id > floor`."""
    if floor is None:
        return groups
    bound = {"propertyName": "hs_object_id", "operator": "GT", "value": floor}
    if not groups:
        return [{"filters": [bound]}]
    if any(len(g["filters"]) >= 6 for g in groups) or sum(len(g["filters"]) + 1 for g in groups) > 18:
        raise RecordValidationError(
            "search matched more than HubSpot pages through, and its filter groups are too full to add the "
            "hs_object_id window (at most 6 filters per group, 18 in all). Split the query",
            vendor="hubspot",
        )
    return [{"filters": [*g["filters"], bound]} for g in groups]


def _offset_chunks(items: Sequence[T], size: int) -> Iterator[tuple[int, Sequence[T]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def _associations(ids: Sequence[str], type_id: int) -> list[dict[str, Any]]:
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
    return [{"to": {"id": str(i)}, "types": [dict(spec)]} for i in ids]


def _iso(moment: datetime) -> str:
    """UTC ISO-8601 with a Z, which `hs_timestamp` accepts as well as epoch ms."""
    value = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


__all__ = [
    "COMPANY_TO_CONTACT",
    "CONTACT_TO_COMPANY",
    "DEFAULT_BASE_URL",
    "DEFAULT_CRM_VERSION",
    "DEFAULT_LIMIT",
    "DEFAULT_SEARCH_LIMIT",
    "LEGACY_CRM_VERSION",
    "HubSpotClient",
    "check_crm_version",
    "crm_path",
    "normalize_domain",
    "property_value",
]
