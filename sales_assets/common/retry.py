"""How steps that call a vendor run: their retry policy, and the vendor pools they claim.

What belongs here: execution settings the stages' vendor steps share. The HTTP policy already retries each
call (resources/http.py); a step retry covers what outlasts it (a 5xx storm, a timeout streak) by running
the step again later, which is safe because every paid result is cached and every write is idempotent.
Pools are named after vendors; the instance's `concurrency.pools.default_limit` (1) lets one step per
vendor run at a time across all runs, so parallel runs together stay under each vendor's rate limit.
"""

from __future__ import annotations

import dagster as dg

VENDOR_STEP_RETRY = dg.RetryPolicy(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
