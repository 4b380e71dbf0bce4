"""The Anthropic simulator's request pipeline hooks: Bearer or x-api-key auth, the `anthropic-version`
header, per-family rate limits with their `anthropic-ratelimit-*` headers, request ids, and the JSON
error body every area answers with (`/work/shared/reference/anthropic_dagster.md`, part A).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from resources.sandbox.app import Bucket, BucketState, SimRequest, SimResponse, VendorSimulator, json_response
from resources.sandbox.claude.common import b58, uuid_from


class AnthropicBase(VendorSimulator):
    """Anthropic's auth, versions, limits and errors; the API areas are mixins over it."""

    vendor = "anthropic"

    #: Server-side limit per API key and per endpoint family. Facts ran out: the reference gives the
    #: `anthropic-ratelimit-*` headers but no numbers (they depend on the usage tier); we assume Tier 1,
    #: 50 requests per 60 s. The client keeps under it with 50 per 61 s.
    REQUESTS_PER_MINUTE: ClassVar[int] = 50
    RATE_WINDOW_SECONDS: ClassVar[float] = 60.0
    #: Both accepted: what SDK 2.x sends and the version older SDKs and the docs' curl examples send.
    API_VERSIONS: ClassVar[frozenset[str]] = frozenset({"2023-06-01", "2026-10-21"})
    #: Versions that removed temperature/top_p/top_k (reference A0, APIV).
    NO_SAMPLING_VERSIONS: ClassVar[frozenset[str]] = frozenset({"2026-10-21"})

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self._local = threading.local()
        self._org_id = str(uuid_from(f"{self.store.seed}:anthropic:org"))

    def handle(self, req: SimRequest) -> SimResponse:
        # One request id per request, shared by the error body and the `request-id` header.
        self._local.request_id = "req_" + b58(
            f"{self.store.seed}:req:{self.store.next_id('anthropic.seq.req')}"
        )
        self._local.limit_headers = {}
        return super().handle(req)

    def api_key(self, req: SimRequest) -> str | None:
        # SDK 2.x sends `Authorization: Bearer <key>`; older SDKs and the docs' curl send `x-api-key`.
        auth = req.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return req.headers.get("x-api-key")

    def unauthorized(self, req: SimRequest) -> SimResponse:
        how = "x-api-key" if req.headers.get("x-api-key") else "bearer token"
        return self._error(401, "authentication_error", f"invalid {how}")

    def buckets(self, req: SimRequest, endpoint: str) -> list[Bucket]:
        if "/messages/batches" in endpoint:
            family = "batches"
        elif endpoint.endswith("/count_tokens"):
            family = "count_tokens"
        elif "/models" in endpoint:
            family = "models"
        else:
            family = "requests"
        return [Bucket(family, self.REQUESTS_PER_MINUTE, self.RATE_WINDOW_SECONDS)]

    def rate_limit_headers(self, states: list[BucketState]) -> dict[str, str]:
        if not states:
            return {}
        state = states[0]
        headers = self._limit_headers(state.bucket.limit, state.remaining, state.reset_seconds)
        self._local.limit_headers = headers
        return headers

    def too_many_requests(self, req: SimRequest, state: BucketState, retry_after: float) -> SimResponse:
        limit = state.bucket.limit if state.bucket.name != "storm" else self.REQUESTS_PER_MINUTE
        headers = self._limit_headers(limit, 0, retry_after)
        self._local.limit_headers = headers
        return self._error(
            429,
            "rate_limit_error",
            f"This request would exceed your organization's rate limit of {limit} requests per minute. "
            "Please reduce the prompt length or the maximum tokens requested, or try again later.",
            {"retry-after": str(max(1, math.ceil(retry_after))), **headers},
        )

    def server_error(self, req: SimRequest, status: int) -> SimResponse:
        if status == 529:
            return self._error(529, "overloaded_error", "Overloaded")
        if status == 504:
            return self._error(504, "timeout_error", "Request timed out")
        return self._error(status, "api_error", "Internal server error")

    def not_found(self, req: SimRequest) -> SimResponse:
        return self._error(404, "not_found_error", f"Not found: {req.method} {req.path}")

    def bad_json(self, req: SimRequest, error: str) -> SimResponse:
        return self._error(400, "invalid_request_error", f"The request body is not valid JSON: {error}")

    def extra_headers(self, req: SimRequest) -> dict[str, str]:
        return {
            "request-id": self._request_id(),
            "anthropic-organization-id": self._org_id,
            **getattr(self._local, "limit_headers", {}),
        }

    def _request_id(self) -> str:
        return getattr(self._local, "request_id", None) or "req_" + b58("unset")

    def _error(
        self, status: int, kind: str, message: str, headers: Mapping[str, str] | None = None
    ) -> SimResponse:
        body = {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": self._request_id(),
        }
        return json_response(body, status, headers)

    def _invalid(self, message: str) -> SimResponse:
        return self._error(400, "invalid_request_error", message)

    def _limit_headers(self, limit: int, remaining: int, reset_seconds: float) -> dict[str, str]:
        # The window counts wall-clock time (store.hit), so reset is a wall-clock RFC 3339 time.
        reset = datetime.now(UTC) + timedelta(seconds=reset_seconds)
        return {
            "anthropic-ratelimit-requests-limit": str(limit),
            "anthropic-ratelimit-requests-remaining": str(max(0, remaining)),
            "anthropic-ratelimit-requests-reset": reset.replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
        }

    def _version(self, req: SimRequest) -> tuple[str, SimResponse | None]:
        # Facts ran out: the reference does not quote the API's answer to a missing version header; the real
        # API answers 400 invalid_request_error ("anthropic-version: header is required"), which we follow.
        version = (req.headers.get("anthropic-version") or "").strip()
        if not version:
            return "", self._invalid("anthropic-version: header is required")
        if version not in self.API_VERSIONS:
            return version, self._invalid(f"anthropic-version: {version!r} is not a valid version")
        return version, None
