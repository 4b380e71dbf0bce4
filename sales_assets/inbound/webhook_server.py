"""The uvicorn server of the webhook intake, with the limits that keep anyone from stalling it.

What belongs here: the server's configuration (asyncio, h11, no proxy headers, keep-alive, concurrency and
request-head limits) and the h11 protocol that gives every request head a deadline, which uvicorn lacks.
The app it serves is `webhook.py`'s.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from starlette.types import ASGIApp

if TYPE_CHECKING:
    import uvicorn

logger = logging.getLogger(__name__)

#: Seconds a connection has to send a complete request head (from connecting, or from the last answer).
HEADER_TIMEOUT_SECONDS = 10.0
#: Seconds an idle keep-alive connection stays open after an answer.
KEEP_ALIVE_SECONDS = 5
#: Open connections plus requests in progress before uvicorn answers 503 (HubSpot retries those).
LIMIT_CONCURRENCY = 100
#: Largest request head (request line plus headers) h11 buffers before refusing the request.
MAX_HEADER_BYTES = 16 * 1024


def _protocol_class(header_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol plus a deadline for each request head.

    uvicorn arms no timer on a new connection, and its keep-alive timer stops at the first byte of the next
    request, so a socket that sends nothing, or a header line now and then, is kept open for ever and counts
    against `limit_concurrency` until new deliveries get 503. This closes a connection whose request head
    is not complete `header_timeout` seconds after it connected or after its previous answer.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadDeadlineProtocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def _arm_head_deadline(self) -> None:
            self._cancel_head_deadline()
            self._head_timer = self.loop.call_later(header_timeout, self._head_deadline_passed)

        def _cancel_head_deadline(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_deadline_passed(self) -> None:
            self._head_timer = None
            # IDLE: h11 has not seen a complete request head on this connection since the last answer.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                logger.info("closing a connection that sent no complete request in %.1f s", header_timeout)
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_deadline()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._cancel_head_deadline()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._arm_head_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_deadline()
            super().connection_lost(exc)

    return HeadDeadlineProtocol


def build_server(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 8787,
    *,
    header_timeout: float = HEADER_TIMEOUT_SECONDS,
    keep_alive: int = KEEP_ALIVE_SECONDS,
    limit_concurrency: int = LIMIT_CONCURRENCY,
    max_header_bytes: int = MAX_HEADER_BYTES,
) -> uvicorn.Server:
    """A uvicorn server for `app` with the intake's limits (not started: `.run()` it)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        interface="asgi3",
        http=_protocol_class(header_timeout),
        ws="none",
        lifespan="off",
        # Our logging configuration, not uvicorn's own handlers.
        log_config=None,
        # The signed URI is the request's own, or --public-url: no X-Forwarded-* rewriting it.
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=keep_alive,
        limit_concurrency=limit_concurrency,
        h11_max_incomplete_event_size=max_header_bytes,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)
