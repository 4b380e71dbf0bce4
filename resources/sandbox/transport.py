"""In-process transports: the real httpx (and the Anthropic SDK's httpx2) clients talking to the sandbox.

What belongs here: turning a client's request into a `SimRequest`, the simulator's answer into the client
library's response, and a hang (the timeout fault) into the library's own `ReadTimeout`, so client code
cannot tell the sandbox from the network; and `base_url_for`, the URL a client on this transport should
use (one naming the sandbox, see `resources.http.effective_base_url`). No vendor logic.

The transports call `Sandbox.handle_url`, the handler the socket server's ASGI app (`asgi.py`) also ends in,
rather than the ASGI app itself: measured on a GET of HubSpot owners, a request costs 3.9 ms called directly,
4.0 ms through the app over a long-lived anyio blocking portal and 9.2 ms through Starlette's TestClient (a
portal per request). The long-lived portal would need an event-loop thread per sandbox and would have to
re-create here what a socket gives for free (the client's own read timeout on a hang, a lost answer), so the
ASGI hop is kept for sockets only.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import httpx2

from resources.sandbox.app import CaseInsensitiveDict, SimRequest, SimResponse
from resources.sandbox.sandbox import Sandbox, in_process_url


def _sim_request(method: str, url: Any, headers: Any, body: bytes, extensions: dict[str, Any]) -> SimRequest:
    timeout = (extensions or {}).get("timeout") or {}
    query = url.query
    return SimRequest(
        method=method,
        path=url.path,
        query_string=query.decode() if isinstance(query, bytes) else str(query),
        headers=CaseInsensitiveDict(dict(headers.items())),
        body=body,
        read_timeout=timeout.get("read"),
    )


def _hang(response: SimResponse, read_timeout: float | None) -> None:
    """Wait out a hanging response the way a socket would: until the client's read timeout."""
    wait = response.hang_seconds or 0.0
    if read_timeout is not None:
        wait = min(wait, read_timeout)
    time.sleep(wait)


class SandboxTransport(httpx.BaseTransport):
    """`httpx.Client(transport=SandboxTransport(sandbox))` sends every request to the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def base_url_for(self, base_url: str) -> str:
        """The vendor's base URL under the sandbox's own origin (what requests on this transport reach)."""
        return in_process_url(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sim = _sim_request(request.method, request.url, request.headers, request.read(), request.extensions)
        response = self.sandbox.handle_url(str(request.url), sim)
        if response.hang_seconds is not None:
            _hang(response, sim.read_timeout)
            raise httpx.ReadTimeout("sandbox: the server did not answer in time", request=request)
        return httpx.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )


class SandboxTransport2(httpx2.BaseTransport):
    """The same for httpx2, the HTTP library of the `anthropic` SDK 2.x."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def base_url_for(self, base_url: str) -> str:
        """The vendor's base URL under the sandbox's own origin (what requests on this transport reach)."""
        return in_process_url(base_url)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        sim = _sim_request(request.method, request.url, request.headers, request.read(), request.extensions)
        response = self.sandbox.handle_url(str(request.url), sim)
        if response.hang_seconds is not None:
            _hang(response, sim.read_timeout)
            raise httpx2.ReadTimeout("sandbox: the server did not answer in time", request=request)
        return httpx2.Response(
            response.status, headers=response.headers, content=response.body, request=request
        )
