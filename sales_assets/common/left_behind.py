"""Records a vendor refused or a run could not finish, shown instead of passing green.

What belongs here: `left_behind_check`, one asset check per write-side asset that lists the rows the run left
behind (a contact HubSpot refused, a lead lemlist did not take, a reply whose task failed). Any such row makes
the check fail with WARN severity and the rows in its metadata; when they are more than `max_share` of the
partition's rows (default 5 %, `SALES_MAX_LEFT_BEHIND_SHARE`) the check fails with ERROR severity, and being
blocking it stops what follows in that run. The next run tries those rows again (each stage keeps what it
has done in the store, so it retries only what is left). Which rows count as left behind is the stage's
business: it passes the predicate.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from resources.errors import ConfigurationError
from sales_assets.common.metadata import markdown_table

MAX_SHARE_VARIABLE = "SALES_MAX_LEFT_BEHIND_SHARE"
DEFAULT_MAX_SHARE = 0.05


@dataclass(frozen=True)
class FailurePolicy:
    """How much a write-side run may leave behind before its check stops what follows: above
    `max_left_behind_share` of a partition's rows left behind (refused by a vendor, or not finished), the
    blocking check fails with ERROR. Read from `SALES_MAX_LEFT_BEHIND_SHARE` when a check runs (and when the
    code location loads, so a malformed value stops the load), not a resource: every check of every stage
    uses it, including in definitions tests build with their own resources."""

    max_left_behind_share: float = DEFAULT_MAX_SHARE


def failure_policy_from_env(environ: Mapping[str, str] | None = None) -> FailurePolicy:
    env = os.environ if environ is None else environ
    raw = (env.get(MAX_SHARE_VARIABLE) or "").strip()
    if not raw:
        return FailurePolicy()
    try:
        share = float(raw)
    except ValueError as exc:
        raise ConfigurationError(
            f"{MAX_SHARE_VARIABLE} must be a share between 0 and 1, not {raw!r}"
        ) from exc
    if not math.isfinite(share) or not 0.0 <= share <= 1.0:
        raise ConfigurationError(f"{MAX_SHARE_VARIABLE} must be a share between 0 and 1, not {raw!r}")
    return FailurePolicy(max_left_behind_share=share)


def left_behind_check(
    asset_name: str,
    *,
    left_behind: Callable[[pd.DataFrame], pd.Series],
    columns: Sequence[str],
    what: str,
    partitions_def: dg.PartitionsDefinition | None,
) -> dg.AssetChecksDefinition:
    """A blocking check on `asset_name`: WARN with the rows `left_behind` selects, ERROR above the policy's
    share. `columns` are shown in the metadata's table; `what` names the rows in the description."""

    @dg.asset_check(
        asset=asset_name,
        name="nothing_left_behind",
        blocking=True,
        partitions_def=partitions_def,
        description=f"No {what} left behind by this run: any is a warning with the rows; more than the "
        f"policy's share ({MAX_SHARE_VARIABLE}, default {DEFAULT_MAX_SHARE:.0%}) fails and stops what "
        "follows. The next run tries them again.",
    )
    def _check(frame: pd.DataFrame) -> dg.AssetCheckResult:
        failure_policy = failure_policy_from_env()
        mask = left_behind(frame) if len(frame) else pd.Series([], dtype=bool)
        left = frame[mask.astype(bool)] if len(frame) else frame
        share = len(left) / len(frame) if len(frame) else 0.0
        over = share > failure_policy.max_left_behind_share
        shown = [c for c in columns if c in left.columns]
        return dg.AssetCheckResult(
            passed=left.empty,
            severity=dg.AssetCheckSeverity.ERROR if over else dg.AssetCheckSeverity.WARN,
            description=None
            if left.empty
            else f"{len(left)} of {len(frame)} {what} left behind ({share:.1%}); the next run retries them",
            metadata={
                "left_behind": len(left),
                "rows": len(frame),
                "left_behind_share": round(share, 4),
                "max_share": failure_policy.max_left_behind_share,
                "left_behind_preview": dg.MetadataValue.md(markdown_table(left, columns=shown)),
            },
        )

    return _check
