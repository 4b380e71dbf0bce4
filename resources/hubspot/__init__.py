"""HubSpot CRM: the client, its payload models, request signatures and the Dagster resource.

`HubSpotResource` (resource.py) builds a `HubSpotClient` (client.py) against the real API or the sandbox;
`models.py` holds the records and results it returns; `signature.py` verifies HubSpot's webhook signatures.
"""

from resources.hubspot.client import CRM_VERSION, DEFAULT_BASE_URL, HubSpotClient, normalize_domain
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
    "CRM_VERSION",
    "DEFAULT_BASE_URL",
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
