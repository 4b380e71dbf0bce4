"""`ActionLedger`: what the product has done once per key, so a re-run does not do it again.

What belongs here: the ledger of one-off side effects keyed by what caused them: a HubSpot task per reply
activity (`kind="reply_task"`, key the activity id), a routing task per form submission, a campaign pause
by the safety sensor, a signed webhook event taken in. Each row has a status, a JSON detail (ids the vendor
gave back, the figures behind a decision) and the partition it was done for. The side effects themselves
live in the vendors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from resources.pipeline_store.database import Database, Row, from_utc_iso, to_utc_iso, utc_now

CHUNK = 500
#: How a detail is stored (sorted keys); one encoder for every row rather than one per `json.dumps` call.
_DETAIL = json.JSONEncoder(sort_keys=True, default=str)
COLUMNS = ["kind", "key", "status", "detail", "partition", "at"]


@dataclass(frozen=True)
class Action:
    kind: str
    key: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)
    partition: str | None = None
    at: datetime | None = None


class ActionLedger:
    """Per (kind, key): the last status of a side effect, its detail and when it happened."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record_many(
        self,
        kind: str,
        rows: Mapping[str, tuple[str, Mapping[str, Any]]],
        *,
        partition: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """`{key: (status, detail)}`; a later record of the same kind and key replaces the earlier one."""
        stamp = to_utc_iso(at or utc_now())
        self.db.executemany(
            'INSERT INTO actions (kind, key, status, detail, "partition", at) VALUES (?, ?, ?, ?, ?, ?) '
            "ON CONFLICT (kind, key) DO UPDATE SET status = excluded.status, detail = excluded.detail, "
            '"partition" = excluded."partition", at = excluded.at',
            [
                (kind, key, status, _DETAIL.encode(dict(detail)), partition, stamp)
                for key, (status, detail) in sorted(rows.items())
            ],
        )

    def record(
        self, kind: str, key: str, status: str, detail: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> None:
        self.record_many(kind, {key: (status, detail or {})}, **kwargs)

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Action]:
        wanted = list(dict.fromkeys(keys))
        out: dict[str, Action] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = self.db.query(
                'SELECT kind, key, status, detail, "partition", at FROM actions '
                f"WHERE kind = ? AND key IN ({','.join('?' * len(chunk))})",
                (kind, *chunk),
            )
            for row in rows:
                out[row["key"]] = _action(row)
        return out

    def get(self, kind: str, key: str) -> Action | None:
        return self.get_many(kind, [key]).get(key)

    def entries(self, kind: str | None = None, *, since: datetime | None = None) -> pd.DataFrame:
        """Every row (of one kind, from `since` on), oldest first; `detail` parsed back into dicts."""
        clauses, params = [], []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        if since is not None:
            clauses.append("at >= ?")
            params.append(to_utc_iso(since))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(
            f'SELECT kind, key, status, detail, "partition", at FROM actions{where} ORDER BY at, kind, key',
            tuple(params),
        )
        frame = pd.DataFrame([dict(r) for r in rows], columns=COLUMNS)
        frame["detail"] = frame["detail"].map(json.loads)
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        return frame


def _action(row: Row) -> Action:
    return Action(
        row["kind"],
        row["key"],
        row["status"],
        json.loads(row["detail"]),
        row["partition"],
        from_utc_iso(row["at"]),
    )
