"""Simulated vendor objects in the store: records by namespace and id, with an optional lookup key,
id sequences and one-off claims. What a record means is the simulators' business.
"""

from __future__ import annotations

import json
from typing import Any

from resources.sandbox.store.database import StoreBase

#: One encoder for every record written (`json.dumps` with options builds a new one per call).
_ENCODER = json.JSONEncoder(default=str)


class RecordStore(StoreBase):
    """Records, sequences and one-off claims."""

    # --- records ----------------------------------------------------------------------------------

    def get(self, ns: str, id: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT data FROM records WHERE ns = ? AND id = ?", (ns, id)).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, ns: str, key: str) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute("SELECT data FROM records WHERE ns = ? AND k = ? ORDER BY created, id", (ns, key))
            .fetchall()
        )
        return [json.loads(r[0]) for r in rows]

    def find_one(self, ns: str, key: str) -> dict[str, Any] | None:
        found = self.find(ns, key)
        return found[0] if found else None

    def exists(self, ns: str, id: str, *, unless: str | None = None) -> bool:
        """Whether a record is stored; with `unless`, only when that top-level field of its data is not true.
        Asked of SQLite: no record is decoded.

        A record `put` wrote whose last member is `"<unless>": false` (HubSpot records end in `"archived":
        false`) ends in exactly that text: an unescaped quote after `, ` starts a key, and the last `}` closes
        the record, so it is answered from the text's end without parsing the JSON (`json_extract` parses
        all of it); any other record is asked of `json_extract`."""
        field_name = unless or "id"
        tail = f', "{field_name}": false}}'
        row = (
            self._conn()
            .execute(
                "SELECT CASE WHEN substr(data, ?) = ? THEN 0 ELSE json_extract(data, ?) END "
                "FROM records WHERE ns = ? AND id = ?",
                (-len(tail), tail, f"$.{field_name}", ns, id),
            )
            .fetchone()
        )
        return row is not None and (unless is None or not row[0])

    def put(self, ns: str, id: str, data: dict[str, Any], *, key: str | None = None) -> None:
        now = self.timestamp()
        sql = (
            "INSERT INTO records (ns, id, k, data, created, updated) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ns, id) DO UPDATE SET k = excluded.k, data = excluded.data, "
            "updated = excluded.updated"
        )
        values = (ns, id, key, _ENCODER.encode(data), now, now)
        conn = self._conn()
        if conn.in_transaction:
            # Most puts run inside a request's transaction: no need for another context manager.
            conn.execute(sql, values)
            return
        with self.transaction() as db:
            db.execute(sql, values)

    def delete(self, ns: str, id: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM records WHERE ns = ? AND id = ?", (ns, id)).rowcount > 0

    def all(self, ns: str) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute("SELECT data FROM records WHERE ns = ? ORDER BY created, id", (ns,))
            .fetchall()
        )
        return [json.loads(r[0]) for r in rows]

    def count(self, ns: str) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM records WHERE ns = ?", (ns,)).fetchone()[0])

    def next_id(self, ns: str, start: int = 1) -> int:
        sql = (
            "INSERT INTO sequences (ns, value) VALUES (?, ?) "
            "ON CONFLICT (ns) DO UPDATE SET value = value + 1 RETURNING value"
        )
        conn = self._conn()
        if not conn.in_transaction:
            with self.transaction() as db:
                return int(db.execute(sql, (ns, start)).fetchone()[0])
        # Inside a transaction (which holds the write lock, so no other writer moves the sequence) the
        # first id comes from SQLite and the next ones are counted here; the transaction writes the last
        # one back before it commits. A batch of 100 creates costs one statement instead of 100.
        counted: dict[str, list[int]] | None = getattr(self._local, "sequences", None)
        if counted is None:
            return int(conn.execute(sql, (ns, start)).fetchone()[0])
        entry = counted.get(ns)
        if entry is None:
            value = int(conn.execute(sql, (ns, start)).fetchone()[0])
            counted[ns] = [value, value]
            return value
        entry[0] += 1
        return entry[0]

    def once(self, name: str) -> bool:
        """True the first time `name` is claimed in this state file (for one-off seeding)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM meta WHERE name = ?", (f"once:{name}",)).fetchone():
                return False
            db.execute("INSERT INTO meta (name, value) VALUES (?, '1')", (f"once:{name}",))
            return True
