"""What the product has written to the vendors: the CRM sync state and the campaign enrollment ledger.

What belongs here: `SyncState` (per CRM record: its HubSpot id and a hash of the properties last written,
so a re-run writes only what changed) and `EnrollmentLedger` (per campaign and email: what enrollment did,
for the daily send cap and so nobody is added twice, and the copy variant the lead was sent). The records
themselves live in the vendors; these tables only remember the product's side of the conversation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter

import pandas as pd

from resources.pipeline_store.database import Database, from_utc_iso, to_utc_iso, utc_now

CHUNK = 500


#: `cache_key`'s canonical JSON, with one encoder for every call (`json.dumps` with options builds a new
#: one each time, which costs more than encoding a small property mapping).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def properties_hash(properties: Mapping[str, object]) -> str:
    """A stable hash of a property mapping (order-insensitive): `cache_key(dict(properties))`."""
    return hashlib.sha256(_CANONICAL.encode(dict(properties)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SyncRecord:
    hubspot_id: str
    props_hash: str
    synced_at: datetime


class SyncState:
    """Per (object type, key): the HubSpot id and the hash of the properties the product last wrote."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get_many(self, object_type: str, keys: Iterable[str]) -> dict[str, SyncRecord]:
        wanted = list(dict.fromkeys(keys))
        out: dict[str, SyncRecord] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = self.db.query(
                "SELECT key, hubspot_id, props_hash, synced_at FROM crm_sync "
                f"WHERE object_type = ? AND key IN ({','.join('?' * len(chunk))})",
                (object_type, *chunk),
            )
            for row in rows:
                out[row["key"]] = SyncRecord(
                    row["hubspot_id"], row["props_hash"], from_utc_iso(row["synced_at"])
                )
        return out

    def put_many(
        self, object_type: str, records: Mapping[str, tuple[str, str]], *, at: datetime | None = None
    ) -> None:
        """`{key: (hubspot_id, props_hash)}`, replacing what was there."""
        stamp = to_utc_iso(at or utc_now())
        self.db.executemany(
            "INSERT INTO crm_sync (object_type, key, hubspot_id, props_hash, synced_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (object_type, key) DO UPDATE SET hubspot_id = excluded.hubspot_id, "
            "props_hash = excluded.props_hash, synced_at = excluded.synced_at",
            [(object_type, key, hid, h, stamp) for key, (hid, h) in sorted(records.items())],
        )


@dataclass(frozen=True)
class Enrollment:
    campaign_id: str
    email: str
    lead_id: str | None
    status: str
    partition: str | None
    enrolled_at: datetime
    variant: str | None = None


#: Columns of `EnrollmentLedger.variants`.
VARIANT_COLUMNS = ["email", "lead_id", "campaign_id", "variant", "enrolled_at", "partition"]


class EnrollmentLedger:
    """Per (campaign, email): what enrollment did. Emails are stored lower-cased and trimmed."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record_many(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Rows with `campaign_id`, `email`, `status`, and optionally `lead_id`, `partition`, `at`,
        `variant`. A later record for the same campaign and email replaces the earlier one, except that a
        row without a variant keeps the variant recorded before (the lead was sent it)."""
        values = [
            (
                str(r["campaign_id"]),
                str(r["email"]).strip().lower(),
                r.get("lead_id"),
                str(r["status"]),
                r.get("partition"),
                to_utc_iso(r.get("at") or utc_now()),  # type: ignore[arg-type]
                r.get("variant"),
            )
            for r in rows
        ]
        self.db.executemany(
            "INSERT INTO enrollments "
            '(campaign_id, email, lead_id, status, "partition", enrolled_at, variant) '
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, email) DO UPDATE SET "
            'lead_id = excluded.lead_id, status = excluded.status, "partition" = excluded."partition", '
            "enrolled_at = excluded.enrolled_at, variant = COALESCE(excluded.variant, enrollments.variant)",
            # Sorted by key (stable: of two rows of one key the later still wins), so two writers take
            # the rows' locks in one order on Postgres.
            sorted(values, key=itemgetter(0, 1)),
        )

    def get_many(self, campaign_id: str, emails: Iterable[str]) -> dict[str, Enrollment]:
        wanted = list(dict.fromkeys(e.strip().lower() for e in emails))
        out: dict[str, Enrollment] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = self.db.query(
                'SELECT campaign_id, email, lead_id, status, "partition", enrolled_at, variant '
                f"FROM enrollments WHERE campaign_id = ? AND email IN ({','.join('?' * len(chunk))})",
                (campaign_id, *chunk),
            )
            for row in rows:
                out[row["email"]] = Enrollment(
                    row["campaign_id"],
                    row["email"],
                    row["lead_id"],
                    row["status"],
                    row["partition"],
                    from_utc_iso(row["enrolled_at"]),
                    row["variant"],
                )
        return out

    def count(self, campaign_id: str, day: date, *, status: str = "added") -> int:
        """How many leads got `status` in `campaign_id` on `day` (UTC)."""
        start = datetime.combine(day, time(), tzinfo=UTC)
        rows = self.db.query(
            "SELECT COUNT(*) AS n FROM enrollments WHERE campaign_id = ? AND status = ? "
            "AND enrolled_at >= ? AND enrolled_at < ?",
            (campaign_id, status, to_utc_iso(start), to_utc_iso(start + timedelta(days=1))),
        )
        return int(rows[0]["n"])

    def entries(self, campaign_id: str | None = None) -> pd.DataFrame:
        sql = 'SELECT campaign_id, email, lead_id, status, "partition", enrolled_at FROM enrollments'
        rows = self.db.query(
            sql + (" WHERE campaign_id = ?" if campaign_id else ""), (campaign_id,) if campaign_id else ()
        )
        frame = pd.DataFrame(
            [dict(r) for r in rows],
            columns=["campaign_id", "email", "lead_id", "status", "partition", "enrolled_at"],
        )
        frame["enrolled_at"] = pd.to_datetime(frame["enrolled_at"], utc=True, format="ISO8601")
        return frame

    def variants(self, campaign_id: str | None = None) -> pd.DataFrame:
        """The leads added to campaigns with the copy variant each was sent (None outside an experiment):
        one row per (campaign, email) with `VARIANT_COLUMNS` (the partition that enrolled it names its
        ICP), oldest first."""
        sql = (
            'SELECT email, lead_id, campaign_id, variant, enrolled_at, "partition" FROM enrollments '
            "WHERE status = 'added'"
        )
        rows = self.db.query(
            sql
            + (" AND campaign_id = ?" if campaign_id else "")
            + " ORDER BY enrolled_at, campaign_id, email",
            (campaign_id,) if campaign_id else (),
        )
        frame = pd.DataFrame([dict(r) for r in rows], columns=VARIANT_COLUMNS)
        frame["enrolled_at"] = pd.to_datetime(frame["enrolled_at"], utc=True, format="ISO8601")
        return frame
