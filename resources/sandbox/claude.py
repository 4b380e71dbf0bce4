"""The Anthropic API simulator: Messages, Message Batches, token counting and models.

What belongs here: Anthropic's paths, request validation, error bodies and headers
(`/work/shared/reference/anthropic_dagster.md`, part A), prompt-cache accounting, batches kept in the
store, and the deterministic "model": answers built only from the facts found in the prompt, shaped by the
requested JSON schema (structured outputs or a forced tool). No network, no randomness: the same request
body always gets the same content.

Routes (all under `/v1`): POST /messages, POST /messages/count_tokens, POST /messages/batches,
GET /messages/batches, GET|DELETE /messages/batches/{id}, GET /messages/batches/{id}/results,
POST /messages/batches/{id}/cancel, GET /models, GET /models/{model_id}.

Fault hook (besides the shared ones in the store): a prompt containing `[[sandbox:invalid-json]]` gets an
answer that is not valid JSON the first time that exact prompt is seen, and a good one after.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from resources.sandbox.app import (
    Bucket,
    BucketState,
    SimRequest,
    SimResponse,
    Spend,
    VendorSimulator,
    json_response,
    route,
)

INVALID_JSON_MARKER = "[[sandbox:invalid-json]]"

#: Ids the API serves (SDK 2.x `types/model.py`, minus the limited-access fable/mythos families).
#: Facts ran out on release dates: the dated snapshot ids give three; the rest carry a placeholder date.
_PLACEHOLDER = "2026-01-01T00:00:00Z"
MODELS: dict[str, tuple[str, str]] = {
    "claude-haiku-4-5": ("Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
    "claude-haiku-4-5-20251001": ("Claude Haiku 4.5", "2025-10-01T00:00:00Z"),
    "claude-sonnet-4-5": ("Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
    "claude-sonnet-4-5-20250929": ("Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
    "claude-opus-4-5": ("Claude Opus 4.5", "2025-11-01T00:00:00Z"),
    "claude-opus-4-5-20251101": ("Claude Opus 4.5", "2025-11-01T00:00:00Z"),
    "claude-sonnet-4-6": ("Claude Sonnet 4.6", _PLACEHOLDER),
    "claude-opus-4-6": ("Claude Opus 4.6", _PLACEHOLDER),
    "claude-opus-4-7": ("Claude Opus 4.7", _PLACEHOLDER),
    "claude-opus-4-8": ("Claude Opus 4.8", _PLACEHOLDER),
    "claude-sonnet-5": ("Claude Sonnet 5", _PLACEHOLDER),
    "claude-opus-5": ("Claude Opus 5", _PLACEHOLDER),
    "claude-haiku-5-5": ("Claude Haiku 5.5", _PLACEHOLDER),
    "claude-sonnet-5-5": ("Claude Sonnet 5.5", _PLACEHOLDER),
    "claude-opus-5-5": ("Claude Opus 5.5", _PLACEHOLDER),
}

#: Top-level fields of a Messages request (SDK 2.x `messages.create`); anything else is refused, as the
#: API refuses extra inputs. temperature/top_p/top_k are checked per API version.
_MESSAGE_FIELDS = frozenset(
    {
        "model",
        "max_tokens",
        "messages",
        "system",
        "tools",
        "tool_choice",
        "output_config",
        "output_format",
        "metadata",
        "stop_sequences",
        "cache_control",
        "thinking",
        "service_tier",
        "speed",
        "inference_geo",
        "container",
        "diagnostics",
        "stream",
        "temperature",
        "top_p",
        "top_k",
        "user_profile_id",
        "workspace_id",
    }
)
_SAMPLING_FIELDS = ("temperature", "top_p", "top_k")

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58(seed: str, length: int = 24) -> str:
    n = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = []
    for _ in range(length):
        n, r = divmod(n, 58)
        out.append(_B58[r])
    return "".join(out)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _tokens(text: str) -> int:
    """The sandbox's tokenizer: about four characters a token."""
    return math.ceil(len(text) / 4) if text else 0


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _parse_time(value: str | None) -> datetime:
    if not value:
        raise ValueError("starting_at: required")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r}: an RFC 3339 time with its offset is required")
    return moment.astimezone(UTC)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class AnthropicSimulator(VendorSimulator):
    """Anthropic's API as SDK 2.x (Bearer, 2026-10-21) and older clients (x-api-key, 2023-06-01) see it."""

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
    #: Sandbox seconds a batch stays `in_progress` (real batches mostly finish within an hour).
    BATCH_PROCESSING_SECONDS: ClassVar[float] = 30.0
    BATCH_EXPIRY_SECONDS: ClassVar[float] = 24 * 3600.0
    #: CONFLICT in the reference (the API reference page says 10,000, the guide 100,000): we accept 100,000.
    MAX_BATCH_REQUESTS: ClassVar[int] = 100_000
    #: Per-model minimum cacheable prefix lengths come only from third-party copies (NOT CONFIRMED), so the
    #: sandbox caches any marked prefix. Raise this to mimic a minimum.
    MIN_CACHEABLE_TOKENS: ClassVar[int] = 0
    CACHE_TTL_SECONDS: ClassVar[dict[str, float]] = {"5m": 300.0, "1h": 3600.0}

    def __init__(self, sandbox: Any) -> None:
        super().__init__(sandbox)
        self._local = threading.local()
        self._org_id = str(_uuid_from(f"{self.store.seed}:anthropic:org"))

    # --- the pipeline hooks ---------------------------------------------------------------------

    def handle(self, req: SimRequest) -> SimResponse:
        # One request id per request, shared by the error body and the `request-id` header.
        self._local.request_id = "req_" + _b58(
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

    # --- Messages ---------------------------------------------------------------------------------

    @route("POST", "/v1/messages")
    def create_message(self, req: SimRequest) -> SimResponse:
        version, refused = self._version(req)
        if refused:
            return refused
        body = req.json()
        problem = validate_message(body, version)
        if problem:
            return self._invalid(problem)
        if body.get("stream"):
            return self._invalid("stream: the sandbox does not simulate streaming; send stream=false")
        message, spend = self._answer_message(body, scope=self.api_key(req) or "")
        return json_response(message, spend=spend)

    @route("POST", "/v1/messages/count_tokens")
    def count_tokens(self, req: SimRequest) -> SimResponse:
        version, refused = self._version(req)
        if refused:
            return refused
        body = req.json()
        problem = validate_message(body, version, require_max_tokens=False)
        if problem:
            return self._invalid(problem)
        blocks, extra = _prompt_blocks(body)
        return json_response({"input_tokens": max(1, sum(b.tokens for b in blocks) + extra)})

    # --- Message Batches -------------------------------------------------------------------------

    @route("POST", "/v1/messages/batches")
    def create_batch(self, req: SimRequest) -> SimResponse:
        version, refused = self._version(req)
        if refused:
            return refused
        body = req.json()
        if not isinstance(body, dict) or set(body) - {"requests"}:
            extra = sorted(set(body) - {"requests"}) if isinstance(body, dict) else []
            return self._invalid(
                f"{extra[0]}: Extra inputs are not permitted" if extra else "body: must be an object"
            )
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return self._invalid("requests: must be a non-empty list")
        if len(requests) > self.MAX_BATCH_REQUESTS:
            return self._invalid(f"requests: at most {self.MAX_BATCH_REQUESTS} requests per batch")
        seen: set[str] = set()
        for i, item in enumerate(requests):
            if not isinstance(item, dict) or not isinstance(item.get("params"), dict):
                return self._invalid(f"requests.{i}.params: Field required")
            custom_id = item.get("custom_id")
            if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= 64:
                return self._invalid(f"requests.{i}.custom_id: must be a string of 1 to 64 characters")
            if custom_id in seen:
                return self._invalid(f"requests.{i}.custom_id: {custom_id!r} is not unique within the batch")
            seen.add(custom_id)

        # Answers are computed now (so they are fixed by the request, like any answer here) and kept with
        # the batch; their tokens reach the usage ledger once, when the batch is first seen ended, on the
        # create endpoint's row (a batch canceled before then is never charged). 50% pricing is the client's.
        scope = self.api_key(req) or ""
        now = self.store.timestamp()
        batch_id = "msgbatch_" + _b58(f"{self.store.seed}:batch:{self.store.next_id('anthropic.seq.batch')}")
        results: list[dict[str, Any]] = []
        spend = {"input_tokens": 0, "output_tokens": 0, "cache_read_tokens": 0, "cache_write_tokens": 0}
        for item in requests:
            params = item["params"]
            problem = validate_message(params, version)
            if not problem and params.get("stream"):
                problem = "stream: not allowed in a batch request"
            if problem:
                error = {
                    "type": "error",
                    "error": {"type": "invalid_request_error", "message": problem},
                    "request_id": None,
                }
                results.append(
                    {"custom_id": item["custom_id"], "result": {"type": "errored", "error": error}}
                )
                continue
            message, used = self._answer_message(params, scope=scope, batch=True)
            results.append(
                {"custom_id": item["custom_id"], "result": {"type": "succeeded", "message": message}}
            )
            spend["input_tokens"] += used.input_tokens
            spend["output_tokens"] += used.output_tokens
            spend["cache_read_tokens"] += used.cache_read_tokens
            spend["cache_write_tokens"] += used.cache_write_tokens
        record = {
            "id": batch_id,
            "scope": scope,
            "created": now,
            "ends": now + self.BATCH_PROCESSING_SECONDS,
            "cancel_initiated": None,
            "count": len(requests),
            "results": results,
            "spend": spend,
            "charged": False,
            "results_read": False,
        }
        self.store.put("anthropic.batches", batch_id, record, key=scope)
        return json_response(self._batch_view(req, record))

    @route("GET", "/v1/messages/batches")
    def list_batches(self, req: SimRequest) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        try:
            limit = int(req.arg("limit", "20") or 20)
        except ValueError:
            return self._invalid("limit: Input should be a valid integer")
        if not 1 <= limit <= 1000:
            return self._invalid("limit: must be between 1 and 1000")
        records = sorted(
            self.store.find("anthropic.batches", self.api_key(req) or ""),
            key=lambda r: (r["created"], r["id"]),
            reverse=True,
        )
        ids = [r["id"] for r in records]
        after, before = req.arg("after_id"), req.arg("before_id")
        if after in ids:
            records = records[ids.index(after) + 1 :]
        elif before in ids:
            records = records[: ids.index(before)][-limit:]
        page = records[:limit]
        data = [self._batch_view(req, r) for r in page]
        return json_response(
            {
                "data": data,
                "has_more": len(records) > len(page),
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
            }
        )

    @route("GET", "/v1/messages/batches/{batch_id}")
    def get_batch(self, req: SimRequest, batch_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        record = self._batch(req, batch_id)
        if record is None:
            return self._batch_not_found(batch_id)
        return json_response(self._batch_view(req, record))

    @route("POST", "/v1/messages/batches/{batch_id}/cancel")
    def cancel_batch(self, req: SimRequest, batch_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        with self.store.transaction():
            record = self._batch(req, batch_id)
            if record is None:
                return self._batch_not_found(batch_id)
            now = self.store.timestamp()
            if now >= record["ends"] or record["cancel_initiated"] is not None:
                return json_response(self._batch_view(req, record))
            # Nothing has been processed yet in the sandbox, so every request ends canceled, uncharged.
            record["cancel_initiated"] = now
            record["ends"] = now
            record["results"] = [
                {"custom_id": r["custom_id"], "result": {"type": "canceled"}} for r in record["results"]
            ]
            record["spend"] = {k: 0 for k in record["spend"]}
            self.store.put("anthropic.batches", batch_id, record, key=record["scope"])
        view = self._batch_view(req, record)
        view.update(
            processing_status="canceling",
            ended_at=None,
            results_url=None,
            request_counts={**view["request_counts"], "processing": record["count"], "canceled": 0},
        )
        return json_response(view)

    @route("DELETE", "/v1/messages/batches/{batch_id}")
    def delete_batch(self, req: SimRequest, batch_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        record = self._batch(req, batch_id)
        if record is None:
            return self._batch_not_found(batch_id)
        if self.store.timestamp() < record["ends"]:
            return self._invalid(f"Batch {batch_id} is still in progress; cancel it before deleting it.")
        self._batch_view(req, record)  # charges it if nobody looked since it ended
        self.store.delete("anthropic.batches", batch_id)
        return json_response({"id": batch_id, "type": "message_batch_deleted"})

    @route("GET", "/v1/messages/batches/{batch_id}/results")
    def batch_results(self, req: SimRequest, batch_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        record = self._batch(req, batch_id)
        if record is None:
            return self._batch_not_found(batch_id)
        if self.store.timestamp() < record["ends"]:
            # Facts ran out: the reference does not say what results of an unfinished batch return
            # (the SDK refuses before asking); we answer 400 invalid_request_error.
            return self._invalid(f"Batch {batch_id} has not finished processing; its results are not ready.")
        self._batch_view(req, record)
        with self.store.transaction():
            # Remembered so an orphan (a batch created, never read and never canceled) can be told apart.
            current = self.store.get("anthropic.batches", batch_id) or record
            if not current.get("results_read"):
                current["results_read"] = True
                self.store.put("anthropic.batches", batch_id, current, key=current["scope"])
        lines = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in record["results"])
        return SimResponse(status=200, body=lines.encode(), headers={"content-type": "application/x-jsonl"})

    # --- Models -------------------------------------------------------------------------------------

    @route("GET", "/v1/models")
    def list_models(self, req: SimRequest) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        data = [_model_info(m) for m in MODELS]
        return json_response(
            {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
        )

    @route("GET", "/v1/models/{model_id}")
    def get_model(self, req: SimRequest, model_id: str) -> SimResponse:
        _, refused = self._version(req)
        if refused:
            return refused
        if model_id not in MODELS:
            return self._error(404, "not_found_error", f"model: {model_id}")
        return json_response(_model_info(model_id))

    # --- organization usage analytics ----------------------------------------------------------------

    #: The beta the Usage and Cost Analytics API requires (SDK `beta.organization.analytics.usage`).
    ANALYTICS_BETA: ClassVar[str] = "analytics-usage-cost-2026-08-24"
    BUCKETS: ClassVar[dict[str, timedelta]] = {
        "1m": timedelta(minutes=1),
        "1h": timedelta(hours=1),
        "1d": timedelta(days=1),
    }

    @route("GET", "/v1/organizations/analytics/usage")
    def analytics_usage(self, req: SimRequest) -> SimResponse:
        """Token usage between two times, one row per time bucket with usage (or one row for the range),
        from the sandbox's billing log. Facts ran out: how fresh the real report is; the sandbox's is
        complete to the second (`data_refreshed_at` is now). Grouping, filters and the 1h/5m split of cache
        writes are not simulated: rows carry no group, and cache writes count as 5-minute ones."""
        _, refused = self._version(req)
        if refused:
            return refused
        if self.ANALYTICS_BETA not in (req.headers.get("anthropic-beta") or ""):
            return self._invalid(f"anthropic-beta: this endpoint requires {self.ANALYTICS_BETA!r}")
        width = req.arg("time_bucket_width")
        if width is not None and width not in self.BUCKETS:
            return self._invalid("time_bucket_width: must be one of '1d', '1h', '1m'")
        try:
            start = _parse_time(req.arg("starting_at"))
            end_arg = req.arg("ending_at")
            now = datetime.now(UTC)
            end = _parse_time(end_arg) if end_arg else min(now, start + timedelta(days=31))
            limit = int(req.arg("limit", "20") or 20)
            offset = int(req.arg("page", "0") or 0)
        except ValueError as exc:
            return self._invalid(str(exc))
        if width is not None and not end_arg:
            return self._invalid("ending_at: required when time_bucket_width is set")
        span = timedelta(hours=24) if width == "1m" else timedelta(days=31)
        if end <= start or end - start > span:
            return self._invalid(f"ending_at: the range must be positive and span at most {span}")
        if not 1 <= limit <= 1000:
            return self._invalid("limit: must be between 1 and 1000")
        if width is None:
            # Without buckets the report covers whole hours.
            start, end = _hour(start), _hour(end)
        rows: dict[datetime, dict[str, int]] = {}
        for at, charge in self.store.billed(self.vendor, start.timestamp(), end.timestamp()):
            moment = datetime.fromtimestamp(at, UTC)
            bucket = (
                start + ((moment - start) // self.BUCKETS[width]) * self.BUCKETS[width] if width else start
            )
            row = rows.setdefault(bucket, {"in": 0, "write": 0, "read": 0, "out": 0, "requests": 0})
            row["in"] += charge.input_tokens
            row["write"] += charge.cache_write_tokens
            row["read"] += charge.cache_read_tokens
            row["out"] += charge.output_tokens
            row["requests"] += 1
        items = [
            {
                "starting_at": _rfc3339(bucket.timestamp()),
                "ending_at": _rfc3339((bucket + (self.BUCKETS[width] if width else end - start)).timestamp()),
                "group": {},
                "usage": {
                    "uncached_input_tokens": row["in"],
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": 0,
                        "ephemeral_5m_input_tokens": row["write"],
                    },
                    "cache_read_input_tokens": row["read"],
                    "output_tokens": row["out"],
                    "requests": row["requests"],
                    "server_tool_use": {"web_search_requests": 0},
                    "total_tokens": row["in"] + row["write"] + row["read"] + row["out"],
                },
            }
            for bucket, row in sorted(rows.items())
        ]
        page = items[offset : offset + limit]
        more = offset + limit < len(items)
        return json_response(
            {
                "data": page,
                "has_more": more,
                "next_page": str(offset + limit) if more else None,
                "data_refreshed_at": _rfc3339(now.timestamp()),
            }
        )

    # --- internals ---------------------------------------------------------------------------------

    def _request_id(self) -> str:
        return getattr(self._local, "request_id", None) or "req_" + _b58("unset")

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

    def _batch(self, req: SimRequest, batch_id: str) -> dict[str, Any] | None:
        record = self.store.get("anthropic.batches", batch_id)
        if record is None or record.get("scope") != (self.api_key(req) or ""):
            return None
        return record

    def _batch_not_found(self, batch_id: str) -> SimResponse:
        return self._error(404, "not_found_error", f"Message batch {batch_id} not found")

    def _batch_view(self, req: SimRequest, record: dict[str, Any]) -> dict[str, Any]:
        """The MessageBatch object; charges the batch's tokens to the ledger when first seen ended."""
        now = self.store.timestamp()
        ended = now >= record["ends"]
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if ended:
            for r in record["results"]:
                counts[r["result"]["type"]] += 1
            if not record["charged"]:
                self._charge(record["id"])
        else:
            counts["processing"] = record["count"]
        return {
            "id": record["id"],
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": _rfc3339(record["created"]),
            "expires_at": _rfc3339(record["created"] + self.BATCH_EXPIRY_SECONDS),
            "ended_at": _rfc3339(record["ends"]) if ended else None,
            "cancel_initiated_at": _rfc3339(record["cancel_initiated"])
            if record["cancel_initiated"]
            else None,
            "archived_at": None,
            "results_url": f"{self._base_url(req)}/v1/messages/batches/{record['id']}/results"
            if ended
            else None,
        }

    def _charge(self, batch_id: str) -> None:
        with self.store.transaction():
            record = self.store.get("anthropic.batches", batch_id)
            if record is None or record["charged"]:
                return
            record["charged"] = True
            self.store.put("anthropic.batches", batch_id, record, key=record["scope"])
            self.store.add_spend(self.vendor, "POST /v1/messages/batches", **record["spend"])

    def _base_url(self, req: SimRequest) -> str:
        """Where this client reached us: a mount (the socket server's, or the in-process origin
        `http://sandbox.invalid`), or a real vendor host for a client built on the real URL."""
        from resources.sandbox.sandbox import HOSTS, MOUNTS

        host = req.headers.get("host") or "api.anthropic.com"
        if HOSTS.get(host.split(":")[0]) == self.vendor:
            return f"https://{host}"
        mount = next(prefix for prefix, vendor in MOUNTS.items() if vendor == self.vendor)
        return f"http://{host}{mount}"

    # --- the "model" ------------------------------------------------------------------------------

    def _answer_message(
        self, body: dict[str, Any], *, scope: str, batch: bool = False
    ) -> tuple[dict[str, Any], Spend]:
        model = body["model"]
        blocks, extra_tokens = _prompt_blocks(body)
        prompt = "\n".join(b.text for b in blocks)
        facts = extract_facts(_user_texts(body.get("messages") or []))
        seed = _digest({k: v for k, v in body.items() if k != "metadata"})
        broken = INVALID_JSON_MARKER in prompt and self._first_time(prompt)

        schema, tool_name = _requested_shape(body)
        content: list[dict[str, Any]]
        if tool_name is not None:
            value = {} if broken else SchemaFiller(schema or {}, facts, seed).fill()
            tool_id = "toolu_" + _b58(f"{seed}:tool")
            content = [{"type": "tool_use", "id": tool_id, "name": tool_name, "input": value}]
            output, stop_reason = json.dumps(value), "tool_use"
        elif schema is not None:
            output = json.dumps(SchemaFiller(schema, facts, seed).fill(), ensure_ascii=False)
            if broken:
                output = "Sure, here is the JSON you asked for:\n" + output[: max(1, len(output) // 2)]
            content, stop_reason = [{"type": "text", "text": output}], "end_turn"
        else:
            output = summarise(facts, prompt)
            content, stop_reason = [{"type": "text", "text": output}], "end_turn"

        output_tokens = max(1, _tokens(output))
        if output_tokens > body["max_tokens"]:
            output_tokens = body["max_tokens"]
            stop_reason = "max_tokens"
            if content[0]["type"] == "text":
                content[0]["text"] = output[: body["max_tokens"] * 4]

        usage = self._cache_usage(model, blocks, extra_tokens, scope=scope)
        usage.update(
            output_tokens=output_tokens,
            service_tier="batch" if batch else "standard",
            server_tool_use=None,
            inference_geo=None,
        )
        message = {
            "id": "msg_" + _b58(f"{self.store.seed}:msg:{self.store.next_id('anthropic.seq.msg')}"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "stop_details": None,
            "usage": usage,
        }
        spend = Spend(
            input_tokens=usage["input_tokens"],
            output_tokens=output_tokens,
            cache_read_tokens=usage["cache_read_input_tokens"],
            cache_write_tokens=usage["cache_creation_input_tokens"],
        )
        return message, spend

    def _first_time(self, prompt: str) -> bool:
        """True the first time this exact prompt is seen (the invalid-JSON fault fires once per prompt)."""
        key = _digest(prompt)
        with self.store.transaction():
            seen = self.store.get("anthropic.invalid_json", key) or {"count": 0}
            seen["count"] += 1
            self.store.put("anthropic.invalid_json", key, seen)
        return seen["count"] == 1

    def _cache_usage(
        self, model: str, blocks: list[_Block], extra_tokens: int, *, scope: str
    ) -> dict[str, Any]:
        """Prompt caching over the prefix tools -> system -> messages, with entries (and their expiry in
        sandbox time) kept in the store. A hit is refreshed for another TTL, as the API does."""
        now = self.store.timestamp()
        total = sum(b.tokens for b in blocks) + extra_tokens
        prefix_tokens: list[int] = []
        prefix_keys: list[str] = []
        running, chain = 0, hashlib.sha256(f"{scope}:{model}".encode())
        for block in blocks:
            running += block.tokens
            chain.update(block.key.encode())
            prefix_tokens.append(running)
            prefix_keys.append(chain.hexdigest())
        breakpoints = [
            i
            for i, b in enumerate(blocks)
            if b.cache_control and prefix_tokens[i] >= max(1, self.MIN_CACHEABLE_TOKENS)
        ]

        read, read_at = 0, -1
        with self.store.transaction():
            for i in reversed(breakpoints):
                entry = self.store.get("anthropic.cache", prefix_keys[i])
                if entry and entry["expires"] > now:
                    read, read_at = prefix_tokens[i], i
                    entry["expires"] = now + entry["ttl_seconds"]
                    self.store.put("anthropic.cache", prefix_keys[i], entry)
                    break
            written = {"5m": 0, "1h": 0}
            covered = read
            for i in breakpoints:
                if i <= read_at:
                    continue
                ttl = "1h" if (blocks[i].cache_control or {}).get("ttl") == "1h" else "5m"
                written[ttl] += prefix_tokens[i] - covered
                covered = prefix_tokens[i]
                seconds = self.CACHE_TTL_SECONDS[ttl]
                self.store.put(
                    "anthropic.cache",
                    prefix_keys[i],
                    {"tokens": prefix_tokens[i], "ttl_seconds": seconds, "expires": now + seconds},
                )
        creation = written["5m"] + written["1h"]
        return {
            "input_tokens": max(1, total - read - creation) if total else 1,
            "cache_creation_input_tokens": creation,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": written["5m"],
                "ephemeral_1h_input_tokens": written["1h"],
            },
        }


# --- request shape --------------------------------------------------------------------------------


def validate_message(body: Any, version: str, *, require_max_tokens: bool = True) -> str | None:
    """The API's complaint about a Messages request, or None when it is acceptable."""
    if not isinstance(body, dict):
        return "body: Input should be a valid object"
    allowed = (
        _MESSAGE_FIELDS if require_max_tokens else _MESSAGE_FIELDS - {"max_tokens", "stream", "metadata"}
    )
    for name in sorted(body):
        if name not in allowed:
            return f"{name}: Extra inputs are not permitted"
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "model: Field required"
    if model not in MODELS:
        return f"model: {model!r} is not a known model"
    if require_max_tokens:
        max_tokens = body.get("max_tokens")
        if max_tokens is None:
            return "max_tokens: Field required"
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            return "max_tokens: Input should be a valid integer"
        if max_tokens < 1:
            return "max_tokens: Input should be greater than or equal to 1"
    for name in _SAMPLING_FIELDS:
        if name not in body:
            continue
        if version in AnthropicSimulator.NO_SAMPLING_VERSIONS:
            return f"{name}: this parameter is not supported in anthropic-version {version}"
        value = body[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{name}: Input should be a valid number"
        if name == "temperature" and not 0 <= value <= 1:
            return "temperature: must be between 0 and 1"
    problem = _check_messages(body.get("messages"))
    if problem:
        return problem
    system = body.get("system")
    if (
        system is not None
        and not isinstance(system, str)
        and (
            not isinstance(system, list)
            or any(
                not isinstance(b, dict) or b.get("type") != "text" or not isinstance(b.get("text"), str)
                for b in system
            )
        )
    ):
        return "system: must be a string or a list of text blocks"
    tools = body.get("tools")
    names: list[str] = []
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Input should be a valid list"
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
                return f"tools.{i}.name: Field required"
            custom = tool.get("type") in (None, "custom")
            if custom and not isinstance(tool.get("input_schema"), dict):
                return f"tools.{i}.input_schema: Field required"
            names.append(tool["name"])
    choice = body.get("tool_choice")
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in ("auto", "any", "tool", "none"):
            return "tool_choice.type: must be one of 'auto', 'any', 'tool', 'none'"
        if choice["type"] == "tool" and choice.get("name") not in names:
            return f"tool_choice.name: no tool named {choice.get('name')!r} in tools"
        if choice["type"] == "any" and not names:
            return "tool_choice: 'any' needs at least one tool"
    for field in ("output_config", "output_format"):
        value = body.get(field)
        if value is None:
            continue
        fmt = value.get("format") if field == "output_config" and isinstance(value, dict) else value
        if field == "output_config" and not isinstance(value, dict):
            return "output_config: Input should be a valid object"
        if fmt is None:
            continue
        if (
            not isinstance(fmt, dict)
            or fmt.get("type") != "json_schema"
            or not isinstance(fmt.get("schema"), dict)
        ):
            return (
                f"{field}{'.format' if field == 'output_config' else ''}: expected {{'type': 'json_schema', "
                "'schema': {...}}"
            )
    metadata = body.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or set(metadata) - {"user_id"}):
        return "metadata: only user_id is allowed"
    cache_control = body.get("cache_control")
    if cache_control is not None and (
        not isinstance(cache_control, dict) or cache_control.get("type") != "ephemeral"
    ):
        return "cache_control.type: must be 'ephemeral'"
    return None


def _check_messages(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    previous = None
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            return f"messages.{i}: Input should be a valid object"
        role = message.get("role")
        if role not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        if role == previous:
            return f'messages.{i}: roles must alternate between "user" and "assistant"'
        previous = role
        content = message.get("content")
        if isinstance(content, str):
            if not content and i != len(messages) - 1:
                return f"messages.{i}.content: must not be empty"
        elif isinstance(content, list):
            if any(not isinstance(b, dict) or not isinstance(b.get("type"), str) for b in content):
                return f"messages.{i}.content: every block needs a type"
        else:
            return f"messages.{i}.content: Input should be a string or a list of content blocks"
    return None


class _Block:
    """One cacheable unit of the prompt (a tool, a system block, a message content block)."""

    __slots__ = ("cache_control", "key", "text", "tokens")

    def __init__(self, text: str, key: str, cache_control: dict[str, Any] | None) -> None:
        self.text = text
        self.key = key
        self.tokens = _tokens(text)
        self.cache_control = cache_control


def _prompt_blocks(body: dict[str, Any]) -> tuple[list[_Block], int]:
    """The prompt in cache-prefix order (tools -> system -> messages) and the tokens of the output schema,
    which count as input but sit outside the cacheable prefix."""

    def block(value: Any, text: str | None = None) -> _Block:
        bare = {k: v for k, v in value.items() if k != "cache_control"} if isinstance(value, dict) else value
        control = value.get("cache_control") if isinstance(value, dict) else None
        key = json.dumps(bare, sort_keys=True, default=str)
        return _Block(text if text is not None else key, key, control if isinstance(control, dict) else None)

    blocks = [block(tool) for tool in body.get("tools") or []]
    system = body.get("system")
    if isinstance(system, str):
        blocks.append(block({"type": "text", "text": system}, system))
    elif isinstance(system, list):
        blocks.extend(block(b, str(b.get("text") or "")) for b in system)
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            blocks.append(block({"role": message.get("role"), "text": content}, content))
            continue
        for part in content or []:
            text = part.get("text") if part.get("type") == "text" else None
            keyed = {"role": message.get("role"), **part}
            blocks.append(block(keyed, text if isinstance(text, str) else None))
    # Automatic caching: a top-level cache_control applies to the last cacheable block.
    if isinstance(body.get("cache_control"), dict) and blocks and not blocks[-1].cache_control:
        blocks[-1].cache_control = body["cache_control"]
    # A forced tool's schema is already counted with the tools; an output format's is counted here.
    fmt = (body.get("output_config") or {}).get("format") or body.get("output_format")
    schema = fmt.get("schema") if isinstance(fmt, dict) else None
    extra = _tokens(json.dumps(schema)) if isinstance(schema, dict) else 0
    return blocks, extra


def _requested_shape(body: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(JSON schema the answer must follow, name of the forced tool or None)."""
    choice = body.get("tool_choice") or {}
    tools = [t for t in body.get("tools") or [] if isinstance(t.get("input_schema"), dict)]
    if choice.get("type") in ("tool", "any") and tools:
        tool = next((t for t in tools if t["name"] == choice.get("name")), tools[0])
        return tool["input_schema"], tool["name"]
    config = body.get("output_config") or {}
    fmt = config.get("format") or body.get("output_format")
    if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
        return fmt["schema"], None
    return None, None


def _user_texts(messages: Iterable[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for message in messages:
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for part in content or []:
            if part.get("type") == "text":
                texts.append(str(part.get("text") or ""))
            elif part.get("type") == "tool_result":
                inner = part.get("content")
                texts.append(inner if isinstance(inner, str) else json.dumps(inner))
    return texts


#: Models the SDK (2.16, `anthropic._data.DEPRECATED_MODELS`) warns about, with their end of life.
RETIRING: dict[str, str] = {
    "claude-opus-4-5": "2027-01-22T00:00:00Z",
    "claude-opus-4-5-20251101": "2027-01-22T00:00:00Z",
}


def _model_info(model_id: str) -> dict[str, Any]:
    name, created = MODELS[model_id]
    retires = RETIRING.get(model_id)
    # `lifecycle` is required by the SDK's ModelInfo; the deprecation date itself is not published.
    return {
        "type": "model",
        "id": model_id,
        "display_name": name,
        "created_at": created,
        "lifecycle": "deprecated" if retires else "active",
        "deprecated_at": _PLACEHOLDER if retires else None,
        "retires_at": retires,
    }


def _uuid_from(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


# --- facts and the answers built from them --------------------------------------------------------

_KV_LINE = re.compile(r"^\s*(?:[-*\u2022]\s*)?([A-Za-z][A-Za-z0-9 _\-/]{0,40}?)\s*[:=]\s*(\S.*?)\s*$")

#: Field names that mean the same fact.
_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("first_name", "firstname", "given_name", "contact_first_name", "prospect_first_name", "lead_first_name"),
    ("last_name", "lastname", "family_name", "surname"),
    ("company", "company_name", "organization", "organisation", "account", "account_name", "business_name"),
    ("signal", "signals", "trigger", "intent_signal", "recent_signal", "event", "news", "signal_description"),
    ("pain_points", "pain_point", "pains", "challenges", "problems"),
    ("job_title", "title", "role", "position"),
    ("website", "domain", "company_domain", "url"),
    ("sender_name", "sender", "from_name", "signature"),
)


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def extract_facts(texts: Iterable[str]) -> dict[str, Any]:
    """Facts from the user's text: JSON objects anywhere in it (flattened) and `key: value` lines.
    Later messages win over earlier ones."""
    facts: dict[str, Any] = {}
    decoder = json.JSONDecoder()
    for text in texts:
        found: dict[str, Any] = {}
        i = 0
        while (start := text.find("{", i)) != -1:
            try:
                obj, end = decoder.raw_decode(text, start)
            except ValueError:
                i = start + 1
                continue
            if isinstance(obj, dict):
                _flatten(obj, found)
            i = end
        for line in text.splitlines():
            match = _KV_LINE.match(line)
            if match and not line.lstrip().startswith(("{", '"')):
                value = match.group(2).strip().strip("\"',")
                if value:
                    found.setdefault(_norm(match.group(1)), value)
        facts.update(found)
    if "first_name" not in facts:
        for key in ("name", "full_name", "contact_name", "prospect_name"):
            if isinstance(facts.get(key), str) and facts[key].strip():
                facts["first_name"] = facts[key].split()[0]
                break
    return facts


def _flatten(obj: dict[str, Any], into: dict[str, Any], prefix: str = "") -> None:
    for raw_key, value in obj.items():
        key = _norm(str(raw_key))
        if value is None or value == "" or not key:
            continue
        if isinstance(value, dict):
            _flatten(value, into, f"{key}_")
            _flatten(value, into)
        elif isinstance(value, list):
            scalars = [_scalar(v) for v in value if not isinstance(v, dict | list) and v is not None]
            if scalars:
                into.setdefault(prefix + key, scalars)
                into.setdefault(key, scalars)
            for item in value:
                if isinstance(item, dict):
                    _flatten(item, into, f"{key}_")
                    _flatten(item, into)
        else:
            into.setdefault(prefix + key, _scalar(value))
            into.setdefault(key, _scalar(value))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _humanize(key: str) -> str:
    return key.replace("_", " ")


def _stable(seed: str, salt: str, n: int) -> int:
    return int(hashlib.sha256(f"{seed}:{salt}".encode()).hexdigest()[:12], 16) % max(1, n)


def summarise(facts: Mapping[str, Any], prompt: str) -> str:
    """The plain-text answer: a short summary of the facts given."""
    if not facts:
        words = prompt.split()
        gist = " ".join(words[:30]) + (" ..." if len(words) > 30 else "")
        return f"I found no structured facts in the request. It reads: {gist}".strip()
    parts = [f"{_humanize(k)}: {_text(v)}" for k, v in list(facts.items())[:12]]
    return "Summary of the facts provided. " + "; ".join(parts) + "."


_FILLERS = (
    "There is nothing to prepare for a first conversation.",
    "I am happy to share what has worked for similar teams.",
    "A short reply is enough to find a time that suits you.",
    "If someone else on the team owns this topic, I would be grateful for a pointer.",
)


class SchemaFiller:
    """Builds a value that validates against a JSON schema, filling fields from the prompt's facts.

    Honours type, enum/const, anyOf/oneOf/allOf, $ref/$defs, required and additionalProperties, string
    minLength/maxLength, numeric minimum/maximum and array minItems/maxItems, including the copies of those
    keywords that the SDK's `transform_schema` moves into descriptions (`{maxLength: 80, minLength: 5}`).
    """

    def __init__(self, root: dict[str, Any], facts: Mapping[str, Any], seed: str) -> None:
        self.root = root
        self.facts = dict(facts)
        self.seed = seed
        # Property names from the root to the value being built: salts picks, and tells a follow-up's
        # `body` from a first email's.
        self.path: list[str] = []

    def fill(self) -> Any:
        return self.value(self.root, "", 0)

    def _salt(self, kind: str) -> str:
        return f"{kind}:{'/'.join(self.path)}"

    def _in_follow_up(self) -> bool:
        words = ("follow", "second", "bump", "reminder")
        # Later items of a list of emails (a sequence's steps) are follow-ups too.
        return any(w in part.lower() for part in self.path for w in words) or any(
            part.isdigit() and part != "0" for part in self.path
        )

    # --- schema walking ---------------------------------------------------------------------------

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 32:
            ref = str(schema["$ref"])
            node: Any = self.root
            for part in ref.lstrip("#/").split("/") if ref.startswith("#/") else []:
                node = node.get(part, {}) if isinstance(node, dict) else {}
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**(node if isinstance(node, dict) else {}), **rest}
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def value(self, schema: dict[str, Any], name: str, depth: int, index: int = 0) -> Any:
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.enum(schema["enum"], name)
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                resolved = [self.resolve(o) for o in options]
                usable = [o for o in resolved if o.get("type") != "null"] or resolved
                return self.value(usable[0], name, depth, index)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            merged.update({k: v for k, v in schema.items() if k != "allOf"})
            return self.value(merged, name, depth, index)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
        limits = _limits(schema)
        if kind == "object":
            if depth > 8:
                return {}
            props = schema.get("properties") or {}
            built: dict[str, Any] = {}
            for key, sub in props.items():
                self.path.append(key)
                try:
                    built[key] = self.value(sub, key, depth + 1)
                finally:
                    self.path.pop()
            return built
        if kind == "array":
            return self.array(schema, name, depth, limits)
        if kind == "integer":
            return int(self.number(name, limits, integer=True))
        if kind == "number":
            return self.number(name, limits, integer=False)
        if kind == "boolean":
            fact = self.fact(name)
            if fact is not None:
                return _text(fact).lower() in ("true", "yes", "1", "y")
            return _stable(self.seed, self._salt("bool"), 2) == 1
        if kind == "null":
            return None
        return self.string(name, schema, limits, index)

    # --- leaves ------------------------------------------------------------------------------------

    def enum(self, options: list[Any], name: str) -> Any:
        fact = self.fact(name)
        lowered = {str(o).lower(): o for o in options}
        if fact is not None and _text(fact).lower() in lowered:
            return lowered[_text(fact).lower()]
        for value in self.facts.values():
            if isinstance(value, str) and value.lower() in lowered and len(value) > 1:
                return lowered[value.lower()]
        return options[_stable(self.seed, self._salt("enum"), len(options))]

    def number(self, name: str, limits: dict[str, float], *, integer: bool) -> float:
        low = limits.get("minimum", limits.get("exclusiveMinimum", -math.inf))
        high = limits.get("maximum", limits.get("exclusiveMaximum", math.inf))
        if "exclusiveMinimum" in limits and "minimum" not in limits:
            low += 1 if integer else 1e-6
        if "exclusiveMaximum" in limits and "maximum" not in limits:
            high -= 1 if integer else 1e-6
        fact = self.fact(name)
        if fact is not None:
            try:
                value = float(_text(fact).replace(",", "").rstrip("%"))
                value = min(max(value, low), high)
                return round(value) if integer else value
            except ValueError:
                pass
        unit = any(w in name for w in ("probability", "confidence", "likelihood")) and not integer
        if math.isinf(low):
            low = 0.0
        if math.isinf(high):
            high = 1.0 if unit else low + 100
        if integer:
            low_i, high_i = math.ceil(low), math.floor(high)
            return low_i + _stable(self.seed, self._salt("num"), high_i - low_i + 1)
        return round(low + (high - low) * _stable(self.seed, self._salt("num"), 1000) / 999, 4)

    def array(self, schema: dict[str, Any], name: str, depth: int, limits: dict[str, float]) -> list[Any]:
        low = int(limits.get("minItems", 0))
        high = int(limits.get("maxItems", max(low, 3)))
        declared = schema.get("items")
        items: dict[str, Any] = declared if isinstance(declared, dict) else {}
        fact = self.fact(name)
        values: list[Any] = []
        if isinstance(fact, list) and self.resolve(items).get("type", "string") == "string":
            values = [str(v) for v in fact[:high]]
        while len(values) < max(low, min(1, high)):
            self.path.append(str(len(values)))
            try:
                values.append(self.value(items, _singular(name), depth + 1, len(values)))
            finally:
                self.path.pop()
        return values

    def string(self, name: str, schema: dict[str, Any], limits: dict[str, float], index: int) -> str:
        lowered = name.lower()
        fmt = str(schema.get("format") or limits.get("format") or "")
        if fmt == "email" or lowered in ("email", "email_address", "to", "recipient", "sender_email"):
            text = self.email_address()
        elif fmt == "date":
            text = "2026-01-01"
        elif fmt == "date-time":
            text = "2026-01-01T00:00:00Z"
        elif fmt == "uri":
            site = self.fact("website")
            text = site if isinstance(site, str) and site.startswith("http") else "https://example.com"
        elif fmt == "uuid":
            text = _uuid_from(f"{self.seed}:{name}:{index}")
        elif "subject" in lowered:
            text = self.subject(follow_up=self._in_follow_up(), max_length=limits.get("maxLength"))
        elif any(w in lowered for w in ("body", "email", "follow_up", "followup", "message")):
            text = self.prose(follow_up=self._in_follow_up())
        elif (fact := self.fact(name)) is not None:
            text = _text(fact) if not isinstance(fact, list) else str(fact[index % len(fact)])
        elif any(
            w in lowered for w in ("reason", "rationale", "explanation", "summary", "justification", "why")
        ):
            text = self.reason()
        else:
            text = self.generic(name, index)
        return _fit(text, int(limits.get("minLength", 0)), limits.get("maxLength"), self.reason())

    def fact(self, name: str) -> Any:
        key = _norm(name)
        if not key:
            return None
        if key in self.facts:
            return self.facts[key]
        for group in _SYNONYMS:
            if key in group:
                for other in group:
                    if other in self.facts:
                        return self.facts[other]
        return None

    def _get(self, key: str) -> str:
        value = self.fact(key)
        return _text(value).strip() if value is not None else ""

    def email_address(self) -> str:
        for value in self.facts.values():
            if isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
                return value
        return "contact@example.com"

    def subject(self, *, follow_up: bool, max_length: float | None = None) -> str:
        """A 4-8 word subject line from the facts (a follow-up answers the first email's thread)."""
        company, first = self._get("company"), self._get("first_name")
        signal = " ".join(self._get("signal").rstrip(".").split()[:3])
        options = []
        if company:
            options += [f"Quick question for {company}", f"A thought on {company} this quarter"]
            if signal:
                options.append(f"{company} and {signal}")
        if first:
            options.append(f"{first}, a quick question for you")
        options.append("A quick question about your priorities")
        prefix = "Re: " if follow_up else ""
        room = (max_length or math.inf) - len(prefix)
        fitting = [o for o in options if 4 <= len(o.split()) <= (7 if follow_up else 8) and len(o) <= room]
        fitting = fitting or [o for o in options if len(o) <= room] or options
        words = fitting[_stable(self.seed, "subject", len(fitting))].split()[: 7 if follow_up else 8]
        while len(words) < 4:
            words.append(("for", "you", "this", "week")[len(words) % 4])
        return prefix + " ".join(words)

    def prose(self, *, follow_up: bool) -> str:
        """70-140 words of plain business prose that mentions only the facts given."""
        first, company = self._get("first_name"), self._get("company")
        signal = self._get("signal").rstrip(".")
        pain_fact = self.fact("pain_points")
        pain_list = [str(p) for p in pain_fact] if isinstance(pain_fact, list) else []
        pains = _and(pain_list) if pain_list else self._get("pain_points").rstrip(".")
        sender = self._get("sender_name")
        greeting = f"Hi {first}," if first else "Hello,"
        sentences: list[str] = []
        if follow_up:
            sentences.append(
                f"I wanted to follow up on my earlier note{f' about {company}' if company else ''}."
            )
            if signal:
                sentences.append(f"With the recent news ({signal}), I imagine priorities are shifting.")
        elif signal and company:
            sentences.append(f"I noticed the recent news at {company}: {signal}.")
        elif company:
            sentences.append(f"I have been following {company} for a while.")
        elif signal:
            sentences.append(f"I noticed the recent news: {signal}.")
        if pains:
            sentences.append(
                f"Teams in a similar position often mention {pains}, so I thought it was worth writing."
            )
        sentences.append(
            "We help sales teams keep their pipeline data accurate and their outreach consistent, "
            "without adding manual work for the people involved."
        )
        sentences.append(
            "Would it be useful to compare notes in a short call next week?"
            if not follow_up
            else "Would a short call next week be useful, or is this better left for later?"
        )
        closing = "If the timing is not right, just let me know and I will not follow up."
        sign_off = f"Best regards,\n{sender}" if sender else "Best regards"
        fillers = list(_FILLERS)
        if company:
            fillers.append(f"Either way, I wish you and the team at {company} a good quarter.")
        start = _stable(self.seed, "filler", len(fillers))
        fillers = fillers[start:] + fillers[:start]

        def compose(parts: list[str]) -> str:
            return f"{greeting}\n\n" + " ".join(parts) + f" {closing}\n\n{sign_off}"

        body = list(sentences)
        while len(compose(body).split()) < 70 and fillers:
            body.insert(len(body) - 1, fillers.pop(0))
        while len(compose(body).split()) > 140 and len(body) > 2:
            body.pop(1)
        return compose(body)

    def reason(self) -> str:
        picked = [
            f"{_humanize(k)} {_text(v)}"
            for k, v in self.facts.items()
            if k in ("company", "signal", "tier", "label", "industry", "job_title", "pain_points")
        ][:4]
        if not picked:
            picked = [f"{_humanize(k)} {_text(v)}" for k, v in list(self.facts.items())[:3]]
        if not picked:
            return "No specific facts were provided."
        return "Based on the facts given: " + "; ".join(picked) + "."

    def generic(self, name: str, index: int) -> str:
        words = set(_norm(name).split("_")) - {"name", "id", "the", "of"}
        for key, value in self.facts.items():
            if words & set(key.split("_")):
                return _text(value) if not isinstance(value, list) else str(value[index % len(value)])
        # Nothing named like the field: short facts, a different one per list item.
        preferred = ("industry", "signal", "job_title", "company", "pain_points")
        short: list[str] = []
        for key in (*preferred, *self.facts):
            value = self.facts.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and 0 < len(item) <= 60 and item not in short:
                    short.append(item)
        if short:
            return short[index % len(short)]
        return _humanize(_norm(name)) or "value"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


_HINT = re.compile(r"\{([^{}]*)\}\s*$")


def _limits(schema: dict[str, Any]) -> dict[str, Any]:
    """Length, bound and count keywords, from the schema itself or from the `{key: value, ...}` hint the
    SDK's `transform_schema` appends to the description when it strips them."""
    found: dict[str, Any] = {}
    match = _HINT.search(str(schema.get("description") or ""))
    if match:
        for pair in match.group(1).split(","):
            key, _, raw = pair.partition(":")
            key, raw = key.strip(), raw.strip()
            try:
                found[key] = float(raw)
            except ValueError:
                found[key] = raw
    for key in (
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
    ):
        if isinstance(schema.get(key), int | float) and not isinstance(schema.get(key), bool):
            found[key] = float(schema[key])
    return {k: v for k, v in found.items() if k == "format" or isinstance(v, float)}


def _fit(text: str, min_length: int, max_length: float | None, padding: str) -> str:
    if len(text) < min_length:
        text = f"{text} {padding}".strip()
        while len(text) < min_length:
            text += " " + padding
    if max_length is not None and len(text) > max_length:
        limit = int(max_length)
        cut = text[:limit]
        # End at a clause if one ends late enough, else at a word; never mid-word unless there is no space.
        clause = max(cut.rfind("; "), cut.rfind(". "), cut.rfind(", "))
        space = cut.rfind(" ")
        if clause > limit // 3:
            text = cut[:clause].rstrip() + ("." if clause < limit else "")
        elif space > limit // 2:
            text = cut[:space].rstrip(" ,;:-")
        else:
            text = cut
        if len(text) < min_length or len(text) > limit:
            text = cut
    return text
