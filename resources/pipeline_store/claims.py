"""`SpendClaims`: who is buying which item right now, so two runs never pay for the same item.

What belongs here: claiming items (by namespace and key, e.g. an Explorium endpoint and a prospect id) in one
transaction before they are bought, releasing them once bought (the result is then in the cache), and taking
over claims whose owner stopped: a claim of a process of this machine that no longer exists at once, any
other claim once it is older than its time-to-live. The budget and the cache are
`sales_assets/common/spend.py` and `cache.py`; what is bought is the caller's.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from resources.pipeline_store.database import Database, to_utc_iso, utc_now

CHUNK = 500
HOST = socket.gethostname()


def alive(host: str, pid: int) -> bool:
    """Whether the process that made a claim (or opened a paid call) may still be running (unknowable for
    another machine)."""
    if host != HOST:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SpendClaims:
    """The `claims` table of a pipeline store."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(
        self,
        namespace: str,
        items: Sequence[str],
        *,
        owner: str,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> tuple[list[str], list[str]]:
        """Claim `items` for `owner` in one write transaction. Returns (claimed, held by someone else):
        an item is claimed when nobody holds it, when `owner` already does, or when its holder stopped
        without releasing it (its process is gone, or its claim is older than `ttl`)."""
        moment = now or utc_now()
        stamp, stale = to_utc_iso(moment), to_utc_iso(moment - ttl)
        wanted = list(dict.fromkeys(items))
        # One lock order for every run (sorted items), so two runs claiming overlapping sets queue, never
        # deadlock.
        ordered = sorted(wanted)
        me = (owner, HOST, os.getpid(), stamp)
        lock = "" if self.db.is_sqlite else " ORDER BY item FOR UPDATE"
        mine: list[str] = []
        theirs: list[str] = []
        with self.db.transaction() as db:
            # Nobody's items become this owner's by the unique key alone: of two runs inserting one item,
            # the second waits for the first and inserts nothing (no read-then-write window).
            db.executemany(
                "INSERT INTO claims (namespace, item, owner, host, pid, at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (namespace, item) DO NOTHING",
                [(namespace, item, *me) for item in ordered],
            )
            # Every wanted item has a row now; on Postgres each is locked until this transaction ends, so
            # a stopped holder's claim is taken over by one run only.
            held: dict[str, tuple[str, str, int, str]] = {}
            for start in range(0, len(ordered), CHUNK):
                chunk = ordered[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT item, owner, host, pid, at FROM claims WHERE namespace = ? AND item IN ({marks})"
                    f"{lock}"
                )
                rows = db.query(sql, (namespace, *chunk))
                held.update({row[0]: (row[1], row[2], int(row[3]), row[4]) for row in rows})
            for item in wanted:
                holder = held.get(item)
                if (
                    holder is None
                    or holder[0] == owner
                    or holder[3] < stale
                    or not alive(holder[1], holder[2])
                ):
                    mine.append(item)
                else:
                    theirs.append(item)
            taken = [item for item in mine if held.get(item) != (owner, HOST, os.getpid(), stamp)]
            db.executemany(
                "UPDATE claims SET owner = ?, host = ?, pid = ?, at = ? WHERE namespace = ? AND item = ?",
                [(*me, namespace, item) for item in sorted(taken)],
            )
        return mine, theirs

    def release(self, namespace: str, items: Iterable[str], *, owner: str) -> None:
        """Drop `owner`'s claims on `items` (bought and cached, or given up)."""
        self.db.executemany(
            "DELETE FROM claims WHERE namespace = ? AND item = ? AND owner = ?",
            [(namespace, item, owner) for item in sorted(set(items))],
        )

    def live(self, namespace: str, items: Sequence[str], *, ttl: timedelta) -> set[str]:
        """Which of `items` are claimed by a run that may still be buying them."""
        stale = to_utc_iso(utc_now() - ttl)
        wanted = set(items)
        rows = self.db.query("SELECT item, host, pid, at FROM claims WHERE namespace = ?", (namespace,))
        return {row[0] for row in rows if row[0] in wanted and row[3] >= stale and alive(row[1], int(row[2]))}

    def held(self, namespace: str) -> dict[str, str]:
        """item -> owner of every claim in `namespace` (for tests and diagnostics)."""
        rows = self.db.query("SELECT item, owner FROM claims WHERE namespace = ?", (namespace,))
        return {row[0]: row[1] for row in rows}
