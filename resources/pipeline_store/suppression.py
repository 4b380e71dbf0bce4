"""The suppression list: email addresses and whole domains the pipeline must never contact.

What belongs here: adding entries (unsubscribes, bounces, complaints, manual blocks, erasure requests),
normalising what is added and looked up, checking addresses against the list, and GDPR erasure. Where an
entry came from (a lemlist unsubscribe, a HubSpot property) is the caller's business, kept in `source`.

Entries are matched by the sha256 of the normalised value, never by the clear text, so an erased entry
(clear text set to NULL, the hash kept as a tombstone) goes on blocking the address it came from.

The normalised value (`suppression_key`) is what makes two spellings of one address one entry, on the way in
and on every look-up: Unicode NFKC, invisible characters (zero-width space, joiners, word joiner, BOM, soft
hyphen) removed, Unicode spaces stripped from both ends, case-folded, and the domain (of a domain entry or of
an address) in its IDNA ASCII form, so `bücher.example` and `xn--bcher-kva.example` are the same entry.
Entries written before this normalisation (stripped and lowercased only, Unicode domains kept as they were)
are still found: a look-up also tries the hashes of those older spellings, because an erased entry cannot
be re-hashed and must go on blocking.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, Literal

import idna
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
_TOMBSTONE = (
    "INSERT INTO suppression (kind, value_hash, value, reason, source, created_at) "
    "VALUES (?, ?, NULL, ?, ?, ?) "
    # An erasure carried over from another store erases the clear text of the entry here too.
    "ON CONFLICT (kind, value_hash) DO UPDATE SET value = NULL, reason = excluded.reason"
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class SuppressionHit:
    """Why an address is suppressed: the entry that matched (its own, or its domain's)."""

    kind: Kind
    reason: str
    source: str
    created_at: datetime


#: Characters that show as nothing but make two spellings of an address differ (a copy from a web page or a
#: spreadsheet brings them along): zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE_CHARACTERS)


def clean_text(value: str) -> str:
    """`value` in Unicode NFKC, invisible characters removed, and spaces (no-break and every other Unicode
    space) stripped from both ends. Spaces inside are kept: an address with one is wrong, not ours to mend."""
    return unicodedata.normalize("NFKC", value.translate(_DROP_INVISIBLE)).strip()


def normalise_email(value: str) -> str:
    """An address as the product keeps and sends it: `clean_text`, lowercased. (The suppression list matches
    on the stricter `suppression_key`, which also case-folds and IDNA-encodes the domain.)"""
    return clean_text(value).lower()


def _idna(domain: str) -> str:
    """The IDNA ASCII form of a domain (UTS 46 mapping, so case and full-width dots fold too). A domain IDNA
    refuses (an underscore, an empty label) keeps its Unicode form, case-folded: look-ups never fail, and
    adding such a value is refused by the caller's own validation."""
    if domain.isascii():
        # Punycode labels are ASCII already, and lowercase is their canonical spelling.
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return domain.casefold()


def normalise_domain(value: str) -> str:
    """A bare domain from a domain, a URL or an address: `clean_text`, without scheme, path, port, user
    part, trailing dot or leading `www.`, in IDNA ASCII form (`bücher.example` -> `xn--bcher-kva.example`)."""
    return _idna(_bare_domain(clean_text(value)))


def _bare_domain(text: str) -> str:
    text = text.lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].rstrip(".")
    return text.removeprefix("www.")


def email_key(value: str) -> str:
    """The suppression key of an address: `clean_text`, the local part case-folded (so `ß` and `ss`, `K` and
    the Kelvin sign match: over-blocking is the safe side), the domain in IDNA ASCII form. The domain is
    not case-folded before IDNA, which would turn `straße.de` into another registrable domain."""
    local, at, domain = clean_text(value).rpartition("@")
    if not at:
        return domain.casefold()
    return f"{local.casefold()}@{_idna(domain)}"


def suppression_key(kind: Kind, value: str) -> str:
    """The normalised value an entry is stored, hashed and looked up by."""
    if kind == "email":
        return email_key(value)
    if kind == "domain":
        return normalise_domain(value)
    raise ValueError(f"suppression kind must be 'email' or 'domain', not {kind!r}")


def value_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _email_domain(email: str) -> str | None:
    local, at, domain = email.rpartition("@")
    return normalise_domain(domain) if at and local and domain else None


def address_spellings(email: str) -> list[str]:
    """`normalise_email(email)` and the same address with its domain in the other form (IDNA ASCII or
    Unicode): the spellings other tables may hold one internationalised address under."""
    address = normalise_email(email)
    local, at, domain = address.rpartition("@")
    if not at:
        return [address]
    forms = {address, f"{local}@{_idna(domain)}", f"{local}@{_unicode_domain(_idna(domain))}"}
    return [address, *sorted(forms - {address})]


def _unicode_domain(domain: str) -> str:
    try:
        return idna.decode(domain) if "xn--" in domain else domain
    except (idna.IDNAError, UnicodeError):
        return domain


def _legacy_keys(kind: Kind, value: str, key: str) -> set[str]:
    """Spellings an entry of `value` may have been stored under before `suppression_key` (stripped and
    lowercased, the domain as it was typed): from `value` itself, and from the key with its domain in
    Unicode and in ASCII form, so an old `bücher.example` entry blocks `xn--bcher-kva.example` too."""
    if kind == "domain":
        return {_bare_domain(value.strip()), _unicode_domain(key), key}
    local, _, domain = key.rpartition("@")
    return {value.strip().lower(), f"{local}@{_unicode_domain(domain)}", key}


