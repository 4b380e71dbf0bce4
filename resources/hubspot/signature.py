"""HubSpot request signatures: verify (and, for tests and the sandbox, produce) the signatures HubSpot puts on
webhook, workflow "Send a webhook" and CRM-card requests.

What belongs here: the v1, v2 and v3 algorithms exactly as HubSpot documents them and its official SDKs
implement them, and the v3 timestamp check. No HTTP server code: the caller passes method, URI, body and
headers.

- v3 (`X-HubSpot-Signature-v3`, `X-HubSpot-Request-Timestamp` in epoch ms):
  base64(HMAC-SHA256(client_secret, method + uri + body + timestamp)); refuse timestamps older than 5 minutes.
- v2 (`X-HubSpot-Signature`, version v2): hex(SHA-256(client_secret + method + uri + body)).
- v1 (`X-HubSpot-Signature`, version v1): hex(SHA-256(client_secret + body)).

`uri` is the full URL with scheme and query, exactly as HubSpot called it. HubSpot's docs mention decoding
some URL-encoded characters before hashing; the official SDKs do not, and neither does this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

#: HubSpot refuses (and asks receivers to refuse) v3 requests older than this.
MAX_AGE_MS = 300_000


def _text(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign_v3(*, client_secret: str, method: str, uri: str, body: str | bytes, timestamp_ms: int | str) -> str:
    """The `X-HubSpot-Signature-v3` value for a request."""
    message = _text(method.upper()) + _text(uri) + _text(body) + _text(str(timestamp_ms))
    digest = hmac.new(_text(client_secret), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature_v3(
    *,
    client_secret: str,
    method: str,
    uri: str,
    body: str | bytes,
    timestamp_ms: int | str,
    signature: str,
    now_ms: int | None = None,
    max_age_ms: int = MAX_AGE_MS,
) -> bool:
    """True when `signature` is HubSpot's v3 signature of this request and the timestamp is fresh."""
    try:
        ts = int(timestamp_ms)
    except (TypeError, ValueError):
        return False
    now = int(time.time() * 1000) if now_ms is None else now_ms
    # The SDKs refuse `now - ts >= 300 s`; a timestamp far in the future is refused the same way.
    if abs(now - ts) >= max_age_ms:
        return False
    expected = sign_v3(client_secret=client_secret, method=method, uri=uri, body=body, timestamp_ms=ts)
    return hmac.compare_digest(expected.encode("ascii"), _text(signature or ""))


def sign_v2(*, client_secret: str, method: str, uri: str, body: str | bytes) -> str:
    """The v2 `X-HubSpot-Signature`: hex SHA-256 of secret + method + uri + body."""
    message = _text(client_secret) + _text(method.upper()) + _text(uri) + _text(body)
    return hashlib.sha256(message).hexdigest()


def verify_signature_v2(
    *, client_secret: str, method: str, uri: str, body: str | bytes, signature: str
) -> bool:
    """True when `signature` is the v2 signature of this request (no timestamp in v2)."""
    expected = sign_v2(client_secret=client_secret, method=method, uri=uri, body=body)
    return hmac.compare_digest(expected.encode("ascii"), _text((signature or "").lower()))


def sign_v1(*, client_secret: str, body: str | bytes) -> str:
    """The v1 `X-HubSpot-Signature`: hex SHA-256 of secret + body."""
    return hashlib.sha256(_text(client_secret) + _text(body)).hexdigest()


def verify_signature_v1(*, client_secret: str, body: str | bytes, signature: str) -> bool:
    """True when `signature` is the v1 signature of `body`."""
    expected = sign_v1(client_secret=client_secret, body=body)
    return hmac.compare_digest(expected.encode("ascii"), _text((signature or "").lower()))


def verify_signature(
    *,
    client_secret: str,
    headers: dict[str, str],
    method: str,
    uri: str,
    body: str | bytes,
    now_ms: int | None = None,
) -> bool:
    """Verify whichever signature version the request headers carry (v3 preferred)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if "x-hubspot-signature-v3" in lower:
        return verify_signature_v3(
            client_secret=client_secret,
            method=method,
            uri=uri,
            body=body,
            timestamp_ms=lower.get("x-hubspot-request-timestamp", ""),
            signature=lower["x-hubspot-signature-v3"],
            now_ms=now_ms,
        )
    signature = lower.get("x-hubspot-signature")
    if not signature:
        return False
    if lower.get("x-hubspot-signature-version", "v1").lower() == "v2":
        return verify_signature_v2(
            client_secret=client_secret, method=method, uri=uri, body=body, signature=signature
        )
    return verify_signature_v1(client_secret=client_secret, body=body, signature=signature)
