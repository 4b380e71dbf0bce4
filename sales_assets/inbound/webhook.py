"""The signed webhook intake: HubSpot pushes form submissions here instead of waiting for the next poll.

    HUBSPOT_CLIENT_SECRET=... python -m sales_assets.inbound.webhook --port 8787 [--public-url URL]

What belongs here: a small WSGI app (stdlib `wsgiref`, no framework) that verifies HubSpot's v3 signature
(`X-HubSpot-Signature-v3`: HMAC-SHA256 of method + URI + body + timestamp, base64; the timestamp must be
within 5 minutes) with `resources.hubspot.signature`, answers 401 to forged or stale requests, and lands
each valid event in the action ledger (kind `form_webhook`, keyed by conversion id, partition = the
submission's UTC day). `form_submissions` reads them from there and `form_leads_sensor` requests the run,
so a delivery is never processed here and never lost when a run fails.

Accepted body: one event or a JSON array of events, each in the shape of a v1 form submission plus its
form: `{"formId": "...", "conversionId": "...", "submittedAt": <epoch ms>, "values": [{"name", "value"}],
"pageUrl": "..."}`. An event that does not fit is kept too (kind `form_webhook_rejected`, with why), and
the answer lists it; HubSpot retrying a well-signed request could not fix it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.util import request_uri

from pydantic import ValidationError

from resources.hubspot.models import FormSubmission
from resources.hubspot.signature import verify_signature_v3
from resources.pipeline_store import PipelineStoreResource

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "HUBSPOT_CLIENT_SECRET"
WEBHOOK_KIND = "form_webhook"
REJECTED_KIND = "form_webhook_rejected"
PATH = "/webhooks/hubspot/forms"
#: Bodies larger than this are refused (413): a form event is a few kilobytes.
MAX_BODY_BYTES = 1_000_000

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _json(status: str, data: Any, start_response: StartResponse) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def parse_events(body: bytes, now_ms: int) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(accepted events by conversion id, rejected events by a key of their content) of one body."""
    data = json.loads(body)
    items: Iterable[Any] = data if isinstance(data, list) else [data]
    accepted: dict[str, dict[str, Any]] = {}
    rejected: dict[str, dict[str, Any]] = {}
    for item in items:
        digest = hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode()).hexdigest()[:32]
        if not isinstance(item, dict):
            rejected[digest] = {"reason": "event is not a JSON object", "event": item}
            continue
        form_id = str(item.get("formId") or item.get("formGuid") or "").strip()
        if not form_id:
            rejected[digest] = {"reason": "no formId", "event": item}
            continue
        try:
            submission = FormSubmission.model_validate({"submittedAt": now_ms, **item})
        except ValidationError as exc:
            rejected[digest] = {
                "reason": f"not a form submission: {exc.error_count()} error(s)",
                "event": item,
            }
            continue
        conversion_id = submission.conversion_id or f"webhook-{digest}"
        submission.conversion_id = conversion_id
        accepted[conversion_id] = {
            "form_id": form_id,
            "submission": submission.model_dump(mode="json", by_alias=True),
        }
    return accepted, rejected


class WebhookApp:
    """The WSGI app. `now_ms` is injectable so tests can check the timestamp window."""

    def __init__(
        self,
        secret: str,
        store: PipelineStoreResource,
        *,
        public_url: str | None = None,
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        if not secret:
            raise ValueError(f"the webhook intake needs the app's client secret ({SECRET_VARIABLE})")
        self.secret = secret
        self.store = store
        self.public_url = public_url.rstrip("/") if public_url else None
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))

    def uri(self, environ: dict[str, Any]) -> str:
        """The URL HubSpot called (and signed): the public URL behind a proxy, else this request's."""
        if self.public_url:
            query = environ.get("QUERY_STRING")
            return self.public_url + environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        return request_uri(environ, include_query=True)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "")
        if method == "GET" and path == "/health":
            return _json("200 OK", {"status": "ok"}, start_response)
        if path != PATH:
            return _json("404 Not Found", {"error": f"no route {path}"}, start_response)
        if method != "POST":
            return _json("405 Method Not Allowed", {"error": "POST only"}, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            return _json("413 Payload Too Large", {"error": "body too large"}, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        now = self.now_ms()
        signature = headers.get("x-hubspot-signature-v3", "")
        timestamp = headers.get("x-hubspot-request-timestamp", "")
        ok = bool(signature) and verify_signature_v3(
            client_secret=self.secret,
            method=method,
            uri=self.uri(environ),
            body=body,
            timestamp_ms=timestamp,
            signature=signature,
            now_ms=now,
        )
        if not ok:
            # One answer for forged, stale and missing: the caller learns nothing about which check failed.
            logger.warning("refused a webhook request to %s: bad or stale signature", path)
            return _json("401 Unauthorized", {"error": "invalid or expired signature"}, start_response)
        try:
            accepted, rejected = parse_events(body, now)
        except (ValueError, UnicodeDecodeError):
            return _json("400 Bad Request", {"error": "body is not JSON"}, start_response)
        by_day: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
        for key, event in accepted.items():
            day = datetime.fromtimestamp(event["submission"]["submittedAt"] / 1000, UTC).date().isoformat()
            by_day.setdefault(day, {})[key] = ("received", event)
        for day, rows in by_day.items():
            self.store.actions.record_many(WEBHOOK_KIND, rows, partition=day)
        if rejected:
            self.store.actions.record_many(REJECTED_KIND, {k: ("rejected", v) for k, v in rejected.items()})
        return _json(
            "200 OK",
            {
                "accepted": sorted(accepted),
                "rejected": [{"key": k, "reason": v["reason"]} for k, v in rejected.items()],
            },
            start_response,
        )


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def serve(app: WebhookApp, host: str, port: int) -> None:
    with make_server(host, port, app, handler_class=_QuietHandler) as server:
        logger.info("HubSpot form webhook intake on http://%s:%d%s", host, server.server_port, PATH)
        server.serve_forever()


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
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        logger.error("%s is not set: the intake cannot verify HubSpot's signatures", SECRET_VARIABLE)
        return 2
    serve(WebhookApp(secret, PipelineStoreResource(), public_url=args.public_url), args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
