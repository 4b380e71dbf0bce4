"""The sandbox core: durable state across processes, the clock, faults, server-side windows, routing."""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import timedelta
from pathlib import Path

import httpx

from resources.sandbox import Sandbox, SandboxStore
from resources.sandbox.sandbox import resolve_mount
from resources.sandbox.server import SandboxServer


def _write_from_child(path: str) -> None:
    store = SandboxStore(path)
    store.put("test.things", "t1", {"name": "from child"}, key="k1")
    store.record_call("hubspot", "POST /x", credits=2.5)


def test_state_is_shared_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = SandboxStore(path)
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_write_from_child, args=(str(path),))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert store.get("test.things", "t1") == {"name": "from child"}
    assert store.find_one("test.things", "k1") == {"name": "from child"}
    assert store.totals("hubspot").credits == 2.5
    # Seed, size and epoch are fixed at creation and read back by later openers.
    again = SandboxStore(path)
    assert (again.seed, again.size, again.epoch) == (store.seed, store.size, store.epoch)


def test_clock_advances_for_every_opener(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    a, b = SandboxStore(path), SandboxStore(path)
    before = b.now()
    a.advance(hours=5)
    assert b.now() - before >= timedelta(hours=5)


def test_fault_counters_are_consumed_one_request_at_a_time(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path / "state.sqlite")
    store.set_faults("lemlist", server_error_next=2, latency_ms=5)
    assert store.consume_fault("lemlist", "server_error_next")
    assert store.consume_fault("lemlist", "server_error_next")
    assert not store.consume_fault("lemlist", "server_error_next")
    assert store.faults("lemlist").latency_ms == 5
    store.clear_faults()
    assert not store.faults("lemlist").active


def test_server_side_window_refuses_past_the_limit_and_frees_up(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path / "state.sqlite")
    results = [store.hit("b", 3, 0.3) for _ in range(4)]
    assert [r[0] for r in results] == [True, True, True, False]
    assert [r[1] for r in results[:3]] == [2, 1, 0]
    assert 0 < results[3][2] <= 0.3
    time.sleep(0.32)
    assert store.hit("b", 3, 0.3)[0]


def test_mounts_map_server_paths_to_vendor_paths() -> None:
    assert resolve_mount("/hubspot/crm/v3/objects/contacts") == ("hubspot", "/crm/v3/objects/contacts")
    assert resolve_mount("/lemlist/api/campaigns") == ("lemlist", "/api/campaigns")
    assert resolve_mount("/explorium/v1/businesses") == ("explorium", "/v1/businesses")
    assert resolve_mount("/anthropic/v1/messages") == ("anthropic", "/v1/messages")
    assert resolve_mount("/hubspotx/a") is None


def test_server_reports_health_and_refuses_unknown_mounts(sandbox: Sandbox) -> None:
    with SandboxServer(sandbox) as server:
        health = httpx.get(f"{server.url}/_sandbox/health").json()
        assert health["ok"] and health["seed"] == sandbox.store.seed
        missing = httpx.get(f"{server.url}/nowhere")
        assert missing.status_code == 404 and "mount" in json.loads(missing.text)["message"]
