"""What a vendor says it billed: the shape vendor clients answer in and the spend ledger reconciles from.

What belongs here: `Billed` only. The clients that read a vendor's own account (Explorium's credit
aggregation, Anthropic's usage report) return it; `SpendLedger.reconcile` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Billed:
    """What a vendor's own account says it billed over a window, per measure (`credits`, `tokens_in`,
    `tokens_out`), and how far its report is complete (`through`; None: up to the end asked for)."""

    amounts: dict[str, float]
    through: datetime | None = None
