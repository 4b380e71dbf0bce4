"""Anthropic's organization usage analytics: GET /v1/organizations/analytics/usage, token usage per time
bucket from the sandbox's billing log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from resources.sandbox.app import SimRequest, SimResponse, json_response, route
from resources.sandbox.claude.base import AnthropicBase
from resources.sandbox.claude.common import rfc3339


def _parse_time(value: str | None) -> datetime:
    if not value:
        raise ValueError("starting_at: required")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r}: an RFC 3339 time with its offset is required")
    return moment.astimezone(UTC)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


class AnalyticsRoutes(AnthropicBase):
    """The Usage and Cost Analytics API's usage report."""

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
                "starting_at": rfc3339(bucket.timestamp()),
                "ending_at": rfc3339((bucket + (self.BUCKETS[width] if width else end - start)).timestamp()),
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
                "data_refreshed_at": rfc3339(now.timestamp()),
            }
        )
