"""Pydantic models of the HubSpot CRM payloads the client sends and returns.

What belongs here: CRM records (`CrmObject`), batch and search results with their per-record errors,
associations, properties and groups, owners, forms and form submissions, subscription status, account
details, and the inputs the client's write methods take (`TaskInput`, `NoteInput`, `PropertyDefinition`).
Vendor payloads allow extra fields so a new HubSpot field never breaks a run. HTTP, batching and paging
belong in `client.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

#: CRM object batch endpoints take at most 100 inputs (community answer; the spec is silent).
BATCH_SIZE = 100
#: Search pages hold at most 200 records.
SEARCH_PAGE_SIZE = 200
#: HubSpot answers 400 to a search page past the 10,000th result of one query.
SEARCH_RESULT_CAP = 10_000
#: Values per IN filter the client sends (HubSpot documents no figure; 100 keeps bodies small).
IN_FILTER_VALUES = 100
#: Form submissions v1 returns at most 50 per page.
SUBMISSIONS_PAGE_SIZE = 50

#: Object type ids HubSpot uses in association responses (v4 and the date versions).
OBJECT_TYPE_IDS: dict[str, str] = {
    "contacts": "0-1",
    "companies": "0-2",
    "deals": "0-3",
    "tasks": "0-27",
    "notes": "0-46",
}

#: HUBSPOT_DEFINED association type ids (official Node SDK `AssociationTypes.ts`).
CONTACT_TO_COMPANY = 279
CONTACT_TO_COMPANY_PRIMARY = 1
COMPANY_TO_CONTACT = 280
TASK_TO_CONTACT = 204
TASK_TO_COMPANY = 192
NOTE_TO_CONTACT = 202
NOTE_TO_COMPANY = 190

TaskStatus = Literal["NOT_STARTED", "COMPLETED"]
TaskPriority = Literal["LOW", "MEDIUM", "HIGH"]
TaskType = Literal["EMAIL", "CALL", "TODO"]
PropertyType = Literal["bool", "date", "datetime", "enumeration", "number", "phone_number", "string"]


class HubSpotModel(BaseModel):
    """Base of every HubSpot payload: unknown fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


# --- CRM records ---------------------------------------------------------------------------------------


class CrmObject(HubSpotModel):
    """One CRM record (contact, company, task, note) as HubSpot returns it. Property values are strings."""

    id: str
    properties: dict[str, str | None] = Field(default_factory=dict)
    created_at: datetime | None = Field(default=None, alias="createdAt")
    updated_at: datetime | None = Field(default=None, alias="updatedAt")
    archived: bool = False
    #: Set by batch upsert: True when the record was created by this call, False when it was updated.
    new: bool | None = None
    object_write_trace_id: str | None = Field(default=None, alias="objectWriteTraceId")
    #: Batch writes: the caller's key of the input this record came from, found through the echoed trace id.
    input_key: str | None = Field(default=None, exclude=True)

    def get(self, name: str, default: str | None = None) -> str | None:
        """A property value, or `default` when it is missing or empty."""
        value = self.properties.get(name)
        return default if value in (None, "") else value

    @property
    def email(self) -> str | None:
        return self.get("email")

    @property
    def domain(self) -> str | None:
        return self.get("domain")


class BatchWriteBody(HubSpotModel):
    """The body of a batch write answer as the client reads it: the records, parsed and validated straight
    from the response bytes, and the per-input StandardErrors left raw (see `_record_errors`)."""

    results: list[CrmObject] | None = None
    errors: list[dict[str, Any]] | None = None


class RecordError(HubSpotModel):
    """One failed input of a batch call, mapped back to the input it belongs to.

    `id` is what identified the input (the email of an upsert, the record id of an update, the domain or
    trace id of a create); `trace_id` is the `objectWriteTraceId` HubSpot echoed, when it echoed one.
    """

    id: str | None = None
    trace_id: str | None = None
    #: Position of the input in the sequence the caller passed, when the error could be mapped back to it.
    index: int | None = None
    status: str | None = None
    category: str = "UNKNOWN"
    sub_category: str | None = None
    message: str = ""
    correlation_id: str | None = None
    context: dict[str, list[str]] = Field(default_factory=dict)
    details: list[dict[str, Any]] = Field(default_factory=list)


