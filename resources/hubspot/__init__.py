"""HubSpot CRM: the client, its payload models, request signatures and the Dagster resource.

`HubSpotResource` (resource.py) builds a `HubSpotClient` (client.py) against the real API or the sandbox;
`models.py` holds the records and results it returns; `signature.py` verifies HubSpot's webhook signatures.
"""

from resources.hubspot.client import DEFAULT_BASE_URL, DEFAULT_CRM_VERSION, HubSpotClient, normalize_domain
from resources.hubspot.models import (
    BatchResult,
    CrmObject,
    FormSubmission,
    NoteInput,
    PropertyDefinition,
    RecordError,
    SearchResult,
    TaskInput,
)
from resources.hubspot.resource import HubSpotResource
from resources.hubspot.signature import sign_v3, verify_signature, verify_signature_v3

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CRM_VERSION",
    "BatchResult",
    "CrmObject",
    "FormSubmission",
    "HubSpotClient",
    "HubSpotResource",
    "NoteInput",
    "PropertyDefinition",
    "RecordError",
    "SearchResult",
    "TaskInput",
    "normalize_domain",
    "sign_v3",
    "verify_signature",
    "verify_signature_v3",
]
