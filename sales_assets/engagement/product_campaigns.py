"""Which lemlist campaigns are the product's, and the spam complaints each one drew.

What belongs here: `product_campaigns` (the ids configured per ICP, the open campaigns named
`<prefix> <icp>`, and every campaign the enrollment ledger has leads in), the addresses the ledger holds per
campaign, and the attribution of lemlist's `abuse` unsubscribe entries to campaigns: lemlist's stats have
no complaint counter (see resources/VENDOR_NOTES.md). Shared by the daily statistics (`stats.py`) and the
safety sensor (`safety.py`).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from resources.lemlist.client import LemlistClient
from resources.lemlist.models import Campaign, Unsubscribe
from resources.pipeline_store import PipelineStoreResource, normalise_email
from sales_assets.common.campaigns import CLOSED_CAMPAIGN_STATES, EnrollmentSettings
from sales_assets.common.partitions import ICP_PROFILES

logger = logging.getLogger(__name__)

#: The unsubscribe-list source lemlist documents for abuse (spam) reports.
ABUSE_SOURCE = "abuse"


@dataclass(frozen=True)
class ProductCampaign:
    """A lemlist campaign the product enrolls into, and the ICP it serves (None: only the ledger knows it)."""

    campaign: Campaign
    icp: str | None

    @property
    def id(self) -> str:
        return self.campaign.id


def product_campaigns(
    client: LemlistClient,
    settings: EnrollmentSettings,
    ledger_campaign_ids: Iterable[str],
    icps: Iterable[str] = tuple(ICP_PROFILES),
) -> list[ProductCampaign]:
    """The product's campaigns: the ids configured per ICP, the open campaigns named `<prefix> <icp>` (as
    enrollment finds or creates them) and every campaign the enrollment ledger has leads in. One
    `GET /campaigns` walk; campaigns lemlist no longer knows are left out."""
    by_id = {c.id: c for c in client.list_campaigns()}
    icp_of: dict[str, str | None] = {}
    for icp in sorted(icps):
        configured = settings.campaigns.get(icp)
        if configured:
            icp_of[configured] = icp
            continue
        name = settings.campaign_name(icp)
        for campaign in by_id.values():
            if campaign.name == name and campaign.status not in CLOSED_CAMPAIGN_STATES:
                icp_of.setdefault(campaign.id, icp)
    for campaign_id in ledger_campaign_ids:
        icp_of.setdefault(campaign_id, None)
    missing = sorted(cid for cid in icp_of if cid not in by_id)
    if missing:
        logger.warning("lemlist does not list these product campaigns (deleted?): %s", ", ".join(missing))
    return [ProductCampaign(by_id[cid], icp) for cid, icp in sorted(icp_of.items()) if cid in by_id]


def ledger_emails(store: PipelineStoreResource) -> dict[str, frozenset[str]]:
    """Campaign id -> the addresses the product added to it (enrollment ledger, status `added`)."""
    entries = store.enrollments.entries()
    added = entries[entries["status"] == "added"]
    return {
        str(cid): frozenset(group["email"].map(normalise_email))
        for cid, group in added.groupby("campaign_id", sort=True)
    }


def complaints_by_campaign(
    unsubscribes: Iterable[Unsubscribe],
    emails_by_campaign: Mapping[str, frozenset[str]],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, int]:
    """Spam complaints per campaign: `abuse` entries of lemlist's unsubscribe list (created in
    [start, end] when given) whose address the campaign holds."""
    abused: set[str] = set()
    for entry in unsubscribes:
        if (entry.source or "").lower() != ABUSE_SOURCE or not entry.value:
            continue
        created = entry.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created is not None and ((start and created < start) or (end and created > end)):
            continue
        abused.add(normalise_email(entry.value))
    return {cid: len(abused & emails) for cid, emails in emails_by_campaign.items()}
