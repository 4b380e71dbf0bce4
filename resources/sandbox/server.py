"""The sandbox as a local HTTP server, for anything that wants a socket (official SDKs, curl, a browser).

What belongs here: `SandboxServer`, uvicorn serving the Starlette app of `asgi.py` on a socket bound at
construction (so `url` is known before `start`), in a background thread or in the foreground
(`python -m resources.sandbox serve`); `serve_workers`, the same in several processes; and the uvicorn
protocol hook that lets the app drop a connection without answering (the `lose_response_next` fault).
Routing and mounts belong in `asgi.py`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from typing import Any, cast

import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from resources.sandbox.asgi import DROP_CONNECTION, build_app
from resources.sandbox.sandbox import Sandbox

logger = logging.getLogger(__name__)

#: How long `close()` lets requests in flight finish (a hanging answer is cut short after this).
SHUTDOWN_GRACE_SECONDS = 1


class _DroppingProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, handing each request's app a way to close this connection.

    ASGI can only answer; a server whose app returns without a response sends a 500. The `lost` fault needs
    the other ending of a processed request, a connection that closes without a status line, so each
    request's scope carries `DROP_CONNECTION`: a callable closing this connection's transport. uvicorn reads
    `self.app` per request, so wrapping it once per connection is enough.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        app = self.app

        async def with_drop(scope: Any, receive: Any, send: Any) -> None:
            scope["extensions"] = {**(scope.get("extensions") or {}), DROP_CONNECTION: transport.close}
            await app(scope, receive, send)

        self.app = with_drop


def _config(app: Any, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=_DroppingProtocol,
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        headers=[("server", "sales-sandbox/1")],
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        **options,
    )


def app_from_environment() -> Starlette:
    """The app of one worker process of `serve_workers`: the sandbox of `$SANDBOX_STATE`."""
    return build_app(Sandbox.at())


def serve_workers(sandbox: Sandbox, host: str, port: int, workers: int) -> None:
    """Serve `sandbox` from `workers` processes on one socket (uvicorn's supervisor), until SIGINT/SIGTERM.

    One process answers in parallel only as far as the GIL lets it; HubSpot's work is CPU (validation,
    JSON, SQLite), so a benchmark that wants a server as parallel as the vendor's gives it processes. They
    share the state file as the pipeline's own processes do: records, rate-limit windows and faults live in
    SQLite. A `kill_after` fault ends the worker that served the write (the supervisor starts another), so
    chaos runs keep one worker."""
    # The workers are spawned processes: they find the state file the way the CLI does.
    os.environ["SANDBOX_STATE"] = str(sandbox.store.path)
    config = _config(
        "resources.sandbox.server:app_from_environment", factory=True, workers=workers, host=host, port=port
    )
    Multiprocess(config, sockets=[_bind(host, port)]).run()


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class SandboxServer:
    """A running sandbox server; use as a context manager or call `close()`."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self._socket = _bind(host, port)
        # An AF_INET socket's address is (host, port).
        self.host, self.port = cast(tuple[str, int], self._socket.getsockname()[:2])
        self._server = uvicorn.Server(_config(build_app(sandbox)))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.serve_forever, name="sandbox-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30.0
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._server.started:
            raise RuntimeError("the sandbox server did not start")
        return self

    def serve_forever(self) -> None:
        """Serve until `close()` (or, in the main thread, until SIGINT/SIGTERM)."""
        self._server.run(sockets=[self._socket])

    def close(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
