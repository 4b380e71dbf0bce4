"""The signed webhook intake: HubSpot pushes form submissions here instead of waiting for the next poll.

    HUBSPOT_CLIENT_SECRET=... python -m sales_assets.inbound.webhook --port 8787 [--public-url URL]
        [--max-body-bytes N] [--body-timeout S] [--header-timeout S] [--keep-alive S]
        [--limit-concurrency N] [--max-header-bytes N]

What belongs here: a small ASGI app (Starlette) served by uvicorn that verifies HubSpot's v3 signature
(`X-HubSpot-Signature-v3`: HMAC-SHA256 of method + URI + body + timestamp, base64; the timestamp must be
within 5 minutes) with `resources.hubspot.signature`, answers 401 to forged or stale requests, and lands
each valid event in the action ledger (kind `form_webhook`, keyed by conversion id, partition = the
submission's UTC day). `form_submissions` reads them from there and `form_leads_sensor` requests the run,
so a delivery is never processed here and never lost when a run fails. Reading a signed body into
events is `webhook_events.py`'s; the uvicorn server and its connection limits are `webhook_server.py`'s.

Nobody can stall it. Everything that can be checked without the body is checked before a body byte is
read, in this order: route and method (404/405), `Content-Type` JSON (415), `Content-Length` present
(411, unless the body is chunked) and under `--max-body-bytes` (413), both signature headers present, the
signature shaped like one and the timestamp inside the 5-minute window (401). Only then is the body read,
counted as it arrives (a chunked body is cut off at the limit, 413) and within `--body-timeout` (408);
then the HMAC is compared in constant time (401), then the JSON parsed (400). Every refusal closes the
connection, so a client that announced a body it never sends holds nothing. The server is asyncio (one
idle socket does not delay anyone else), the ledger write runs in a worker thread, a connection gets
`--header-timeout` seconds to send a complete request head (uvicorn has no such deadline of its own:
without it a socket that sends nothing, or one header byte a second, stays open for ever and counts
against `--limit-concurrency`), idle keep-alive connections close after `--keep-alive` seconds, and
request heads are capped at `--max-header-bytes` (h11).

Accepted body: one event or a JSON array of events, each in the shape of a v1 form submission plus its
form: `{"formId": "...", "conversionId": "...", "submittedAt": <epoch ms>, "values": [{"name", "value"}],
"pageUrl": "..."}`. An event that does not fit is kept too (kind `form_webhook_rejected`, with why), and
the answer lists it; HubSpot retrying a well-signed request could not fix it. A body that is not UTF-8
JSON, is nested deeper than `MAX_JSON_DEPTH`, or is neither an object nor an array gets 400: no event in
it can be read.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from resources.hubspot.signature import MAX_AGE_MS, verify_signature_v3
from resources.pipeline_store import PipelineStoreResource
from sales_assets.inbound.webhook_events import REJECTED_KIND, WEBHOOK_KIND, BadBody, parse_events, utc_day
from sales_assets.inbound.webhook_server import (
    HEADER_TIMEOUT_SECONDS,
    KEEP_ALIVE_SECONDS,
    LIMIT_CONCURRENCY,
    MAX_HEADER_BYTES,
    build_server,
)

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "HUBSPOT_CLIENT_SECRET"
PATH = "/webhooks/hubspot/forms"
#: Bodies larger than this are refused (413): a form event is a few kilobytes, a batch a few dozen.
MAX_BODY_BYTES = 256 * 1024
#: Seconds a client has to send the whole body once its headers passed; past that, 408.
BODY_TIMEOUT_SECONDS = 10.0

_SIGNATURE_BYTES = 32  # HMAC-SHA256
_UNAUTHORIZED = "invalid or expired signature"


class _BodyTooLarge(Exception):
    pass


def _json(
    status: int, data: Any, *, close: bool = False, headers: Mapping[str, str] | None = None
) -> Response:
    # json.dumps escapes non-ASCII, so an answer that echoes an odd conversion id can always be encoded.
    extra = dict(headers or {})
    if close:
        # The request may still have a body on the wire: closing is what stops the client from sending
        # it, and keeps the connection from being held by a body that is never coming.
        extra["Connection"] = "close"
    return Response(
        json.dumps(data).encode(), status_code=status, media_type="application/json", headers=extra
    )


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _signature_shaped(signature: str) -> bool:
    # A v3 signature is base64 of a 32-byte HMAC; anything else is refused without reading the body.
    try:
        return len(base64.b64decode(signature, validate=True)) == _SIGNATURE_BYTES
    except (binascii.Error, ValueError):
        return False


def _fresh(timestamp: str, now_ms: int) -> bool:
    try:
        return abs(now_ms - int(timestamp)) < MAX_AGE_MS
    except ValueError:
        return False


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _json(404, {"error": f"no route {request.url.path}"}, close=True)
    if exc.status_code == 405:
        return _json(405, {"error": "method not allowed"}, close=True, headers=exc.headers)
    return _json(exc.status_code, {"error": exc.detail}, close=True, headers=exc.headers)


class WebhookApp:
    """The ASGI app. `now_ms` is injectable so tests can check the timestamp window."""

    def __init__(
        self,
        secret: str,
        store: PipelineStoreResource,
        *,
        public_url: str | None = None,
        now_ms: Callable[[], int] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        body_timeout: float = BODY_TIMEOUT_SECONDS,
    ) -> None:
        if not secret:
            raise ValueError(f"the webhook intake needs the app's client secret ({SECRET_VARIABLE})")
        self.secret = secret
        self.store = store
        self.public_url = public_url.rstrip("/") if public_url else None
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self._app = Starlette(
            routes=[
                Route("/health", self.health, methods=["GET"]),
                Route(PATH, self.deliver, methods=["POST"]),
            ],
            exception_handlers={HTTPException: _http_error},
        )

    def __repr__(self) -> str:
        # Never the secret.
        return f"WebhookApp(public_url={self.public_url!r}, max_body_bytes={self.max_body_bytes})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    def uri(self, request: Request) -> str:
        """The URL HubSpot called (and signed): the public URL behind a proxy, else this request's.

        Built from the request line as it came (raw path, query) and the Host header, not re-encoded.
        """
        scope = request.scope
        raw_path = scope.get("raw_path") or scope["path"].encode()
        target = raw_path.decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        if query:
            target += f"?{query}"
        if self.public_url:
            return self.public_url + target
        host = request.headers.get("host")
        if not host:
            server_host, server_port = scope.get("server") or ("localhost", 80)
            host = f"{server_host}:{server_port}"
        return f"{scope.get('scheme', 'http')}://{host}{target}"

    async def health(self, request: Request) -> Response:
        return _json(200, {"status": "ok"})

    def _refuse(self, why: str) -> Response:
        # One answer for forged, stale and missing: the caller learns nothing about which check failed.
        logger.warning("refused a webhook request to %s: %s", PATH, why)
        return _json(401, {"error": _UNAUTHORIZED}, close=True)

    async def _read_body(self, request: Request) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def deliver(self, request: Request) -> Response:
        headers = request.headers
        # Everything below, up to reading the body, looks at headers only.
        if not _is_json(headers.get("content-type", "")):
            return _json(415, {"error": "Content-Type must be application/json"}, close=True)
        declared = headers.get("content-length")
        if declared is None:
            if "chunked" not in headers.get("transfer-encoding", "").lower():
                return _json(411, {"error": "Content-Length required"}, close=True)
        else:
            try:
                length = int(declared)
            except ValueError:
                return _json(400, {"error": "bad Content-Length"}, close=True)
            if length > self.max_body_bytes:
                return _json(413, {"error": f"body over {self.max_body_bytes} bytes"}, close=True)
        signature = headers.get("x-hubspot-signature-v3", "")
        timestamp = headers.get("x-hubspot-request-timestamp", "")
        now = self.now_ms()
        if not signature or not timestamp:
            return self._refuse("no signature or timestamp header")
        if not _fresh(timestamp, now):
            return self._refuse("timestamp outside the 5-minute window")
        if not _signature_shaped(signature):
            return self._refuse("malformed signature")

        try:
            async with asyncio.timeout(self.body_timeout):
                body = await self._read_body(request)
        except TimeoutError:
            logger.warning("webhook body not received within %.1f s", self.body_timeout)
            return _json(408, {"error": "body not received in time"}, close=True)
        except _BodyTooLarge:
            return _json(413, {"error": f"body over {self.max_body_bytes} bytes"}, close=True)
        except ClientDisconnect:
            logger.info("webhook client went away before sending its body")
            return _json(400, {"error": "incomplete body"}, close=True)

        if not verify_signature_v3(
            client_secret=self.secret,
            method=request.method,
            uri=self.uri(request),
            body=body,
            timestamp_ms=timestamp,
            signature=signature,
            now_ms=now,
        ):
            return self._refuse("bad signature")
        try:
            accepted, rejected = parse_events(body, now)
        except BadBody as exc:
            logger.warning("signed webhook body refused: %s", exc)
            return _json(400, {"error": str(exc)}, close=True)
        # The store is blocking (SQLite, busy timeout): off the event loop so other requests go on.
        await run_in_threadpool(self.land, accepted, rejected)
        if accepted or rejected:
            logger.info("webhook: %d event(s) accepted, %d rejected", len(accepted), len(rejected))
        return _json(
            200,
            {
                "accepted": sorted(accepted),
                "rejected": [{"key": k, "reason": v["reason"]} for k, v in rejected.items()],
            },
        )

    def land(self, accepted: dict[str, dict[str, Any]], rejected: dict[str, dict[str, Any]]) -> None:
        """Record the events in the action ledger, accepted ones under their submission's UTC day."""
        by_day: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
        for key, event in accepted.items():
            day = utc_day(event["submission"]["submittedAt"])
            by_day.setdefault(day or "", {})[key] = ("received", event)
        for day, rows in by_day.items():
            self.store.actions.record_many(WEBHOOK_KIND, rows, partition=day)
        if rejected:
            self.store.actions.record_many(REJECTED_KIND, {k: ("rejected", v) for k, v in rejected.items()})