class BatchResult(HubSpotModel):
    """What a chunked batch call did: the records written or read, and the inputs that failed.

    Per-record failures never raise: they are listed in `errors` (and, for reads, in `not_found`), so the
    caller can record them on the row and carry on.
    """

    results: list[CrmObject] = Field(default_factory=list)
    errors: list[RecordError] = Field(default_factory=list)
    not_found: list[str] = Field(default_factory=list)
    calls: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.not_found

    @property
    def created(self) -> list[CrmObject]:
        return [r for r in self.results if r.new]

    @property
    def updated(self) -> list[CrmObject]:
        return [r for r in self.results if r.new is False]


class SearchResult(HubSpotModel):
    """Every record a search matched (all pages walked), with HubSpot's `total` of the last query."""

    total: int = 0
    results: list[CrmObject] = Field(default_factory=list)
    calls: int = 0


# --- associations --------------------------------------------------------------------------------------


class AssociationSpec(HubSpotModel):
    category: str = Field(
        default="HUBSPOT_DEFINED", validation_alias=AliasChoices("associationCategory", "category")
    )
    type_id: int = Field(validation_alias=AliasChoices("associationTypeId", "typeId"))
    label: str | None = None


class Association(HubSpotModel):
    """One association from a record to another (`to_id`), with its types."""

    from_id: str | None = None
    to_id: str
    types: list[AssociationSpec] = Field(default_factory=list)


class AssociationResult(HubSpotModel):
    """What an associate call did: the pairs now associated and the inputs that failed."""

    results: list[Association] = Field(default_factory=list)
    errors: list[RecordError] = Field(default_factory=list)
    calls: int = 0


# --- write inputs ---------------------------------------------------------------------------------------


class TaskInput(BaseModel):
    """A CRM task to create, associated to contacts and/or companies."""

    subject: str
    due: datetime
    body: str | None = None
    status: TaskStatus = "NOT_STARTED"
    priority: TaskPriority | None = None
    type: TaskType = "TODO"
    owner_id: str | None = None
    contact_ids: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    extra_properties: dict[str, Any] = Field(default_factory=dict)


class NoteInput(BaseModel):
    """A CRM note to create on contact and/or company timelines."""

    body: str = Field(max_length=65_536)
    timestamp: datetime
    owner_id: str | None = None
    contact_ids: list[str] = Field(default_factory=list)
    company_ids: list[str] = Field(default_factory=list)
    extra_properties: dict[str, Any] = Field(default_factory=dict)


class PropertyOption(HubSpotModel):
    label: str
    value: str
    hidden: bool = False
    display_order: int | None = Field(default=None, alias="displayOrder")
    description: str | None = None


class PropertyDefinition(HubSpotModel):
    """A CRM property as the properties API creates it (`PropertyCreate`) and returns it."""

    name: str
    label: str
    type: str = "string"
    field_type: str = Field(default="text", alias="fieldType")
    group_name: str = Field(alias="groupName")
    description: str | None = None
    options: list[PropertyOption] = Field(default_factory=list)
    has_unique_value: bool | None = Field(default=None, alias="hasUniqueValue")
    hidden: bool | None = None
    form_field: bool | None = Field(default=None, alias="formField")
    display_order: int | None = Field(default=None, alias="displayOrder")

    def create_body(self) -> dict[str, Any]:
        """The `PropertyCreate` body: HubSpot's field names, unset optionals left out.

        Options always carry a `displayOrder` (their position when unset): the 2026-09 document requires it
        on every option, v3 takes it as optional.
        """
        body = self.model_dump(by_alias=True, exclude_none=True)
        if not body.get("options"):
            body.pop("options", None)
        for position, option in enumerate(body.get("options") or []):
            option.setdefault("displayOrder", position)
        return body


