"""The sandbox as an ASGI (Starlette) application: what the socket server (`server.py`) runs.

What belongs here: the routing of the socket server, one `Mount` per vendor prefix of `MOUNTS`
(`/hubspot` -> HubSpot, `/lemlist/api` -> lemlist's `/api`, `/explorium/v1`, `/anthropic`), plus
`GET /_sandbox/usage` and `GET /_sandbox/health` for people and benchmarks; the translation of an ASGI
request into a `SimRequest` and of the simulator's answer back; and the two faults a socket shows in its
own way: a hang (the answer comes late, if the client still waits) and a lost answer (the connection closes
without a status line). The simulators are synchronous and run in worker threads, so the server answers
requests in parallel. Vendor behaviour belongs in the vendor modules; in-process clients use
`transport.py`, which calls the same `Sandbox.handle`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from resources.sandbox.app import CaseInsensitiveDict, SimRequest, SimResponse
from resources.sandbox.sandbox import MOUNTS, Sandbox, resolve_mount

#: The scope extension under which the server (`server.py`) hands the app a way to drop the connection
#: without answering. ASGI has no message for "close without a response": a server sends a 500 when an
#: app returns without starting one.
DROP_CONNECTION = "sandbox.drop_connection"
#: The methods the `/_sandbox/` pages answer.
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
#: Simulator calls at once: worker threads of the server (anyio's default is 40, shared with everything).
WORKER_THREADS = 16


def _json(status: int, data: object) -> SimResponse:
    return SimResponse(status, json.dumps(data).encode(), {"content-type": "application/json"})


async def _send(send: Send, response: SimResponse) -> None:
    headers = [
        (k.lower().encode("latin-1"), str(v).encode("latin-1"))
        for k, v in response.headers.items()
        if k.lower() not in ("content-length", "connection")
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether the client went away while it was being read."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks), False


async def _wait_or_disconnect(receive: Receive, seconds: float) -> bool:
    """Sleep `seconds` unless the client disconnects first (a client gives up at its read timeout; the
    server need not sit out the whole hang for it). True when the client is still there."""
    gone = False
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            nonlocal gone
            while (await receive())["type"] != "http.disconnect":
                pass
            gone = True
            group.cancel_scope.cancel()

        group.start_soon(watch)
        await anyio.sleep(seconds)
        group.cancel_scope.cancel()
    return not gone


class VendorApp:
    """The ASGI app mounted at one vendor's prefix: every request goes to `Sandbox.handle`."""

    def __init__(self, sandbox: Sandbox, vendor: str, limiter: anyio.CapacityLimiter) -> None:
        self.sandbox = sandbox
        self.vendor = vendor
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        # Rate limits count the request from here, not from when a worker thread got to it.
        arrived = time.time()
        body, gone = await _read_body(receive)
        if gone:
            return
        # The raw (still percent-encoded) path, as the stdlib server passed it: handlers unquote what they
        # take from it (an email address in a path, say) themselves.
        raw = scope.get("raw_path") or scope["path"].encode()
        found = resolve_mount(raw.decode("latin-1"))
        path = found[1] if found else (scope["path"][len(scope.get("root_path", "")) :] or "/")
        request = SimRequest(
            method=scope["method"],
            path=path,
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=CaseInsensitiveDict(
                {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            ),
            body=body,
        )

        def handle() -> SimResponse:
            with self.sandbox.store.arrived(arrived):
                return self.sandbox.handle(self.vendor, request)

        response = await anyio.to_thread.run_sync(handle, limiter=self.limiter)
        if response.hang_seconds is not None and not await _wait_or_disconnect(
            receive, response.hang_seconds
        ):
            return
        if response.lost:
            # Processed, never answered: the connection closes without a status line, as when a server dies
            # or a proxy drops the answer after the write went through. The server's hook closes the
            # transport; waiting for the disconnect it causes tells the server the client is gone, so it
            # sends nothing (no 500) for this request.
            drop: Callable[[], None] | None = scope.get("extensions", {}).get(DROP_CONNECTION)
            if drop is None:
                raise RuntimeError("this server cannot drop a connection; serve the app with SandboxServer")
            drop()
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        await _send(send, response)


def build_app(sandbox: Sandbox) -> Starlette:
    """The Starlette app serving `sandbox`: the vendor mounts and the `/_sandbox/` pages."""
    limiter = anyio.CapacityLimiter(WORKER_THREADS)

    async def meta(request: Request) -> Response:
        store = sandbox.store
        data: Any
        if request.url.path == "/_sandbox/usage":
            data = [asdict(u) for u in await anyio.to_thread.run_sync(store.usage, limiter=limiter)]
        else:
            # Any other `/_sandbox/` path answers as health does.
            data = {"ok": True, "seed": store.seed, "size": store.size, "now": store.now().isoformat()}
        return Response(json.dumps(data).encode(), media_type="application/json")

    async def unknown(scope: Scope, receive: Receive, send: Send) -> None:
        message = "unknown mount; use /hubspot, /lemlist/api, /explorium/v1 or /anthropic"
        await _send(send, _json(404, {"message": message}))

    routes: list[BaseRoute] = [Route("/_sandbox/{rest:path}", meta, methods=METHODS)]
    for prefix, vendor in MOUNTS.items():
        vendor_app = VendorApp(sandbox, vendor, limiter)
        # A Mount matches below its prefix only; the bare prefix is the vendor's `/`.
        routes += [Route(prefix, vendor_app), Mount(prefix, app=vendor_app)]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False
    app.router.default = unknown
    return app
