"""lemlist: the client (`client.py`), its payload models (`models.py`) and the Dagster resource
(`resource.py`). The sandbox simulator of lemlist's API lives in `resources/sandbox/lemlist/`."""

from resources.lemlist.client import LemlistClient
from resources.lemlist.models import (
    Activity,
    Campaign,
    CampaignLead,
    CampaignState,
    CampaignStats,
    CampaignStatsBatch,
    ContactSubscription,
    InboxMessage,
    Lead,
    LeadAddResult,
    LeadInCampaign,
    LeadInput,
    Team,
    Unsubscribe,
)
from resources.lemlist.resource import LemlistResource

__all__ = [
    "Activity",
    "Campaign",
    "CampaignLead",
    "CampaignState",
    "CampaignStats",
    "CampaignStatsBatch",
    "ContactSubscription",
    "InboxMessage",
    "Lead",
    "LeadAddResult",
    "LeadInCampaign",
    "LeadInput",
    "LemlistClient",
    "LemlistResource",
    "Team",
    "Unsubscribe",
]
