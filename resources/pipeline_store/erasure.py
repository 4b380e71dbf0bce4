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
from resources.pipeline_store.suppression import ERASED_REASON, SuppressionList, address_spellings

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
    spellings = address_spellings(email)
    address = spellings[0]
    if "@" not in address:
        raise ValueError(f"not an email address: {email!r}")
    enrollments = crm = actions = cache = 0
    with db.transaction():
        # An internationalised address may be kept with its domain in Unicode or in IDNA form: erase both.
        for spelling in spellings:
            # JSON values are searched as text: an address is specific enough that a match is that person's.
            pattern = f"%{_like_escape(spelling)}%"
            enrollments += db.execute("DELETE FROM enrollments WHERE email = ?", (spelling,)).rowcount
            crm += db.execute("DELETE FROM crm_sync WHERE lower(key) = ?", (spelling,)).rowcount
            actions += db.execute(
                "DELETE FROM actions WHERE lower(key) = ? OR lower(detail) LIKE ? ESCAPE '\\'",
                (spelling, pattern),
            ).rowcount
            cache += db.execute(
                "DELETE FROM cache WHERE lower(value) LIKE ? ESCAPE '\\'", (pattern,)
            ).rowcount
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
