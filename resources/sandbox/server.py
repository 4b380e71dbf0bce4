"""The sandbox as a local HTTP server, for anything that wants a socket (official SDKs, curl, a browser).

What belongs here: the stdlib threading HTTP server and the mount prefixes it serves:
`/hubspot` (HubSpot), `/lemlist/api` (lemlist), `/explorium/v1` (Explorium), `/anthropic` (Anthropic),
plus `GET /_sandbox/usage` and `GET /_sandbox/health` for people and benchmarks.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast
from urllib.parse import urlsplit

from resources.sandbox.app import CaseInsensitiveDict, SimRequest
from resources.sandbox.sandbox import Sandbox, resolve_mount

logger = logging.getLogger(__name__)


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sales-sandbox/1"

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("%s " + format, self.address_string(), *args)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.path.startswith("/_sandbox/"):
                self._send(200, *self._meta(parts.path))
                return
            found = resolve_mount(parts.path)
            if found is None:
                payload = {
                    "message": "unknown mount; use /hubspot, /lemlist/api, /explorium/v1 or /anthropic"
                }
                self._send(404, json.dumps(payload).encode(), {"content-type": "application/json"})
                return
            vendor, path = found
            sim = SimRequest(
                method=self.command,
                path=path,
                query_string=parts.query,
                headers=CaseInsensitiveDict(dict(self.headers.items())),
                body=body,
            )
            response = sandbox.handle(vendor, sim)
            if response.hang_seconds is not None:
                time.sleep(response.hang_seconds)
            if response.lost:
                # Processed, never answered: the connection closes without a status line, as when a
                # server dies or a proxy drops the answer after the write went through.
                self.close_connection = True
                return
            self._send(response.status, response.body, response.headers)

        def _meta(self, path: str) -> tuple[bytes, dict[str, str]]:
            if path == "/_sandbox/usage":
                data: object = [asdict(u) for u in sandbox.store.usage()]
            else:
                data = {
                    "ok": True,
                    "seed": sandbox.store.seed,
                    "size": sandbox.store.size,
                    "now": sandbox.store.now().isoformat(),
                }
            return json.dumps(data).encode(), {"content-type": "application/json"}

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for k, v in headers.items():
                if k.lower() not in ("content-length", "connection"):
                    self.send_header(k, v)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    return Handler


class SandboxServer:
    """A running sandbox server; use as a context manager or call `close()`."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(sandbox))
        self.httpd.daemon_threads = True
        # An AF_INET server's address is (host, port); typeshed also allows bytes hosts of other families.
        self.host, self.port = cast(tuple[str, int], self.httpd.server_address[:2])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sandbox-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
