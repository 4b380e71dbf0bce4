"""The HubSpot simulator: CRM objects, associations, properties, owners, forms and form submissions,
communication preferences and account info, on HubSpot's real paths, payloads, status codes and limits.

Every versioned route is served twice, with the same behaviour: on the legacy path (CRM v3, associations v4,
account info and communication preferences v3) and on the date-versioned path of each version in
`DATE_VERSIONS` (`/crm/objects/2026-09/...`, `/crm/associations/2026-09/...`, `/account-info/2026-09/...`).
Where the documents of the two differ, each answers as its own document says (see `_batch_response`).
Forms, form submissions and the public submit endpoint have no date-versioned document and keep one path.

What belongs here: how HubSpot answers (batch 200/201/207 with per-record StandardErrors, search filters and
paging with its 10,000-result cap, the 190-per-10-s and 5-per-second buckets and their headers and 429 bodies,
error bodies `{status, message, correlationId, category, ...}`), and the portal's seed from the world's
`crm_contacts` / `crm_companies` / `owners`. Records live in the store under `hubspot.*` namespaces. What the
world contains belongs in `world.py`; the request pipeline in `app.py`.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from resources.sandbox.app import (
    Bucket,
    BucketState,
    Handler,
    SimRequest,
    SimResponse,
    VendorSimulator,
    json_response,
    new_uuid,
    route,
)
from resources.sandbox.world import NUMEMPLOYEES_CHOICES, normalize_domain

# --- limits ----------------------------------------------------------------------------------------------

#: Professional tier: 190 requests per 10 s per app, 625,000 per day per account.
BURST_LIMIT = 190
BURST_WINDOW = 10.0
DAILY_LIMIT = 625_000
#: Search: 5 per second per token (current docs; the older changelog said 4).
SEARCH_LIMIT = 5
#: CRM object batch endpoints: 100 inputs (community answer; the spec is silent).
BATCH_LIMIT = 100
#: v4 association batches: batch read is capped at 1,000 (changelog); the create cap (2,000, third-party) is
#: not confirmed, so the confirmed 1,000 is used for every association batch. (A third-party report of the
#: same changelog post reads 100 for batch read; the client sends 100, which fits either.)
ASSOCIATION_BATCH_LIMIT = 1000
#: Associations per record per page of an association batch read. Not documented; the v4 GET listing's
#: default `limit` (500) is used.
ASSOCIATION_PAGE = 500
SEARCH_PAGE_MAX = 200
SEARCH_PAGE_DEFAULT = 10
SEARCH_CAP = 10_000
# Facts ran out on filter limits (spec: 6 groups; 2024 changelog: 5 groups x 10 filters, 25 in all; current
# docs as quoted: 5 x 6, 18 in all). The stricter reading is enforced.
MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS_TOTAL = 18
SUBMISSIONS_DEFAULT = 20
SUBMISSIONS_MAX = 50

# --- versions --------------------------------------------------------------------------------------------

#: The date versions served next to the legacy paths. Their shapes follow the 2026-09 documents (the only
#: date-versioned ones in ../shared/contracts); another date is one entry here once its documents are read.
DATE_VERSIONS = ("2026-09",)
_DATE = re.compile(r"\d{4}-\d{2}")


def crm_route(method: str, area: str, rest: str = "", *, legacy: str = "v3") -> Callable[[Handler], Handler]:
    """Route a handler at the legacy CRM path `/crm/{legacy}/{area}{rest}` and at `/crm/{area}/{date}{rest}`
    for each date version (the date versions put the version after the area)."""

    def mark(fn: Handler) -> Handler:
        fn = route(method, f"/crm/{legacy}/{area}{rest}")(fn)
        for version in DATE_VERSIONS:
            fn = route(method, f"/crm/{area}/{version}{rest}")(fn)
        return fn

    return mark


def api_route(method: str, area: str, rest: str) -> Callable[[Handler], Handler]:
    """Route a handler outside `/crm` at `/{area}/v3{rest}` and `/{area}/{date}{rest}` for each date."""

    def mark(fn: Handler) -> Handler:
        fn = route(method, f"/{area}/v3{rest}")(fn)
        for version in DATE_VERSIONS:
            fn = route(method, f"/{area}/{version}{rest}")(fn)
        return fn

    return mark


def _dated(req: SimRequest) -> bool:
    """True when the request came in on a date-versioned path (`/crm/objects/2026-09/...`,
    `/account-info/2026-09/...`), False on a legacy one (`/crm/v3/...`, `/crm/v4/...`,
    `/account-info/v3/...`)."""
    parts = req.path.split("/")
    index = 3 if len(parts) > 1 and parts[1] == "crm" else 2
    return len(parts) > index and _DATE.fullmatch(parts[index]) is not None


PUBLIC_SUBMIT_PREFIX = "/submissions/v3/integration/submit/"
#: The public submit endpoint needs no token (as in reality); the base pipeline insists on one, so requests to
#: it are given this key, which only ever reaches that handler.
PUBLIC_KEY = "sandbox-public-forms"

# --- object types, properties, associations ---------------------------------------------------------

OBJECT_TYPES: dict[str, str] = {
    "contacts": "contacts",
    "contact": "contacts",
    "0-1": "contacts",
    "companies": "companies",
    "company": "companies",
    "0-2": "companies",
    "tasks": "tasks",
    "task": "tasks",
    "0-27": "tasks",
    "notes": "notes",
    "note": "notes",
    "0-46": "notes",
}
TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "tasks": "0-27", "notes": "0-46"}
SINGULAR = {"contacts": "CONTACT", "companies": "COMPANY", "tasks": "TASK", "notes": "NOTE"}
CREATED = {
    "contacts": "createdate",
    "companies": "createdate",
    "tasks": "hs_createdate",
    "notes": "hs_createdate",
}
MODIFIED = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "tasks": "hs_lastmodifieddate",
    "notes": "hs_lastmodifieddate",
}
DEFAULT_PROPERTIES = {
    "contacts": ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "tasks": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
    "notes": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
}
#: Free-text `query` searches these.
QUERY_PROPERTIES = {
    "contacts": ("email", "firstname", "lastname", "phone", "company"),
    "companies": ("name", "domain", "website", "phone"),
    "tasks": ("hs_task_subject", "hs_task_body"),
    "notes": ("hs_note_body",),
}

LIFECYCLE_OPTIONS = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUS_OPTIONS = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
NUMEMPLOYEES_OPTIONS = ("1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+")
# The reference lists these task values; HubSpot has a few more, which this simulator refuses on purpose.
TASK_STATUS_OPTIONS = ("NOT_STARTED", "COMPLETED")
TASK_PRIORITY_OPTIONS = ("LOW", "MEDIUM", "HIGH")
TASK_TYPE_OPTIONS = ("EMAIL", "CALL", "TODO")

# (name, type, fieldType, group, flags) where flags: r = read-only value, u = unique, x = required on create.
_S, _E, _N, _B, _D = "string", "enumeration", "number", "bool", "datetime"
STANDARD_PROPERTIES: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "contacts": (
        ("email", _S, "text", "contactinformation", "u"),
        ("firstname", _S, "text", "contactinformation", ""),
        ("lastname", _S, "text", "contactinformation", ""),
        ("company", _S, "text", "contactinformation", ""),
        ("jobtitle", _S, "text", "contactinformation", ""),
        ("phone", _S, "phonenumber", "contactinformation", ""),
        ("mobilephone", _S, "phonenumber", "contactinformation", ""),
        ("website", _S, "text", "contactinformation", ""),
        ("city", _S, "text", "contactinformation", ""),
        ("state", _S, "text", "contactinformation", ""),
        ("country", _S, "text", "contactinformation", ""),
        ("zip", _S, "text", "contactinformation", ""),
        ("address", _S, "text", "contactinformation", ""),
        ("industry", _S, "text", "contactinformation", ""),
        ("annualrevenue", _S, "text", "contactinformation", ""),
        ("numemployees", _E, "select", "contactinformation", ""),
        ("message", _S, "textarea", "contactinformation", ""),
        ("hs_language", _S, "text", "contactinformation", ""),
        ("hs_linkedin_url", _S, "text", "socialmediainformation", ""),
        ("lifecyclestage", _E, "radio", "contactinformation", ""),
        ("hs_lead_status", _E, "radio", "sales_properties", ""),
        ("hubspot_owner_id", _E, "select", "sales_properties", ""),
        ("hs_email_optout", _B, "booleancheckbox", "emailinformation", "r"),
        ("hs_sequences_is_enrolled", _B, "booleancheckbox", "sales_properties", "r"),
        ("createdate", _D, "date", "contactinformation", "r"),
        ("lastmodifieddate", _D, "date", "contactinformation", "r"),
        ("hs_object_id", _N, "number", "contactinformation", "r"),
    ),
    "companies": (
        ("name", _S, "text", "companyinformation", ""),
        ("domain", _S, "text", "companyinformation", ""),
        ("hs_additional_domains", _S, "text", "companyinformation", ""),
        ("website", _S, "text", "companyinformation", ""),
        ("phone", _S, "phonenumber", "companyinformation", ""),
        ("city", _S, "text", "companyinformation", ""),
        ("state", _S, "text", "companyinformation", ""),
        ("country", _S, "text", "companyinformation", ""),
        # HubSpot's company `industry` is an enumeration of fixed values; their list is not in the reference,
        # so any string is accepted here.
        ("industry", _S, "text", "companyinformation", ""),
        ("numberofemployees", _N, "number", "companyinformation", ""),
        ("annualrevenue", _N, "number", "companyinformation", ""),
        ("founded_year", _S, "text", "companyinformation", ""),
        ("description", _S, "textarea", "companyinformation", ""),
        ("linkedin_company_page", _S, "text", "social_media_information", ""),
        ("lifecyclestage", _E, "radio", "companyinformation", ""),
        ("hs_lead_status", _E, "radio", "companyinformation", ""),
        ("hubspot_owner_id", _E, "select", "companyinformation", ""),
        ("type", _S, "text", "companyinformation", ""),
        ("createdate", _D, "date", "companyinformation", "r"),
        ("hs_lastmodifieddate", _D, "date", "companyinformation", "r"),
        ("hs_object_id", _N, "number", "companyinformation", "r"),
    ),
    "tasks": (
        ("hs_timestamp", _D, "date", "task", "x"),
        ("hs_task_subject", _S, "text", "task", ""),
        ("hs_task_body", _S, "html", "task", ""),
        ("hs_task_status", _E, "select", "task", ""),
        ("hs_task_priority", _E, "select", "task", ""),
        ("hs_task_type", _E, "select", "task", ""),
        ("hs_task_reminders", _S, "text", "task", ""),
        ("hubspot_owner_id", _E, "select", "task", ""),
        ("hs_createdate", _D, "date", "task", "r"),
        ("hs_lastmodifieddate", _D, "date", "task", "r"),
        ("hs_object_id", _N, "number", "task", "r"),
    ),
    "notes": (
        ("hs_timestamp", _D, "date", "note", "x"),
        ("hs_note_body", _S, "html", "note", ""),
        ("hs_attachment_ids", _S, "text", "note", ""),
        ("hubspot_owner_id", _E, "select", "note", ""),
        ("hs_createdate", _D, "date", "note", "r"),
        ("hs_lastmodifieddate", _D, "date", "note", "r"),
        ("hs_object_id", _N, "number", "note", "r"),
    ),
}
ENUM_OPTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("contacts", "lifecyclestage"): LIFECYCLE_OPTIONS,
    ("companies", "lifecyclestage"): LIFECYCLE_OPTIONS,
    ("contacts", "hs_lead_status"): LEAD_STATUS_OPTIONS,
    ("companies", "hs_lead_status"): LEAD_STATUS_OPTIONS,
    ("contacts", "numemployees"): NUMEMPLOYEES_OPTIONS,
    ("tasks", "hs_task_status"): TASK_STATUS_OPTIONS,
    ("tasks", "hs_task_priority"): TASK_PRIORITY_OPTIONS,
    ("tasks", "hs_task_type"): TASK_TYPE_OPTIONS,
}
STANDARD_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (
        ("contactinformation", "Contact information"),
        ("emailinformation", "Email information"),
        ("sales_properties", "Sales properties"),
        ("socialmediainformation", "Social media information"),
        ("conversioninformation", "Conversion information"),
    ),
    "companies": (
        ("companyinformation", "Company information"),
        ("social_media_information", "Social media information"),
    ),
    "tasks": (("task", "Task information"),),
    "notes": (("note", "Note information"),),
}
PROPERTY_TYPES = ("bool", "date", "datetime", "enumeration", "number", "phone_number", "string")
FIELD_TYPES = (
    "booleancheckbox",
    "calculation_equation",
    "checkbox",
    "date",
    "file",
    "html",
    "number",
    "phonenumber",
    "radio",
    "select",
    "text",
    "textarea",
)

#: HUBSPOT_DEFINED association types: type id -> (from type, to type), with each one's inverse.
ASSOCIATION_TYPES: dict[int, tuple[str, str]] = {
    1: ("contacts", "companies"),
    2: ("companies", "contacts"),
    279: ("contacts", "companies"),
    280: ("companies", "contacts"),
    202: ("notes", "contacts"),
    201: ("contacts", "notes"),
    204: ("tasks", "contacts"),
    203: ("contacts", "tasks"),
    190: ("notes", "companies"),
    189: ("companies", "notes"),
    192: ("tasks", "companies"),
    191: ("companies", "tasks"),
}
INVERSE_TYPE = {
    1: 2,
    2: 1,
    279: 280,
    280: 279,
    202: 201,
    201: 202,
    204: 203,
    203: 204,
    190: 189,
    189: 190,
    192: 191,
    191: 192,
}
ASSOCIATION_LABELS = {1: "Primary", 2: "Primary"}
#: The unlabelled (default) association type of each pair.
DEFAULT_ASSOCIATION = {pair: type_id for type_id, pair in ASSOCIATION_TYPES.items() if type_id not in (1, 2)}

SUBSCRIPTIONS = (
    ("7401", "Marketing Information", "Marketing offers and updates."),
    ("7402", "One to One", "One to one emails."),
)

WRITE_SCOPE = {
    "contacts": "crm.objects.contacts.write",
    "companies": "crm.objects.companies.write",
    # The tasks and notes guides list the contacts scopes.
    "tasks": "crm.objects.contacts.write",
    "notes": "crm.objects.contacts.write",
}
#: Tokens starting with this may read but not write (the 403 MISSING_SCOPES path).
READ_ONLY_TOKEN_PREFIX = "sandbox-readonly"

OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _fraction(text: str) -> float:
    """A stable number in [0, 1) for `text` (deterministic fault selection)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / float(1 << 48)


