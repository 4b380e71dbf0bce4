"""HubSpot's object model as the simulator knows it: object types and their ids, standard properties and
groups, enumeration options, association types, write scopes and search operators.

What belongs here: data, no behaviour. How a value is validated belongs in `records.py`.
"""

from __future__ import annotations

import re

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
    "deals": "deals",
    "deal": "deals",
    "0-3": "deals",
}
TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "tasks": "0-27", "notes": "0-46", "deals": "0-3"}
SINGULAR = {"contacts": "CONTACT", "companies": "COMPANY", "tasks": "TASK", "notes": "NOTE", "deals": "DEAL"}
CREATED = {
    "contacts": "createdate",
    "companies": "createdate",
    "tasks": "hs_createdate",
    "notes": "hs_createdate",
    "deals": "createdate",
}
MODIFIED = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "tasks": "hs_lastmodifieddate",
    "notes": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
}
DEFAULT_PROPERTIES = {
    "contacts": ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "tasks": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
    "notes": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
}
#: Free-text `query` searches these.
QUERY_PROPERTIES = {
    "contacts": ("email", "firstname", "lastname", "phone", "company"),
    "companies": ("name", "domain", "website", "phone"),
    "tasks": ("hs_task_subject", "hs_task_body"),
    "notes": ("hs_note_body",),
    "deals": ("dealname",),
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
#: The stages of HubSpot's default sales pipeline ("default"), in order, with their win probabilities.
DEAL_STAGES: tuple[tuple[str, str, float], ...] = (
    ("appointmentscheduled", "Appointment Scheduled", 0.2),
    ("qualifiedtobuy", "Qualified To Buy", 0.4),
    ("presentationscheduled", "Presentation Scheduled", 0.6),
    ("decisionmakerboughtin", "Decision Maker Bought-In", 0.8),
    ("contractsent", "Contract Sent", 0.9),
    ("closedwon", "Closed Won", 1.0),
    ("closedlost", "Closed Lost", 0.0),
)
DEAL_STAGE_OPTIONS = tuple(stage for stage, _, _ in DEAL_STAGES)

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
        # Set by HubSpot's meetings tool; the sandbox's deal engine sets it when a planted meeting is booked.
        ("engagements_last_meeting_booked", _D, "date", "sales_properties", "r"),
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
    # hs_is_closed_won is calculated from the stage (`resources.sandbox.hubspot.deals`).
    "deals": (
        ("dealname", _S, "text", "dealinformation", "x"),
        ("dealstage", _E, "radio", "dealinformation", "x"),
        ("pipeline", _E, "select", "dealinformation", ""),
        ("amount", _N, "number", "dealinformation", ""),
        ("closedate", _D, "date", "dealinformation", ""),
        ("hubspot_owner_id", _E, "select", "dealinformation", ""),
        ("hs_is_closed_won", _B, "booleancheckbox", "dealinformation", "r"),
        ("createdate", _D, "date", "dealinformation", "r"),
        ("hs_lastmodifieddate", _D, "date", "dealinformation", "r"),
        ("hs_object_id", _N, "number", "dealinformation", "r"),
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
    ("deals", "pipeline"): ("default",),
    ("deals", "dealstage"): DEAL_STAGE_OPTIONS,
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
    "deals": (("dealinformation", "Deal information"),),
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
    3: ("deals", "contacts"),
    4: ("contacts", "deals"),
    341: ("deals", "companies"),
    342: ("companies", "deals"),
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
    3: 4,
    4: 3,
    341: 342,
    342: 341,
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
    "deals": "crm.objects.deals.write",
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
