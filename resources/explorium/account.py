"""The Explorium account: its credits, and what it was charged between two moments.

What belongs here: `GET /credits` and `POST /credits/aggregation`, and the `Billed` the spend ledger
reconciles against.
"""

from __future__ import annotations

from datetime import UTC, datetime

from resources.billing import Billed
from resources.explorium.base_client import ExploriumBaseClient
from resources.explorium.models import CreditAggregation, Credits


class AccountAPI(ExploriumBaseClient):
    """Credits left and credits charged."""

    def credits(self) -> Credits:
        """`GET /credits`: allocated and remaining credits of the account."""
        response = self.request("GET", "/credits", endpoint="GET /credits")
        return Credits.model_validate(response.json())

    def credit_aggregation(
        self, start: datetime, end: datetime, *, mode: str = "endpoints"
    ) -> CreditAggregation:
        """`POST /credits/aggregation`: credits charged between `start` and `end` (at most 7 days apart at
        hourly resolution, which is what is asked for)."""
        body = {
            "from_date": _utc_iso(start),
            "to_date": _utc_iso(end),
            "mode": mode,
            "resolution": "hour",
            "timezone": "UTC",
        }
        response = self.request(
            "POST", "/credits/aggregation", endpoint="POST /credits/aggregation", json=body
        )
        return CreditAggregation.model_validate(response.json())

    def billed_between(self, start: datetime, end: datetime) -> Billed:
        """Credits the account was charged between two moments, by Explorium's own account (for
        `SpendLedger.reconcile`)."""
        return Billed({"credits": float(self.credit_aggregation(start, end).total_credits)})

    @property
    def unanswered_attempts(self) -> int:
        """Attempts this client sent that got no answer (Explorium may have billed them)."""
        return self.stats.total_unanswered


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
