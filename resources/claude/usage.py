"""What Anthropic billed: the organization's usage report, read with the Admin (or analytics) key.

What belongs here: `GET /v1/organizations/analytics/usage` summed into a `Billed` for `SpendLedger.reconcile`,
and the count of attempts that got no answer (which Anthropic may have billed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from resources.billing import Billed
from resources.claude.base_client import ClaudeBaseClient
from resources.errors import ConfigurationError

USAGE_ENDPOINT = "GET /v1/organizations/analytics/usage"


class UsageAPI(ClaudeBaseClient):
    """The organization's billed tokens between two moments."""

    @property
    def can_read_usage(self) -> bool:
        """Whether this client has a key for the organization's usage report."""
        return self._admin is not None

    @property
    def unanswered_attempts(self) -> int:
        """Attempts this client sent that got no answer (Anthropic may have taken and billed them)."""
        return self.stats.total_unanswered

    def billed_between(self, start: datetime, end: datetime) -> Billed:
        """Input tokens (uncached, cache writes and reads) and output tokens the organization was billed
        between `start` and `end`, by Anthropic's usage report
        (`GET /v1/organizations/analytics/usage`, hourly buckets, every page), and how far the report is
        complete (`data_refreshed_at`). For `SpendLedger.reconcile`."""
        admin = self._admin
        if admin is None:
            raise ConfigurationError(
                "reading what Anthropic billed needs ANTHROPIC_ADMIN_API_KEY (an Admin or read:analytics key)"
            )
        tokens_in = tokens_out = 0
        refreshed: datetime | None = None
        # The report spans at most 31 days a request.
        for lo, hi in _windows(start, end, timedelta(days=31)):

            def read(lo: datetime = lo, hi: datetime = hi) -> Any:
                return admin.beta.organization.analytics.usage.list(
                    starting_at=lo, ending_at=hi, time_bucket_width="1h", limit=1000
                )

            page = self._call(USAGE_ENDPOINT, read)
            if page.data_refreshed_at is not None:
                moment = page.data_refreshed_at
                refreshed = moment if refreshed is None else min(refreshed, moment)
            while True:
                for row in page.data:
                    usage = row.usage
                    tokens_in += (
                        usage.uncached_input_tokens
                        + usage.cache_creation.ephemeral_1h_input_tokens
                        + usage.cache_creation.ephemeral_5m_input_tokens
                        + usage.cache_read_input_tokens
                    )
                    tokens_out += usage.output_tokens
                if not page.has_next_page():
                    break
                page = self._call(USAGE_ENDPOINT, page.get_next_page)
        return Billed({"tokens_in": tokens_in, "tokens_out": tokens_out}, through=refreshed)


def _windows(start: datetime, end: datetime, span: timedelta) -> list[tuple[datetime, datetime]]:
    out = []
    while start < end:
        out.append((start, min(end, start + span)))
        start += span
    return out