def serve(app: WebhookApp, host: str, port: int, **limits: Any) -> None:
    """Serve `app` until interrupted (SIGINT/SIGTERM stop it gracefully)."""
    server = build_server(app, host, port, **limits)
    logger.info("HubSpot form webhook intake on http://%s:%d%s", host, port, PATH)
    server.run()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument(
        "--public-url", default=None, help="the URL HubSpot calls, when a proxy sits in front (it is signed)"
    )
    parser.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES, help="larger bodies get 413")
    parser.add_argument(
        "--body-timeout", type=float, default=BODY_TIMEOUT_SECONDS, help="seconds to receive a body (408)"
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=HEADER_TIMEOUT_SECONDS,
        help="seconds a connection has to send a complete request head before it is closed",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=KEEP_ALIVE_SECONDS,
        help="seconds an idle keep-alive connection lives",
    )
    parser.add_argument(
        "--limit-concurrency",
        type=int,
        default=LIMIT_CONCURRENCY,
        help="connections plus requests in progress before new requests get 503",
    )
    parser.add_argument(
        "--max-header-bytes", type=int, default=MAX_HEADER_BYTES, help="largest request head accepted"
    )
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        logger.error("%s is not set: the intake cannot verify HubSpot's signatures", SECRET_VARIABLE)
        return 2
    app = WebhookApp(
        secret,
        PipelineStoreResource(),
        public_url=args.public_url,
        max_body_bytes=args.max_body_bytes,
        body_timeout=args.body_timeout,
    )
    serve(
        app,
        args.host,
        args.port,
        header_timeout=args.header_timeout,
        keep_alive=args.keep_alive,
        limit_concurrency=args.limit_concurrency,
        max_header_bytes=args.max_header_bytes,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
