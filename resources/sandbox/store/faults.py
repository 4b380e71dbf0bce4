"""Fault switches per vendor (`Faults`), set by tests and the CLI and consumed one request at a time by
the request pipeline, and the server-side rate-limit windows shared by every process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from resources.sandbox.store.database import StoreBase


@dataclass(frozen=True, slots=True)
class Faults:
    """Fault switches for one vendor. Counters (`*_next`) are consumed one request at a time."""

    latency_ms: float = 0.0
    rate_limit_next: int = 0
    rate_limit_retry_after: float = 1.0
    server_error_next: int = 0
    server_error_status: int = 503
    server_error_rate: float = 0.0
    timeout_next: int = 0
    # HubSpot batch endpoints answer 207 with this share of inputs failed (deterministic per input id).
    partial_failure_rate: float = 0.0
    # Chaos faults, applied AFTER a request was processed (a write committed, its call and spend in the
    # usage ledger), to requests whose route answered below 400 and that match the endpoint filter: a glob
    # on the ledger endpoint name (`POST /crm/objects/2026-09/{objectType}/batch/create`) or on
    # `METHOD /concrete/path` (`POST /crm/objects/2026-09/notes/batch/create`); empty matches any request.
    # `lose_response_next`: the answer is lost. In process the client waits `lose_response_seconds` (at
    # most its read timeout), then gets its library's ReadTimeout; the socket server closes the connection
    # without answering.
    lose_response_next: int = 0
    lose_response_endpoint: str = ""
    lose_response_seconds: float = 0.2
    # `kill_after`: a countdown of matching requests; the one that takes it to 0 ends the process serving
    # the simulator with `os._exit(kill_exit_code)` right after its write is committed, as a crash would.
    # Meant for a job run in its own process over a shared state file (in process, the simulator serves in
    # the job's own process; behind the socket server, the server is what exits).
    kill_after: int = 0
    kill_after_endpoint: str = ""
    kill_exit_code: int = 75

    @classmethod
    def from_json(cls, raw: str | None) -> Faults:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_json(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.__dataclass_fields__})

    @property
    def active(self) -> bool:
        return self != Faults()


class FaultStore(StoreBase):
    """Fault switches and the request log that server-side rate limits count."""

    # --- faults -----------------------------------------------------------------------------------

    def faults(self, vendor: str) -> Faults:
        row = self._conn().execute("SELECT data FROM faults WHERE vendor = ?", (vendor,)).fetchone()
        return Faults.from_json(row[0] if row else None)

    def set_faults(self, vendor: str, **switches: Any) -> Faults:
        """Turn fault switches on for a vendor (merged with the ones already set)."""
        with self.transaction() as db:
            current = self.faults(vendor)
            data = {k: getattr(current, k) for k in current.__dataclass_fields__}
            unknown = set(switches) - set(data)
            if unknown:
                raise ValueError(f"unknown fault switches: {sorted(unknown)}")
            data.update(switches)
            faults = Faults(**data)
            db.execute(
                "INSERT INTO faults (vendor, data) VALUES (?, ?) "
                "ON CONFLICT (vendor) DO UPDATE SET data = excluded.data",
                (vendor, faults.to_json()),
            )
            return faults

    def clear_faults(self, vendor: str | None = None) -> None:
        with self.transaction() as db:
            if vendor:
                db.execute("DELETE FROM faults WHERE vendor = ?", (vendor,))
            else:
                db.execute("DELETE FROM faults")

    def consume_fault(self, vendor: str, counter: str) -> bool:
        """Atomically take one from a `*_next` counter; True if there was one to take."""
        return self.count_down(vendor, counter) is not None

    def count_down(self, vendor: str, counter: str) -> int | None:
        """Atomically take one from a counter (`*_next`, `kill_after`): what is left after taking it (0 when
        this was the last), or None when there was nothing to take. The read and the write share one
        IMMEDIATE transaction, so two processes never take the same unit."""
        with self.transaction() as db:
            faults = self.faults(vendor)
            remaining = getattr(faults, counter)
            if remaining <= 0:
                return None
            data = json.loads(faults.to_json())
            data[counter] = remaining - 1
            db.execute("UPDATE faults SET data = ? WHERE vendor = ?", (json.dumps(data), vendor))
            return int(remaining - 1)

    # --- server-side rate limits ------------------------------------------------------------------

    @contextmanager
    def arrived(self, at: float) -> Iterator[None]:
        """Count the rate-limit hits this thread makes inside the block at `at`, when the request arrived
        (the socket server stamps it before the request waits for a worker thread and the write lock)."""
        before = getattr(self._local, "arrived", None)
        self._local.arrived = at
        try:
            yield
        finally:
            self._local.arrived = before

    def hit(self, bucket: str, limit: int, window_seconds: float) -> tuple[bool, int, float]:
        """Count a request against a sliding window shared by every process.

        Returns (allowed, remaining, seconds until the oldest request in the window leaves it).
        A refused request is not counted, as real vendors do not count 429s against the window.

        A request is counted when it arrived (see `arrived`), as the vendor's edge counts it: counted when
        its turn for the write lock came, a request that queued behind others' writes would land in the
        window later than one sent after it that did not, and a client pacing its sends exactly at the
        limit would be refused.
        """
        now = getattr(self._local, "arrived", None) or time.time()
        start = now - window_seconds
        with self.transaction() as db:
            db.execute("DELETE FROM hits WHERE bucket = ? AND ts <= ?", (bucket, start))
            rows = db.execute("SELECT COUNT(*), MIN(ts) FROM hits WHERE bucket = ?", (bucket,)).fetchone()
            used, oldest = int(rows[0]), rows[1]
            if used >= limit:
                reset = (oldest + window_seconds - now) if oldest is not None else window_seconds
                return False, 0, max(reset, 0.001)
            db.execute("INSERT INTO hits (bucket, ts) VALUES (?, ?)", (bucket, now))
            reset = ((oldest if oldest is not None else now) + window_seconds) - now
            return True, limit - used - 1, max(reset, 0.0)