class Property(PropertyDefinition):
    """A property as the properties API lists it (`GET /crm/v3/properties/{objectType}`, or 2026-09)."""

    read_only_value: bool | None = Field(default=None, alias="readOnlyValue")
    calculated: bool | None = None
    hubspot_defined: bool | None = Field(default=None, alias="hubspotDefined")


class PropertyGroup(HubSpotModel):
    name: str
    label: str
    display_order: int | None = Field(default=None, alias="displayOrder")
    archived: bool = False


class EnsuredProperties(HubSpotModel):
    """What `ensure_properties` found and what it had to create."""

    existing: list[str] = Field(default_factory=list)
    created: list[str] = Field(default_factory=list)
    errors: list[RecordError] = Field(default_factory=list)


# --- owners, forms, submissions, subscriptions, account ----------------------------------------------


class Owner(HubSpotModel):
    id: str
    email: str | None = None
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    user_id: int | None = Field(default=None, alias="userId")
    archived: bool = False


class FormFieldDefinition(HubSpotModel):
    """One field of a form definition (marketing v3 `fieldGroups[].fields[]`)."""

    name: str
    label: str | None = None
    required: bool = False
    hidden: bool = False
    field_type: str | None = Field(default=None, alias="fieldType")


class FormFieldGroup(HubSpotModel):
    fields: list[FormFieldDefinition] = Field(default_factory=list)


class Form(HubSpotModel):
    id: str
    name: str | None = None
    form_type: str | None = Field(default=None, alias="formType")
    created_at: datetime | None = Field(default=None, alias="createdAt")
    archived: bool = False
    field_groups: list[FormFieldGroup] = Field(default_factory=list, alias="fieldGroups")

    @property
    def fields(self) -> list[FormFieldDefinition]:
        """Every field of the form, in display order."""
        return [f for group in self.field_groups for f in group.fields]

    @property
    def required_fields(self) -> list[str]:
        """Names of the fields the form marks required (hidden fields excluded: nobody can fill them)."""
        return [f.name for f in self.fields if f.required and not f.hidden]


class FormValue(HubSpotModel):
    name: str
    value: str | None = None


class FormSubmission(HubSpotModel):
    """One form submission (legacy v1 shape); `submitted_at` is epoch milliseconds."""

    conversion_id: str | None = Field(default=None, alias="conversionId")
    submitted_at: int = Field(alias="submittedAt")
    values: list[FormValue] = Field(default_factory=list)
    page_url: str | None = Field(default=None, alias="pageUrl")

    def value(self, name: str) -> str | None:
        """The submitted value of field `name`, if any."""
        for item in self.values:
            if item.name == name:
                return item.value
        return None

    @property
    def email(self) -> str | None:
        email = self.value("email")
        return email.strip().lower() if email else None


class SubscriptionStatusItem(HubSpotModel):
    id: str
    name: str | None = None
    description: str | None = None
    status: str
    source_of_status: str | None = Field(default=None, alias="sourceOfStatus")
    legal_basis: str | None = Field(default=None, alias="legalBasis")


class SubscriptionStatus(HubSpotModel):
    """Communication preferences (subscription statuses) of one email address, v3 or a date version."""

    recipient: str
    subscription_statuses: list[SubscriptionStatusItem] = Field(
        default_factory=list, alias="subscriptionStatuses"
    )

    @property
    def unsubscribed_from_all(self) -> bool:
        """True when HubSpot reports the address opted out portal-wide (or brand-wide)."""
        return any(
            s.status == "NOT_SUBSCRIBED" and s.source_of_status in ("PORTAL_WIDE_STATUS", "BRAND_WIDE_STATUS")
            for s in self.subscription_statuses
        )


class AccountInfo(HubSpotModel):
    portal_id: int = Field(alias="portalId")
    time_zone: str | None = Field(default=None, alias="timeZone")
    account_type: str | None = Field(default=None, alias="accountType")
    company_currency: str | None = Field(default=None, alias="companyCurrency")
    ui_domain: str | None = Field(default=None, alias="uiDomain")
    data_hosting_location: str | None = Field(default=None, alias="dataHostingLocation")
