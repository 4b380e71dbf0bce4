"""GDPR erasure of one person from the pipeline store.

What belongs here: `erase_person`, which deletes every row of the store that holds the person's address
(enrollments, CRM sync state, one-off action records, cached vendor answers) and leaves one thing behind: a
suppression tombstone, the sha256 of the address with no clear text, so the person is never contacted again.
Vendor-side records (HubSpot, lemlist) are the vendors' to erase.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from resources.pipeline_store.database import Database
from resources.pipeline_store.suppression import ERASED_REASON, SuppressionList, normalise_email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasureReport:
    enrollments: int
    crm_sync: int
    actions: int
    cache: int
    tombstone: bool

    @property
    def rows_deleted(self) -> int:
        return self.enrollments + self.crm_sync + self.actions + self.cache


def erase_person(db: Database, email: str) -> ErasureReport:
    """Delete what the store holds about `email`, then leave a hashed tombstone on the suppression list."""
    address = normalise_email(email)
    if "@" not in address:
        raise ValueError(f"not an email address: {email!r}")
    # JSON values are searched as text: an address is specific enough that a match is that person's data.
    pattern = f"%{_like_escape(address)}%"
    with db.transaction():
        enrollments = db.execute("DELETE FROM enrollments WHERE email = ?", (address,)).rowcount
        crm = db.execute("DELETE FROM crm_sync WHERE lower(key) = ?", (address,)).rowcount
        actions = db.execute(
            "DELETE FROM actions WHERE lower(key) = ? OR lower(detail) LIKE ? ESCAPE '\\'", (address, pattern)
        ).rowcount
        cache = db.execute("DELETE FROM cache WHERE lower(value) LIKE ? ESCAPE '\\'", (pattern,)).rowcount
        suppression = SuppressionList(db)
        suppression.add("email", address, reason=ERASED_REASON, source="erasure_request")
    tombstone = suppression.erase(address)
    logger.info(
        "erasure: %d enrollment, %d CRM sync, %d action and %d cache rows deleted; tombstone kept",
        enrollments,
        crm,
        actions,
        cache,
    )
    return ErasureReport(enrollments, crm, actions, cache, tombstone)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
