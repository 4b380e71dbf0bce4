"""Durable state of the sandbox: one SQLite file shared by every process that opens it.

What belongs here: the storage of simulated vendor objects (HubSpot contacts, lemlist leads, message
batches, ...), the sandbox clock, the usage ledger (calls, credits, tokens per vendor and endpoint), the
fault switches, and the request log that server-side rate limits count. Nothing vendor-specific: the
simulators decide what a record means; this module only keeps it.

Dagster runs each step in its own process, and the sandbox server may run beside them, so state lives in
SQLite (WAL mode, short IMMEDIATE transactions), never in module globals.

The package: `database.py` (file, connections, clock), `records.py`, `ledger.py` (usage and billing) and
`faults.py` (fault switches and rate-limit windows), joined in `SandboxStore`.
"""

from __future__ import annotations

from resources.sandbox.store.database import StoreBase, default_state_path
from resources.sandbox.store.faults import Faults, FaultStore
from resources.sandbox.store.ledger import LedgerStore, Usage
from resources.sandbox.store.records import RecordStore

__all__ = ["Faults", "SandboxStore", "Usage", "default_state_path"]


class SandboxStore(RecordStore, LedgerStore, FaultStore, StoreBase):
    """One sandbox state file. Safe to share between threads; each thread gets its own connection."""

    def reset(self) -> None:
        """Forget every simulated object, usage row, fault and hit; keep seed, size and epoch."""
        with self.transaction() as db:
            for table in ("records", "sequences", "usage", "billing", "faults", "hits"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE name LIKE 'once:%'")
