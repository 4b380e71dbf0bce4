"""The suppression list: email addresses and whole domains the pipeline must never contact.

What belongs here: adding entries (unsubscribes, bounces, complaints, manual blocks, erasure requests),
normalising what is added and looked up, checking addresses against the list, and GDPR erasure. Where an
entry came from (a lemlist unsubscribe, a HubSpot property) is the caller's business, kept in `source`.

Entries are matched by the sha256 of the normalised value, never by the clear text, so an erased entry
(clear text set to NULL, the hash kept as a tombstone) goes on blocking the address it came from.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd

from resources.pipeline_store.database import Database, from_utc_iso, to_utc_iso, utc_now

logger = logging.getLogger(__name__)

Kind = Literal["email", "domain"]
KINDS: tuple[Kind, ...] = ("email", "domain")
ERASED_REASON = "erased"
# Hashes per SELECT: well under SQLite's bound-parameter limit (999 on old builds).
CHUNK_SIZE = 500

_UPSERT = (
    "INSERT INTO suppression (kind, value_hash, value, reason, source, created_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, value_hash) DO UPDATE SET reason = excluded.reason, source = excluded.source "
    # An erased row stays erased: re-adding must not bring its clear text (or a new reason) back.
    "WHERE suppression.value IS NOT NULL"
)


@dataclass(frozen=True, slots=True)
class SuppressionHit:
    """Why an address is suppressed: the entry that matched (its own, or its domain's)."""

    kind: Kind
    reason: str
    source: str
    created_at: datetime


def normalise_email(value: str) -> str:
    """`value` stripped and lowercased."""
    return value.strip().lower()


def normalise_domain(value: str) -> str:
    """A bare domain from a domain, a URL or an address: lowercased, without scheme, path, port, user
    part, trailing dot or leading `www.`."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].rstrip(".")
    return text.removeprefix("www.")


def normalise(kind: Kind, value: str) -> str:
    if kind == "email":
        return normalise_email(value)
    if kind == "domain":
        return normalise_domain(value)
    raise ValueError(f"suppression kind must be 'email' or 'domain', not {kind!r}")


def value_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _email_domain(email: str) -> str | None:
    local, at, domain = email.rpartition("@")
    return normalise_domain(domain) if at and local and domain else None


class SuppressionList:
    """The `suppression` table of a pipeline store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, kind: Kind, value: str, *, reason: str, source: str, at: datetime | None = None) -> None:
        """Suppress one email or domain. Adding an existing entry keeps its `created_at` and takes the new
        reason and source, unless the entry was erased."""
        self.add_many([{"kind": kind, "value": value, "reason": reason, "source": source, "at": at}])

    def add_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """`add()` for many entries in one write; each row has kind, value, reason, source, optional at."""
        now = utc_now()
        params = [self._row(row, now) for row in rows]
        if params:
            self.db.executemany(_UPSERT, params)

    def lookup(self, emails: Iterable[str]) -> dict[str, SuppressionHit]:
        """The suppressed addresses among `emails`, each (as given) mapped to the entry that blocks it. An
        address's own entry wins over its domain's."""
        wanted: dict[str, tuple[str, str | None]] = {}
        for email in emails:
            clean = normalise_email(email)
            domain = _email_domain(clean)
            wanted[email] = (value_hash(clean), value_hash(domain) if domain else None)
        email_hits = self._hits("email", {h for h, _ in wanted.values()})
        domain_hits = self._hits("domain", {h for _, h in wanted.values() if h is not None})
        found: dict[str, SuppressionHit] = {}
        for email, (email_hash, domain_hash) in wanted.items():
            hit = email_hits.get(email_hash) or (domain_hits.get(domain_hash) if domain_hash else None)
            if hit is not None:
                found[email] = hit
        return found

    def erase(self, email: str) -> bool:
        """GDPR erasure of an email entry: forget its clear text and reason, keep its hash so the address
        stays blocked. False when the address has no entry of its own (nothing is added then)."""
        digest = value_hash(normalise_email(email))
        changed = self.db.execute(
            "UPDATE suppression SET value = NULL, reason = ? WHERE kind = 'email' AND value_hash = ?",
            (ERASED_REASON, digest),
        ).rowcount
        if changed:
            # Old page images in the WAL still hold the clear text until a checkpoint drops them (best effort:
            # readers of other processes may keep part of the WAL alive until the next checkpoint).
            if not self.db.connection().in_transaction:
                self.db.query("PRAGMA wal_checkpoint(TRUNCATE)")
            logger.info("suppression list: erased the clear text of one email entry")
        return bool(changed)

    def entries(self, include_erased: bool = True) -> pd.DataFrame:
        """Every entry (kind, value_hash, value, reason, source, created_at), oldest first."""
        where = "" if include_erased else "WHERE value IS NOT NULL"
        columns = ["kind", "value_hash", "value", "reason", "source", "created_at"]
        rows = self.db.query(f"SELECT {', '.join(columns)} FROM suppression {where} ORDER BY created_at, id")
        frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
        return frame

    def __len__(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM suppression")[0][0])

    def _row(self, row: Mapping[str, Any], now: datetime) -> tuple[str, str, str, str, str, str]:
        kind: Kind = row["kind"]
        clean = normalise(kind, row["value"])
        if not clean or (kind == "email" and _email_domain(clean) is None):
            raise ValueError(f"not a suppressible {kind}: {row['value']!r}")
        at = row.get("at") or now
        return (kind, value_hash(clean), clean, str(row["reason"]), str(row["source"]), to_utc_iso(at))

    def _hits(self, kind: Kind, hashes: set[str]) -> dict[str, SuppressionHit]:
        ordered = sorted(hashes)
        hits: dict[str, SuppressionHit] = {}
        for start in range(0, len(ordered), CHUNK_SIZE):
            chunk = ordered[start : start + CHUNK_SIZE]
            rows = self.db.query(
                "SELECT value_hash, reason, source, created_at FROM suppression "
                f"WHERE kind = ? AND value_hash IN ({', '.join('?' * len(chunk))})",
                [kind, *chunk],
            )
            for row in rows:
                hits[row["value_hash"]] = SuppressionHit(
                    kind=kind,
                    reason=row["reason"],
                    source=row["source"],
                    created_at=from_utc_iso(row["created_at"]),
                )
        return hits
