"""The lemlist simulator's request pipeline hooks: Basic auth with an empty user (or the legacy
`?access_token=`), the 20-requests-per-2-seconds limit with its headers on every response, plain-text
error bodies, URL-decoded path parameters, and the team's identity (ids, sender) every area uses.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from typing import Any, ClassVar
from urllib.parse import unquote

from resources.sandbox.app import Bucket, BucketState, SimRequest, SimResponse, VendorSimulator
from resources.sandbox.lemlist.common import LIMIT, WINDOW_SECONDS, js_date, short_id, text_error


class LemlistBase(VendorSimulator):
    """lemlist's identity, auth, limits and errors; the API areas are mixins over it."""

    vendor: ClassVar[str] = "lemlist"

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self._local = threading.local()
        seed = self.store.seed
        owner = self.world.owners[0] if self.world.owners else None
        self.team_id = f"tea_{short_id(seed, 'team')}"
        self.user_id = f"usr_{short_id(seed, 'user')}"
        self.mailbox_id = f"usm_{short_id(seed, 'mailbox')}"
        self.sender_email = owner.email if owner else "alex.martin@relaypoint.io"
        self.sender_name = f"{owner.first_name} {owner.last_name}" if owner else "Alex Martin"
        self._sync_lock = threading.Lock()

    def handle(self, req: SimRequest) -> SimResponse:
        # Headers for responses that never reach the limiter (401s, faults, unknown routes).
        now = time.time()
        self._local.limit_headers = {
            "retry-after": str(int(WINDOW_SECONDS)),
            "x-ratelimit-limit": str(LIMIT),
            "x-ratelimit-remaining": str(LIMIT),
            "x-ratelimit-reset": js_date(now + WINDOW_SECONDS),
        }
        return super().handle(req)

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        found = super().match(method, path)
        if found is None:
            return None
        pattern, attr, params = found
        # The socket server passes raw paths; emails arrive as `a%40b.com`.
        return pattern, attr, {k: unquote(v) for k, v in params.items()}

    def api_key(self, req: SimRequest) -> str | None:
        # Basic auth with an empty user name and the key as password; the legacy `?access_token=` is also
        # accepted (facts ran out: the current docs no longer mention it, the old ones did).
        auth = req.headers.get("authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return ""
            _, _, password = decoded.partition(":")
            return password
        if auth:
            return ""  # Bearer and the like: refused, lemlist wants Basic.
        return req.arg("access_token")

    def unauthorized(self, req: SimRequest) -> SimResponse:
        if self.api_key(req) is None:
            return text_error("No API key provided", 400)
        return text_error("The authentication you supplied is incorrect", 401)

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        return [Bucket("api", LIMIT, WINDOW_SECONDS)]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        if not states:
            return {}
        state = states[0]
        headers = {
            "retry-after": str(max(1, math.ceil(state.reset_seconds))),
            "x-ratelimit-limit": str(state.bucket.limit),
            "x-ratelimit-remaining": str(state.remaining),
            "x-ratelimit-reset": js_date(time.time() + state.reset_seconds),
        }
        self._local.limit_headers = headers
        return headers

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        # Facts ran out on the 429 body: the legacy error table's wording, as text/plain.
        headers = {
            "retry-after": str(max(1, math.ceil(retry_after))),
            "x-ratelimit-limit": str(LIMIT),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": js_date(time.time() + retry_after),
        }
        self._local.limit_headers = headers
        return text_error("Too Many Requests", 429, headers)

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        return text_error("Internal Server Error" if status == 500 else "Service Unavailable", status)

    def not_found(self, req: SimRequest) -> SimResponse:
        return text_error("Not Found", 404)

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return text_error("Bad params: body must be JSON", 406)

    def extra_headers(self, req: SimRequest) -> dict[str, str]:
        return dict(getattr(self._local, "limit_headers", {}))

    @staticmethod
    def _page(req: SimRequest, *, default: int, maximum: int) -> tuple[int, int]:
        try:
            offset = max(0, int(req.arg("offset") or 0))
            limit = int(req.arg("limit") or default)
        except ValueError:
            offset, limit = 0, default
        # Facts: "max 100"; a larger limit is clamped rather than refused.
        return offset, max(1, min(limit, maximum))
