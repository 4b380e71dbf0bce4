"""`Sandbox`: one state file, one synthetic world, and the four vendor simulators over them.

What belongs here: how a URL finds its simulator (by the `/hubspot`, `/lemlist`, `/explorium`,
`/anthropic` mount prefixes, or by a real vendor host), the process-wide cache of open sandboxes, and the
traffic recorder (`recording()`), which hands every exchange a simulator answered to whoever listens: the
contract tests hold each one against the vendor's published OpenAPI document. In-process clients are given
URLs under `IN_PROCESS_ORIGIN` (`in_process_url`), so what they log names the sandbox. Vendor behaviour
belongs in the vendor modules.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from resources.sandbox.app import SimRequest, SimResponse, VendorSimulator, json_response
from resources.sandbox.store import SandboxStore, default_state_path
from resources.sandbox.world import World, generate_world

#: vendor -> (module, class) of its simulator.
SIMULATORS: dict[str, tuple[str, str]] = {
    "explorium": ("resources.sandbox.explorium", "ExploriumSimulator"),
    "hubspot": ("resources.sandbox.hubspot", "HubSpotSimulator"),
    "lemlist": ("resources.sandbox.lemlist", "LemlistSimulator"),
    "anthropic": ("resources.sandbox.claude", "AnthropicSimulator"),
}

#: The real API hosts. In-process clients are rebased onto `IN_PROCESS_ORIGIN`, but a request built from
#: a real URL (a test's own httpx client, say) still finds its simulator.
HOSTS: dict[str, str] = {
    "api.explorium.ai": "explorium",
    "api.hubapi.com": "hubspot",
    # HubSpot's public form-submission endpoint lives on its own host.
    "api.hsforms.com": "hubspot",
    "api.lemlist.com": "lemlist",
    "api.anthropic.com": "anthropic",
}

#: Mount prefixes of the socket server: `/lemlist/api/campaigns` reaches lemlist's `/api/campaigns`.
MOUNTS: dict[str, str] = {
    "/explorium": "explorium",
    "/hubspot": "hubspot",
    "/lemlist": "lemlist",
    "/anthropic": "anthropic",
}

#: Where in-process requests say they go. `.invalid` is reserved (RFC 6761) and never resolves: a client
#: that lost its sandbox transport fails at once instead of reaching a real host.
IN_PROCESS_ORIGIN = "http://sandbox.invalid"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request a simulator answered and its answer, as they crossed the (simulated) wire.

    `path` is the vendor's own path (`/api/campaigns` for lemlist, `/v1/businesses` for Explorium), so an
    exchange can be matched against the vendor's OpenAPI document whatever base URL the client used.
    `delivered` is False when the simulator hung (a timeout fault): the client never saw the answer.
    """

    vendor: str
    method: str
    path: str
    query_string: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    delivered: bool = True


_observers_lock = threading.Lock()
_observers: list[Callable[[Exchange], None]] = []


@contextmanager
def recording() -> Iterator[list[Exchange]]:
    """Collect every exchange any sandbox of this process answers while the block runs (thread-safe)."""
    log: list[Exchange] = []
    lock = threading.Lock()

    def observe(exchange: Exchange) -> None:
        with lock:
            log.append(exchange)

    with _observers_lock:
        _observers.append(observe)
    try:
        yield log
    finally:
        with _observers_lock:
            _observers.remove(observe)


def _notify(vendor: str, req: SimRequest, response: SimResponse) -> None:
    with _observers_lock:
        observers = list(_observers)
    if not observers:
        return
    exchange = Exchange(
        vendor=vendor,
        method=req.method.upper(),
        path=req.path,
        query_string=req.query_string,
        request_headers=dict(req.headers),
        request_body=req.body,
        status=response.status,
        response_headers={k.lower(): v for k, v in response.headers.items()},
        response_body=response.body,
        delivered=response.hang_seconds is None,
    )
    for observe in observers:
        observe(exchange)


class Sandbox:
    """The four simulators over one state file."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.world: World = generate_world(store.seed, store.size)
        self._simulators: dict[str, VendorSimulator] = {}
        self._lock = threading.Lock()

    @classmethod
    def at(
        cls, path: str | os.PathLike[str] | None = None, *, seed: int | None = None, size: int | None = None
    ) -> Sandbox:
        """The process-wide sandbox for a state file (opened once per process and path)."""
        resolved = Path(path) if path is not None else default_state_path()
        key = str(resolved.resolve())
        with _open_lock:
            sandbox = _open.get(key)
            if sandbox is None:
                sandbox = cls(SandboxStore(resolved, seed=seed, size=size))
                _open[key] = sandbox
            return sandbox

    def simulator(self, vendor: str) -> VendorSimulator:
        with self._lock:
            sim = self._simulators.get(vendor)
            if sim is None:
                module, name = SIMULATORS[vendor]
                sim = getattr(importlib.import_module(module), name)(self)
                self._simulators[vendor] = sim
            return sim

    def resolve(self, url: str) -> tuple[str, str] | None:
        """(vendor, vendor path) for a URL: by real host, else by mount prefix."""
        parts = urlsplit(url)
        vendor = HOSTS.get(parts.hostname or "")
        if vendor:
            return vendor, parts.path or "/"
        return resolve_mount(parts.path)

    def handle(self, vendor: str, req: SimRequest) -> SimResponse:
        response = self.simulator(vendor).handle(req)
        _notify(vendor, req, response)
        return response

    def handle_url(self, url: str, req: SimRequest) -> SimResponse:
        found = self.resolve(url)
        if found is None:
            return json_response({"message": f"the sandbox serves no vendor at {url}"}, 404)
        vendor, path = found
        req.path = path
        return self.handle(vendor, req)


def in_process_url(url: str) -> str:
    """The URL an in-process client should use for `url`: the vendor's mount under `IN_PROCESS_ORIGIN`
    (`https://api.explorium.ai/v1` -> `http://sandbox.invalid/explorium/v1`). httpx logs every request
    with its URL, so a sandbox request then says "sandbox" rather than naming a vendor host it never
    reached. URLs the sandbox does not serve are returned unchanged."""
    parts = urlsplit(url)
    vendor = HOSTS.get(parts.hostname or "")
    if vendor is not None:
        path = parts.path
    else:
        found = resolve_mount(parts.path)
        if found is None:
            return url
        vendor, path = found
    mount = next(prefix for prefix, name in MOUNTS.items() if name == vendor)
    return f"{IN_PROCESS_ORIGIN}{mount}{path}".rstrip("/")


def resolve_mount(path: str) -> tuple[str, str] | None:
    for prefix, vendor in MOUNTS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return vendor, path[len(prefix) :] or "/"
    return None


_open_lock = threading.Lock()
_open: dict[str, Sandbox] = {}
