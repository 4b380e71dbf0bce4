"""The cache of paid results: what a vendor (or, later, an LLM) answered, kept so it is paid for once.

What belongs here: storing JSON results under a namespace (one per kind of call, e.g.
`explorium.enrich_contacts`) and a key (`cache_key()` of the call's inputs), reading back only entries
fresher than the caller's `max_age`, and purging old ones. Deciding what to cache and for how long belongs
to the caller; recording the credits a hit saved belongs to the spend ledger.

Values are stored as JSON text: pass plain data (`model_dump(mode="json")` for pydantic models), and a
value that does not serialise raises instead of being stored half-right.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from resources.pipeline_store.database import Database, to_utc_iso, utc_now

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(days=30)
# Keys per SELECT: well under SQLite's bound-parameter limit (999 on old builds).
CHUNK_SIZE = 500


def cache_key(obj: Any) -> str:
    """A stable key for `obj`: sha256 of its canonical JSON (sorted keys, no spaces, str() for the rest)."""
    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResultCache:
    """The `cache` table of a pipeline store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get_many(
        self, namespace: str, keys: Iterable[str], *, max_age: timedelta, now: datetime | None = None
    ) -> dict[str, Any]:
        """The fresh entries among `keys` (fetched no longer than `max_age` before `now`); misses and stale
        entries are absent from the answer."""
        cutoff = to_utc_iso((now or utc_now()) - max_age)
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        for start in range(0, len(wanted), CHUNK_SIZE):
            chunk = wanted[start : start + CHUNK_SIZE]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.query(
                f"SELECT key, value FROM cache WHERE namespace = ? AND fetched_at >= ? AND key IN ({marks})",
                [namespace, cutoff, *chunk],
            )
            found.update((row["key"], json.loads(row["value"])) for row in rows)
        return found

    def get(self, namespace: str, key: str, *, max_age: timedelta, now: datetime | None = None) -> Any | None:
        """The fresh entry for `key`, or None (a cached JSON null reads as a miss here; `get_many` tells)."""
        return self.get_many(namespace, [key], max_age=max_age, now=now).get(key)

    def put_many(
        self, namespace: str, values: Mapping[str, Any], *, fetched_at: datetime | None = None
    ) -> None:
        """Store (or replace) every entry of `values`, stamped `fetched_at` (default: now), in one write."""
        stamp = to_utc_iso(fetched_at or utc_now())
        rows = [(namespace, key, json.dumps(value), stamp) for key, value in sorted(values.items())]
        if not rows:
            return
        self.db.executemany(
            "INSERT INTO cache (namespace, key, value, fetched_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET "
            "value = excluded.value, fetched_at = excluded.fetched_at",
            rows,
        )

    def put(self, namespace: str, key: str, value: Any, *, fetched_at: datetime | None = None) -> None:
        self.put_many(namespace, {key: value}, fetched_at=fetched_at)

    def purge(self, *, older_than: timedelta, now: datetime | None = None) -> int:
        """Delete entries fetched more than `older_than` before `now` (in every namespace); returns how
        many went."""
        cutoff = to_utc_iso((now or utc_now()) - older_than)
        deleted = self.db.execute("DELETE FROM cache WHERE fetched_at < ?", (cutoff,)).rowcount
        logger.info("pipeline store cache: purged %d entries fetched before %s", deleted, cutoff)
        return deleted
