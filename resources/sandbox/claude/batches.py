"""Anthropic's Message Batches: create, list, read, cancel and delete batches and read their results
(POST|GET /v1/messages/batches, GET|DELETE /v1/messages/batches/{id}, POST .../{id}/cancel,
GET .../{id}/results). Batches are kept in the store and end after a fixed stretch of sandbox time.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.claude.answers import AnthropicAnswers
from resources.sandbox.claude.common import b58, rfc3339
from resources.sandbox.claude.validation import validate_message


class BatchRoutes(AnthropicAnswers):
    """Message Batches; their tokens reach the usage ledger once, when a batch is first seen ended."""

    #: Sandbox seconds a batch stays `in_progress` (real batches mostly finish within an hour).
    BATCH_PROCESSING_SECONDS: ClassVar[float] = 30.0
    BATCH_EXPIRY_SECONDS: ClassVar[float] = 24 * 3600.0
    #: CONFLICT in the reference (the API reference page says 10,000, the guide 100,000): we accept 100,000.
    MAX_BATCH_REQUESTS: ClassVar[int] = 100_000

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
        batch_id = "msgbatch_" + b58(f"{self.store.seed}:batch:{self.store.next_id('anthropic.seq.batch')}")
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
            "created_at": rfc3339(record["created"]),
            "expires_at": rfc3339(record["created"] + self.BATCH_EXPIRY_SECONDS),
            "ended_at": rfc3339(record["ends"]) if ended else None,
            "cancel_initiated_at": rfc3339(record["cancel_initiated"])
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