def key_hashes(kind: Kind, value: str) -> list[str]:
    """The hash of `value`'s key first, then those of its older spellings (see `_legacy_keys`)."""
    key = suppression_key(kind, value)
    first = value_hash(key)
    others = {value_hash(k) for k in _legacy_keys(kind, value, key) if k} - {first}
    return [first, *sorted(others)]


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
        params: list[list[Any]] = []
        older: dict[int, tuple[Kind, list[str]]] = {}
        for row in rows:
            params.append(self._row(row, now))
            hashes = key_hashes(row["kind"], row["value"])
            if len(hashes) > 1:
                older[len(params) - 1] = (row["kind"], hashes[1:])
        if not params:
            return
        with self.db.transaction():
            # An entry erased under an older spelling of the same value stays erased: its new row is written
            # as a tombstone too, never with the clear text the erasure took away.
            for kind in KINDS:
                erased = self._erased({h for k, hs in older.values() if k == kind for h in hs}, kind)
                for index, (k, hashes) in older.items():
                    if k == kind and erased.intersection(hashes):
                        params[index][2], params[index][3] = None, ERASED_REASON
            self.db.executemany(_UPSERT, sorted(params, key=itemgetter(0, 1)))

    def add_tombstones(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Erased entries carried over by hash alone (an export of another store): each row has kind,
        value_hash, source and optional at. An entry here with that hash loses its clear text."""
        now = utc_now()
        params = []
        for row in rows:
            kind, digest = row["kind"], str(row["value_hash"])
            if kind not in KINDS or not _HEX64.match(digest):
                raise ValueError(f"not a suppression tombstone: {kind!r} {digest!r}")
            params.append((kind, digest, ERASED_REASON, str(row["source"]), to_utc_iso(row.get("at") or now)))
        if params:
            self.db.executemany(_TOMBSTONE, sorted(params))

    def lookup(self, emails: Iterable[str]) -> dict[str, SuppressionHit]:
        """The suppressed addresses among `emails`, each (as given) mapped to the entry that blocks it. An
        address's own entry wins over its domain's. Every address is matched by `suppression_key`, and by
        the older spellings entries may have been stored under."""
        wanted: dict[str, tuple[list[str], list[str]]] = {}
        for email in emails:
            local, at, domain = clean_text(email).rpartition("@")
            domain_hashes = key_hashes("domain", domain) if at and local and domain else []
            wanted[email] = (key_hashes("email", email), domain_hashes)
        email_hits = self._hits("email", {h for hs, _ in wanted.values() for h in hs})
        domain_hits = self._hits("domain", {h for _, hs in wanted.values() for h in hs})
        found: dict[str, SuppressionHit] = {}
        for email, (email_hashes, domain_hashes) in wanted.items():
            hit = next((email_hits[h] for h in email_hashes if h in email_hits), None) or next(
                (domain_hits[h] for h in domain_hashes if h in domain_hits), None
            )
            if hit is not None:
                found[email] = hit
        return found

    def lookup_domains(self, domains: Iterable[str]) -> dict[str, SuppressionHit]:
        """The suppressed domains among `domains` (a whole company, not one of its addresses), each (as
        given) mapped to its entry; matched by `suppression_key` and the older spellings, as `lookup` does."""
        wanted = {domain: key_hashes("domain", domain) for domain in domains if clean_text(domain)}
        hits = self._hits("domain", {h for hashes in wanted.values() for h in hashes})
        found: dict[str, SuppressionHit] = {}
        for domain, hashes in wanted.items():
            hit = next((hits[h] for h in hashes if h in hits), None)
            if hit is not None:
                found[domain] = hit
        return found

    def erase(self, email: str) -> bool:
        """GDPR erasure of an email entry: forget its clear text and reason, keep its hash so the address
        stays blocked. False when the address has no entry of its own (nothing is added then)."""
        hashes = key_hashes("email", email)
        changed = self.db.execute(
            "UPDATE suppression SET value = NULL, reason = ? "
            f"WHERE kind = 'email' AND value_hash IN ({', '.join('?' * len(hashes))})",
            (ERASED_REASON, *hashes),
        ).rowcount
        if changed:
            # Old row images still hold the clear text until they are reclaimed (`Database.reclaim`).
            self.db.reclaim("suppression")
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

    def _row(self, row: Mapping[str, Any], now: datetime) -> list[Any]:
        kind: Kind = row["kind"]
        clean = suppression_key(kind, row["value"])
        if not clean or (kind == "email" and _email_domain(clean) is None):
            raise ValueError(f"not a suppressible {kind}: {row['value']!r}")
        at = row.get("at") or now
        return [kind, value_hash(clean), clean, str(row["reason"]), str(row["source"]), to_utc_iso(at)]

    def _erased(self, hashes: set[str], kind: Kind) -> set[str]:
        ordered = sorted(hashes)
        erased: set[str] = set()
        for start in range(0, len(ordered), CHUNK_SIZE):
            chunk = ordered[start : start + CHUNK_SIZE]
            rows = self.db.query(
                "SELECT value_hash FROM suppression WHERE value IS NULL AND kind = ? "
                f"AND value_hash IN ({', '.join('?' * len(chunk))})",
                [kind, *chunk],
            )
            erased.update(row["value_hash"] for row in rows)
        return erased

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