@functools.lru_cache(maxsize=64)
def _comparable_set(values: tuple[Any, ...]) -> frozenset[tuple[int, Any] | None]:
    """The comparable forms of an IN filter's values, built once per search rather than once per record."""
    return frozenset(_comparable(v) for v in values)


def _comparable(value: Any) -> tuple[int, Any] | None:
    """Numbers, epoch-ms and ISO dates compare as numbers; anything else as lower-case text."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return (0, float(text))
    except ValueError:
        pass
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return (1, text.lower())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (0, float(_ms(moment)))
    return (1, text.lower())


def _types(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored association's types as the documents type them: `label` is a string, so an unlabelled
    type leaves it out (rather than null)."""
    return [{k: v for k, v in t.items() if v is not None} for t in row["types"]]


def _tokens(value: str) -> set[str]:
    text = value.lower()
    out = {text}
    out.update(t for t in re.split(r"[\s,;]+", text) if t)
    out.update(t for t in re.split(r"[^a-z0-9]+", text) if t)
    return out


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


class HubSpotSimulator(VendorSimulator):
    """HubSpot CRM for one portal (Professional tier), seeded once per state file from the world."""

    vendor = "hubspot"
    #: Paging stops here per query; an attribute so tests can lower it.
    search_cap: int = SEARCH_CAP

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self.portal_id = 20_000_000 + int(
            hashlib.sha256(f"{self.store.seed}:portal".encode()).hexdigest()[:6], 16
        )
        self._owner_ids = frozenset(o.id for o in self.world.owners)
        self._seed_portal()

    # --- seeding -------------------------------------------------------------------------------------

    def _seed_portal(self) -> None:
        store, world = self.store, self.world
        with store.transaction():
            if not store.once("hubspot.seed"):
                return
            epoch = store.epoch
            company_ids: dict[str, str] = {}
            by_business: dict[str, str] = {}
            for company in world.crm_companies:
                created = _iso(epoch - timedelta(days=company.created_days_ago))
                props = {
                    "name": company.name,
                    "domain": company.domain,
                    "lifecyclestage": company.lifecyclestage,
                    "hubspot_owner_id": company.owner_id,
                }
                record_id = self._put_new("companies", props, created=created)
                company_ids.setdefault(normalize_domain(company.domain), record_id)
                if company.business_id:
                    by_business[company.business_id] = record_id
            seen: set[str] = set()
            for contact in world.crm_contacts:
                # Email is unique in HubSpot: a second world contact with the same address is not seeded.
                if contact.email.strip().lower() in seen:
                    continue
                seen.add(contact.email.strip().lower())
                created = _iso(epoch - timedelta(days=contact.created_days_ago))
                props = {
                    "email": contact.email.strip().lower(),
                    "firstname": contact.firstname,
                    "lastname": contact.lastname,
                    "company": contact.company,
                    "jobtitle": contact.jobtitle,
                    "hubspot_owner_id": contact.owner_id,
                    "lifecyclestage": contact.lifecyclestage,
                    "hs_lead_status": contact.hs_lead_status,
                    "hs_email_optout": "true" if contact.email_optout else "false",
                    "hs_sequences_is_enrolled": "true" if contact.in_sequence else "false",
                }
                contact_id = self._put_new("contacts", props, created=created)
                company_id = None
                person = world.person(contact.prospect_id) if contact.prospect_id else None
                if person is not None:
                    company_id = by_business.get(person.business_id)
                if company_id is None:
                    company_id = company_ids.get(normalize_domain(contact.email))
                if company_id is not None:
                    self._associate("contacts", contact_id, "companies", company_id, 279)
                    self._associate("contacts", contact_id, "companies", company_id, 1)

    def _put_new(self, object_type: str, props: Mapping[str, Any], *, created: str | None = None) -> str:
        record_id = str(self.store.next_id("hubspot.object_id", start=10_001))
        stamp = created or _iso(self.store.now())
        properties = {k: v for k, v in props.items() if v is not None}
        properties.update(
            {"hs_object_id": record_id, CREATED[object_type]: stamp, MODIFIED[object_type]: stamp}
        )
        record = {
            "id": record_id,
            "properties": properties,
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        self.store.put(self._ns(object_type), record_id, record, key=self._key(object_type, properties))
        return record_id

    @staticmethod
    def _ns(object_type: str) -> str:
        return f"hubspot.{object_type}"

    @staticmethod
    def _key(object_type: str, properties: Mapping[str, Any]) -> str | None:
        if object_type == "contacts":
            return (properties.get("email") or "").lower() or None
        if object_type == "companies":
            return normalize_domain(properties.get("domain") or "") or None
        return None

    # --- hooks of the base pipeline --------------------------------------------------------------------

    def api_key(self, req: SimRequest) -> str | None:
        if req.path.startswith(PUBLIC_SUBMIT_PREFIX):
            return PUBLIC_KEY
        auth = req.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        return None

    def unauthorized(self, req: SimRequest) -> SimResponse:
        return self._error(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
            "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        if req.path.startswith(PUBLIC_SUBMIT_PREFIX):
            return []
        # The daily window is rolling here; HubSpot resets it at midnight in the account's time zone.
        daily = Bucket("daily", DAILY_LIMIT, 86_400.0)
        if endpoint.endswith("/search"):
            return [Bucket("secondly", SEARCH_LIMIT, 1.0), daily]
        return [Bucket("ten_secondly", BURST_LIMIT, BURST_WINDOW), daily]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        by_name = {s.bucket.name: s for s in states}
        burst = by_name.get("ten_secondly")
        if burst is None:
            # Search responses carry no X-HubSpot-RateLimit-* headers.
            return {}
        headers = {
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(BURST_WINDOW * 1000)),
            "X-HubSpot-RateLimit-Max": str(BURST_LIMIT),
            "X-HubSpot-RateLimit-Remaining": str(burst.remaining),
        }
        daily = by_name.get("daily")
        if daily is not None:
            headers["X-HubSpot-RateLimit-Daily"] = str(DAILY_LIMIT)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(daily.remaining)
        return headers

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        name = state.bucket.name
        if name == "storm":
            name = "secondly" if req.path.endswith("/search") else "ten_secondly"
        policy, message = {
            "secondly": ("SECONDLY", "You have reached your secondly limit."),
            "daily": ("DAILY", "You have reached your daily limit."),
        }.get(name, ("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."))
        body = {
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": new_uuid(),
            "policyName": policy,
            "category": "RATE_LIMITS",
        }
        # Facts ran out on whether HubSpot sends Retry-After on API 429s; the sandbox sends it (the client
        # copes without). Storm faults keep the test's value; real windows are rounded up to whole seconds.
        wait = f"{retry_after:g}" if state.bucket.name == "storm" else str(max(1, math.ceil(retry_after)))
        return json_response(
            body, 429, {"Retry-After": wait, "X-HubSpot-Correlation-Id": body["correlationId"]}
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        return self._error(status, "INTERNAL_ERROR", "internal error")

    def not_found(self, req: SimRequest) -> SimResponse:
        return self._error(404, "OBJECT_NOT_FOUND", f"No route for {req.method} {req.path}")

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return self._error(400, "VALIDATION_ERROR", f"Invalid input JSON: {error}")

    def handle(self, req: SimRequest) -> SimResponse:
        # `reset` (CLI) forgets the seed while this simulator lives on: a cheap read re-seeds the portal then.
        # "once:<name>" is how SandboxStore.once records a claim.
        if self.store.get_meta("once:hubspot.seed") is None:
            self._seed_portal()
        response = super().handle(req)
        if "X-HubSpot-Correlation-Id" not in response.headers:
            response.headers["X-HubSpot-Correlation-Id"] = new_uuid()
        return response

    # --- response helpers ----------------------------------------------------------------------------------

    def _error(self, status: int, category: str, message: str, **extra: Any) -> SimResponse:
        correlation = new_uuid()
        body = {"status": "error", "message": message, "correlationId": correlation, "category": category}
        body.update({k: v for k, v in extra.items() if v is not None})
        return json_response(body, status, {"X-HubSpot-Correlation-Id": correlation})

    def _batch_body(
        self, results: list[dict[str, Any]], errors: list[dict[str, Any]], started: str
    ) -> dict[str, Any]:
        """A batch answer (`BatchResponse...`): the results, and the per-input errors when there are any."""
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": _iso(self.store.now()),
        }
        if errors:
            body.update(numErrors=len(errors), errors=errors)
        return body

    def _failure_response(self, failure: _Failure) -> SimResponse:
        return self._error(
            failure.status,
            failure.category,
            failure.message,
            subCategory=failure.sub_category,
            errors=failure.errors or None,
            context=failure.context or None,
        )

    @staticmethod
    def _batch_response(
        req: SimRequest, body: dict[str, Any], *, ok: int, dated_ok: int | None = None
    ) -> SimResponse:
        """A batch answer with its per-record errors. v3 and v4 document them on a 207 Multi-Status; the
        2026-09 documents have no 207 and carry `errors[]` and `numErrors` in the success body, so a
        date-versioned call answers `dated_ok` (default `ok`) either way."""
        if _dated(req):
            return json_response(body, ok if dated_ok is None else dated_ok)
        return json_response(body, 207 if body.get("errors") else ok)

    def _object_type(self, raw: str) -> str:
        found = OBJECT_TYPES.get(raw.lower())
        if found is None:
            raise _Failure(400, "VALIDATION_ERROR", f"Unable to infer object type from: {raw}")
        return found

    def _scope_error(self, req: SimRequest, scope: str) -> SimResponse | None:
        """403 MISSING_SCOPES for read-only sandbox tokens on writes."""
        key = self.api_key(req) or ""
        if not key.startswith(READ_ONLY_TOKEN_PREFIX):
            return None
        return self._error(
            403,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required "
            "scopes here: https://developers.hubspot.com/scopes.",
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": [scope]},
                }
            ],
            links={"scopes": "https://developers.hubspot.com/scopes"},
        )

    def _body(self, req: SimRequest) -> dict[str, Any]:
        body = req.json()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: expected an object")
        return body

    def _guarded(self, fn: Callable[[], SimResponse]) -> SimResponse:
        try:
            return fn()
        except _Failure as failure:
            return self._failure_response(failure)

    # --- properties and validation -------------------------------------------------------------------------

    def _custom_properties(self, object_type: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.store.find("hubspot.properties", object_type)}

    def _property_defs(self, object_type: str) -> dict[str, dict[str, Any]]:
        """Every property of an object type, HubSpot's JSON shape, standard first."""
        return {**self._standard_property_defs(object_type), **self._custom_properties(object_type)}

    @functools.cache  # noqa: B019 (one simulator per sandbox, living as long as it)
    def _standard_property_defs(self, object_type: str) -> dict[str, dict[str, Any]]:
        # Built once: validation asks for the definitions once per input record.
        out: dict[str, dict[str, Any]] = {}
        for order, (name, ptype, field_type, group, flags) in enumerate(STANDARD_PROPERTIES[object_type]):
            options = ENUM_OPTIONS.get((object_type, name), ())
            if name == "hubspot_owner_id":
                options = tuple(o.id for o in self.world.owners)
            out[name] = {
                "name": name,
                "label": name.replace("hs_", "").replace("_", " ").capitalize(),
                "type": ptype,
                "fieldType": field_type,
                "groupName": group,
                "description": "",
                "options": [
                    {"label": o, "value": o, "displayOrder": i, "hidden": False}
                    for i, o in enumerate(options)
                ],
                "displayOrder": order,
                "calculated": False,
                "externalOptions": name == "hubspot_owner_id",
                "hasUniqueValue": "u" in flags,
                "hidden": False,
                "hubspotDefined": True,
                "formField": "r" not in flags,
                "modificationMetadata": {
                    "archivable": False,
                    "readOnlyDefinition": True,
                    "readOnlyValue": "r" in flags,
                },
                "archived": False,
            }
        return out

    def _validate(self, object_type: str, raw: Any, *, creating: bool) -> dict[str, str | None]:
        """The input's properties as stored strings, or a `_Failure` the way HubSpot words it."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: properties must be an object")
        defs = self._property_defs(object_type)
        problems: list[dict[str, Any]] = []
        out: dict[str, str | None] = {}
        for name, value in raw.items():
            spec = defs.get(name)
            if spec is None:
                problems.append(
                    {
                        "message": f'Property "{name}" does not exist',
                        "error": "PROPERTY_DOESNT_EXIST",
                        "name": name,
                    }
                )
                continue
            if spec["modificationMetadata"]["readOnlyValue"]:
                problems.append(
                    {
                        "message": f"{name} is a read only property; its value cannot be set.",
                        "error": "READ_ONLY_VALUE",
                        "name": name,
                    }
                )
                continue
            if value is None or value == "":
                out[name] = None
                continue
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            problem = self._check_value(object_type, spec, name, text)
            if problem:
                problems.append(problem)
                continue
            if name == "email":
                text = text.strip().lower()
            out[name] = text
        if creating:
            required = [p[0] for p in STANDARD_PROPERTIES[object_type] if "x" in p[4]]
            problems.extend(
                {"message": f"{name} is required", "error": "REQUIRED_PROPERTY", "name": name}
                for name in required
                if not out.get(name)
            )
        if problems:
            raise _invalid_values(problems)
        return out

    def _check_value(
        self, object_type: str, spec: Mapping[str, Any], name: str, text: str
    ) -> dict[str, Any] | None:
        ptype = spec["type"]
        if name == "hubspot_owner_id":
            if text not in self._owner_ids:
                return {
                    "message": f"{text} is not a valid owner id",
                    "error": "INVALID_OWNER_ID",
                    "name": name,
                }
            return None
        if name == "email" and not _EMAIL.match(text.strip()):
            return {"message": f"Email address {text} is invalid", "error": "INVALID_EMAIL", "name": name}
        if ptype == "enumeration":
            allowed = [o["value"] for o in spec.get("options") or []]
            values = text.split(";") if spec.get("fieldType") == "checkbox" else [text]
            bad = [v for v in values if v not in allowed]
            if bad:
                return {
                    "message": f'"{bad[0]}" was not one of the allowed options: {allowed}',
                    "error": "INVALID_OPTION",
                    "name": name,
                }
        elif ptype == "number":
            try:
                float(text)
            except ValueError:
                return {"message": f'"{text}" is not a valid number', "error": "INVALID_NUMBER", "name": name}
        elif ptype == "bool":
            if text.lower() not in ("true", "false"):
                return {
                    "message": f'"{text}" is not a valid boolean',
                    "error": "INVALID_BOOLEAN",
                    "name": name,
                }
        elif ptype in ("date", "datetime"):
            comparable = _comparable(text)
            if comparable is None or comparable[0] != 0:
                return {"message": f'"{text}" is not a valid date', "error": "INVALID_DATE", "name": name}
        return None

    def _unique_properties(self, object_type: str) -> set[str]:
        return {name for name, spec in self._property_defs(object_type).items() if spec.get("hasUniqueValue")}

    def _find_by(self, object_type: str, id_property: str | None, value: str) -> dict[str, Any] | None:
        """The live record whose `id_property` (record id when None) equals `value`."""
        ns = self._ns(object_type)
        if not id_property or id_property == "hs_object_id":
            record = self.store.get(ns, str(value))
        elif object_type == "contacts" and id_property == "email":
            record = self.store.find_one(ns, str(value).strip().lower())
        else:
            wanted = str(value).strip().lower()
            record = next(
                (
                    r
                    for r in self.store.all(ns)
                    if str(r["properties"].get(id_property) or "").lower() == wanted
                ),
                None,
            )
        if record is None or record.get("archived"):
            return None
        return record

    # --- record shaping -------------------------------------------------------------------------------------

    def _public(
        self,
        object_type: str,
        record: Mapping[str, Any],
        properties: Iterable[str] | None = None,
        *,
        always: Iterable[str] = (),
    ) -> dict[str, Any]:
        names = list(properties) if properties else list(DEFAULT_PROPERTIES[object_type])
        names.extend(n for n in always if n not in names)
        props = record["properties"]
        return {
            "id": record["id"],
            "properties": {n: props.get(n) for n in names},
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "archived": bool(record.get("archived")),
        }

    @staticmethod
    def _requested(req: SimRequest, body: Mapping[str, Any] | None = None) -> list[str]:
        if body is not None and body.get("properties"):
            return [str(p) for p in body["properties"]]
        names: list[str] = []
        for raw in req.query.get("properties", []):
            names.extend(p for p in raw.split(",") if p)
        return names

    def _write(
        self, object_type: str, record: dict[str, Any] | None, props: Mapping[str, str | None]
    ) -> dict:
        """Create (record None) or update a record with validated properties; returns the stored record."""
        now = _iso(self.store.now())
        if record is None:
            record_id = self._put_new(object_type, props, created=now)
            stored = self.store.get(self._ns(object_type), record_id)
            assert stored is not None
            return stored
        properties = dict(record["properties"])
        for name, value in props.items():
            if value is None:
                properties.pop(name, None)
            else:
                properties[name] = value
        properties[MODIFIED[object_type]] = now
        record = {**record, "properties": properties, "updatedAt": now}
        self.store.put(self._ns(object_type), record["id"], record, key=self._key(object_type, properties))
        return record

    # --- associations store ---------------------------------------------------------------------------------

    def _associate(self, from_type: str, from_id: str, to_type: str, to_id: str, type_id: int) -> None:
        """Store an association and its inverse (HubSpot associations are two-way)."""
        for a_type, a_id, b_type, b_id, tid in (
            (from_type, from_id, to_type, to_id, type_id),
            (to_type, to_id, from_type, from_id, INVERSE_TYPE.get(type_id, type_id)),
        ):
            ns, rid = "hubspot.associations", f"{a_type}:{a_id}:{b_type}:{b_id}"
            current = self.store.get(ns, rid) or {
                "fromType": a_type,
                "fromId": a_id,
                "toType": b_type,
                "toId": b_id,
                "types": [],
            }
            if not any(t["typeId"] == tid for t in current["types"]):
                current["types"].append(
                    {"category": "HUBSPOT_DEFINED", "typeId": tid, "label": ASSOCIATION_LABELS.get(tid)}
                )
            self.store.put(ns, rid, current, key=f"{a_type}:{a_id}:{b_type}")

    def _check_associations(self, object_type: str, raw: Any) -> list[tuple[str, str, int]]:
        """Validate create-time `associations`; returns (to type, to id, type id) triples."""
        out: list[tuple[str, str, int]] = []
        for item in raw or []:
            to_id = str(((item or {}).get("to") or {}).get("id") or "")
            for spec in (item or {}).get("types") or []:
                type_id = int(spec.get("associationTypeId") or 0)
                pair = ASSOCIATION_TYPES.get(type_id)
                if pair is None or pair[0] != object_type:
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"{type_id} is not a valid association type id for {SINGULAR[object_type]}",
                        sub_category="crm-associations.INVALID_ASSOCIATION_TYPE",
                    )
                if self._find_by(pair[1], None, to_id) is None:
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"One or more associations are invalid: {SINGULAR[pair[1]]} {to_id} does not exist",
                        context={"ids": [to_id]},
                        sub_category="crm-associations.OBJECT_NOT_FOUND",
                    )
                out.append((pair[1], to_id, type_id))
        return out

    # --- CRM objects: batch ---------------------------------------------------------------------------------

    @crm_route("POST", "objects", "/{objectType}/batch/upsert")
    def batch_upsert(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "upsert"))

    @crm_route("POST", "objects", "/{objectType}/batch/create")
    def batch_create(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "create"))

    @crm_route("POST", "objects", "/{objectType}/batch/update")
    def batch_update(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._batch_write(req, objectType, "update"))

    def _batch_inputs(self, req: SimRequest, limit: int = BATCH_LIMIT) -> list[dict[str, Any]]:
        inputs = self._body(req).get("inputs")
        if not isinstance(inputs, list):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: `inputs` is required")
        if len(inputs) > limit:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Batch input size {len(inputs)} exceeds the maximum of {limit} inputs",
            )
        if not all(isinstance(i, dict) for i in inputs):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: every input must be an object")
        return inputs

    def _batch_write(self, req: SimRequest, raw_type: str, action: str) -> SimResponse:
        object_type = self._object_type(raw_type)
        denied = self._scope_error(req, WRITE_SCOPE[object_type])
        if denied is not None:
            return denied
        started = _iso(self.store.now())
        inputs = self._batch_inputs(req)
        traces = [i.get("objectWriteTraceId") for i in inputs]
        # The docs promise 207 partial failures only when every input carries a unique objectWriteTraceId.
        # Facts ran out on what happens without them: here the first failing input fails the whole batch.
        partial = all(traces) and len(set(traces)) == len(traces)
        rate = self.store.faults(self.vendor).partial_failure_rate

        targets: list[dict[str, Any] | None] = []
        keys: list[str] = []
        if action == "upsert":
            unique = self._unique_properties(object_type)
            for item in inputs:
                id_property = item.get("idProperty") or req.arg("idProperty")
                if id_property and id_property != "hs_object_id" and id_property not in unique:
                    raise _Failure(
                        400,
                        "VALIDATION_ERROR",
                        f"Unable to perform update/upsert by non-unique {TYPE_IDS[object_type]} property "
                        f"{id_property}",
                    )
                value = str(item.get("id") or "").strip()
                if id_property == "email":
                    value = value.lower()
                record = self._find_by(object_type, id_property, value) if value else None
                targets.append(record)
                keys.append(f"record:{record['id']}" if record else f"new:{id_property}:{value.lower()}")
        elif action == "update":
            for item in inputs:
                id_property = item.get("idProperty") or req.arg("idProperty")
                value = str(item.get("id") or "").strip()
                record = self._find_by(object_type, id_property, value) if value else None
                targets.append(record)
                keys.append(f"record:{record['id']}" if record else f"missing:{value}")
        else:
            targets = [None] * len(inputs)
            keys = [f"input:{n}" for n in range(len(inputs))]
        duplicates = sorted({str(inputs[n].get("id")) for n, k in enumerate(keys) if keys.count(k) > 1})
        if duplicates:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Duplicate IDs found in batch input: {duplicates}. IDs must be unique",
            )

        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        with self.store.transaction():
            for n, item in enumerate(inputs):
                trace = item.get("objectWriteTraceId")
                try:
                    record = self._write_one(object_type, action, item, targets[n], rate)
                except _Failure as failure:
                    if not partial:
                        raise
                    errors.append(
                        _standard_error(
                            failure.category,
                            failure.message,
                            # Only reached when partial, so every input carries a trace id.
                            {**failure.context, "objectWriteTraceId": [trace]},  # type: ignore[list-item]
                            sub_category=failure.sub_category,
                            errors=failure.errors,
                        )
                    )
                    continue
                created = targets[n] is None
                written = list(DEFAULT_PROPERTIES[object_type])
                written += [p for p in (item.get("properties") or {}) if p not in written]
                public = self._public(object_type, record, written)
                if action == "upsert":
                    # Both documents type upsert results' property values as strings (the read, search and
                    # create results of 2026-09 allow null): unset ones are left out rather than null.
                    public["properties"] = {k: v for k, v in public["properties"].items() if v is not None}
                    public["new"] = created
                if trace:
                    public["objectWriteTraceId"] = trace
                results.append(public)
        body = self._batch_body(results, errors, started)
        return self._batch_response(req, body, ok=201 if action == "create" else 200)

    def _write_one(
        self,
        object_type: str,
        action: str,
        item: Mapping[str, Any],
        target: dict[str, Any] | None,
        rate: float,
    ) -> dict[str, Any]:
        if rate > 0:
            ident = item.get("id") or json.dumps(item.get("properties") or {}, sort_keys=True)
            if _fraction(f"{self.store.seed}:{object_type}:{ident}") < rate:
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    "Property values were not valid (sandbox partial_failure_rate fault)",
                    errors=[{"message": "this input was chosen to fail", "code": "SANDBOX_FAULT"}],
                )
        if action == "update" and target is None:
            raise _Failure(
                404,
                "OBJECT_NOT_FOUND",
                f"{SINGULAR[object_type]} {item.get('id')} does not exist",
                context={"ids": [str(item.get("id"))]},
            )
        props = self._validate(object_type, item.get("properties"), creating=target is None)
        if action == "upsert" and target is None:
            id_property = item.get("idProperty")
            if id_property and id_property != "hs_object_id" and not props.get(id_property):
                value = str(item.get("id") or "").strip()
                props[id_property] = value.lower() if id_property == "email" else value
            if object_type == "contacts" and props.get("email") and not _EMAIL.match(props["email"] or ""):
                raise _invalid_values(
                    [
                        {
                            "message": f"Email address {props['email']} is invalid",
                            "error": "INVALID_EMAIL",
                            "name": "email",
                        }
                    ]
                )
        if object_type == "contacts" and props.get("email"):
            other = self._find_by("contacts", "email", props["email"] or "")
            if other is not None and (target is None or other["id"] != target["id"]):
                raise _Failure(409, "CONFLICT", f"Contact already exists. Existing ID: {other['id']}")
        associations = self._check_associations(object_type, item.get("associations"))
        record = self._write(object_type, target, props)
        for to_type, to_id, type_id in associations:
            self._associate(object_type, record["id"], to_type, to_id, type_id)
        return record

    @crm_route("POST", "objects", "/{objectType}/batch/read")
    def batch_read(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            started = _iso(self.store.now())
            body = self._body(req)
            inputs = self._batch_inputs(req)
            id_property = body.get("idProperty")
            if (
                id_property
                and id_property != "hs_object_id"
                and id_property not in self._unique_properties(object_type)
            ):
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    f"Unable to perform read by non-unique {TYPE_IDS[object_type]} property {id_property}",
                )
            requested = self._requested(req, body)
            results, missing = [], []
            for item in inputs:
                value = str(item.get("id") or "")
                record = self._find_by(object_type, id_property, value)
                if record is None:
                    missing.append(value)
                else:
                    results.append(self._public(object_type, record, requested, always=["hs_object_id"]))
            out: dict[str, Any] = {
                "status": "COMPLETE",
                "results": results,
                "startedAt": started,
                "completedAt": _iso(self.store.now()),
            }
            if not missing:
                return json_response(out, 200)
            # 207 in v3; the 2026-09 document carries the same error in a 200.
            out["numErrors"] = 1
            out["errors"] = [
                _standard_error(
                    "OBJECT_NOT_FOUND",
                    f"Could not get some {SINGULAR[object_type]} objects, they may be deleted or not exist. "
                    "Check that ids are valid.",
                    {"ids": missing},
                )
            ]
            return self._batch_response(req, out, ok=200)

        return self._guarded(run)

    # --- CRM objects: search --------------------------------------------------------------------------------

    @crm_route("POST", "objects", "/{objectType}/search")
    def search(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(lambda: self._search(req, objectType))

    def _search(self, req: SimRequest, raw_type: str) -> SimResponse:
        object_type = self._object_type(raw_type)
        body = self._body(req)
        groups = body.get("filterGroups") or []
        if len(groups) > MAX_FILTER_GROUPS:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Too many filter groups ({len(groups)}); the maximum is {MAX_FILTER_GROUPS}",
            )
        total_filters = 0
        defs = self._property_defs(object_type)
        for group in groups:
            filters = (group or {}).get("filters") or []
            total_filters += len(filters)
            if len(filters) > MAX_FILTERS_PER_GROUP:
                raise _Failure(
                    400,
                    "VALIDATION_ERROR",
                    f"Too many filters in a group ({len(filters)}); the maximum is {MAX_FILTERS_PER_GROUP}",
                )
            for f in filters:
                self._check_filter(f, defs)
        if total_filters > MAX_FILTERS_TOTAL:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Too many filters ({total_filters}); the maximum is {MAX_FILTERS_TOTAL} in all groups",
            )
        try:
            asked = body.get("limit")
            limit = int(asked if asked is not None else SEARCH_PAGE_DEFAULT)
            after = int(body.get("after") or 0)
        except (TypeError, ValueError) as exc:
            raise _Failure(400, "VALIDATION_ERROR", f"Invalid input JSON: {exc}") from exc
        if not 0 < limit <= SEARCH_PAGE_MAX:
            raise _Failure(400, "VALIDATION_ERROR", f"limit must be between 1 and {SEARCH_PAGE_MAX}")
        if after < 0 or after >= self.search_cap:
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Paging past {self.search_cap} results is not supported; narrow the search",
            )
        query = str(body.get("query") or "").strip().lower()
        if len(query) > 3000:
            raise _Failure(400, "VALIDATION_ERROR", "query must be at most 3000 characters")

        matched = []
        for record in self.store.all(self._ns(object_type)):
            if record.get("archived"):
                continue
            props = record["properties"]
            if groups and not any(
                all(self._matches(props, f) for f in (g or {}).get("filters") or []) for g in groups
            ):
                continue
            if query and not any(
                query in str(props.get(p) or "").lower() for p in QUERY_PROPERTIES[object_type]
            ):
                continue
            matched.append(record)
        for name, descending in reversed(self._sorts(body.get("sorts"))):
            present = [r for r in matched if _comparable(r["properties"].get(name)) is not None]
            absent = [r for r in matched if _comparable(r["properties"].get(name)) is None]
            # `present` has no None key; mypy cannot infer the lambda whose n=name binds this pass's name.
            present.sort(key=lambda r, n=name: _comparable(r["properties"].get(n)), reverse=descending)  # type: ignore[arg-type, misc]
            matched = present + absent
        end = min(after + limit, self.search_cap)
        page = matched[after:end]
        requested = self._requested(req, body) or None
        always = ["hs_object_id", CREATED[object_type], MODIFIED[object_type]]
        out: dict[str, Any] = {
            "total": len(matched),
            "results": [self._public(object_type, r, requested, always=always) for r in page],
        }
        if end < len(matched):
            out["paging"] = {"next": {"after": str(end), "link": f"?after={end}"}}
        return json_response(out, 200)

    @staticmethod
    def _sorts(raw: Any) -> list[tuple[str, bool]]:
        if not raw:
            return [("hs_object_id", False)]
        out: list[tuple[str, bool]] = []
        for item in raw:
            # The spec types `sorts` as strings; docs and clients send {propertyName, direction}. Both work.
            if isinstance(item, str):
                out.append((item.lstrip("-"), item.startswith("-")))
            elif isinstance(item, dict):
                out.append(
                    (str(item.get("propertyName")), str(item.get("direction", "")).upper() == "DESCENDING")
                )
        return out or [("hs_object_id", False)]

    @staticmethod
    def _check_filter(f: Any, defs: Mapping[str, Any]) -> None:
        if not isinstance(f, dict):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: a filter must be an object")
        operator = str(f.get("operator") or "")
        name = f.get("propertyName")
        if operator not in OPERATORS:
            raise _Failure(400, "VALIDATION_ERROR", f"Invalid operator {operator!r}")
        if not name or name not in defs:
            raise _Failure(400, "VALIDATION_ERROR", f'Property "{name}" does not exist')
        if operator in ("IN", "NOT_IN") and not isinstance(f.get("values"), list):
            raise _Failure(400, "VALIDATION_ERROR", f"{operator} needs `values`")
        if operator == "BETWEEN" and (f.get("value") is None or f.get("highValue") is None):
            raise _Failure(400, "VALIDATION_ERROR", "BETWEEN needs `value` and `highValue`")
        if operator in ("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN") and (
            f.get("value") is None
        ):
            raise _Failure(400, "VALIDATION_ERROR", f"{operator} needs `value`")

    @staticmethod
    def _matches(props: Mapping[str, Any], f: Mapping[str, Any]) -> bool:
        operator = f["operator"]
        raw = props.get(f["propertyName"])
        have = _comparable(raw)
        if operator == "HAS_PROPERTY":
            return have is not None
        if operator == "NOT_HAS_PROPERTY":
            return have is None
        # String comparisons are case-insensitive, as HubSpot's are (the reference does not say; lower-case
        # values, which the client sends, match either way).
        if operator in ("IN", "NOT_IN"):
            found = have is not None and have in _comparable_set(tuple(f.get("values") or ()))
            return found if operator == "IN" else not found
        if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            pattern = str(f.get("value") or "").lower()
            tokens = _tokens(str(raw)) if raw not in (None, "") else set()
            found = (
                any(fnmatch.fnmatchcase(t, pattern) for t in tokens) if "*" in pattern else pattern in tokens
            )
            return found if operator == "CONTAINS_TOKEN" else not found
        want = _comparable(f.get("value"))
        if operator == "EQ":
            return have is not None and have == want
        if operator == "NEQ":
            return have != want
        if have is None or want is None or have[0] != want[0]:
            return False
        if operator == "LT":
            return have < want
        if operator == "LTE":
            return have <= want
        if operator == "GT":
            return have > want
        if operator == "GTE":
            return have >= want
        high = _comparable(f.get("highValue"))
        return high is not None and high[0] == have[0] and want <= have <= high

    # --- CRM objects: single --------------------------------------------------------------------------------

    @crm_route("GET", "objects", "/{objectType}")
    def list_objects(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            limit = int(req.arg("limit") or 10)
            if not 0 < limit <= 100:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 100")
            records = [r for r in self.store.all(self._ns(object_type)) if not r.get("archived")]
            records.sort(key=lambda r: int(r["id"]))
            after = req.arg("after")
            if after:
                records = [r for r in records if int(r["id"]) > int(after)]
            page = records[:limit]
            out: dict[str, Any] = {
                "results": [self._public(object_type, r, self._requested(req)) for r in page]
            }
            if len(records) > limit:
                nxt = str(int(page[-1]["id"]) + 1)
                out["paging"] = {"next": {"after": nxt, "link": f"?after={nxt}"}}
            return json_response(out)

        return self._guarded(run)

    @crm_route("POST", "objects", "/{objectType}")
    def create_object(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, WRITE_SCOPE[object_type])
            if denied is not None:
                return denied
            body = self._body(req)
            with self.store.transaction():
                record = self._write_one(object_type, "create", body, None, 0.0)
            return json_response(self._public(object_type, record, list(body.get("properties") or {})), 201)

        return self._guarded(run)

    @crm_route("GET", "objects", "/{objectType}/{objectId}")
    def get_object(self, req: SimRequest, objectType: str, objectId: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            record = self._find_by(object_type, req.arg("idProperty"), unquote(objectId))
            if record is None:
                raise _Failure(
                    404,
                    "OBJECT_NOT_FOUND",
                    "Object not found.  objectId are usually numeric.",
                    context={"id": [unquote(objectId)]},
                )
            return json_response(self._public(object_type, record, self._requested(req)))

        return self._guarded(run)

    @crm_route("PATCH", "objects", "/{objectType}/{objectId}")
    def update_object(self, req: SimRequest, objectType: str, objectId: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, WRITE_SCOPE[object_type])
            if denied is not None:
                return denied
            record = self._find_by(object_type, req.arg("idProperty"), unquote(objectId))
            if record is None:
                raise _Failure(
                    404,
                    "OBJECT_NOT_FOUND",
                    "Object not found.  objectId are usually numeric.",
                    context={"id": [unquote(objectId)]},
                )
            body = self._body(req)
            with self.store.transaction():
                record = self._write_one(object_type, "update", {"id": record["id"], **body}, record, 0.0)
            return json_response(self._public(object_type, record, list(body.get("properties") or {})))

        return self._guarded(run)

    # --- associations (v4, and the date versions' /crm/associations/{date}) -------------------------------

    def _pair(self, from_raw: str, to_raw: str) -> tuple[str, str, int]:
        from_type, to_type = self._object_type(from_raw), self._object_type(to_raw)
        type_id = DEFAULT_ASSOCIATION.get((from_type, to_type))
        if type_id is None:
            raise _Failure(400, "VALIDATION_ERROR", f"No association between {from_type} and {to_type}")
        return from_type, to_type, type_id

    @crm_route(
        "POST", "associations", "/{fromObjectType}/{toObjectType}/batch/associate/default", legacy="v4"
    )
    def associate_default(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, type_id = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            with self.store.transaction():
                for item in inputs:
                    from_id = str((item.get("from") or {}).get("id") or "")
                    to_id = str((item.get("to") or {}).get("id") or "")
                    problem = self._missing_ends(from_type, from_id, to_type, to_id)
                    if problem:
                        errors.append(problem)
                        continue
                    self._associate(from_type, from_id, to_type, to_id, type_id)
                    results.append(
                        {
                            "from": {"id": from_id},
                            "to": {"id": to_id},
                            "associationSpec": {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": type_id,
                            },
                        }
                    )
            out = self._batch_body(results, errors, started)
            # Both documents (v4 and 2026-09) give this route a 200 only, with any failures in `errors[]`.
            return json_response(out, 200)

        return self._guarded(run)

    def _missing_ends(self, from_type: str, from_id: str, to_type: str, to_id: str) -> dict[str, Any] | None:
        for kind, object_id in ((from_type, from_id), (to_type, to_id)):
            if self._find_by(kind, None, object_id) is None:
                return _standard_error(
                    "VALIDATION_ERROR",
                    f"No {SINGULAR[kind].lower()} with ID {object_id} exists",
                    {"fromObjectId": [from_id], "toObjectId": [to_id]},
                    sub_category="crm-associations.OBJECT_NOT_FOUND",
                )
        return None

    @crm_route("POST", "associations", "/{fromObjectType}/{toObjectType}/batch/create", legacy="v4")
    def associate_create(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, _ = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            with self.store.transaction():
                for item in inputs:
                    from_id = str((item.get("from") or {}).get("id") or "")
                    to_id = str((item.get("to") or {}).get("id") or "")
                    problem = self._missing_ends(from_type, from_id, to_type, to_id)
                    type_ids = [int(t.get("associationTypeId") or 0) for t in item.get("types") or []]
                    bad = [t for t in type_ids if ASSOCIATION_TYPES.get(t) != (from_type, to_type)]
                    if problem is None and (bad or not type_ids):
                        problem = _standard_error(
                            "VALIDATION_ERROR",
                            f"Invalid association types {bad or type_ids} from {from_type} to {to_type}",
                            {"fromObjectId": [from_id], "toObjectId": [to_id]},
                            sub_category="crm-associations.INVALID_ASSOCIATION_TYPE",
                        )
                    if problem:
                        errors.append(problem)
                        continue
                    for type_id in type_ids:
                        self._associate(from_type, from_id, to_type, to_id, type_id)
                    # Both documents type the ids as strings.
                    results.append(
                        {
                            "fromObjectTypeId": TYPE_IDS[from_type],
                            "fromObjectId": from_id,
                            "toObjectTypeId": TYPE_IDS[to_type],
                            "toObjectId": to_id,
                            "labels": [ASSOCIATION_LABELS[t] for t in type_ids if t in ASSOCIATION_LABELS],
                        }
                    )
            out = self._batch_body(results, errors, started)
            # v4: 201, or 207 with errors; 2026-09: 200 either way.
            return self._batch_response(req, out, ok=201, dated_ok=200)

        return self._guarded(run)

    @crm_route(
        "PUT",
        "objects",
        "/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}",
        legacy="v4",
    )
    def associate_one(
        self, req: SimRequest, fromObjectType: str, fromObjectId: str, toObjectType: str, toObjectId: str
    ) -> SimResponse:
        def run() -> SimResponse:
            from_type, to_type, type_id = self._pair(fromObjectType, toObjectType)
            denied = self._scope_error(req, WRITE_SCOPE[from_type])
            if denied is not None:
                return denied
            problem = self._missing_ends(from_type, fromObjectId, to_type, toObjectId)
            if problem:
                raise _Failure(404, "OBJECT_NOT_FOUND", problem["message"])
            with self.store.transaction():
                self._associate(from_type, fromObjectId, to_type, toObjectId, type_id)
            now = _iso(self.store.now())
            return json_response(
                {
                    "status": "COMPLETE",
                    "results": [
                        {
                            "from": {"id": fromObjectId},
                            "to": {"id": toObjectId},
                            "associationSpec": {
                                "associationCategory": "HUBSPOT_DEFINED",
                                "associationTypeId": type_id,
                            },
                        }
                    ],
                    "startedAt": now,
                    "completedAt": now,
                }
            )

        return self._guarded(run)

    def _association_rows(self, from_type: str, object_id: str, to_type: str) -> list[dict[str, Any]]:
        rows = self.store.find("hubspot.associations", f"{from_type}:{object_id}:{to_type}")
        rows.sort(key=lambda r: int(r["toId"]))
        return rows

    @route("GET", "/crm/v4/objects/{fromObjectType}/{objectId}/associations/{toObjectType}")
    def list_associations(
        self, req: SimRequest, fromObjectType: str, objectId: str, toObjectType: str
    ) -> SimResponse:
        """v4 only: the 2026-09 associations document has no such listing route (batch/read replaces it)."""

        def run() -> SimResponse:
            from_type, to_type = self._object_type(fromObjectType), self._object_type(toObjectType)
            limit = int(req.arg("limit") or 500)
            if not 0 < limit <= 500:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 500")
            rows = self._association_rows(from_type, objectId, to_type)
            after = req.arg("after")
            if after:
                rows = [r for r in rows if int(r["toId"]) > int(after)]
            page = rows[:limit]
            out: dict[str, Any] = {
                "results": [{"toObjectId": r["toId"], "associationTypes": _types(r)} for r in page]
            }
            if len(rows) > limit:
                out["paging"] = {"next": {"after": page[-1]["toId"], "link": f"?after={page[-1]['toId']}"}}
            return json_response(out)

        return self._guarded(run)

    #: Associations per record per page of a batch read; an attribute so tests can lower it.
    association_page: int = ASSOCIATION_PAGE

    @crm_route("POST", "associations", "/{fromObjectType}/{toObjectType}/batch/read", legacy="v4")
    def read_associations(self, req: SimRequest, fromObjectType: str, toObjectType: str) -> SimResponse:
        """Each input record's associations to `toObjectType`, a page at a time (`inputs[].after` is the
        cursor of the record's previous page, as both documents describe)."""

        def run() -> SimResponse:
            from_type, to_type = self._object_type(fromObjectType), self._object_type(toObjectType)
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req, ASSOCIATION_BATCH_LIMIT)
            results, errors = [], []
            for item in inputs:
                from_id = str(item.get("id") or "")
                rows = self._association_rows(from_type, from_id, to_type)
                after = item.get("after")
                if after:
                    try:
                        rows = [r for r in rows if int(r["toId"]) > int(str(after))]
                    except ValueError as exc:
                        raise _Failure(400, "VALIDATION_ERROR", f"Invalid `after` cursor {after!r}") from exc
                if not rows:
                    # The documents are silent; third-party recordings show a record with none (or one that
                    # does not exist) listed under `errors` with this subCategory rather than an empty `to`.
                    errors.append(
                        _standard_error(
                            "OBJECT_NOT_FOUND",
                            f"No {SINGULAR[to_type].lower()} is associated with "
                            f"{SINGULAR[from_type].lower()} {from_id}.",
                            {
                                "fromObjectId": [from_id],
                                "fromObjectType": [SINGULAR[from_type].lower()],
                                "toObjectType": [SINGULAR[to_type].lower()],
                            },
                            sub_category="crm.associations.NO_ASSOCIATIONS_FOUND",
                        )
                    )
                    continue
                page = rows[: self.association_page]
                result: dict[str, Any] = {
                    "from": {"id": from_id},
                    "to": [
                        {
                            "toObjectId": r["toId"],
                            "associationTypes": _types(r),
                        }
                        for r in page
                    ],
                }
                if len(rows) > len(page):
                    # The documents call `link` deprecated ("should be ignored"): only `after` is given.
                    result["paging"] = {"next": {"after": page[-1]["toId"]}}
                results.append(result)
            out = self._batch_body(results, errors, started)
            return self._batch_response(req, out, ok=200)

        return self._guarded(run)

    # --- properties -----------------------------------------------------------------------------------------

    @crm_route("GET", "properties", "/{objectType}")
    def list_properties(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(
            lambda: json_response(
                {"results": list(self._property_defs(self._object_type(objectType)).values())}
            )
        )

    @crm_route("GET", "properties", "/{objectType}/{propertyName}")
    def get_property(self, req: SimRequest, objectType: str, propertyName: str) -> SimResponse:
        def run() -> SimResponse:
            found = self._property_defs(self._object_type(objectType)).get(propertyName)
            if found is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Unable to find property {propertyName}")
            return json_response(found)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}")
    def create_property(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            with self.store.transaction():
                return json_response(self._create_property(object_type, self._body(req), _dated(req)), 201)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}/batch/create")
    def create_properties(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            started = _iso(self.store.now())
            inputs = self._batch_inputs(req)
            results, errors = [], []
            with self.store.transaction():
                for item in inputs:
                    try:
                        results.append(self._create_property(object_type, item, _dated(req)))
                    except _Failure as failure:
                        errors.append(
                            _standard_error(
                                failure.category, failure.message, {"name": [str(item.get("name"))]}
                            )
                        )
            out = self._batch_body(results, errors, started)
            # v3: 201, or 207 with errors; the 2026-09 document lists a 200 only.
            return self._batch_response(req, out, ok=201, dated_ok=200)

        return self._guarded(run)

    def _create_property(self, object_type: str, body: Mapping[str, Any], dated: bool) -> dict[str, Any]:
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
        if missing:
            raise _Failure(400, "VALIDATION_ERROR", f"Missing required fields: {missing}")
        options = body.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise _Failure(400, "VALIDATION_ERROR", "Invalid input JSON: options must be a list of objects")
        # The 2026-09 document requires `displayOrder` on every option; v3 leaves it optional.
        unordered = [str(o.get("value")) for o in options if dated and o.get("displayOrder") is None]
        if unordered:
            raise _Failure(400, "VALIDATION_ERROR", f"Options {unordered} are missing displayOrder")
        name = str(body["name"])
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise _Failure(
                400,
                "VALIDATION_ERROR",
                f"Property name {name!r} must be lower case letters, digits and underscores",
            )
        if body["type"] not in PROPERTY_TYPES or body["fieldType"] not in FIELD_TYPES:
            raise _Failure(
                400, "VALIDATION_ERROR", f"Invalid type/fieldType {body['type']!r}/{body['fieldType']!r}"
            )
        if body["type"] == "enumeration" and not body.get("options"):
            raise _Failure(400, "VALIDATION_ERROR", "Enumeration properties need options")
        if body["groupName"] not in self._groups(object_type):
            raise _Failure(400, "VALIDATION_ERROR", f"Property group {body['groupName']} does not exist")
        # Facts ran out on the status of a duplicate property; 409 CONFLICT is the expected reading.
        if name in self._property_defs(object_type):
            raise _Failure(409, "CONFLICT", f"A property named '{name}' already exists.")
        now = _iso(self.store.now())
        prop = {
            "name": name,
            "label": body["label"],
            "type": body["type"],
            "fieldType": body["fieldType"],
            "groupName": body["groupName"],
            "description": body.get("description", ""),
            "options": list(body.get("options") or []),
            "displayOrder": body.get("displayOrder", -1),
            "calculated": False,
            "externalOptions": False,
            "hasUniqueValue": bool(body.get("hasUniqueValue")),
            "hidden": bool(body.get("hidden")),
            "hubspotDefined": False,
            "formField": bool(body.get("formField")),
            "modificationMetadata": {"archivable": True, "readOnlyDefinition": False, "readOnlyValue": False},
            "createdAt": now,
            "updatedAt": now,
            "archived": False,
        }
        self.store.put("hubspot.properties", f"{object_type}:{name}", prop, key=object_type)
        return prop

    def _groups(self, object_type: str) -> dict[str, dict[str, Any]]:
        out = {
            name: {"name": name, "label": label, "displayOrder": i, "archived": False}
            for i, (name, label) in enumerate(STANDARD_GROUPS[object_type])
        }
        out.update({g["name"]: g for g in self.store.find("hubspot.property_groups", object_type)})
        return out

    @crm_route("GET", "properties", "/{objectType}/groups")
    def list_groups(self, req: SimRequest, objectType: str) -> SimResponse:
        return self._guarded(
            lambda: json_response({"results": list(self._groups(self._object_type(objectType)).values())})
        )

    @crm_route("GET", "properties", "/{objectType}/groups/{groupName}")
    def get_group(self, req: SimRequest, objectType: str, groupName: str) -> SimResponse:
        def run() -> SimResponse:
            found = self._groups(self._object_type(objectType)).get(groupName)
            if found is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Unable to find property group {groupName}")
            return json_response(found)

        return self._guarded(run)

    @crm_route("POST", "properties", "/{objectType}/groups")
    def create_group(self, req: SimRequest, objectType: str) -> SimResponse:
        def run() -> SimResponse:
            object_type = self._object_type(objectType)
            denied = self._scope_error(req, f"crm.schemas.{object_type}.write")
            if denied is not None:
                return denied
            body = self._body(req)
            if not body.get("name") or not body.get("label"):
                raise _Failure(400, "VALIDATION_ERROR", "Missing required fields: name and label")
            if body["name"] in self._groups(object_type):
                raise _Failure(409, "CONFLICT", f"A property group named '{body['name']}' already exists.")
            group = {
                "name": str(body["name"]),
                "label": str(body["label"]),
                "displayOrder": int(body.get("displayOrder", -1)),
                "archived": False,
            }
            self.store.put(
                "hubspot.property_groups", f"{object_type}:{group['name']}", group, key=object_type
            )
            return json_response(group, 201)

        return self._guarded(run)

    # --- owners, account ------------------------------------------------------------------------------------

    def _owner(self, index: int, owner: Any) -> dict[str, Any]:
        created = _iso(self.store.epoch - timedelta(days=900 - 37 * index))
        return {
            "id": owner.id,
            "email": owner.email,
            "type": "PERSON",
            "firstName": owner.first_name,
            "lastName": owner.last_name,
            "userId": int(owner.id) % 10_000_000 + 1_000_000,
            "userIdIncludingInactive": int(owner.id) % 10_000_000 + 1_000_000,
            "createdAt": created,
            "updatedAt": created,
            "archived": False,
            "teams": [],
        }

    @crm_route("GET", "owners")
    def list_owners(self, req: SimRequest) -> SimResponse:
        def run() -> SimResponse:
            limit = int(req.arg("limit") or 100)
            if not 0 < limit <= 500:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 500")
            owners = [self._owner(i, o) for i, o in enumerate(self.world.owners)]
            if req.arg("archived", "false") == "true":
                owners = []
            email = (req.arg("email") or "").strip().lower()
            if email:
                owners = [o for o in owners if o["email"] == email]
            start = int(req.arg("after") or 0)
            page = owners[start : start + limit]
            out: dict[str, Any] = {"results": page}
            if start + limit < len(owners):
                out["paging"] = {"next": {"after": str(start + limit), "link": f"?after={start + limit}"}}
            return json_response(out)

        return self._guarded(run)

    @crm_route("GET", "owners", "/{ownerId}")
    def get_owner(self, req: SimRequest, ownerId: str) -> SimResponse:
        for i, owner in enumerate(self.world.owners):
            if owner.id == ownerId:
                return json_response(self._owner(i, owner))
        return self._error(404, "OBJECT_NOT_FOUND", f"Owner {ownerId} not found")

    @api_route("GET", "account-info", "/details")
    def account_details(self, req: SimRequest) -> SimResponse:
        return json_response(
            {
                "portalId": self.portal_id,
                "accountType": "STANDARD",
                "timeZone": "Europe/Berlin",
                "companyCurrency": "EUR",
                "additionalCurrencies": ["USD", "GBP"],
                "utcOffset": "+01:00",
                "utcOffsetMilliseconds": 3_600_000,
                "uiDomain": "app-eu1.hubspot.com",
                "dataHostingLocation": "eu1",
            }
        )

    # --- forms and submissions ------------------------------------------------------------------------------

    _FIELD_TYPES = {
        "email": "email",
        "text": "single_line_text",
        "phone": "phone",
        "select": "dropdown",
        "textarea": "multi_line_text",
    }

    def _field(self, f: Any) -> dict[str, Any]:
        """One form field with every member the v3 forms document requires of its field type."""
        field_type = self._FIELD_TYPES.get(f.field_type, "single_line_text")
        out: dict[str, Any] = {
            "objectTypeId": "0-1",
            "name": f.name,
            "label": f.label,
            "required": f.required,
            "hidden": False,
            "fieldType": field_type,
            "dependentFields": [],
        }
        if field_type == "email":
            out["validation"] = {"blockedEmailDomains": [], "useDefaultBlockList": False}
        elif field_type == "phone":
            out["useCountryCodeSelect"] = True
            out["validation"] = {"minAllowedDigits": 7, "maxAllowedDigits": 20}
        elif field_type == "dropdown":
            choices = NUMEMPLOYEES_CHOICES if f.name == "numemployees" else ()
            out["defaultValues"] = []
            out["options"] = [
                {"label": value, "value": value, "displayOrder": i} for i, value in enumerate(choices)
            ]
        return out

    def _form(self, index: int, form: Any) -> dict[str, Any]:
        """A form as `GET /marketing/v3/forms` describes it: the fields the world gives it, and the portal
        defaults of a new form for everything the document requires besides."""
        created = _iso(self.store.epoch - timedelta(days=400 - 30 * index))
        return {
            "id": form.guid,
            "name": form.name,
            "formType": form.form_type,
            "createdAt": created,
            "updatedAt": created,
            "archived": False,
            "fieldGroups": [
                {"groupType": "default_group", "richTextType": "text", "fields": [self._field(f)]}
                for f in form.fields
            ],
            "configuration": {
                "language": "en",
                "createNewContactForNewEmail": True,
                "allowLinkToResetKnownValues": False,
                "archivable": True,
                "cloneable": True,
                "editable": True,
                "lifecycleStages": [{"objectTypeId": "0-1", "value": "lead"}],
                "notifyContactOwner": False,
                "notifyRecipients": [],
                "postSubmitAction": {"type": "thank_you", "value": "Thanks for submitting the form."},
                "prePopulateKnownValues": True,
                "recaptchaEnabled": False,
            },
            "displayOptions": {
                "renderRawHtml": False,
                "theme": "default_style",
                "submitButtonText": "Submit",
                "style": {
                    "backgroundWidth": "100%",
                    "fontFamily": "arial, helvetica, sans-serif",
                    "helpTextColor": "#7C98B6",
                    "helpTextSize": "11px",
                    "labelTextColor": "#33475b",
                    "labelTextSize": "13px",
                    "legalConsentTextColor": "#33475b",
                    "legalConsentTextSize": "14px",
                    "submitAlignment": "left",
                    "submitColor": "#ff7a59",
                    "submitFontColor": "#ffffff",
                    "submitSize": "12px",
                },
            },
            "legalConsentOptions": {"type": "none"},
        }

    @route("GET", "/marketing/v3/forms")
    def list_forms(self, req: SimRequest) -> SimResponse:
        def run() -> SimResponse:
            limit = int(req.arg("limit") or 20)
            if not 0 < limit <= 100:
                raise _Failure(400, "VALIDATION_ERROR", "limit must be between 1 and 100")
            types = set(req.query.get("formTypes") or ["hubspot"])
            forms = [self._form(i, f) for i, f in enumerate(self.world.forms)]
            if "all" not in types:
                forms = [f for f in forms if f["formType"] in types]
            if req.arg("archived", "false") == "true":
                forms = []
            start = int(req.arg("after") or 0)
            out: dict[str, Any] = {"results": forms[start : start + limit]}
            if start + limit < len(forms):
                out["paging"] = {"next": {"after": str(start + limit), "link": f"?after={start + limit}"}}
            return json_response(out)

        return self._guarded(run)

    @route("GET", "/marketing/v3/forms/{formId}")
    def get_form(self, req: SimRequest, formId: str) -> SimResponse:
        for i, form in enumerate(self.world.forms):
            if form.guid == formId:
                return json_response(self._form(i, form))
        return self._error(404, "OBJECT_NOT_FOUND", f"Form {formId} not found")

    def _submissions(self, form_guid: str) -> list[dict[str, Any]]:
        """Every submission up to now, newest first: the world's schedule plus those posted to the sandbox."""
        now = self.store.now()
        out = [
            {
                "conversionId": s.conversion_id,
                "submittedAt": _ms(s.submitted_at),
                "values": [{"name": k, "value": v} for k, v in s.values],
                "pageUrl": s.page_url,
            }
            for s in self.world.submissions(form_guid, self.store.epoch, now)
        ]
        out.extend(
            s for s in self.store.find("hubspot.submissions", form_guid) if s["submittedAt"] <= _ms(now)
        )
        out.sort(key=lambda s: (s["submittedAt"], s["conversionId"]), reverse=True)
        return out

    @route("GET", "/form-integrations/v1/submissions/forms/{formGuid}")
    def form_submissions(self, req: SimRequest, formGuid: str) -> SimResponse:
        def run() -> SimResponse:
            if self.world.form(formGuid) is None:
                raise _Failure(404, "OBJECT_NOT_FOUND", f"Form {formGuid} does not exist")
            try:
                limit = int(req.arg("limit") or SUBMISSIONS_DEFAULT)
            except ValueError as exc:
                raise _Failure(400, "VALIDATION_ERROR", f"Invalid limit: {exc}") from exc
            # Documented range 1-50; out-of-range values are refused rather than clamped (stricter reading).
            if not 0 < limit <= SUBMISSIONS_MAX:
                raise _Failure(400, "VALIDATION_ERROR", f"limit must be between 1 and {SUBMISSIONS_MAX}")
            items = self._submissions(formGuid)
            cursor = req.arg("after")
            if cursor:
                try:
                    ms_text, conversion = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
                    mark = (int(ms_text), conversion)
                except (ValueError, UnicodeDecodeError) as exc:
                    raise _Failure(400, "VALIDATION_ERROR", "Invalid `after` cursor") from exc
                items = [s for s in items if (s["submittedAt"], s["conversionId"]) < mark]
            page = items[:limit]
            out: dict[str, Any] = {"results": page}
            if len(items) > limit:
                last = page[-1]
                token = base64.urlsafe_b64encode(
                    f"{last['submittedAt']}:{last['conversionId']}".encode()
                ).decode()
                out["paging"] = {
                    "next": {
                        "after": token,
                        "link": f"https://api.hubapi.com/form-integrations/v1/submissions/forms/{formGuid}"
                        f"?limit={limit}&after={token}",
                    }
                }
            return json_response(out)

        return self._guarded(run)

    @route("POST", "/submissions/v3/integration/submit/{portalId}/{formGuid}")
    def submit_form(self, req: SimRequest, portalId: str, formGuid: str) -> SimResponse:
        form = self.world.form(formGuid)
        if form is None or portalId != str(self.portal_id):
            return self._error(
                404, "OBJECT_NOT_FOUND", f"Form {formGuid} does not exist in portal {portalId}"
            )
        try:
            body = self._body(req)
        except _Failure as failure:
            return self._failure_response(failure)
        values = {
            str(f.get("name")): str(f.get("value") or "")
            for f in body.get("fields") or []
            if isinstance(f, dict) and f.get("name")
        }
        errors = [
            {
                "message": f"Error in 'fields.{f.name}'. Required field '{f.name}' is missing",
                "errorType": "REQUIRED_FIELD",
            }
            for f in form.fields
            if f.required and not values.get(f.name)
        ]
        if values.get("email") and not _EMAIL.match(values["email"].strip()):
            errors.append(
                {"message": "Error in 'fields.email'. Invalid email address", "errorType": "INVALID_EMAIL"}
            )
        if errors:
            correlation = new_uuid()
            return json_response(
                {
                    "status": "error",
                    "message": "The request is not valid",
                    "correlationId": correlation,
                    "errors": errors,
                },
                400,
                {"X-HubSpot-Correlation-Id": correlation},
            )
        context = body.get("context") or {}
        submission: dict[str, Any] = {
            "conversionId": str(uuid.uuid4()),
            "submittedAt": _ms(self.store.now()),
            "values": [{"name": k, "value": v} for k, v in values.items() if v],
            "pageUrl": str(context.get("pageUri") or ""),
        }
        if context.get("pageName"):
            submission["pageName"] = str(context["pageName"])
        self.store.put("hubspot.submissions", submission["conversionId"], submission, key=formGuid)
        return json_response({"inlineMessage": "Thanks for submitting the form."})

    # --- communication preferences --------------------------------------------------------------------------

    @api_route("GET", "communication-preferences", "/status/email/{emailAddress}")
    def subscription_status(self, req: SimRequest, emailAddress: str) -> SimResponse:
        email = unquote(emailAddress).strip().lower()
        if not _EMAIL.match(email):
            return self._error(400, "VALIDATION_ERROR", f"Invalid email address {email}")
        contact = self._find_by("contacts", "email", email)
        opted_out = contact is not None and contact["properties"].get("hs_email_optout") == "true"
        statuses = []
        for sub_id, name, description in SUBSCRIPTIONS:
            item: dict[str, Any] = {"id": sub_id, "name": name, "description": description}
            if opted_out:
                item.update(status="NOT_SUBSCRIBED", sourceOfStatus="PORTAL_WIDE_STATUS")
            elif contact is not None:
                item.update(
                    status="SUBSCRIBED",
                    sourceOfStatus="SUBSCRIPTION_STATUS",
                    legalBasis="LEGITIMATE_INTEREST_CLIENT",
                    legalBasisExplanation="Existing customer relationship",
                )
            else:
                item.update(status="NOT_SUBSCRIBED", sourceOfStatus="SUBSCRIPTION_STATUS")
            statuses.append(item)
        return json_response({"recipient": email, "subscriptionStatuses": statuses})
